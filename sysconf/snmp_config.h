// The appliance's SNMP agent configuration (LunaSH `sysconf snmp user/notification ...`):
// snmpd.conf, owned whole by sysconfd and rendered from the user names and notification
// targets; parse() reads back only the lines render() writes. SNMPv3 only (the reference has
// no community anywhere), authPriv with SHA and AES (the only protocols it offers).
//
// No password is written anywhere: a notification target's passwords become SHA master keys
// (Ku, RFC 3414 A.2.2) on its `trapsess` line (snmpcmd's -3m/-3M), and a user's keys live in
// snmpd's own persistent store (snmp_usm_store.h). Each refusal is a CKR_CONFIG_* whose
// sentence lunash prints.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace luna::sysconf {

// The reference's rules. Security names: 1-31 characters, printable, no blank, quote or
// backslash (they go into snmpd's configuration as one token). Passwords: 8-128 printable
// characters. Protocols: SHA / AES (any case), returned as snmpd spells them.
void checkSnmpSecName(std::string_view name);
void checkSnmpPassword(std::string_view which, std::string_view password);
std::string checkAuthProtocol(std::string_view protocol);   // "" means the default, SHA
std::string checkPrivProtocol(std::string_view protocol);   // "" means the default, AES
// Hex digits without 0x/0X, 10-64 of them (5-32 octets, RFC 3411), an even number; lower case.
std::string checkEngineId(std::string_view engineId);

// The SHA-1 master key of a password (RFC 3414 A.2.2: the password repeated to 1 MiB,
// hashed), as snmpd reads it: "0x" and 40 hex digits.
std::string snmpShaMasterKey(std::string_view password);

struct NotificationTarget {
    std::string address;       // IPv4
    std::uint16_t port = 162;
    std::string secName;
    std::string engineId;      // hex without 0x, or "" (snmpd's own)
    bool inform = false;
    std::string authKey, privKey;   // 0x... master keys
    std::string line() const;       // the trapsess line
};

// The fixed part of snmpd.conf, from sysconfd's options.
struct SnmpAgentSettings {
    std::string agentAddress = "udp:161";
    std::string agentxSocket = "/var/agentx/master";
    std::string agentxGroup = "luna-snmp";   // luna-snmp's group may use the AgentX socket
};

class SnmpSettings {
public:
    static SnmpSettings parse(std::string_view snmpdConf);
    static SnmpSettings load(const std::filesystem::path& snmpdConf);   // absent: empty

    const std::vector<std::string>& users() const { return users_; }
    void addUser(const std::string& name);       // CKR_CONFIG_ENTRY_EXISTS
    void deleteUser(std::string_view name);      // CKR_CONFIG_ENTRY_NOT_FOUND
    void clearUsers() { users_.clear(); }

    const std::vector<NotificationTarget>& targets() const { return targets_; }
    void addTarget(NotificationTarget t);        // the same address, port and name: EXISTS
    // Every target at address:port; CKR_CONFIG_ENTRY_NOT_FOUND when there is none.
    std::size_t deleteTargets(std::string_view address, std::uint16_t port);
    void clearTargets() { targets_.clear(); }

    std::string render(const SnmpAgentSettings& agent) const;

    static constexpr std::size_t kMaxUsers = 64, kMaxTargets = 64;

private:
    std::vector<std::string> users_;
    std::vector<NotificationTarget> targets_;
};

} // namespace luna::sysconf
