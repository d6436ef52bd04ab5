#include "sysconf/syslog_config.h"

#include "sysconf/atomic_file.h"
#include "sysconf/net_rules.h"

#include "luna/errors.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace luna::sysconf {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

constexpr std::string_view kMagic = "# luna-syslog 1";

std::map<std::string, int, std::less<>> defaultRemoteLevels() {
    std::map<std::string, int, std::less<>> m;
    for (const auto& l : kLogs) m.emplace(l.name, l.defaultRemote);
    return m;
}

std::vector<std::string> words(std::string_view line) {
    std::vector<std::string> out;
    std::istringstream in{std::string(line)};
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

[[noreturn]] void damaged(const std::string& why) {
    throw Error(rc::GENERAL_ERROR, "The syslog configuration file is damaged (" + why + ")");
}

std::string rsyslogString(std::string_view s) {
    // Only checked hosts and paths reach here; refuse anything that could leave the string.
    for (char c : s)
        if (c == '"' || c == '\\' || c == '\n' || c == '\r') throw Error(rc::CONFIG_VALUE_INVALID, "Invalid character in a path");
    return "\"" + std::string(s) + "\"";
}

} // namespace

int parseSeverity(std::string_view name) {
    const auto n = lower(name);
    for (const auto& s : kSeverities)
        if (n == s.name || n == s.alias) return s.level;
    throw Error(rc::CONFIG_VALUE_INVALID,
                "'" + std::string(name.substr(0, 40)) +
                    "' is not a log level (emergency, alert, critical/crit, error/err, warning/warn, notice, info, debug)");
}

std::string_view severityName(int level) {
    for (const auto& s : kSeverities)
        if (s.level == level) return s.name;
    return "*";
}

const LogDef* findLog(std::string_view name) {
    const auto n = lower(name);
    for (const auto& l : kLogs)
        if (l.name == n) return &l;
    return nullptr;
}

std::vector<std::filesystem::path> applianceLogFiles(const std::filesystem::path& logDir) {
    std::vector<std::filesystem::path> out;
    for (const auto& l : kLogs) out.push_back(logDir / l.file);
    out.push_back(logDir / "ntp.log");
    out.push_back(logDir / "snmpd.log");
    return out;
}

std::string_view transportName(Transport t) {
    switch (t) {
    case Transport::Udp: return "udp";
    case Transport::Tcp: return "tcp";
    case Transport::Relp: return "relp";
    }
    return "udp";
}

Transport parseTransport(std::string_view name) {
    const auto n = lower(name);
    if (n == "udp") return Transport::Udp;
    if (n == "tcp") return Transport::Tcp;
    if (n == "relp") return Transport::Relp;
    throw Error(rc::CONFIG_VALUE_INVALID, "'" + std::string(name.substr(0, 40)) + "' is not a protocol (udp, tcp, relp)");
}

SyslogSettings::SyslogSettings() {
    for (const auto& l : kLogs)
        if (l.localConfigurable) local_.emplace(l.name, l.defaultLocal);
}

RemoteHost* SyslogSettings::findHost(std::string_view host) {
    const auto h = lower(host);
    for (auto& r : hosts_)
        if (lower(r.host) == h) return &r;
    return nullptr;
}

void SyslogSettings::addHost(std::string_view host, std::int64_t port, Transport transport) {
    RemoteHost r;
    r.host = checkHost(host);
    r.port = checkPort(port);
    r.transport = transport;
    r.levels = defaultRemoteLevels();
    if (findHost(r.host))
        throw Error(rc::CONFIG_ENTRY_EXISTS, r.host + " is already a remote logging server; delete it first");
    if (hosts_.size() >= 16) throw Error(rc::CONFIG_VALUE_INVALID, "At most 16 remote logging servers can be configured");
    hosts_.push_back(std::move(r));
}

void SyslogSettings::deleteHost(std::string_view host) {
    const auto h = lower(host);
    auto it = std::find_if(hosts_.begin(), hosts_.end(), [&](const RemoteHost& r) { return lower(r.host) == h; });
    if (it == hosts_.end())
        throw Error(rc::CONFIG_ENTRY_NOT_FOUND, "'" + std::string(host.substr(0, 80)) + "' is not a remote logging server");
    hosts_.erase(it);
}

void SyslogSettings::setLevel(std::string_view log, int level, std::string_view host) {
    const LogDef* def = findLog(log);
    if (!def)
        throw Error(rc::CONFIG_VALUE_INVALID,
                    "'" + std::string(log.substr(0, 40)) + "' is not a log name (lunalogs, messages, cron, secure, boot)");
    if (level < 0 || level > 7) throw Error(rc::CONFIG_VALUE_INVALID, "Invalid log level");
    if (host.empty()) {
        if (!def->localConfigurable)
            throw Error(rc::CONFIG_VALUE_INVALID,
                        "The local log level of " + std::string(def->name) + " is not user configurable (all levels are logged)");
        local_[std::string(def->name)] = level;
        return;
    }
    RemoteHost* r = findHost(host);
    if (!r)
        throw Error(rc::CONFIG_ENTRY_NOT_FOUND, "'" + std::string(host.substr(0, 80)) +
                                                    "' is not a remote logging server; add it with syslog remotehost add");
    r->levels[std::string(def->name)] = level;
}

SyslogSettings SyslogSettings::load(const std::filesystem::path& dropIn) {
    auto text = readFile(dropIn);
    return text ? parse(*text) : SyslogSettings();
}

SyslogSettings SyslogSettings::parse(std::string_view text) {
    SyslogSettings s;
    bool magic = false;
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        if (line == kMagic) {
            magic = true;
            continue;
        }
        if (!line.starts_with("# luna-")) continue;
        auto w = words(line);
        try {
            if (w[1] == "luna-local" && w.size() == 4) {
                s.setLevel(w[2], parseSeverity(w[3]));
            } else if (w[1] == "luna-remote" && w.size() >= 5) {
                s.addHost(w[2], std::stoll(w[3]), parseTransport(w[4]));
                for (std::size_t i = 5; i < w.size(); ++i) {
                    auto eq = w[i].find('=');
                    if (eq == std::string::npos) damaged("level without '='");
                    s.setLevel(w[i].substr(0, eq), parseSeverity(w[i].substr(eq + 1)), w[2]);
                }
            } else {
                damaged("unknown line '" + line.substr(0, 60) + "'");
            }
        } catch (const Error& e) {
            if (e.code() == rc::GENERAL_ERROR) throw;
            damaged(e.detail());
        } catch (const std::exception&) {
            damaged("malformed line '" + line.substr(0, 60) + "'");
        }
    }
    if (!magic && !text.empty()) damaged("it was not written by sysconfd");
    return s;
}

std::string SyslogSettings::render(const std::filesystem::path& logDir) const {
    std::ostringstream o;
    o << "# Managed by sysconfd (LunaSH \"syslog\" commands): do not edit, changes are overwritten.\n"
      << kMagic << "\n";
    for (const auto& [log, level] : local_) o << "# luna-local " << log << ' ' << severityName(level) << '\n';
    for (const auto& h : hosts_) {
        o << "# luna-remote " << h.host << ' ' << h.port << ' ' << transportName(h.transport);
        for (const auto& [log, level] : h.levels) o << ' ' << log << '=' << severityName(level);
        o << '\n';
    }
    const bool relp = std::any_of(hosts_.begin(), hosts_.end(), [](const RemoteHost& h) { return h.transport == Transport::Relp; });
    o << '\n';
    if (relp) o << "module(load=\"omrelp\")\n\n";

    o << "# Local logs (syslog tail -logname ...)\n";
    for (const auto& l : kLogs) {
        std::string cond = "(" + std::string(l.filter) + ")";
        if (auto it = local_.find(l.name); it != local_.end()) cond += " and $syslogseverity <= " + std::to_string(it->second);
        o << "if " << cond << " then action(type=\"omfile\" file=" << rsyslogString((logDir / l.file).string()) << ")\n";
    }
    o << "if $programname == \"ntpd\" then action(type=\"omfile\" file=" << rsyslogString((logDir / "ntp.log").string()) << ")\n";
    o << "if $programname == \"snmpd\" then action(type=\"omfile\" file=" << rsyslogString((logDir / "snmpd.log").string())
      << ")\n";

    int n = 0;
    for (const auto& h : hosts_) {
        ++n;
        std::string cond;
        for (const auto& l : kLogs) {
            auto it = h.levels.find(l.name);
            const int level = it == h.levels.end() ? l.defaultRemote : it->second;
            if (!cond.empty()) cond += "\n    or ";
            cond += "((" + std::string(l.filter) + ") and $syslogseverity <= " + std::to_string(level) + ")";
        }
        o << "\n# Remote logging server " << n << ": " << h.host << ':' << h.port << ' ' << transportName(h.transport) << '\n';
        o << "if (" << cond << ") then {\n";
        const std::string name = "luna-remote-" + std::to_string(n);
        switch (h.transport) {
        case Transport::Udp:
            o << "  action(type=\"omfwd\" name=\"" << name << "\" target=" << rsyslogString(h.host) << " port=\"" << h.port
              << "\" protocol=\"udp\")\n";
            break;
        case Transport::Tcp:
            o << "  action(type=\"omfwd\" name=\"" << name << "\" target=" << rsyslogString(h.host) << " port=\"" << h.port
              << "\" protocol=\"tcp\"\n"
              << "         queue.type=\"LinkedList\" queue.filename=\"" << name << "\" queue.size=\"10000\"\n"
              << "         queue.saveOnShutdown=\"on\" action.resumeRetryCount=\"-1\" action.resumeInterval=\"1\")\n";
            break;
        case Transport::Relp:
            o << "  action(type=\"omrelp\" name=\"" << name << "\" target=" << rsyslogString(h.host) << " port=\"" << h.port
              << "\" windowSize=\"1024\"\n"
              << "         queue.type=\"LinkedList\" queue.filename=\"" << name << "\" queue.size=\"10000\"\n"
              << "         queue.saveOnShutdown=\"on\" action.resumeRetryCount=\"-1\" action.resumeInterval=\"1\")\n";
            break;
        }
        o << "}\n";
    }
    return o.str();
}

} // namespace luna::sysconf
