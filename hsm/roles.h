// HSM roles (seed ch.21) and the syntax rules for credentials, labels and names
// (ch.3, ch.7). Enum <-> string tables in one place.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace luna::hsm {

enum class Role : std::uint8_t { HsmSo, Auditor, PartitionSo, CryptoOfficer, CryptoUser };

struct RoleInfo {
    Role role;
    std::string_view name;        // as lunacm's `role` commands and the seed name it
    std::string_view shortName;   // lunacm -name value: so, au, po, co, cu
    std::uint32_t defaultThreshold;   // failed logins before the ch.21 consequence
};

inline constexpr std::array kRoles = std::to_array<RoleInfo>({
    {Role::HsmSo, "HSM SO", "so", 3},
    {Role::Auditor, "Auditor", "au", 3},
    {Role::PartitionSo, "Partition SO", "po", 10},
    {Role::CryptoOfficer, "Crypto Officer", "co", 10},
    {Role::CryptoUser, "Crypto User", "cu", 10},
});
static_assert(kRoles.size() == 5);

constexpr const RoleInfo& roleInfo(Role r) { return kRoles[static_cast<std::size_t>(r)]; }
std::optional<Role> roleFromShortName(std::string_view s);

// Throw luna::Error with a message naming the rule that was broken.
void checkSoPassword(std::string_view pw);                 // 7-256 chars of the valid set
void checkDomain(std::string_view domain);                 // 1-128 chars of the valid set
void checkHsmLabel(std::string_view label);                // <= 32 chars, no leading space
void checkPartitionName(std::string_view name);            // 1-32 chars, letters digits _ - .
void checkPartitionPin(std::string_view pin, std::uint32_t minLen, std::uint32_t maxLen);

} // namespace luna::hsm
