// The Luna SNMP trap agent's (lsta) trap host, LunaSH `sysconf snmp trap set/show/clear`:
// one SNMPv3 destination, authPriv, SHA/AES. sysconfd writes <etc>/luna/lsta.conf (root,
// group luna-lsta, 0640) and lsta reads it at start ("service restart lsta" applies a
// change, as the reference says). Master keys only, never the passwords.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace luna::sysconf {

struct TrapHost {
    std::string host;            // IPv4/IPv6 address or host name
    std::uint16_t port = 162;
    std::string secName;
    std::string engineId;        // hex without 0x, or "" (the trap's sender engine ID is then snmptrap's)
    std::string authProtocol = "SHA", privProtocol = "AES";
    std::string authKey, privKey;   // 0x... SHA master keys

    std::string render() const;
    // nullopt when the text holds no complete trap host.
    static std::optional<TrapHost> parse(std::string_view text);
    static std::optional<TrapHost> load(const std::filesystem::path& path);
};

// `trap set`'s arguments checked and turned into a TrapHost: "host" or "host:port",
// the reference's name/password/protocol rules; each refusal a CKR_CONFIG_VALUE_INVALID.
TrapHost makeTrapHost(std::string_view host, std::string_view secName, std::string_view engineId,
                      std::string_view authProtocol, std::string_view authPassword, std::string_view privProtocol,
                      std::string_view privPassword);

} // namespace luna::sysconf
