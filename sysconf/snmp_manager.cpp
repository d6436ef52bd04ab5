#include "sysconf/snmp_manager.h"

#include "sysconf/atomic_file.h"
#include "sysconf/config_files.h"
#include "sysconf/run_program.h"
#include "sysconf/snmp_usm_store.h"

#include "luna/errors.h"

#include <grp.h>
#include <sys/stat.h>
#include <syslog.h>

#include <algorithm>
#include <array>

namespace luna::sysconf {
namespace {

namespace fs = std::filesystem;

// `trap test`'s choices (reference).
constexpr std::array<std::string_view, 15> kFacilities{"kern",   "user",   "daemon", "auth",   "syslog",
                                                       "authpriv", "cron", "local0", "local1", "local2",
                                                       "local3", "local4", "local5", "local6", "local7"};
constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kLevels{{
    {"emergency", "emerg"}, {"alert", "alert"}, {"critical", "crit"}, {"crit", "crit"}, {"error", "err"},
    {"err", "err"}, {"warning", "warning"}, {"warn", "warning"}, {"notice", "notice"}, {"info", "info"},
    {"debug", "debug"},
}};

void runLogger(const std::string& facility, const std::string& level, const std::string& tag, bool pid,
               const std::string& message) {
    std::vector<std::string> argv = {"logger", "-p", facility + "." + level, "-t", tag};
    if (pid) argv.push_back("--id");
    argv.push_back("--");
    argv.push_back(message);
    runChecked(argv);
}

std::string replaceAll(std::string s, std::string_view from, std::string_view to) {
    for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
    return s;
}

// Owner for a new file: that of the directory it goes into (snmpd's store is its user's).
FileOwner ownerBeside(const fs::path& path, mode_t mode) {
    if (auto o = ownerOf(path)) return *o;
    struct stat st {};
    if (::stat(path.parent_path().c_str(), &st) == 0) return FileOwner{st.st_uid, st.st_gid, mode};
    return FileOwner{0, 0, mode};
}

} // namespace

SnmpManager::SnmpManager(SnmpPaths paths, SnmpAgentSettings agent, services::ServiceControl& services, SnmpdCheck& check,
                         LogWriter log)
    : paths_(std::move(paths)), agent_(std::move(agent)), services_(services), check_(check),
      log_(log ? std::move(log) : LogWriter(runLogger)) {}

SnmpManager::Status SnmpManager::status() {
    auto st = services_.status(std::string(kSnmpdUnit));
    return {st.running(), st.unitFileState == "enabled"};
}

void SnmpManager::change(const SnmpSettings& next, const std::function<std::string(const std::string&)>& store, bool start) {
    const std::string unit(kSnmpdUnit);
    const bool running = services_.status(unit).running();
    // snmpd writes its users to the store when it stops: stop it before the store is read.
    bool stopped = false;
    if (store && running) {
        services_.stop(unit);
        stopped = true;
    }
    const FileState confBefore = captureFile(paths_.snmpdConf);
    const FileState storeBefore = captureFile(paths_.usmStore);
    const std::string current = storeBefore.kind == FileState::Kind::File ? storeBefore.content : std::string();
    const std::string newStore = store ? store(current) : current;
    // Each file is replaced atomically; the pair is put back as it was if the second fails.
    auto restore = [&] {
        applyFile(confBefore);
        if (!store) return;
        if (storeBefore.kind == FileState::Kind::File)
            writeFileAtomic(paths_.usmStore, storeBefore.content, ownerBeside(paths_.usmStore, 0600));
        else
            removeFileDurably(paths_.usmStore);
    };
    bool written = false;
    try {
        check_.check(next, newStore);
        fs::create_directories(paths_.snmpdConf.parent_path());
        written = true;
        writeFileAtomic(paths_.snmpdConf, next.render(agent_), FileOwner{0, 0, 0600});
        if (store) {
            fs::create_directories(paths_.usmStore.parent_path());
            writeFileAtomic(paths_.usmStore, newStore, ownerBeside(paths_.usmStore, 0600));
        }
    } catch (...) {
        try {
            if (written) restore();
        } catch (const std::exception& e) {
            syslog(LOG_ERR, "restoring the previous SNMP configuration failed: %s", e.what());
        }
        if (stopped) services_.start(unit);
        throw;
    }
    if (!(running || start)) return;
    try {
        services_.restart(unit);
        if (!services_.status(unit).running()) throw Error(rc::SERVICE_FAILED, "snmpd did not stay up");
    } catch (const std::exception& e) {
        syslog(LOG_ERR, "snmpd did not start on the new configuration (%s); putting the previous one back", e.what());
        try {
            restore();
            if (running) services_.restart(unit);
            else services_.stop(unit);
        } catch (const std::exception& again) {
            syslog(LOG_ERR, "restoring the previous SNMP configuration failed: %s", again.what());
        }
        throw Error(rc::CONFIG_ACTIVATION_FAILED, "snmpd did not start on the new configuration; the previous one was restored");
    }
}

void SnmpManager::enable() {
    const std::string unit(kSnmpdUnit);
    // The first enable writes the file (no users yet: nobody can get in until one is added).
    change(SnmpSettings::load(paths_.snmpdConf), {}, true);
    services_.enable(unit);
}

void SnmpManager::disable() {
    const std::string unit(kSnmpdUnit);
    services_.disable(unit);
    services_.stop(unit);
}

std::vector<std::string> SnmpManager::users() const { return SnmpSettings::load(paths_.snmpdConf).users(); }

void SnmpManager::addUser(const std::string& name, const std::string& authPassword, const std::string& authProtocol,
                          const std::string& privPassword, const std::string& privProtocol) {
    checkSnmpSecName(name);
    checkAuthProtocol(authProtocol);
    checkPrivProtocol(privProtocol);
    checkSnmpPassword("authentication password", authPassword);
    checkSnmpPassword("privacy password", privPassword);
    auto next = SnmpSettings::load(paths_.snmpdConf);
    next.addUser(name);
    const auto authKey = snmpShaMasterKey(authPassword), privKey = snmpShaMasterKey(privPassword);
    // A user of the same name left in the store (written by hand, or by a restore) goes.
    change(next, [&](const std::string& s) { return usmStoreWith(usmStoreWithout(s, name), name, authKey, privKey); }, false);
}

void SnmpManager::deleteUser(const std::string& name) {
    auto next = SnmpSettings::load(paths_.snmpdConf);
    next.deleteUser(name);
    change(next, [&](const std::string& s) { return usmStoreWithout(s, name); }, false);
}

void SnmpManager::clearUsers() {
    auto next = SnmpSettings::load(paths_.snmpdConf);
    next.clearUsers();
    change(next, [](const std::string& s) { return usmStoreWithoutUsers(s); }, false);
}

std::vector<NotificationTarget> SnmpManager::targets() const { return SnmpSettings::load(paths_.snmpdConf).targets(); }

void SnmpManager::addTarget(const std::string& address, std::uint16_t port, const std::string& secName,
                            const std::string& engineId, bool inform, const std::string& authPassword,
                            const std::string& authProtocol, const std::string& privPassword,
                            const std::string& privProtocol) {
    NotificationTarget t;
    t.address = address;
    t.port = port;
    t.secName = secName;
    t.engineId = engineId;
    t.inform = inform;
    checkAuthProtocol(authProtocol);
    checkPrivProtocol(privProtocol);
    auto next = SnmpSettings::load(paths_.snmpdConf);
    checkSnmpSecName(secName);
    checkSnmpPassword("authentication password", authPassword);
    checkSnmpPassword("privacy password", privPassword);
    t.authKey = snmpShaMasterKey(authPassword);
    t.privKey = snmpShaMasterKey(privPassword);
    next.addTarget(std::move(t));
    change(next, {}, false);
}

std::size_t SnmpManager::deleteTargets(const std::string& address, std::uint16_t port) {
    auto next = SnmpSettings::load(paths_.snmpdConf);
    const auto n = next.deleteTargets(address, port);
    change(next, {}, false);
    return n;
}

void SnmpManager::clearTargets() {
    auto next = SnmpSettings::load(paths_.snmpdConf);
    next.clearTargets();
    change(next, {}, false);
}

std::optional<TrapHost> SnmpManager::trapHost() const { return TrapHost::load(paths_.lstaConf); }

void SnmpManager::setTrapHost(const TrapHost& host) {
    FileOwner owner{0, 0, 0600};
    if (const group* g = ::getgrnam(paths_.lstaGroup.c_str())) owner = FileOwner{0, g->gr_gid, 0640};
    fs::create_directories(paths_.lstaConf.parent_path());
    writeFileAtomic(paths_.lstaConf, host.render(), owner);
}

void SnmpManager::clearTrapHost() { removeFileDurably(paths_.lstaConf); }

SnmpManager::Status SnmpManager::trapStatus() {
    auto st = services_.status(std::string(kLstaUnit));
    return {st.running(), st.unitFileState == "enabled"};
}

void SnmpManager::enableTrap() {
    const std::string unit(kLstaUnit);
    if (!trapHost())
        throw Error(rc::CONFIG_ENTRY_NOT_FOUND, "No SNMP trap host is configured: use 'sysconf snmp trap set' first");
    services_.enable(unit);
    services_.restart(unit);
}

void SnmpManager::disableTrap() {
    const std::string unit(kLstaUnit);
    services_.disable(unit);
    services_.stop(unit);
}

void SnmpManager::trapTest(const std::string& facility, const std::string& level, const std::string& process,
                           const std::string& message, bool pid) {
    if (std::find(kFacilities.begin(), kFacilities.end(), facility) == kFacilities.end())
        throw Error(rc::CONFIG_VALUE_INVALID, "Invalid log facility '" + facility.substr(0, 32) +
                                                  "': kern, user, daemon, auth, syslog, authpriv, cron, local0-local7");
    auto lv = std::find_if(kLevels.begin(), kLevels.end(), [&](const auto& l) { return l.first == level; });
    if (lv == kLevels.end())
        throw Error(rc::CONFIG_VALUE_INVALID, "Invalid log level '" + level.substr(0, 32) +
                                                  "': emergency, alert, critical, crit, error, err, warning, warn, "
                                                  "notice, info, debug");
    const bool tagOk = !process.empty() && process.size() <= 32 && std::all_of(process.begin(), process.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
    if (!tagOk) throw Error(rc::CONFIG_VALUE_INVALID, "Invalid process name '" + process.substr(0, 32) + "'");
    if (message.empty() || message.size() > 1024 ||
        !std::all_of(message.begin(), message.end(), [](char c) { return c >= 0x20 && c < 0x7f; }))
        throw Error(rc::CONFIG_VALUE_INVALID, "The message must be 1 to 1024 printable characters");
    const std::string text = "***TEST : " + replaceAll(replaceAll(message, ".lt", "<"), ".gt", ">");
    log_(facility, std::string(lv->second), process, pid, text);
}

} // namespace luna::sysconf
