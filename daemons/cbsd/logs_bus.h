// cbsd's D-Bus face at /com/safenet/Luna/AuditLogs: com.safenet.Luna.AuditLogs (XML in
// lib/dbus/). Only the appliance role audit may list, read, clear or rotate the log files, or
// change the RELP remote hosts
// (seed ch.1: the admin cannot clear them); the role comes from the caller's uid.
#pragma once

#include "recorder.h"
#include "remote_hosts.h"

#include "luna/appliance_roles.h"

#include "auditlogs_adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

namespace luna::cbsd {

inline constexpr const char* kLogsObjectPath = "/com/safenet/Luna/AuditLogs";

class LogsBus final : public sdbus::AdaptorInterfaces<com::safenet::Luna::AuditLogs_adaptor> {
public:
    LogsBus(sdbus::IConnection& conn, Recorder& recorder, RemoteHosts& remotes, RoleMap& roles);
    ~LogsBus();

private:
    void authorize();
    std::tuple<std::string, std::vector<sdbus::Struct<std::string, bool, uint64_t, int64_t>>> List() override;
    std::vector<uint8_t> Read(const std::string& name) override;
    void Clear() override;
    void Rotate() override;
    std::vector<sdbus::Struct<std::string, uint16_t, std::string, uint64_t, uint64_t, std::string>> ListRemoteHosts() override;
    void AddRemoteHost(const std::string& host, const uint16_t& port) override;
    void DeleteRemoteHost(const std::string& host) override;
    void ClearRemoteHosts() override;

    Recorder& recorder_;
    RemoteHosts& remotes_;
    RoleMap& roles_;
};

} // namespace luna::cbsd
