// One register function per command group; each lives in its own file and adds that group's
// rows. A new group (user, my, sysconf, ...) is one more file and one more line in groups.cpp.
#pragma once

#include "registry.h"

namespace lunash {

void registerBasicCommands(CommandTable& t);       // help, exit
void registerHsmCommands(CommandTable& t);         // hsm
void registerPartitionCommands(CommandTable& t);   // partition
void registerStatusCommands(CommandTable& t);      // status
void registerAuditCommands(CommandTable& t);      // audit (audit.cpp, audit_log.cpp)
void registerClientCommands(CommandTable& t);      // client (NTLS client registry)
void registerNtlsCommands(CommandTable& t);        // ntls
void registerSysconfNtlsCommands(CommandTable& t); // sysconf regencert, sysconf fingerprint ntls
void registerUserCommands(CommandTable& t);        // user
void registerMyCommands(CommandTable& t);          // my
void registerSyslogCommands(CommandTable& t);      // syslog
void registerServiceCommands(CommandTable& t);     // service
void registerSysconfConfigCommands(CommandTable& t);      // sysconf config
void registerSysconfTimeCommands(CommandTable& t);        // sysconf time, timezone, ntp
void registerSysconfSnmpCommands(CommandTable& t);        // sysconf snmp
void registerSysconfApplianceCommands(CommandTable& t);   // sysconf appliance, banner, forcesologin, fingerprint, license
void registerNetworkCommands(CommandTable& t);     // network show, network route show

} // namespace lunash
