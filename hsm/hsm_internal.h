// Pieces shared by the Hsm implementation files; not part of the core's interface.
#pragma once

#include "hsm/hsm.h"

#include <string>

namespace luna::hsm {

struct Hsm::Partition {
    std::uint64_t serial = 0;
    std::string name;
    std::string label;
    std::uint64_t size = 0;
    bool initialized = false;
    PolicyValues capabilities;
    PolicyValues policies;
    DestructiveMap flags;
};

namespace detail {
// Store namespaces and keys.
inline constexpr std::string_view kHsmNs = "hsm";
inline constexpr std::string_view kPartitionNs = "partition";
inline constexpr std::string_view kCredNs = "cred";
inline constexpr std::string_view kPartitionDomainNs = "partition-domain";
inline constexpr std::string_view kAuditNs = "audit";
inline std::string objectNs(std::uint64_t serial) { return "object/" + std::to_string(serial); }
inline std::string credKey(std::uint64_t serial, Role r) {
    return std::to_string(serial) + "/" + std::string(roleInfo(r).shortName);
}

// HSM policy 21 (ch.3, ch.21): a credential set or reset under it must be changed before
// its role does anything else. Throws CKR_PIN_EXPIRED if `role` (the session's login on
// partition `serial`, if any) still has such a credential.
void requireCurrentPin(const Store& store, std::uint64_t serial, std::optional<Role> role);

Bytes encodePolicies(const PolicyValues& v);
PolicyValues decodePolicies(std::span<const std::uint8_t> b);
Bytes encodeFlags(const DestructiveMap& m);
DestructiveMap decodeFlags(std::span<const std::uint8_t> b);
} // namespace detail

} // namespace luna::hsm
