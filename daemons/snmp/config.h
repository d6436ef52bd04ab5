// luna-snmp's settings. They live in luna-snmp.conf beside Net-SNMP's own subagent tokens
// (agentXSocket, agentXPingInterval, agentXTimeout, agentXRetries, which the library reads
// itself), so one file configures the subagent: see daemons/snmp/luna-snmp.conf.
#pragma once

#include "collector.h"

#include <chrono>
#include <string>

namespace luna::snmp {

struct Settings {
    // How often the tables are rebuilt from the daemons' state: the seed's 60 s cache.
    std::chrono::milliseconds refreshInterval{60000};
    DbusSourceOptions dbus;
};

// Registers the luna* tokens for the "luna-snmp" configuration type; Net-SNMP fills
// `settings` while init_snmp() reads the files. `settings` must outlive init_snmp().
void registerConfigTokens(Settings& settings);

} // namespace luna::snmp
