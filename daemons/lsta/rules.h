// Which log records are traps (Syslog and SNMP Monitoring Guide, "Luna SNMP Trap Agent"):
// a record's process (syslog tag), severity and text in, the SAFENET-APPLIANCE-MIB
// notification and its assert flag out. Pure, so the rules are tested without a journal.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace luna::lsta {

enum class Trap { Fan = 2, PowerSupply = 3, Motherboard = 4, DiskDrive = 5, Ntls = 6, Crypto = 7 };

std::string_view trapName(Trap t);   // "fanAttentionNotify"
// The notification's OID, .1.3.6.1.4.1.23629.1.5.2.2.<n>, and ssLogReference's.
std::string trapOid(Trap t);
inline constexpr std::string_view kLogReferenceOid = ".1.3.6.1.4.1.23629.1.5.2.2.1";

struct Record {
    std::string process;   // SYSLOG_IDENTIFIER: "ipmievd", "smartd", "NTLS", "kernel"
    int severity = 6;      // syslog PRIORITY: 0 emerg ... 7 debug
    std::string message;
};

struct Match {
    Trap trap;
    bool asserted = true;
};

// All or nothing (the guide): every rule is always on.
std::optional<Match> classify(const Record& r);

} // namespace luna::lsta
