// AuditService over D-Bus with the proxies generated from lib/dbus/com.safenet.Luna.Audit.xml
// (hsmd) and com.safenet.Luna.AuditLogs.xml (cbsd), on the connection the session's
// HsmService made (hsm_dbus.cpp).
#include "audit_service.h"

#include "audit_proxy.h"
#include "auditlogs_proxy.h"

#include "luna/errors.h"

#include <sdbus-c++/sdbus-c++.h>

#include <map>
#include <memory>

namespace lunash {
namespace {

constexpr const char* kHsmBusName = "com.safenet.Luna.Hsm";
constexpr const char* kAuditObject = "/com/safenet/Luna/Audit";
constexpr const char* kCbsBusName = "com.safenet.Luna.Cbs";
constexpr const char* kLogsObject = "/com/safenet/Luna/AuditLogs";

class AuditProxy final : public sdbus::ProxyInterfaces<com::safenet::Luna::Audit_proxy> {
public:
    explicit AuditProxy(sdbus::IConnection& c) : ProxyInterfaces(c, kHsmBusName, kAuditObject) { registerProxy(); }
    ~AuditProxy() { unregisterProxy(); }

private:
    void onRecordsAvailable(const uint64_t&) override {}
};

class LogsProxy final : public sdbus::ProxyInterfaces<com::safenet::Luna::AuditLogs_proxy> {
public:
    explicit LogsProxy(sdbus::IConnection& c) : ProxyInterfaces(c, kCbsBusName, kLogsObject) { registerProxy(); }
    ~LogsProxy() { unregisterProxy(); }
};

// A refusal keeps its CKR; a daemon that is not there: hsmd means no HSM, cbsd no log files.
template <class Fn>
auto call(std::uint32_t unreachable, Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const sdbus::Error& e) {
        if (auto code = luna::codeFromDbusErrorName(e.getName())) throw luna::Error(*code, e.getMessage());
        throw luna::Error(unreachable, e.getName() + ": " + e.getMessage());
    }
}
constexpr std::uint32_t kNoHsm = luna::rc::TOKEN_NOT_PRESENT;
constexpr std::uint32_t kNoLogs = 0x80000032;   // CKR_LOG_FILE_NOT_OPEN: cbsd is not running

template <class T>
T value(const std::map<std::string, sdbus::Variant>& m, const std::string& key) {
    auto it = m.find(key);
    if (it == m.end() || !it->second.containsValueOfType<T>()) return T{};
    return it->second.get<T>();
}

class DbusAudit final : public AuditService {
public:
    explicit DbusAudit(sdbus::IConnection& c) : audit_(c), logs_(c) {}

    void init(const std::string& pw, const std::string& domain) override {
        call(kNoHsm, [&] { audit_.Init(pw, domain); });
    }
    void login(const std::string& pw) override { call(kNoHsm, [&] { audit_.Login(pw); }); }
    void logout() override { call(kNoHsm, [&] { audit_.Logout(); }); }
    void changePassword(const std::string& o, const std::string& n) override {
        call(kNoHsm, [&] { audit_.ChangePassword(o, n); });
    }
    AuditStatus status() override {
        auto m = call(kNoHsm, [&] { return audit_.Show(); });
        AuditStatus s;
        s.serial = value<std::string>(m, "Serial");
        s.roleInitialized = value<bool>(m, "RoleInitialized");
        s.loggedIn = value<bool>(m, "LoggedIn");
        s.daemonSeen = value<bool>(m, "DaemonSeen");
        s.configured = value<bool>(m, "Configured");
        s.foreignSecret = value<bool>(m, "ForeignSecret");
        s.eventMask = value<std::uint32_t>(m, "EventMask");
        s.rotation = value<std::string>(m, "Rotation");
        s.stored = value<std::uint64_t>(m, "StoredRecords");
        s.newest = value<std::uint64_t>(m, "NewestSequence");
        s.capacity = value<std::uint64_t>(m, "Capacity");
        s.hsmTime = value<std::int64_t>(m, "HsmTime");
        return s;
    }
    void setConfig(std::optional<std::uint32_t> mask, const std::string& rotation) override {
        call(kNoHsm, [&] { audit_.SetConfig(mask.value_or(0), !mask.has_value(), rotation); });
    }
    void sync(std::int64_t t) override { call(kNoHsm, [&] { audit_.Sync(t); }); }
    std::pair<std::string, std::vector<std::uint8_t>> exportSecret() override {
        auto [name, blob] = call(kNoHsm, [&] { return audit_.ExportSecret(); });
        return {name, blob};
    }
    void importSecret(const std::vector<std::uint8_t>& blob, const std::string& src, const std::string& tgt) override {
        call(kNoHsm, [&] { audit_.ImportSecret(blob, src, tgt); });
    }
    AuditVerifyResult verify(const std::vector<std::string>& records, const std::string& successor,
                             bool external) override {
        auto [first, last, count, tail, problems] =
            call(kNoHsm, [&] { return audit_.Verify(records, successor, external); });
        AuditVerifyResult r{first, last, count, tail, {}};
        for (const auto& p : problems) r.problems.push_back({p.get<0>(), p.get<1>(), p.get<2>(), p.get<3>()});
        return r;
    }

    std::pair<std::string, std::vector<AuditLogFile>> listLogs() override {
        auto [serial, rows] = call(kNoLogs, [&] { return logs_.List(); });
        std::vector<AuditLogFile> files;
        for (const auto& r : rows) files.push_back({r.get<0>(), r.get<1>(), r.get<2>(), r.get<3>()});
        return {serial, files};
    }
    std::string readLog(const std::string& name) override {
        auto bytes = call(kNoLogs, [&] { return logs_.Read(name); });
        return std::string(bytes.begin(), bytes.end());
    }
    void clearLogs() override { call(kNoLogs, [&] { logs_.Clear(); }); }
    std::vector<AuditRelpHost> relpHosts() override {
        std::vector<AuditRelpHost> out;
        for (const auto& r : call(kNoLogs, [&] { return logs_.ListRemoteHosts(); }))
            out.push_back({r.get<0>(), r.get<1>(), r.get<2>(), r.get<3>(), r.get<4>(), r.get<5>()});
        return out;
    }
    void addRelpHost(const std::string& host, std::uint16_t port) override {
        call(kNoLogs, [&] { logs_.AddRemoteHost(host, port); });
    }
    void deleteRelpHost(const std::string& host) override { call(kNoLogs, [&] { logs_.DeleteRemoteHost(host); }); }
    void clearRelpHosts() override { call(kNoLogs, [&] { logs_.ClearRemoteHosts(); }); }

private:
    AuditProxy audit_;
    LogsProxy logs_;
};

} // namespace

std::unique_ptr<AuditService> connectAudit(sdbus::IConnection& conn) { return std::make_unique<DbusAudit>(conn); }

} // namespace lunash
