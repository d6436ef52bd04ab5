#include "sysconf/config_catalog.h"

#include "sysconf/log_rotation.h"
#include "sysconf/ntp_config.h"
#include "sysconf/syslog_config.h"
#include "sysconf/user_rules.h"

#include <algorithm>

namespace luna::sysconf {

bool isConfigService(std::string_view name) {
    return std::find(kConfigServices.begin(), kConfigServices.end(), name) != kConfigServices.end();
}

std::vector<ConfigItem> configCatalog(const PlatformPaths& p) {
    std::string roles = "# Appliance users and their roles (sysconfd).\n";
    for (auto u : kBuiltinUsers) roles += std::string(u) + " " + std::string(u) + "\n";
    std::vector<ConfigItem> items;
    auto add = [&](ConfigItem i) { items.push_back(std::move(i)); };
    // users: who holds which role, and their SSH keys (accounts themselves stay: see docs).
    add({"users", "users/roles", p.rolesFile, ItemKind::File, Check::None, Factory::Generated, roles});
    add({"users", "users/authorized_keys", p.keysDir, ItemKind::Directory, Check::None, Factory::Absent, {}});
    add({"snmp", "snmp/snmpd.conf", p.snmpdConf, ItemKind::File, Check::None, Factory::Shipped, {}, 0600});
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
