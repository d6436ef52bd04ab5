#include "sysconf/ntp_config.h"

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

void checkServer(const NtpServer& s) {
    checkHost(s.host);
    if (s.host == NtpSettings::kLocalClock || s.host.starts_with("127.127."))
        throw Error(rc::CONFIG_VALUE_INVALID, "The local clock is always configured; it cannot be added or deleted");
    if (s.key > 65535) throw Error(rc::CONFIG_VALUE_INVALID, "The NTP key id must be between 1 and 65535");
    if (s.version != 0 && s.version != 3 && s.version != 4)
        throw Error(rc::CONFIG_VALUE_INVALID, "The NTP version must be 3 or 4");
}

} // namespace

std::string NtpServer::line() const {
    std::string l = "server " + host;
    if (burst) l += " burst";
    if (iburst) l += " iburst";
    if (prefer) l += " prefer";
    if (key) l += " key " + std::to_string(key);
    if (version) l += " version " + std::to_string(version);
    return l;
}

NtpSettings NtpSettings::load(const std::filesystem::path& ntpConf) {
    auto text = readFile(ntpConf);
    return text ? parse(*text) : NtpSettings();
}

NtpSettings NtpSettings::parse(std::string_view text) {
    NtpSettings s;
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        std::istringstream w(line);
        std::string word, host;
        if (!(w >> word) || word != "server" || !(w >> host) || host.starts_with("127.127.")) continue;
        NtpServer srv;
        srv.host = host;
        try {
            for (std::string opt; w >> opt;) {
                if (opt == "burst") srv.burst = true;
                else if (opt == "iburst") srv.iburst = true;
                else if (opt == "prefer") srv.prefer = true;
                else if (opt == "key" && w >> opt) srv.key = static_cast<std::uint32_t>(std::stoul(opt));
                else if (opt == "version" && w >> opt) srv.version = static_cast<std::uint32_t>(std::stoul(opt));
            }
            s.addServer(srv);
        } catch (const std::exception&) {
            // A line render() would not have written is dropped, never passed on.
        }
    }
    return s;
}

void NtpSettings::addServer(NtpServer server) {
    checkServer(server);
    const auto h = lower(server.host);
    if (std::any_of(servers_.begin(), servers_.end(), [&](const NtpServer& s) { return lower(s.host) == h; }))
        throw Error(rc::CONFIG_ENTRY_EXISTS, "NTP server '" + server.host + "' is already configured");
    if (servers_.size() >= kMaxServers)
        throw Error(rc::CONFIG_VALUE_INVALID, "At most " + std::to_string(kMaxServers) + " NTP servers can be configured");
    servers_.push_back(std::move(server));
}

void NtpSettings::deleteServer(std::string_view host) {
    const auto h = lower(host);
    auto it = std::find_if(servers_.begin(), servers_.end(), [&](const NtpServer& s) { return lower(s.host) == h; });
    if (it == servers_.end())
        throw Error(rc::CONFIG_ENTRY_NOT_FOUND, "NTP server '" + std::string(host.substr(0, 80)) + "' is not configured");
    servers_.erase(it);
}

std::string NtpSettings::render(const std::filesystem::path& driftFile) const {
    std::ostringstream o;
    o << "# Managed by sysconfd (LunaSH \"sysconf ntp\"): do not edit, changes are overwritten.\n"
      << "driftfile " << driftFile.string() << "\n"
      << "restrict default kod limited nomodify notrap nopeer noquery\n"
      << "restrict -6 default kod limited nomodify notrap nopeer noquery\n"
      << "restrict 127.0.0.1\n"
      << "restrict -6 ::1\n"
      << "server " << kLocalClock << "\n"
      << "fudge " << kLocalClock << " stratum 10\n";
    for (const auto& s : servers_) o << s.line() << "\n";
    return o.str();
}

} // namespace luna::sysconf
