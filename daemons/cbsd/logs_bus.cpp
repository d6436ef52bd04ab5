#include "logs_bus.h"

#include "luna/errors.h"

#include <syslog.h>

namespace luna::cbsd {
namespace {

template <class Fn>
auto translate(Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const luna::Error& e) {
        throw sdbus::Error(dbusErrorName(e.code()), e.what());
    } catch (const sdbus::Error&) {
        throw;
    } catch (const std::invalid_argument& e) {
        throw sdbus::Error(dbusErrorName(rc::ARGUMENTS_BAD), e.what());
    } catch (const std::exception& e) {
        ::syslog(LOG_ERR, "audit log files: %s", e.what());
        throw sdbus::Error(dbusErrorName(0x80000033 /* CKR_LOG_FILE_WRITE_ERROR */), e.what());
    }
}

} // namespace

LogsBus::LogsBus(sdbus::IConnection& conn, Recorder& recorder, RemoteHosts& remotes, RoleMap& roles)
    : AdaptorInterfaces(conn, kLogsObjectPath), recorder_(recorder), remotes_(remotes), roles_(roles) {
    registerAdaptor();
}

LogsBus::~LogsBus() { unregisterAdaptor(); }

void LogsBus::authorize() {
    const auto* msg = getObject().getCurrentlyProcessedMessage();
    if (!msg) throw sdbus::Error(dbusErrorName(rc::ACCESS_DENIED), "no caller");
    const uid_t uid = msg->getCredsEuid();
    auto role = roles_.roleOf(uid);
    if (!role || *role != AppRole::Audit) {
        ::syslog(LOG_NOTICE, "refused AuditLogs.%s from uid %u (%s)", msg->getMemberName().c_str(),
                 static_cast<unsigned>(uid), role ? std::string(appRoleName(*role)).c_str() : "no appliance role");
        throw sdbus::Error(dbusErrorName(rc::ACCESS_DENIED), "Only the audit role works with the audit log files");
    }
}

std::tuple<std::string, std::vector<sdbus::Struct<std::string, bool, uint64_t, int64_t>>> LogsBus::List() {
    authorize();
    return translate([&] {
        std::vector<sdbus::Struct<std::string, bool, uint64_t, int64_t>> rows;
        for (const auto& f : recorder_.list())
            rows.emplace_back(f.name, f.inProgress, static_cast<uint64_t>(f.size), static_cast<int64_t>(f.mtime));
        return std::make_tuple(recorder_.serial(), std::move(rows));
    });
}

std::vector<uint8_t> LogsBus::Read(const std::string& name) {
    authorize();
    return translate([&] {
        auto content = recorder_.read(name);
        return std::vector<uint8_t>(content.begin(), content.end());
    });
}

void LogsBus::Clear() {
    authorize();
    translate([&] { recorder_.clear(); });
    ::syslog(LOG_NOTICE, "audit log files cleared");
}

void LogsBus::Rotate() {
    authorize();
    translate([&] { recorder_.rotate(); });
}

std::vector<sdbus::Struct<std::string, uint16_t, std::string, uint64_t, uint64_t, std::string>> LogsBus::ListRemoteHosts() {
    authorize();
    return translate([&] {
        std::vector<sdbus::Struct<std::string, uint16_t, std::string, uint64_t, uint64_t, std::string>> rows;
        for (const auto& r : remotes_.list())
            rows.emplace_back(r.host, r.port, r.status.state, r.status.acknowledged, r.status.behind, r.status.error);
        return rows;
    });
}

void LogsBus::AddRemoteHost(const std::string& host, const uint16_t& port) {
    authorize();
    translate([&] { remotes_.add(host, port); });
}

void LogsBus::DeleteRemoteHost(const std::string& host) {
    authorize();
    translate([&] { remotes_.remove(host); });
}

void LogsBus::ClearRemoteHosts() {
    authorize();
    translate([&] { remotes_.clear(); });
    ::syslog(LOG_NOTICE, "audit RELP remote hosts cleared");
}

} // namespace luna::cbsd
