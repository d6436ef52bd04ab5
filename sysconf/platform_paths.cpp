#include "sysconf/platform_paths.h"

namespace luna::sysconf {

PlatformPaths PlatformPaths::fromRoots(const std::filesystem::path& etc, const std::filesystem::path& state) {
    PlatformPaths p;
    p.etcDir = etc;
    p.rsyslogConf = etc / "rsyslog.conf";
    p.rsyslogDropIn = etc / "rsyslog.d/60-luna.conf";
    p.logrotateConf = etc / "logrotate.d/luna";
    p.logDir = "/var/log";
    p.ntpConf = etc / "ntpsec/ntp.conf";
    p.ntpDriftFile = "/var/lib/ntpsec/ntp.drift";
    p.sshdConfig = etc / "ssh/sshd_config";
    p.sshDir = etc / "ssh";
    p.snmpdConf = etc / "snmp/snmpd.conf";
    p.snmpUsmStore = "/var/lib/snmp/snmpd.conf";
    p.lstaConf = etc / "luna/lsta.conf";
    p.ntlsConf = "/var/lib/luna-ntls/ntls.conf";
    p.bannerFile = etc / "luna/banner";
    p.forceSoLoginFile = etc / "luna/forcesologin";
    p.rolesFile = etc / "luna/roles";
    p.keysDir = etc / "luna/ssh/authorized_keys";
    p.hostnameFile = etc / "hostname";
    p.applianceIdFile = etc / "machine-id";
    p.zoneinfoDir = "/usr/share/zoneinfo";
    p.factoryDir = "/usr/share/luna/factory";
    p.stateDir = state;
    return p;
}

} // namespace luna::sysconf
