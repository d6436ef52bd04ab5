// The appliance platform inside sysconfd: syslog, services, configuration backups, time,
// NTP and the appliance settings, each a manager (sysconf/, services/) published as its own
// interface on sysconfd's object. Its options are here so main() only forwards them; every
// path has a default under --etc-dir and --state-dir, and each can be moved on its own, so
// tests run sysconfd on a temp tree or in a sandbox (docs/sysconf-platform.md).
#pragma once

#include "gatekeeper.h"

#include <getopt.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace luna::sysconfd {

struct PlatformOptions {
    std::filesystem::path stateDir = "/var/lib/luna-sysconf";
    std::filesystem::path logDir = "/var/log";
    std::filesystem::path rsyslogConf, rsyslogDropIn, logrotateConf, ntpConf, ntpDriftFile = "/var/lib/ntpsec/ntp.drift";
    std::filesystem::path sshDir, snmpdConf, ntlsConf = "/var/lib/luna-ntls/ntls.conf", applianceIdFile;
    std::filesystem::path zoneinfoDir = "/usr/share/zoneinfo", factoryDir = "/usr/share/luna/factory";
    std::filesystem::path snmpUsmStore, lstaConf;
    std::string snmpAgentAddress = "udp:161", agentxSocket = "/var/agentx/master", snmpd = "/usr/sbin/snmpd";
    std::string clock = "system";   // "system" (systemd-timedated) or "offset:FILE"
    bool provisionSyslog = false;   // the factory syslog configuration when none is there yet

    // getopt_long rows (values from 1000), and their handler: true if `c` was one of ours.
    static std::vector<option> longOptions();
    bool parse(int c, const char* arg);
    static const char* usage();
};

class Platform {
public:
    Platform(sdbus::IConnection& conn, Gatekeeper& gate, const PlatformOptions& options,
             const std::filesystem::path& etcDir, const std::filesystem::path& rolesFile,
             const std::filesystem::path& keysDir);
    ~Platform();

private:
    struct Parts;
    std::unique_ptr<Parts> parts_;
};

} // namespace luna::sysconfd
