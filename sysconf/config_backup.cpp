#include "sysconf/config_backup.h"

#include "sysconf/archive.h"
#include "sysconf/atomic_file.h"
#include "sysconf/config_files.h"

#include "luna/errors.h"
#include "luna/unique_fd.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

namespace luna::sysconf {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kMagic = "luna-config-backup 1";

[[noreturn]] void invalid(const std::string& why) {
    throw Error(rc::BACKUP_INVALID, "The configuration backup file is corrupt or not a backup (" + why + ")");
}

std::string sha256Hex(std::string_view data) {
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), d);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : d) out += {hex[c >> 4], hex[c & 15]};
    return out;
}

// Free text in the manifest: printable ASCII on one line, bounded.
std::string clean(std::string_view s, std::size_t max) {
    std::string out;
    for (char c : s.substr(0, max)) out += std::isprint(static_cast<unsigned char>(c)) ? c : ' ';
    return out;
}

bool safeToken(std::string_view s) {
    return !s.empty() && s.size() <= 4096 && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isgraph(static_cast<unsigned char>(c));
    });
}

using Fd = luna::UniqueFd;

// A directory for building one archive, removed with everything in it.
class Staging {
public:
    explicit Staging(const fs::path& parent) {
        fs::create_directories(parent);
        ::chmod(parent.c_str(), 0700);
        std::string t = (parent / "stage.XXXXXX").string();
        if (!::mkdtemp(t.data())) throw std::system_error(errno, std::generic_category(), "mkdtemp");
        dir_ = t;
    }
    ~Staging() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    Staging(const Staging&) = delete;
    Staging& operator=(const Staging&) = delete;
    const fs::path& dir() const { return dir_; }

private:
    fs::path dir_;
};

// The target states of `items` from a backup's manifest and members (checked against the
// catalogue and the checksums), plus removals of files a captured directory did not hold.
std::vector<FileState> statesFromBackup(const std::vector<ConfigItem>& items, const BackupManifest& m, int fd) {
    std::vector<FileState> out;
    for (const auto& item : items) {
        if (item.kind == ItemKind::Directory) {
            const bool captured = std::any_of(m.directories.begin(), m.directories.end(), [&](const auto& d) {
                return d.first == item.service && d.second == item.path.string();
            });
            if (!captured) continue;   // an older backup without it: leave the directory alone
            std::set<fs::path> kept;
            for (const auto& mi : m.items) {
                const fs::path p(mi.path);
                if (mi.service != item.service || p.parent_path() != item.path) continue;
                const auto name = p.filename().string();
                if (name.empty() || name.starts_with(".") || name.find('/') != std::string::npos) invalid("a bad file name");
                if (mi.kind != "file") invalid(mi.path + " is not a file");
                FileState s{p, FileState::Kind::File, readArchiveMember(fd, "files/" + std::to_string(mi.member),
                                                                         ConfigBackups::kMaxFileBytes),
                            mi.mode & 0644};
                if (sha256Hex(s.content) != mi.sha256) invalid("the checksum of " + mi.path + " does not match");
                kept.insert(p);
                out.push_back(std::move(s));
            }
            for (auto& now : captureDirectory(item.path))
                if (!kept.count(now.path)) out.push_back({now.path, FileState::Kind::Absent, {}, 0});
            continue;
        }
        auto it = std::find_if(m.items.begin(), m.items.end(),
                               [&](const auto& mi) { return mi.service == item.service && mi.path == item.path.string(); });
        if (it == m.items.end()) continue;   // not in this backup: unchanged
        FileState s;
        s.path = item.path;
        if (it->kind == "absent") {
            s.kind = FileState::Kind::Absent;
        } else {
            s.kind = it->kind == "link" ? FileState::Kind::Link : FileState::Kind::File;
            if ((s.kind == FileState::Kind::Link) != (item.kind == ItemKind::Symlink)) invalid(it->path + " has the wrong kind");
            s.content = readArchiveMember(fd, "files/" + std::to_string(it->member), ConfigBackups::kMaxFileBytes);
            s.mode = it->mode & 0644;
            if (sha256Hex(s.content) != it->sha256) invalid("the checksum of " + it->path + " does not match");
        }
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace

// ---- manifest

std::string BackupManifest::render() const {
    std::ostringstream o;
    o << kMagic << "\nappliance " << applianceId << "\ndescription " << clean(description, 200) << "\n";
    for (const auto& [k, v] : info) o << "info " << clean(k, 60) << ": " << clean(v, 200) << "\n";
    for (const auto& [service, path] : directories) o << "dir " << service << " " << path << "\n";
    for (const auto& i : items) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", i.mode & 07777);
        o << "item " << i.member << ' ' << i.service << ' ' << i.kind << ' ' << mode << ' ' << i.sha256 << ' ' << i.path
          << "\n";
    }
    return o.str();
}

BackupManifest BackupManifest::parse(std::string_view text) {
    if (text.size() > 256 * 1024) invalid("the manifest is too large");
    BackupManifest m;
    std::istringstream in{std::string(text)};
    std::string line;
    if (!std::getline(in, line) || line != kMagic) invalid("no manifest");
    std::set<std::uint32_t> members;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        auto sp = line.find(' ');
        const std::string key = line.substr(0, sp);
        const std::string rest = sp == std::string::npos ? "" : line.substr(sp + 1);
        if (key == "appliance") {
            if (!safeToken(rest) || rest.size() > 128) invalid("a bad appliance id");
            m.applianceId = rest;
        } else if (key == "description") {
            m.description = clean(rest, 200);
        } else if (key == "info") {
            auto colon = rest.find(": ");
            if (colon == std::string::npos) invalid("a bad info line");
            m.info.emplace_back(clean(rest.substr(0, colon), 60), clean(rest.substr(colon + 2), 200));
        } else if (key == "dir") {
            std::istringstream w(rest);
            std::string service, path, extra;
            if (!(w >> service >> path) || (w >> extra) || !isConfigService(service) || !safeToken(path))
                invalid("a bad dir line");
            m.directories.emplace_back(service, path);
        } else if (key == "item") {
            std::istringstream w(rest);
            Item i;
            std::string mode, extra;
            if (!(w >> i.member >> i.service >> i.kind >> mode >> i.sha256 >> i.path) || (w >> extra))
                invalid("a bad item line");
            if (!isConfigService(i.service) || !safeToken(i.path) || i.path.front() != '/' ||
                (i.kind != "file" && i.kind != "link" && i.kind != "absent") || mode.size() != 4 ||
                mode.find_first_not_of("01234567") != std::string::npos)
                invalid("a bad item line");
            i.mode = static_cast<unsigned>(std::stoul(mode, nullptr, 8));
            if (i.kind == "absent") {
                if (i.member != 0 || i.sha256 != "-") invalid("a bad item line");
            } else if (i.member == 0 || i.sha256.size() != 64 || i.sha256.find_first_not_of("0123456789abcdef") != std::string::npos ||
                       !members.insert(i.member).second) {
                invalid("a bad item line");
            }
            m.items.push_back(std::move(i));
        } else {
            invalid("an unknown manifest line");
        }
        if (m.items.size() > 10000) invalid("too many files");
    }
    if (m.applianceId.empty()) invalid("no appliance id");
    return m;
}

// ---- backups

ConfigBackups::ConfigBackups(PlatformPaths paths, ConfigChecks& checks, Hooks hooks)
    : paths_(std::move(paths)), checks_(checks), hooks_(std::move(hooks)) {}

void ConfigBackups::checkBackupName(std::string_view name) {
    const bool ok = !name.empty() && name.size() <= 128 && name.front() != '.' && name.ends_with(".tar.gz") &&
                    std::all_of(name.begin(), name.end(), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
                    });
    if (!ok)
        throw Error(rc::CONFIG_VALUE_INVALID, "'" + clean(name, 80) +
                                                  "' is not a configuration backup file name (<name>.tar.gz of "
                                                  "letters, digits, '.', '_' and '-')");
}

fs::path ConfigBackups::backupPath(std::string_view name) const {
    checkBackupName(name);
    return paths_.backupDir() / std::string(name);
}

std::string ConfigBackups::applianceId() const {
    auto id = readFile(paths_.applianceIdFile).value_or("");
    id = id.substr(0, id.find_first_of("\r\n"));
    if (!safeToken(id)) throw Error(rc::GENERAL_ERROR, "This appliance has no identity (" + paths_.applianceIdFile.string() + ")");
    return id;
}

std::vector<ConfigItem> ConfigBackups::itemsFor(std::string_view service) const {
    if (service != "all" && !isConfigService(service))
        throw Error(rc::CONFIG_VALUE_INVALID,
                    "'" + clean(service, 40) + "' is not a service (network, ssh, ntls, syslog, ntp, snmp, users, system, webserver, all)");
    std::vector<ConfigItem> out;
    for (auto& i : configCatalog(paths_))
        if (service == "all" || i.service == service) out.push_back(std::move(i));
    return out;
}

std::string ConfigBackups::create(std::string_view description) {
    const auto id = applianceId();
    fs::create_directories(paths_.backupDir());
    ::chmod(paths_.backupDir().c_str(), 0700);
    Staging stage(paths_.scratchDir());
    fs::create_directories(stage.dir() / "files");

    BackupManifest m;
    m.applianceId = id;
    m.description = clean(description, 200);
    if (hooks_.systemInfo) m.info = hooks_.systemInfo();
    std::uint32_t member = 0;
    auto addState = [&](const std::string& service, const FileState& s) {
        BackupManifest::Item i;
        i.service = service;
        i.path = s.path.string();
        i.mode = s.mode;
        if (s.kind == FileState::Kind::Absent) {
            i.kind = "absent";
            i.sha256 = "-";
        } else {
            i.kind = s.kind == FileState::Kind::Link ? "link" : "file";
            i.member = ++member;
            i.sha256 = sha256Hex(s.content);
            writeFileAtomic(stage.dir() / "files" / std::to_string(i.member), s.content, FileOwner{::geteuid(), ::getegid(), 0600});
        }
        m.items.push_back(std::move(i));
    };
    for (const auto& item : configCatalog(paths_)) {
        if (item.kind == ItemKind::Directory) {
            m.directories.emplace_back(item.service, item.path.string());
            for (const auto& s : captureDirectory(item.path)) addState(item.service, s);
        } else {
            addState(item.service, captureFile(item.path));
        }
    }
    writeFileAtomic(stage.dir() / "manifest", m.render(), FileOwner{::geteuid(), ::getegid(), 0600});

    std::string host = readFile(paths_.hostnameFile).value_or("local_host");
    host = host.substr(0, host.find_first_of("\r\n. "));
    host.erase(std::remove_if(host.begin(), host.end(), [](char c) {
                   return !std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_';
               }), host.end());
    if (host.empty()) host = "local_host";
    const std::string stamp = hooks_.formatNow ? hooks_.formatNow("%Y%m%d_%H%M") : "00000000_0000";
    std::string name = host + "_Config_" + stamp + ".tar.gz";
    for (int n = 2; fs::exists(paths_.backupDir() / name); ++n)
        name = host + "_Config_" + stamp + "_" + std::to_string(n) + ".tar.gz";
    const auto tmp = paths_.scratchDir() / ("." + name);
    createArchive(stage.dir(), tmp);
    ::chmod(tmp.c_str(), 0600);
    fs::rename(tmp, paths_.backupDir() / name);
    return name;
}

std::vector<BackupEntry> ConfigBackups::list() const {
    std::vector<BackupEntry> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(paths_.backupDir(), ec)) {
        const auto name = e.path().filename().string();
        try {
            checkBackupName(name);
        } catch (const Error&) {
            continue;
        }
        if (!e.is_regular_file(ec)) continue;
        BackupEntry b{name, e.file_size(ec), ""};
        try {
            b.description = show(name).description;
        } catch (const std::exception&) {
            b.description = "(unreadable)";
        }
        out.push_back(std::move(b));
    }
    std::sort(out.begin(), out.end(), [](const BackupEntry& a, const BackupEntry& b) { return a.name < b.name; });
    return out;
}

BackupManifest ConfigBackups::readManifest(int fd) const {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) invalid("not a regular file");
    if (static_cast<std::size_t>(st.st_size) > kMaxBackupBytes) invalid("larger than 16 MB");
    return BackupManifest::parse(readArchiveMember(fd, "manifest", 256 * 1024));
}

BackupManifest ConfigBackups::show(std::string_view name) const {
    Fd fd(openBackup(name));
    return readManifest(fd.get());
}

int ConfigBackups::openBackup(std::string_view name) const {
    const auto path = backupPath(name);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT) throw Error(rc::BACKUP_NOT_FOUND, "Configuration backup file " + std::string(name) + " does not exist");
        throw std::system_error(errno, std::generic_category(), "cannot open " + path.string());
    }
    return fd;
}

void ConfigBackups::remove(std::string_view name) {
    const auto path = backupPath(name);
    if (!fs::exists(fs::symlink_status(path)))
        throw Error(rc::BACKUP_NOT_FOUND, "Configuration backup file " + std::string(name) + " does not exist");
    removeFileDurably(path);
}

void ConfigBackups::clear() {
    for (const auto& b : list()) removeFileDurably(paths_.backupDir() / b.name);
}

std::string ConfigBackups::restore(std::string_view name, std::string_view service) {
    const auto items = itemsFor(service);
    Fd fd(openBackup(name));
    const auto manifest = readManifest(fd.get());
    if (manifest.applianceId != applianceId())
        throw Error(rc::BACKUP_INVALID, "Configuration backup file " + std::string(name) +
                                            " was made on another appliance; nothing was restored");
    const auto targets = statesFromBackup(items, manifest, fd.get());

    // The owning programs' checks, on candidates in the scratch directory.
    for (const auto& item : items) {
        if (item.check == Check::None) continue;
        for (const auto& t : targets) {
            if (t.path != item.path || t.kind != FileState::Kind::File) continue;
            const auto candidate = paths_.scratchDir() / ("candidate-" + item.path.filename().string());
            fs::create_directories(paths_.scratchDir());
            writeFileAtomic(candidate, t.content, FileOwner{::geteuid(), ::getegid(), 0600});
            try {
                checks_.check(item.check, candidate);
            } catch (const std::exception& e) {
                removeFileDurably(candidate);
                throw Error(rc::BACKUP_INVALID, "The " + item.path.string() + " in " + std::string(name) +
                                                    " was refused (" + e.what() + "); nothing was restored");
            }
            removeFileDurably(candidate);
        }
    }
    const auto automatic = create("Automatic Backup Before Restoring: " + std::string(service));
    applyAll(targets);
    syslog(LOG_NOTICE, "configuration of %s restored from %s (%zu files)", std::string(service).c_str(),
           std::string(name).c_str(), targets.size());
    return automatic;
}

std::vector<ResetResult> ConfigBackups::factoryReset(std::string_view service) {
    std::vector<ResetResult> results;
    std::vector<std::string> done;
    for (auto s : kConfigServices) {
        if (service != "all" && s != service) continue;
        ResetResult r{std::string(s), true, ""};
        try {
            std::vector<FileState> targets;
            for (const auto& item : itemsFor(s)) {
                switch (item.factory) {
                case Factory::Generated:
                    targets.push_back({item.path, item.kind == ItemKind::Symlink ? FileState::Kind::Link : FileState::Kind::File,
                                       item.factoryContent, item.mode});
                    break;
                case Factory::Absent:
                    if (item.kind == ItemKind::Directory)
                        for (auto& f : captureDirectory(item.path)) targets.push_back({f.path, FileState::Kind::Absent, {}, 0});
                    else
                        targets.push_back({item.path, FileState::Kind::Absent, {}, 0});
                    break;
                case Factory::Shipped:
                    if (auto shipped = readFile(paths_.factoryDir / item.id))
                        targets.push_back({item.path, FileState::Kind::File, *shipped, item.mode});
                    break;
                }
            }
            for (const auto& item : itemsFor(s)) {
                if (item.check == Check::None) continue;
                for (const auto& t : targets) {
                    if (t.path != item.path || t.kind != FileState::Kind::File) continue;
                    const auto candidate = paths_.scratchDir() / ("factory-" + item.path.filename().string());
                    fs::create_directories(paths_.scratchDir());
                    writeFileAtomic(candidate, t.content, FileOwner{::geteuid(), ::getegid(), 0600});
                    try {
                        checks_.check(item.check, candidate);
                    } catch (...) {
                        removeFileDurably(candidate);
                        throw;
                    }
                    removeFileDurably(candidate);
                }
            }
            applyAll(targets);
            done.emplace_back(s);
        } catch (const std::exception& e) {
            r.ok = false;
            r.detail = e.what();
            syslog(LOG_ERR, "factory reset of %s failed: %s", std::string(s).c_str(), e.what());
        }
        results.push_back(std::move(r));
    }
    if (results.empty()) itemsFor(service);   // throws the "not a service" refusal
    if (hooks_.afterFactoryReset && !done.empty()) hooks_.afterFactoryReset(done);
    return results;
}

std::string ConfigBackups::importBackup(int fd, std::string_view name) {
    const auto target = backupPath(name);
    const auto manifest = readManifest(fd);
    if (manifest.applianceId != applianceId())
        throw Error(rc::BACKUP_INVALID, std::string(name) + " was made on another appliance; it was not imported");
    // Every member it claims must be there with its checksum.
    for (const auto& i : manifest.items) {
        if (i.kind == "absent") continue;
        if (sha256Hex(readArchiveMember(fd, "files/" + std::to_string(i.member), kMaxFileBytes)) != i.sha256)
            invalid("the checksum of " + i.path + " does not match");
    }
    std::string data;
    if (::lseek(fd, 0, SEEK_SET) < 0) throw std::system_error(errno, std::generic_category(), "lseek");
    char buf[65536];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::system_error(errno, std::generic_category(), "read");
        }
        data.append(buf, static_cast<std::size_t>(n));
        if (data.size() > kMaxBackupBytes) invalid("larger than 16 MB");
    }
    fs::create_directories(paths_.backupDir());
    writeFileAtomic(target, data, FileOwner{0, 0, 0600});
    return std::string(name);
}

} // namespace luna::sysconf
