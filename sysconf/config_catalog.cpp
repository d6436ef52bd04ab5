#include "sysconf/config_catalog.h"

#include "sysconf/log_rotation.h"
#include "sysconf/ntp_config.h"
#include "sysconf/snmp_config.h"
#include "sysconf/syslog_config.h"
#include "sysconf/user_rules.h"

#include "sysconf/atomic_file.h"

#include "luna/appliance_roles.h"

#include <pwd.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace luna::sysconf {

bool isConfigService(std::string_view name) {
    return std::find(kConfigServices.begin(), kConfigServices.end(), name) != kConfigServices.end();
}

namespace {

// The factory roles file: the built-in users with their roles, and the lines of the system's
// own accounts kept as they are (daemons hold roles too: luna-snmp reads the HSM as monitor,
// from the packaged file). An appliance user is a login account (uid 1000 and up); a system
// account is below that, named or by number.
std::string factoryRoles(const std::filesystem::path& rolesFile) {
    std::string out = "# Appliance users and their roles (sysconfd).\n";
    std::istringstream in(readFile(rolesFile).value_or(""));
    for (std::string line; std::getline(in, line);) {
        auto entry = luna::parseRoleLine(line);
        if (!entry || isBuiltinUser(entry->who)) continue;
        long uid = -1;
        if (!entry->who.empty() && std::all_of(entry->who.begin(), entry->who.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
            uid = std::stol(entry->who);
        else if (const passwd* pw = ::getpwnam(entry->who.c_str()))
            uid = static_cast<long>(pw->pw_uid);
        if (uid > 0 && uid < 1000) out += line + "\n";
    }
    for (auto u : kBuiltinUsers) out += std::string(u) + " " + std::string(u) + "\n";
    return out;
}

} // namespace

std::vector<ConfigItem> configCatalog(const PlatformPaths& p) {
    const std::string roles = factoryRoles(p.rolesFile);
    std::vector<ConfigItem> items;
    auto add = [&](ConfigItem i) { items.push_back(std::move(i)); };
    // users: who holds which role, and their SSH keys (accounts themselves stay: see docs).
    add({"users", "users/roles", p.rolesFile, ItemKind::File, Check::None, Factory::Generated, roles});
    add({"users", "users/authorized_keys", p.keysDir, ItemKind::Directory, Check::None, Factory::Absent, {}});
    // snmp: the agent with no user and no notification target (SNMPv3 users' keys stay in
    // snmpd's own store, but without a line here they have no access; docs/snmp.md).
    add({"snmp", "snmp/snmpd.conf", p.snmpdConf, ItemKind::File, Check::None, Factory::Generated,
         SnmpSettings().render(SnmpAgentSettings{}), 0600});
    add({"ntp", "ntp/ntp.conf", p.ntpConf, ItemKind::File, Check::None, Factory::Generated,
         NtpSettings().render(p.ntpDriftFile)});
    add({"ntls", "ntls/ntls.conf", p.ntlsConf, ItemKind::File, Check::None, Factory::Absent, {}, 0600});
    add({"system", "system/timezone", p.etcDir / "timezone", ItemKind::File, Check::None, Factory::Generated, "Etc/UTC\n"});
    add({"system", "system/localtime", p.etcDir / "localtime", ItemKind::Symlink, Check::None, Factory::Generated,
         (p.zoneinfoDir / "Etc/UTC").string()});
    add({"system", "system/banner", p.bannerFile, ItemKind::File, Check::None, Factory::Absent, {}});
    add({"ssh", "ssh/sshd_config", p.sshdConfig, ItemKind::File, Check::Sshd, Factory::Shipped, {}});
    add({"syslog", "syslog/rsyslog", p.rsyslogDropIn, ItemKind::File, Check::Rsyslog, Factory::Generated,
         SyslogSettings().render(p.logDir)});
    add({"syslog", "syslog/logrotate", p.logrotateConf, ItemKind::File, Check::Logrotate, Factory::Generated,
         RotationSettings().render(applianceLogFiles(p.logDir), "/usr/lib/rsyslog/rsyslog-rotate")});
    add({"network", "network/hostname", p.hostnameFile, ItemKind::File, Check::None, Factory::Shipped, {}});
    return items;
}

} // namespace luna::sysconf
