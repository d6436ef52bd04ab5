// snmpd's persistent store (/var/lib/snmp/snmpd.conf) as far as SNMPv3 users go. snmpd reads
// `createUser` lines there at start, keeps the users in memory and, when it stops, rewrites
// the file with a `usmUser` line per user (keys localized to its engine ID) and its engine
// state (engineBoots, oldEngineID), which must survive so the engine ID stays the same.
// So the file is edited only while snmpd is stopped (SnmpManager stops it first): a user is
// added as `createUser NAME SHA -m <Ku> AES -m <Ku>` (master keys, never the passwords), and
// deleted by removing its usmUser/createUser lines; every other line is kept as it is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace luna::sysconf {

// The user names the store holds (usmUser and createUser lines), in file order.
std::vector<std::string> usmStoreUsers(std::string_view store);
// The store without any line for `name`.
std::string usmStoreWithout(std::string_view store, std::string_view name);
// The store without any user at all (engine state kept).
std::string usmStoreWithoutUsers(std::string_view store);
// The store plus a createUser line (master keys as snmpShaMasterKey makes them).
std::string usmStoreWith(std::string_view store, std::string_view name, std::string_view authKey,
                         std::string_view privKey);

} // namespace luna::sysconf
