// HsmService over D-Bus with the proxies generated from lib/dbus/*.xml. One connection per
// lunash session: the HSM SO login hsmd grants lives exactly as long as it.
#include "hsm_service.h"
#include "audit_service.h"

#include "hsm_proxy.h"
#include "partitions_proxy.h"

#include "luna/errors.h"

#include <sdbus-c++/sdbus-c++.h>

#include <map>

namespace lunash {

std::unique_ptr<AuditService> connectAudit(sdbus::IConnection& conn);   // audit_dbus.cpp

namespace {

constexpr const char* kBusName = "com.safenet.Luna.Hsm";
constexpr const char* kObject = "/com/safenet/Luna/Hsm";

class HsmProxy final : public sdbus::ProxyInterfaces<com::safenet::Luna::Hsm_proxy> {
public:
    explicit HsmProxy(sdbus::IConnection& c) : ProxyInterfaces(c, kBusName, kObject) { registerProxy(); }
    ~HsmProxy() { unregisterProxy(); }
    sdbus::IProxy& raw() { return getProxy(); }
};

class PartitionsProxy final : public sdbus::ProxyInterfaces<com::safenet::Luna::Partitions_proxy> {
public:
    explicit PartitionsProxy(sdbus::IConnection& c) : ProxyInterfaces(c, kBusName, kObject) { registerProxy(); }
    ~PartitionsProxy() { unregisterProxy(); }
};

// A refusal hsmd names keeps its CKR; anything else (no hsmd on the bus, bus refused the
// call) means the HSM is not reachable.
[[noreturn]] void rethrow(const sdbus::Error& e) {
    if (auto code = luna::codeFromDbusErrorName(e.getName())) throw luna::Error(*code, e.getMessage());
    throw luna::Error(luna::rc::TOKEN_NOT_PRESENT, e.getName() + ": " + e.getMessage());
}

template <class Fn>
auto call(Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const sdbus::Error& e) {
        rethrow(e);
    }
}

template <class T>
T value(const std::map<std::string, sdbus::Variant>& m, const std::string& key) {
    auto it = m.find(key);
    if (it == m.end()) return T{};
    return it->second.get<T>();
}

class DbusHsm final : public HsmService {
public:
    DbusHsm()
        : conn_(call([] { return sdbus::createSystemBusConnection(); })), hsm_(*conn_), parts_(*conn_) {}

    HsmProperties properties() override {
        std::map<std::string, sdbus::Variant> m;
        call([&] {
            hsm_.raw()
                .callMethod("GetAll")
                .onInterface("org.freedesktop.DBus.Properties")
                .withArguments(std::string(com::safenet::Luna::Hsm_proxy::INTERFACE_NAME))
                .storeResultsTo(m);
        });
        HsmProperties p;
        p.status = value<std::string>(m, "Status");
        p.label = value<std::string>(m, "Label");
        p.serial = value<std::string>(m, "SerialNumber");
        p.model = value<std::string>(m, "Model");
        p.partNumber = value<std::string>(m, "PartNumber");
        p.firmware = value<std::string>(m, "FirmwareVersion");
        p.authMethod = value<std::string>(m, "AuthenticationMethod");
        p.tamperState = value<std::string>(m, "TamperState");
        p.initialized = value<bool>(m, "Initialized");
        p.manuallyZeroized = value<bool>(m, "ManuallyZeroized");
        p.transportMode = value<bool>(m, "SecureTransportMode");
        p.auditRoleInitialized = value<bool>(m, "AuditRoleInitialized");
        p.rpvInitialized = value<bool>(m, "RpvInitialized");
        p.fipsMode = value<bool>(m, "FipsMode");
        p.simulated = value<bool>(m, "Simulated");
        p.soLoginAttemptsLeft = value<std::uint32_t>(m, "SoLoginAttemptsLeft");
        p.maxPartitions = value<std::uint32_t>(m, "MaxPartitions");
        p.licensedPartitions = value<std::uint32_t>(m, "LicensedPartitions");
        p.partitionCount = value<std::uint32_t>(m, "PartitionCount");
        p.storageTotal = value<std::uint64_t>(m, "StorageTotal");
        p.storageUsed = value<std::uint64_t>(m, "StorageUsed");
        p.storageFree = value<std::uint64_t>(m, "StorageFree");
        return p;
    }

    bool init(const std::string& label, const std::string& pw, const std::string& domain) override {
        return call([&] { return hsm_.Init(label, pw, domain); });
    }
    bool initFromTemplate(const std::string& label, const std::string& pw, const std::string& domain,
                          const std::string& policyTemplate) override {
        return call([&] { return hsm_.InitFromTemplate(label, pw, domain, policyTemplate); });
    }
    void login(const std::string& pw) override { call([&] { hsm_.Login(pw); }); }
    void logout() override { call([&] { hsm_.Logout(); }); }
    bool loggedIn() override { return call([&] { return hsm_.GetLoginState(); }); }
    void changePassword(const std::string& o, const std::string& n) override {
        call([&] { hsm_.ChangePassword(o, n); });
    }
    void zeroize() override { call([&] { hsm_.Zeroize(); }); }
    void factoryReset() override { call([&] { hsm_.FactoryReset(); }); }

    std::vector<HsmPolicy> policies() override {
        auto rows = call([&] { return hsm_.GetPolicies(); });
        std::vector<HsmPolicy> out;
        for (const auto& r : rows)
            out.push_back({r.get<0>(), r.get<1>(), r.get<2>(), r.get<3>(), r.get<4>(), r.get<5>()});
        return out;
    }
    bool changePolicy(std::uint32_t id, std::uint32_t v) override {
        return call([&] { return hsm_.ChangePolicy(id, v); });
    }
    std::string exportPolicyTemplate() override { return call([&] { return hsm_.ExportPolicyTemplate(); }); }

    std::string createPartition(const std::string& name, std::uint64_t size, bool all) override {
        return call([&] { return parts_.Create(name, size, all); });
    }
    void deletePartition(const std::string& p) override { call([&] { parts_.Delete(p); }); }
    void resizePartition(const std::string& p, std::uint64_t size, bool all) override {
        call([&] { parts_.Resize(p, size, all); });
    }
    void renamePartition(const std::string& p, const std::string& n) override { call([&] { parts_.Rename(p, n); }); }

    std::vector<PartitionSummary> listPartitions() override {
        auto rows = call([&] { return parts_.List(); });
        std::vector<PartitionSummary> out;
        for (const auto& r : rows)
            out.push_back({r.get<0>(), r.get<1>(), r.get<2>(), r.get<3>(), r.get<4>(), r.get<5>()});
        return out;
    }

    PartitionDetails showPartition(const std::string& partition) override {
        auto m = call([&] { return parts_.Show(partition); });
        return call([&] {
            PartitionDetails d;
            d.serial = value<std::string>(m, "Serial");
            d.name = value<std::string>(m, "Name");
            d.label = value<std::string>(m, "Label");
            d.initialized = value<bool>(m, "Initialized");
            d.coInitialized = value<bool>(m, "CryptoOfficerInitialized");
            d.cuInitialized = value<bool>(m, "CryptoUserInitialized");
            d.coLocked = value<bool>(m, "CryptoOfficerLocked");
            d.cuLocked = value<bool>(m, "CryptoUserLocked");
            d.psoAttemptsLeft = value<std::uint32_t>(m, "PartitionSoLoginAttemptsLeft");
            d.coAttemptsLeft = value<std::uint32_t>(m, "CryptoOfficerLoginAttemptsLeft");
            d.cuAttemptsLeft = value<std::uint32_t>(m, "CryptoUserLoginAttemptsLeft");
            d.objects = value<std::uint32_t>(m, "ObjectCount");
            d.total = value<std::uint64_t>(m, "TotalBytes");
            d.used = value<std::uint64_t>(m, "UsedBytes");
            d.free = value<std::uint64_t>(m, "FreeBytes");
            return d;
        });
    }

    AuditService& audit() override {
        if (!audit_) audit_ = connectAudit(*conn_);
        return *audit_;
    }

private:
    std::unique_ptr<sdbus::IConnection> conn_;
    HsmProxy hsm_;
    PartitionsProxy parts_;
    std::unique_ptr<AuditService> audit_;
};

} // namespace

std::unique_ptr<HsmService> connectHsm() { return std::make_unique<DbusHsm>(); }

} // namespace lunash
