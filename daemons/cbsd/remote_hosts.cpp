#include "remote_hosts.h"

#include "state.h"

#include "luna/errors.h"
#include "sysconf/net_rules.h"

#include <syslog.h>

#include <algorithm>
#include <cctype>
#include <fstream>

namespace luna::cbsd {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

RemoteHosts::RemoteHosts(RecordFeed& feed, std::string serial, std::filesystem::path stateDir, unsigned retryMs)
    : feed_(feed), serial_(std::move(serial)), stateDir_(std::move(stateDir)), retryMs_(retryMs) {}

RemoteHosts::~RemoteHosts() {
    std::lock_guard lock(mu_);
    hosts_.clear();
}

std::filesystem::path RemoteHosts::cursorFile(const std::string& host, std::uint16_t port) const {
    return stateDir_ / (serial_ + ".relp-" + lower(host) + "-" + std::to_string(port) + ".cursor");
}

void RemoteHosts::start() {
    std::lock_guard lock(mu_);
    std::ifstream in(stateDir_ / "relp-hosts");
    std::string host;
    unsigned port = 0;
    while (in >> host >> port) {
        try {
            const auto h = sysconf::checkHost(host);
            const auto p = sysconf::checkPort(port);
            hosts_.push_back(std::make_unique<RelpForwarder>(feed_, serial_, h, p, cursorFile(h, p), feed_.newest(), retryMs_));
            ::syslog(LOG_INFO, "audit records go to %s:%u over RELP", h.c_str(), p);
        } catch (const std::exception& e) {
            ::syslog(LOG_ERR, "ignoring audit remote host '%s' in relp-hosts: %s", host.c_str(), e.what());
        }
    }
}

void RemoteHosts::save() {
    std::string text;
    for (const auto& f : hosts_) text += f->host() + " " + std::to_string(f->port()) + "\n";
    writeDurably(stateDir_ / "relp-hosts", text);
}

void RemoteHosts::add(std::string_view host, std::int64_t port) {
    const auto h = sysconf::checkHost(host);
    const auto p = sysconf::checkPort(port);
    std::lock_guard lock(mu_);
    for (const auto& f : hosts_)
        if (lower(f->host()) == lower(h))
            throw Error(rc::CONFIG_ENTRY_EXISTS, h + " is already a remote logging server; delete it first");
    if (hosts_.size() >= kMaxHosts)
        throw Error(rc::CONFIG_VALUE_INVALID, "At most 16 remote logging servers can be configured");
    // A cursor left by an earlier life of this host would replay old records: start afresh.
    std::error_code ec;
    std::filesystem::remove(cursorFile(h, p), ec);
    hosts_.push_back(std::make_unique<RelpForwarder>(feed_, serial_, h, p, cursorFile(h, p), feed_.newest(), retryMs_));
    try {
        save();
    } catch (...) {
        hosts_.back()->forget();
        hosts_.pop_back();
        throw;
    }
    ::syslog(LOG_NOTICE, "audit remote host %s:%u added (RELP)", h.c_str(), p);
}

void RemoteHosts::remove(std::string_view host) {
    std::lock_guard lock(mu_);
    auto it = std::find_if(hosts_.begin(), hosts_.end(), [&](const auto& f) { return lower(f->host()) == lower(host); });
    if (it == hosts_.end())
        throw Error(rc::CONFIG_ENTRY_NOT_FOUND, "'" + std::string(host.substr(0, 80)) + "' is not a remote logging server");
    auto gone = std::move(*it);
    hosts_.erase(it);
    save();
    gone->forget();
    ::syslog(LOG_NOTICE, "audit remote host %s:%u deleted", gone->host().c_str(), gone->port());
}

void RemoteHosts::clear() {
    std::lock_guard lock(mu_);
    auto gone = std::move(hosts_);
    hosts_.clear();
    save();
    for (auto& f : gone) f->forget();
}

std::vector<RemoteHostRow> RemoteHosts::list() {
    std::lock_guard lock(mu_);
    std::vector<RemoteHostRow> out;
    for (const auto& f : hosts_) out.push_back({f->host(), f->port(), f->status()});
    return out;
}

void RemoteHosts::wakeAll() {
    std::lock_guard lock(mu_);
    for (const auto& f : hosts_) f->wake();
}

} // namespace luna::cbsd
