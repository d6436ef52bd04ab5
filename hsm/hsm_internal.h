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

Bytes encodePolicies(const PolicyValues& v);
PolicyValues decodePolicies(std::span<const std::uint8_t> b);
Bytes encodeFlags(const DestructiveMap& m);
DestructiveMap decodeFlags(std::span<const std::uint8_t> b);
} // namespace detail

} // namespace luna::hsm
