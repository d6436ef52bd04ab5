// `sysconf config backup/list/show/delete/clear/restore/import/export/factoryreset`: the
// appliance configuration (configCatalog) saved to and restored from backup files, and put
// back to its factory values.
//
// A backup is <hostname>_Config_<YYYYMMDD>_<HHMM>.tar.gz in the backup directory holding
// "manifest" and files/<n>. The manifest (docs/sysconf-platform.md) names the appliance it
// came from, the description, the system information `config show` prints, and one line per
// path: service, kind, mode, SHA-256, path. A restore reads the manifest and the members
// through archive.h (tar, unprivileged), refuses a backup from another appliance, a path
// that is not in the catalogue, a checksum that does not match, or a candidate the owning
// program refuses, and only then writes: every file atomically, all of them or (rolled back)
// none. As the reference says, the services must be restarted (or the appliance rebooted)
// for a restored configuration to take effect; a factory reset restarts syslog and ntp.
#pragma once

#include "sysconf/config_catalog.h"
#include "sysconf/config_checks.h"
#include "sysconf/platform_paths.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace luna::sysconf {

struct BackupEntry {
    std::string name;
    std::uintmax_t size = 0;
    std::string description;
};

struct BackupManifest {
    std::string applianceId;
    std::string description;
    std::vector<std::pair<std::string, std::string>> info;   // ("hostname", "local_host"), ...
    struct Item {
        std::uint32_t member = 0;       // files/<member>; 0 for "absent"
        std::string service;
        std::string kind;               // file, link, absent
        unsigned mode = 0644;
        std::string sha256;             // hex; "-" for absent
        std::string path;
    };
    std::vector<Item> items;
    std::vector<std::pair<std::string, std::string>> directories;   // (service, path) captured whole

    std::string render() const;
    static BackupManifest parse(std::string_view text);   // CKR_BACKUP_INVALID
};

struct ResetResult {
    std::string service;
    bool ok = false;
    std::string detail;   // why it failed
};

class ConfigBackups {
public:
    struct Hooks {
        std::function<std::string(const char* strftimeFormat)> formatNow;   // the appliance clock, in its zone
        std::function<std::vector<std::pair<std::string, std::string>>()> systemInfo;   // for `config show`
        std::function<void(const std::vector<std::string>& services)> afterFactoryReset;   // restart what runs
    };
    ConfigBackups(PlatformPaths paths, ConfigChecks& checks, Hooks hooks);

    // Returns the new file's name.
    std::string create(std::string_view description);
    std::vector<BackupEntry> list() const;
    BackupManifest show(std::string_view name) const;
    void remove(std::string_view name);
    void clear();
    // `service` is one of kConfigServices or "all". Returns the automatic backup's name.
    std::string restore(std::string_view name, std::string_view service);
    std::vector<ResetResult> factoryReset(std::string_view service);
    // A read-only descriptor of a backup (export), and a backup read from `fd` stored as
    // `name` after the same checks a restore makes (import). Returns the name.
    int openBackup(std::string_view name) const;
    std::string importBackup(int fd, std::string_view name);

    static void checkBackupName(std::string_view name);   // CKR_CONFIG_VALUE_INVALID
    static constexpr std::size_t kMaxBackupBytes = 16u << 20;
    static constexpr std::size_t kMaxFileBytes = 1u << 20;

private:
    std::vector<ConfigItem> itemsFor(std::string_view service) const;
    std::string applianceId() const;
    BackupManifest readManifest(int fd) const;
    std::filesystem::path backupPath(std::string_view name) const;

    PlatformPaths paths_;
    ConfigChecks& checks_;
    Hooks hooks_;
};

} // namespace luna::sysconf
