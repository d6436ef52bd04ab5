#include "sysconf/syslog_manager.h"

#include "sysconf/atomic_file.h"
#include "sysconf/net_rules.h"
#include "sysconf/run_program.h"

#include "luna/errors.h"

#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <system_error>
#include <thread>

namespace luna::sysconf {
namespace {

namespace fs = std::filesystem;

// `syslog tail -logname` names, and the files they read.
struct TailLog {
    std::string_view name, file;
};
constexpr std::array<TailLog, 7> kTailLogs{{
    {"lunalogs", "lunalogs"}, {"messages", "messages"}, {"secure", "secure"}, {"ntp", "ntp.log"},
    {"snmp", "snmpd.log"},    {"cron", "cron"},         {"boot", "boot.log"},
}};

constexpr std::size_t kTailBudget = 4u << 20;   // what one reply carries at most

bool isRotationOf(const std::string& name, const std::string& base) {
    return name.size() > base.size() + 1 && name.starts_with(base + "-") &&
           std::isdigit(static_cast<unsigned char>(name[base.size() + 1]));
}

// An unlinked file in `dir` open for reading, after `fill` wrote it by name.
template <class Fill>
int unlinkedFile(const fs::path& dir, const std::string& stem, Fill&& fill) {
    fs::create_directories(dir);
    ::chmod(dir.c_str(), 0700);
    const auto path = dir / (stem + "." + std::to_string(::getpid()));
    std::error_code ec;
    fs::remove(path, ec);
    try {
        fill(path);
    } catch (...) {
        fs::remove(path, ec);
        throw;
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    int e = errno;
    fs::remove(path, ec);
    if (fd < 0) throw std::system_error(e, std::generic_category(), "cannot open " + path.string());
    return fd;
}

} // namespace

SyslogManager::SyslogManager(const PlatformPaths& paths, ConfigChecks& checks, services::ServiceControl& services)
    : paths_(paths), checks_(checks), services_(services) {}

std::string SyslogManager::postrotate() const { return "/usr/lib/rsyslog/rsyslog-rotate"; }

void SyslogManager::apply(const SyslogSettings& s) {
    const auto previous = services_.status(std::string(kUnit));
    applyConfig({paths_.rsyslogDropIn, s.render(paths_.logDir), FileOwner{0, 0, 0644},
                 [&](const fs::path& candidate) { checks_.check(Check::Rsyslog, candidate); },
                 [&] {
                     // The whole configuration with the new drop-in in place, then the daemon.
                     if (fs::exists(paths_.rsyslogConf)) SystemChecks::checkRsyslogMain(paths_.rsyslogConf);
                     // Restarted even when stopped: the reference's add/delete print
                     // "Stopping syslog ... Starting syslog".
                     if (previous.exists()) services_.restart(std::string(kUnit));
                 }});
}

void SyslogManager::addHost(std::string_view host, std::int64_t port, std::string_view protocol) {
    auto s = settings();
    s.addHost(host, port, parseTransport(protocol));
    apply(s);
}

void SyslogManager::deleteHost(std::string_view host) {
    auto s = settings();
    s.deleteHost(host);
    apply(s);
}

void SyslogManager::clearHosts() {
    auto s = settings();
    s.clearHosts();
    apply(s);
}

void SyslogManager::setLevel(std::string_view log, std::string_view level, std::string_view host) {
    auto s = settings();
    s.setLevel(log, parseSeverity(level), host);
    apply(s);
}

fs::path SyslogManager::auditDropIn() const { return paths_.rsyslogDropIn.parent_path() / AuditForwarding::kFileName; }

AuditForwarding SyslogManager::auditForwarding() const {
    auto text = readFile(auditDropIn());
    return text ? AuditForwarding::parse(*text) : AuditForwarding();
}

namespace {

// A name that does not resolve is a typo more often than a DNS outage: refuse it now rather
// than have rsyslog drop every record.
void requireResolvable(const std::string& host, bool tcp) {
    addrinfo hints{};
    hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
    addrinfo* res = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
    if (res) ::freeaddrinfo(res);
    if (rc != 0) throw Error(rc::CONFIG_VALUE_INVALID, "Cannot resolve the host name '" + host + "' (" + ::gai_strerror(rc) + ")");
}

} // namespace

void SyslogManager::applyAudit(const AuditForwarding& f) {
    const auto previous = services_.status(std::string(kUnit));
    applyConfig({auditDropIn(), f.render(), FileOwner{0, 0, 0644},
                 [&](const fs::path& candidate) {
                     // rsyslogd -N1 wants an action; with no hosts the file has none of its own.
                     const auto probe = paths_.scratchDir() / "audit-check.conf";
                     fs::create_directories(paths_.scratchDir());
                     writeFileAtomic(probe, *readFile(candidate) + "\n*.* action(type=\"omfile\" file=\"/dev/null\")\n",
                                     FileOwner{::geteuid(), ::getegid(), 0600});
                     checks_.check(Check::Rsyslog, probe);
                 },
                 [&] {
                     if (fs::exists(paths_.rsyslogConf)) SystemChecks::checkRsyslogMain(paths_.rsyslogConf);
                     if (!previous.exists()) return;
                     services_.restart(std::string(kUnit));
                     // Forwarding comes up with the daemon: it must be running again.
                     for (int i = 0; i < 50; ++i) {
                         if (services_.status(std::string(kUnit)).running()) return;
                         std::this_thread::sleep_for(std::chrono::milliseconds(100));
                     }
                     throw std::runtime_error("rsyslog did not come back up with the new audit forwarding");
                 }});
}

void SyslogManager::addAuditHost(std::string_view host, std::int64_t port, std::string_view protocol) {
    auto f = auditForwarding();
    f.add(host, port, protocol);
    const auto& added = f.hosts().back();
    if (!isIpv4Address(added.host) && !isIpv6Address(added.host)) requireResolvable(added.host, added.protocol == "tcp");
    applyAudit(f);
}

void SyslogManager::deleteAuditHost(std::string_view host) {
    auto f = auditForwarding();
    f.remove(host);
    applyAudit(f);
}

void SyslogManager::clearAuditHosts() {
    auto f = auditForwarding();
    f.clear();
    applyAudit(f);
}

void SyslogManager::applyRotation(const RotationSettings& r) {
    applyConfig({paths_.logrotateConf, r.render(applianceLogFiles(paths_.logDir), postrotate()), FileOwner{0, 0, 0644},
                 [&](const fs::path& candidate) { checks_.check(Check::Logrotate, candidate); }, {}});
}

void SyslogManager::setRotations(std::int64_t n) {
    auto r = rotation();
    r.rotations = RotationSettings::checkRotations(n);
    applyRotation(r);
}

void SyslogManager::setPeriod(std::string_view period) {
    auto r = rotation();
    r.period = parsePeriod(period);
    applyRotation(r);
}

void SyslogManager::rotate() {
    if (!fs::exists(paths_.logrotateConf)) applyRotation(rotation());
    fs::create_directories(paths_.stateDir);
    auto r = runProgram({"logrotate", "--force", "--state", paths_.logrotateState().string(), paths_.logrotateConf.string()},
                        {}, std::chrono::seconds(120));
    if (r.output.find("already exists") != std::string::npos)
        throw Error(rc::OPERATION_NOT_ALLOWED, "The logs were already rotated today; logs cannot be rotated more than once per day");
    if (r.status != 0) {
        auto line = r.output.substr(0, r.output.find('\n'));
        throw Error(rc::GENERAL_ERROR, "logrotate failed: " + line.substr(0, 200));
    }
}

std::vector<std::string> SyslogManager::tail(std::string_view log, std::optional<std::uint64_t> entries,
                                             std::string_view search) const {
    auto it = std::find_if(kTailLogs.begin(), kTailLogs.end(), [&](const TailLog& t) { return t.name == log; });
    if (it == kTailLogs.end()) {
        std::string shown(log.substr(0, 40));
        if (!shown.empty()) shown[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(shown[0])));
        if (log == "hsm") shown = "HSM";
        throw Error(rc::LOG_NOT_FOUND, shown + " log does not exist");
    }
    std::ifstream in(paths_.logDir / it->file);
    std::deque<std::string> lines;
    std::size_t bytes = 0;
    const std::uint64_t keep = entries.value_or(UINT64_MAX);
    if (keep == 0) return {};
    for (std::string line; std::getline(in, line);) {
        if (!search.empty() && line.find(search) == std::string::npos) continue;
        bytes += line.size();
        lines.push_back(std::move(line));
        while (!lines.empty() && (lines.size() > keep || bytes > kTailBudget)) {
            bytes -= lines.front().size();
            lines.pop_front();
        }
    }
    return {lines.begin(), lines.end()};
}

std::vector<LogFileInfo> SyslogManager::files() const {
    std::vector<LogFileInfo> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(paths_.logDir, ec)) {
        struct stat st {};
        if (::lstat(e.path().c_str(), &st) != 0) continue;
        out.push_back({e.path().filename().string(), static_cast<std::uint64_t>(st.st_size), st.st_mtime});
    }
    std::sort(out.begin(), out.end(), [](const LogFileInfo& a, const LogFileInfo& b) { return a.name < b.name; });
    return out;
}

int SyslogManager::archiveLogs() const {
    return unlinkedFile(paths_.scratchDir(), "logs.tgz", [&](const fs::path& out) {
        std::vector<std::string> argv{"tar", "--create", "--gzip", "--file", out.string(), "--directory",
                                      paths_.logDir.string(), "--ignore-failed-read", "--"};
        std::error_code ec;
        std::size_t n = argv.size();
        for (const auto& e : fs::directory_iterator(paths_.logDir, ec)) {
            const auto name = e.path().filename().string();
            for (const auto& f : applianceLogFiles(paths_.logDir)) {
                const auto base = f.filename().string();
                if (name == base || isRotationOf(name, base)) argv.push_back(name);
            }
        }
        if (argv.size() == n) argv.push_back(".");   // nothing yet: an archive of an empty list would fail
        auto r = runProgram(argv, {}, std::chrono::seconds(300));
        if (r.status > 1) throw std::runtime_error("tar failed: " + r.output.substr(0, 200));
    });
}

int SyslogManager::exportMessages() const {
    const auto source = paths_.logDir / "messages";
    return unlinkedFile(paths_.scratchDir(), "syslog", [&](const fs::path& out) {
        std::error_code ec;
        if (fs::exists(source, ec)) fs::copy_file(source, out, fs::copy_options::overwrite_existing);
        else writeFileAtomic(out, "", FileOwner{::geteuid(), ::getegid(), 0600});
    });
}

int SyslogManager::cleanup() {
    int fd = archiveLogs();
    std::error_code ec;
    std::size_t removed = 0;
    for (const auto& e : fs::directory_iterator(paths_.logDir, ec)) {
        const auto name = e.path().filename().string();
        for (const auto& f : applianceLogFiles(paths_.logDir)) {
            const auto base = f.filename().string();
            if ((name == base || isRotationOf(name, base)) && e.is_regular_file()) {
                fs::remove(e.path(), ec);
                ++removed;
            }
        }
    }
    syslog(LOG_NOTICE, "syslog cleanup removed %zu log files", removed);
    try {
        services_.tryRestart(std::string(kUnit));
    } catch (const std::exception& e) {
        syslog(LOG_WARNING, "restarting %s after the cleanup failed: %s", std::string(kUnit).c_str(), e.what());
    }
    return fd;
}

} // namespace luna::sysconf
