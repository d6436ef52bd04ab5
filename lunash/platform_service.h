// What the syslog, service, sysconf (config, time, timezone, ntp, banner, forcesologin,
// fingerprint ssh/license, license, appliance) and network commands need from sysconfd, as a
// small interface (platform_dbus.cpp implements it over the platform interfaces of
// com.safenet.Luna.Sysconf; unit tests install a fake). Refusals arrive as luna::Error with
// sysconfd's CKR and sentence; an unreachable sysconfd is CKR_DEVICE_ERROR.
//
// Like the NTLS commands' service, the session's one connection is made on first use
// through the installed connector: the lunash executable installs the D-Bus one before
// main(), so neither the shell nor main() has to know about it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include "luna/unique_fd.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lunash {

// A descriptor sysconfd handed over (an archive, a log, a backup), closed when dropped.
using luna::UniqueFd;

struct RemoteLogHost {
    std::string host;
    std::uint16_t port = 514;
    std::string protocol;
};

struct SyslogConfiguration {
    std::uint32_t rotations = 0;
    std::string period;
    std::vector<std::pair<std::string, std::string>> local;   // (log, level or "*")
    struct Remote {
        std::string log, host, level;
    };
    std::vector<Remote> remote;
};

struct LogFileEntry {
    std::string name;
    std::uint64_t size = 0;
    std::string date;
};

struct ServiceEntry {
    std::string name, description, unit, loadState;
};

struct ServiceState {
    std::string unit, loadState, activeState, subState, unitFileState;
    std::uint32_t mainPid = 0;
};

struct BackupFile {
    std::string name;
    std::uint64_t size = 0;
    std::string description;
};

struct ServiceReset {
    std::string service;
    bool ok = false;
    std::string detail;
};

struct ApplianceTime {
    std::int64_t epoch = 0;
    std::string text, zone, abbreviation, clock;
};

struct NtpServerOptions {
    bool burst = false, iburst = false, prefer = false;
    std::uint32_t key = 0, version = 0;
};

struct HostKeyInfo {
    std::string type;
    std::uint32_t bits = 0;
    std::string fingerprint;
};

struct LicenseEntry {
    std::uint32_t index = 0;
    std::string feature, version;
    std::uint32_t quantity = 0;
};

class PlatformService {
public:
    virtual ~PlatformService() = default;
    // syslog
    virtual std::vector<RemoteLogHost> remoteHosts() = 0;
    virtual void addRemoteHost(const std::string& host, std::uint16_t port, const std::string& protocol) = 0;
    virtual void deleteRemoteHost(const std::string& host) = 0;
    virtual void clearRemoteHosts() = 0;
    // audit remotehost (the audit role): the UDP and TCP hosts rsyslog forwards local3 to
    // (RELP hosts are cbsd's: AuditService).
    virtual std::vector<RemoteLogHost> auditHosts() = 0;
    virtual void addAuditHost(const std::string& host, std::uint16_t port, const std::string& protocol) = 0;
    virtual void deleteAuditHost(const std::string& host) = 0;
    virtual void clearAuditHosts() = 0;
    virtual void setSeverity(const std::string& log, const std::string& level, const std::string& host) = 0;
    virtual SyslogConfiguration syslogConfiguration() = 0;
    virtual void setRotations(std::uint32_t n) = 0;
    virtual void setPeriod(const std::string& period) = 0;
    virtual void rotateLogs() = 0;
    virtual std::vector<LogFileEntry> logFiles() = 0;
    virtual std::vector<std::string> tail(const std::string& log, std::optional<std::uint64_t> entries,
                                          const std::string& search) = 0;
    virtual UniqueFd archiveLogs() = 0;
    virtual UniqueFd exportLog() = 0;
    virtual UniqueFd cleanupLogs() = 0;
    // service
    virtual std::vector<ServiceEntry> services() = 0;
    virtual ServiceState serviceStatus(const std::string& name) = 0;
    virtual void startService(const std::string& name) = 0;
    virtual void stopService(const std::string& name) = 0;
    virtual void restartService(const std::string& name) = 0;
    // sysconf config
    virtual std::string backupConfig(const std::string& description) = 0;
    virtual std::vector<BackupFile> backups() = 0;
    virtual std::pair<std::string, std::vector<std::pair<std::string, std::string>>> showBackup(const std::string& name) = 0;
    virtual void deleteBackup(const std::string& name) = 0;
    virtual void clearBackups() = 0;
    virtual std::string restoreConfig(const std::string& name, const std::string& service) = 0;
    virtual std::vector<ServiceReset> factoryReset(const std::string& service) = 0;
    virtual UniqueFd exportBackup(const std::string& name) = 0;
    virtual void importBackup(int fd, const std::string& name) = 0;
    // sysconf time, timezone
    virtual ApplianceTime time() = 0;
    virtual std::string setTime(const std::string& hhmm, const std::string& yyyymmdd) = 0;
    virtual void setTimeZone(const std::string& zone) = 0;
    virtual std::vector<std::string> timeZones(const std::string& region) = 0;
    // sysconf ntp
    virtual std::vector<std::string> ntpServers() = 0;
    virtual void addNtpServer(const std::string& host, const NtpServerOptions& options) = 0;
    virtual void deleteNtpServer(const std::string& host) = 0;
    virtual void enableNtp() = 0;
    virtual void disableNtp() = 0;
    virtual std::pair<bool, bool> ntpStatus() = 0;   // (running, enabled)
    virtual std::string ntpConfiguration() = 0;
    // sysconf banner, forcesologin, fingerprint, license, appliance
    virtual void setBanner(const std::string& text) = 0;
    virtual void clearBanner() = 0;
    virtual bool forceSoLogin() = 0;
    virtual void setForceSoLogin(bool enabled) = 0;
    virtual std::vector<HostKeyInfo> sshFingerprints() = 0;
    virtual std::pair<std::string, std::string> licenseFingerprint() = 0;   // (serial, fingerprint)
    virtual std::vector<LicenseEntry> licenses() = 0;
    virtual std::pair<std::string, bool> applyLicense(const std::string& text) = 0;   // (feature, destructive)
    virtual void revokeLicense(std::uint32_t index) = 0;
    virtual void reboot() = 0;
    virtual void powerOff() = 0;
};

using PlatformConnector = std::function<std::unique_ptr<PlatformService>()>;

// The session's connection, made on first use; CKR_DEVICE_ERROR if no connector is installed.
PlatformService& platform();
void setPlatformConnector(PlatformConnector connector);

} // namespace lunash
