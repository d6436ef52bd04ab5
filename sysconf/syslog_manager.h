// LunaSH `syslog ...` on the real rsyslog and logrotate: settings changes go through
// applyConfig (candidate checked by `rsyslogd -N1` / `logrotate -d`, renamed into place, the
// whole rsyslog configuration checked again and rsyslog restarted; the previous file and
// service state come back if any of it fails). Reads (tail, files) and archives of the log
// directory are served here too, because the logs are not readable by appliance users.
#pragma once

#include "services/service_control.h"
#include "sysconf/audit_forwarding.h"
#include "sysconf/config_checks.h"
#include "sysconf/log_rotation.h"
#include "sysconf/platform_paths.h"
#include "sysconf/syslog_config.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace luna::sysconf {

struct LogFileInfo {
    std::string name;
    std::uint64_t size = 0;
    std::int64_t mtime = 0;
};

class SyslogManager {
public:
    static constexpr std::string_view kUnit = "rsyslog.service";

    SyslogManager(const PlatformPaths& paths, ConfigChecks& checks, services::ServiceControl& services);

    SyslogSettings settings() const { return SyslogSettings::load(paths_.rsyslogDropIn); }
    RotationSettings rotation() const { return RotationSettings::load(paths_.logrotateConf); }

    void addHost(std::string_view host, std::int64_t port, std::string_view protocol);
    void deleteHost(std::string_view host);
    void clearHosts();
    void setLevel(std::string_view log, std::string_view level, std::string_view host);
    // `audit remotehost` (UDP, TCP): the same discipline, on <rsyslog.d>/59-luna-audit.conf;
    // a host name must resolve. After the restart rsyslog must be running again, or the old
    // file comes back. (sysconfd has no network of its own, so whether a TCP host accepts
    // connections is rsyslog's to find out: it queues the records until it does.)
    AuditForwarding auditForwarding() const;
    void addAuditHost(std::string_view host, std::int64_t port, std::string_view protocol);
    void deleteAuditHost(std::string_view host);
    void clearAuditHosts();

    void setRotations(std::int64_t n);
    void setPeriod(std::string_view period);

    // Rotates now (logrotate -f); CKR_OPERATION_NOT_ALLOWED if done today already.
    void rotate();
    // The last `entries` lines of a log (all when nullopt) that contain `search`.
    // Log names: lunalogs, messages, cron, secure, boot, ntp, snmp; CKR_LOG_NOT_FOUND else.
    std::vector<std::string> tail(std::string_view log, std::optional<std::uint64_t> entries, std::string_view search) const;
    std::vector<LogFileInfo> files() const;

    // A gzip'ed tar of the appliance's logs, as an open read-only descriptor of an unlinked
    // file (handed to the caller over D-Bus, who writes it where it may).
    int archiveLogs() const;
    // The messages log, likewise (`syslog export`).
    int exportMessages() const;
    // archiveLogs(), then every appliance log file and its rotations deleted and rsyslog
    // restarted (if it runs) to open new ones.
    int cleanup();

private:
    void apply(const SyslogSettings& s);
    void applyRotation(const RotationSettings& r);
    void applyAudit(const AuditForwarding& f);
    std::filesystem::path auditDropIn() const;
    std::string postrotate() const;

    PlatformPaths paths_;
    ConfigChecks& checks_;
    services::ServiceControl& services_;
};

} // namespace luna::sysconf
