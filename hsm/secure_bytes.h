// Byte buffers for key material: wiped (OPENSSL_cleanse) whenever their storage is
// released, so no key outlives its owner in freed heap memory. The wiping allocator is
// luna::WipingAllocator (lib/luna/secure_bytes.h), shared with the protocol codec.
#pragma once

#include "luna/secure_bytes.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace luna::hsm {

using luna::WipingAllocator;
using Bytes = std::vector<std::uint8_t>;
using SecureBytes = luna::SecureBytes;

inline std::span<const std::uint8_t> asBytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
template <class V>
std::span<const std::uint8_t> asBytes(const V& v) { return {v.data(), v.size()}; }

} // namespace luna::hsm
