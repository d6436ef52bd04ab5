#include "commands/groups.h"

namespace lunash {

// Order is the order of the top-level list: help and exit first, as the reference shows.
void registerAllCommands(CommandTable& t) {
    registerBasicCommands(t);
    registerHsmCommands(t);
    registerAuditCommands(t);
    registerPartitionCommands(t);
    registerStatusCommands(t);
    registerClientCommands(t);
    registerNtlsCommands(t);
    registerSysconfNtlsCommands(t);
    registerUserCommands(t);
    registerMyCommands(t);
    registerSyslogCommands(t);
    registerServiceCommands(t);
    registerSysconfConfigCommands(t);
    registerSysconfTimeCommands(t);
    registerSysconfApplianceCommands(t);
    registerSysconfSnmpCommands(t);
    registerNetworkCommands(t);
}

} // namespace lunash
