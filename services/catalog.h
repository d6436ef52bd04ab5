// The services LunaSH `service ...` knows (the reference's catalogue), each mapped to the
// systemd unit that is that service on this appliance. One table: `service list` prints it,
// sysconfd resolves every service request through it, and a name that is not a row is
// refused before systemd is asked anything.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace luna::services {

class ServiceControl;

struct ServiceDef {
    std::string_view name;          // as typed: "ntls"
    std::string_view unit;          // the systemd unit: "ntlsd.service"
    std::string_view description;   // as `service list` shows it
    // A unit that starts `unit` on demand ("" if none): stopped with it, or the service would
    // come straight back (rsyslog is socket-activated by journald's forwarding).
    std::string_view trigger = {};
    // Another unit that is this service where `unit` is not installed ("" if none): the
    // network is ifupdown's networking.service on a Debian install, systemd-networkd on the
    // appliance image (packaging/image).
    std::string_view altUnit = {};
    // false: the hardware appliance has this service but this software appliance has no
    // such daemon (no STC listener, front-panel LCD or REST server is built). `service list`
    // says so, and start/stop/restart are refused without asking systemd.
    bool built = true;
};

// Units follow the daemons' names (hsmd.service, sysconfd.service); the system's own
// services are Debian's units (rsyslog, ssh, snmpd, ntpsec, networking). lsta, the "Luna
// SNMP trap agent", is daemons/lsta (the SAFENET-APPLIANCE-MIB traps from the system log).
inline constexpr std::array<ServiceDef, 11> kServices{{
    {"cbs", "cbsd.service", "HSM callback service"},
    {"lsta", "luna-lsta.service", "Luna SNMP trap agent service"},
    {"network", "networking.service", "Network service (Needed for ntls, ssh and scp)", {}, "systemd-networkd.service"},
    {"ntls", "ntlsd.service", "Network trust link service"},
    {"ntp", "ntpsec.service", "Network time protocol service"},
    {"snmp", "snmpd.service", "SNMP agent service"},
    {"ssh", "ssh.service", "Secure shell service (Needed for ssh and scp)"},
    {"stc", "stcd.service", "Secure trusted channel service", {}, {}, false},
    {"syslog", "rsyslog.service", "Syslog service", "syslog.socket"},
    {"sysstat", "luna-sysstat.service", "System status monitoring (controls LCD)", {}, {}, false},
    {"webserver", "luna-webserver.service", "REST API service", {}, {}, false},
}};

// The row of a service name (exact, lower case as the reference writes them), or nullptr.
const ServiceDef* findService(std::string_view name);

// The load state a service that is not built reports instead of systemd's ("loaded",
// "not-found", ...): com.safenet.Luna.Services List/Status.
inline constexpr std::string_view kNotBuilt = "not-built";

// The unit that is `service` here: `unit`, or `altUnit` when only that one is installed.
// (Asks `control` for the units' load states; a service that is not built is its `unit`.)
std::string resolveUnit(const ServiceDef& service, ServiceControl& control);

} // namespace luna::services
