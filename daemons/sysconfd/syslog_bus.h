// com.safenet.Luna.Syslog on sysconfd's object: LunaSH `syslog ...` (XML in lib/dbus/).
// Thin: every method is gate.serve(request row) around one SyslogManager call.
#pragma once

#include "gatekeeper.h"

#include "sysconf/syslog_manager.h"

#include "syslog_adaptor.h"

#include <functional>

namespace luna::sysconfd {

class SyslogBus final : public sdbus::AdaptorInterfaces<com::safenet::Luna::Syslog_adaptor> {
public:
    // `formatTime`: an mtime as `syslog show -files` prints it, in the appliance's zone.
    SyslogBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate, sysconf::SyslogManager& syslog,
              std::function<std::string(std::int64_t)> formatTime);
    ~SyslogBus();

private:
    std::vector<sdbus::Struct<std::string, uint16_t, std::string>> ListRemoteHosts() override;
    void AddRemoteHost(const std::string& host, const uint16_t& port, const std::string& protocol) override;
    void DeleteRemoteHost(const std::string& host) override;
    void ClearRemoteHosts() override;
    std::vector<sdbus::Struct<std::string, uint16_t, std::string>> ListAuditRemoteHosts() override;
    void AddAuditRemoteHost(const std::string& host, const uint16_t& port, const std::string& protocol) override;
    void DeleteAuditRemoteHost(const std::string& host) override;
    void ClearAuditRemoteHosts() override;
    void SetSeverity(const std::string& logname, const std::string& loglevel, const std::string& host) override;
    std::tuple<uint32_t, std::string, std::vector<sdbus::Struct<std::string, std::string>>,
               std::vector<sdbus::Struct<std::string, std::string, std::string>>>
    GetConfiguration() override;
    void SetRotations(const uint32_t& rotations) override;
    void SetPeriod(const std::string& period) override;
    void Rotate() override;
    std::vector<sdbus::Struct<std::string, uint64_t, std::string>> ListLogFiles() override;
    std::vector<std::string> Tail(const std::string& logname, const uint64_t& entries, const bool& allEntries,
                                  const std::string& search) override;
    sdbus::UnixFd ArchiveLogs() override;
    sdbus::UnixFd ExportLog() override;
    sdbus::UnixFd Cleanup() override;

    Gatekeeper& gate_;
    sysconf::SyslogManager& syslog_;
    std::function<std::string(std::int64_t)> formatTime_;
};

} // namespace luna::sysconfd
