// LunaSH `audit remotehost` for UDP and TCP (seed ch.1 "Remote Audit Logging"): the audit
// records cbsd hands to syslog with facility local3 are forwarded by rsyslog to each host. The
// drop-in (<rsyslog.d>/59-luna-audit.conf) is the only record, as for `syslog remotehost`:
// "# luna-audit-remote" header lines hold the hosts and parse() reads them back. It comes
// before the other drop-ins and the main rules and ends with `stop`, so audit records reach
// the audit hosts and nothing else (not the appliance's messages log, not the admin's
// `syslog remotehost` hosts). RELP hosts are cbsd's own (daemons/cbsd/remote_hosts.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace luna::sysconf {

struct AuditHost {
    std::string host;
    std::uint16_t port = 514;
    std::string protocol = "udp";   // udp or tcp
};

class AuditForwarding {
public:
    static constexpr std::string_view kFileName = "59-luna-audit.conf";

    // Throws CKR_GENERAL_ERROR on a file that is not ours.
    static AuditForwarding parse(std::string_view dropIn);

    const std::vector<AuditHost>& hosts() const { return hosts_; }
    // CKR_CONFIG_VALUE_INVALID (host, port, protocol: "relp" is cbsd's), CKR_CONFIG_ENTRY_EXISTS.
    void add(std::string_view host, std::int64_t port, std::string_view protocol);
    void remove(std::string_view host);   // CKR_CONFIG_ENTRY_NOT_FOUND
    void clear() { hosts_.clear(); }

    std::string render() const;

private:
    std::vector<AuditHost> hosts_;
};

} // namespace luna::sysconf
