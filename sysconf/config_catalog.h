// What `sysconf config backup/restore/factoryreset` cover: every file the appliance
// configures, by the reference's service names, each with the program check its candidate
// passes and its factory value. One table (configCatalog): a backup holds exactly these
// paths, a restore writes only paths that are rows here, whatever a backup file claims.
#pragma once

#include "sysconf/config_checks.h"
#include "sysconf/platform_paths.h"

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace luna::sysconf {

// The reference's list, in the order `sysconf config factoryreset` reports them.
inline constexpr std::array<std::string_view, 9> kConfigServices{
    "webserver", "users", "snmp", "ntp", "ntls", "system", "ssh", "syslog", "network"};
bool isConfigService(std::string_view name);

enum class ItemKind {
    File,        // a regular file
    Symlink,     // a link (its target is its content): <etc>/localtime
    Directory,   // every regular file directly inside (authorized_keys/<user>)
};

enum class Factory {
    Generated,   // `factoryContent` (rendered from the defaults and this appliance's paths)
    Shipped,     // <factoryDir>/<id>, installed with the software; left alone if not shipped
    Absent,      // no file (for a directory: no files in it)
};

struct ConfigItem {
    std::string service;
    std::string id;                  // "syslog/rsyslog": unique; the shipped factory copy's name
    std::filesystem::path path;
    ItemKind kind = ItemKind::File;
    Check check = Check::None;
    Factory factory = Factory::Absent;
    std::string factoryContent;      // Generated
    mode_t mode = 0644;              // of a file written by a restore or reset
};

std::vector<ConfigItem> configCatalog(const PlatformPaths& paths);

} // namespace luna::sysconf
