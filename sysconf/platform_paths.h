// Every file and directory the appliance platform (syslog, ntp, time, banner, licences,
// configuration backups) touches, from sysconfd's options: tests run it on a temp tree or
// in a sandbox whose /etc and /var are overlays, never on the host's own. fromRoots() gives
// the appliance's layout under an etc root and a state directory.
#pragma once

#include <filesystem>

namespace luna::sysconf {

struct PlatformPaths {
    std::filesystem::path etcDir;            // /etc
    std::filesystem::path rsyslogConf;       // <etc>/rsyslog.conf (the main file, for -N1)
    std::filesystem::path rsyslogDropIn;     // <etc>/rsyslog.d/60-luna.conf
    std::filesystem::path logrotateConf;     // <etc>/logrotate.d/luna
    std::filesystem::path logDir;            // /var/log
    std::filesystem::path ntpConf;           // <etc>/ntpsec/ntp.conf
    std::filesystem::path ntpDriftFile;      // /var/lib/ntpsec/ntp.drift
    std::filesystem::path sshdConfig;        // <etc>/ssh/sshd_config
    std::filesystem::path sshDir;            // <etc>/ssh (host keys: sysconf fingerprint ssh)
    std::filesystem::path snmpdConf;         // <etc>/snmp/snmpd.conf
    std::filesystem::path snmpUsmStore;      // /var/lib/snmp/snmpd.conf: snmpd's persistent store (its users)
    std::filesystem::path lstaConf;          // <etc>/luna/lsta.conf: the SNMP trap agent's trap host
    std::filesystem::path ntlsConf;          // /var/lib/luna-ntls/ntls.conf
    std::filesystem::path bannerFile;        // <etc>/luna/banner
    std::filesystem::path forceSoLoginFile;  // <etc>/luna/forcesologin
    std::filesystem::path rolesFile;         // <etc>/luna/roles
    std::filesystem::path keysDir;           // <etc>/luna/ssh/authorized_keys
    std::filesystem::path hostnameFile;      // <etc>/hostname
    std::filesystem::path applianceIdFile;   // <etc>/machine-id: backups name the appliance they came from
    std::filesystem::path zoneinfoDir;       // /usr/share/zoneinfo
    std::filesystem::path factoryDir;        // /usr/share/luna/factory: shipped factory copies
    std::filesystem::path stateDir;          // /var/lib/luna-sysconf: backups, licences, scratch
    std::filesystem::path backupDir() const { return stateDir / "backups"; }
    std::filesystem::path licenseFile() const { return stateDir / "licenses"; }
    std::filesystem::path scratchDir() const { return stateDir / "tmp"; }
    std::filesystem::path logrotateState() const { return stateDir / "logrotate.status"; }

    static PlatformPaths fromRoots(const std::filesystem::path& etcDir, const std::filesystem::path& stateDir);
};

} // namespace luna::sysconf
