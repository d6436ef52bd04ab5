#include "sysconf/audit_forwarding.h"

#include "sysconf/net_rules.h"

#include "luna/errors.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace luna::sysconf {
namespace {

constexpr std::string_view kMagic = "# luna-audit-forwarding 1";

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

void AuditForwarding::add(std::string_view host, std::int64_t port, std::string_view protocol) {
    AuditHost h;
    h.host = checkHost(host);
    h.port = checkPort(port);
    h.protocol = lower(protocol);
    if (h.protocol != "udp" && h.protocol != "tcp")
        throw Error(rc::CONFIG_VALUE_INVALID, "'" + std::string(protocol.substr(0, 40)) +
                                                  "' is not a protocol rsyslog forwards audit records with (udp, tcp)");
    if (std::any_of(hosts_.begin(), hosts_.end(), [&](const AuditHost& a) { return lower(a.host) == lower(h.host); }))
        throw Error(rc::CONFIG_ENTRY_EXISTS, h.host + " is already a remote logging server; delete it first");
    if (hosts_.size() >= 16) throw Error(rc::CONFIG_VALUE_INVALID, "At most 16 remote logging servers can be configured");
    hosts_.push_back(std::move(h));
}

void AuditForwarding::remove(std::string_view host) {
    auto it = std::find_if(hosts_.begin(), hosts_.end(), [&](const AuditHost& a) { return lower(a.host) == lower(host); });
    if (it == hosts_.end())
        throw Error(rc::CONFIG_ENTRY_NOT_FOUND, "'" + std::string(host.substr(0, 80)) + "' is not a remote logging server");
    hosts_.erase(it);
}

AuditForwarding AuditForwarding::parse(std::string_view text) {
    AuditForwarding f;
    bool magic = false;
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        if (line == kMagic) {
            magic = true;
            continue;
        }
        if (!line.starts_with("# luna-audit-remote ")) continue;
        std::istringstream w(line.substr(20));
        std::string host, protocol;
        long long port = 0;
        if (!(w >> host >> port >> protocol))
            throw Error(rc::GENERAL_ERROR, "The audit forwarding configuration is damaged (" + line.substr(0, 60) + ")");
        try {
            f.add(host, port, protocol);
        } catch (const Error& e) {
            throw Error(rc::GENERAL_ERROR, "The audit forwarding configuration is damaged (" + e.detail() + ")");
        }
    }
    if (!magic && !text.empty())
        throw Error(rc::GENERAL_ERROR, "The audit forwarding configuration is damaged (it was not written by sysconfd)");
    return f;
}

std::string AuditForwarding::render() const {
    std::ostringstream o;
    o << "# Managed by sysconfd (LunaSH \"audit remotehost\"): do not edit, changes are overwritten.\n" << kMagic << "\n";
    for (const auto& h : hosts_) o << "# luna-audit-remote " << h.host << ' ' << h.port << ' ' << h.protocol << '\n';
    o << "\n# Audit records: cbsd hands each one over with facility local3 as \"<SN>^<record>\"; the\n"
         "# receiver's template %msg:F,94:2% writes the record line as it is in the appliance's log.\n"
         "if $syslogfacility == 19 then {\n";
    int n = 0;
    for (const auto& h : hosts_) {
        // Hosts and ports passed net_rules (no quote or backslash can be in them).
        const std::string name = "luna-audit-" + std::to_string(++n);
        o << "  action(type=\"omfwd\" name=\"" << name << "\" target=\"" << h.host << "\" port=\"" << h.port
          << "\" protocol=\"" << h.protocol << "\"";
        if (h.protocol == "tcp")
            o << "\n         queue.type=\"LinkedList\" queue.filename=\"" << name << "\" queue.size=\"10000\"\n"
              << "         queue.saveOnShutdown=\"on\" action.resumeRetryCount=\"-1\" action.resumeInterval=\"1\"";
        o << ")\n";
    }
    // Nothing after this file sees an audit record: not the local logs, not `syslog remotehost`.
    o << "  stop\n}\n";
    return o.str();
}

} // namespace luna::sysconf
