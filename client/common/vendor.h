// SafeNet vendor values the client side uses by name. They are rows of the one registry
// (lib/luna/error_table.cpp); tests/client checks each name against it.
#pragma once

#include <cstdint>

namespace luna::client::vendor {
inline constexpr std::uint32_t CKR_UNABLE_TO_CONNECT = 0x8000001F;
inline constexpr std::uint32_t CKR_TIMEOUT = 0x80000024;
inline constexpr std::uint32_t CKR_USER_NOT_AUTHORIZED = 0x8000001A;
inline constexpr std::uint32_t CKR_OPERATION_NOT_ALLOWED = 0x80000030;
// The Crypto User role (docs/data-plane-protocol.md: login type 0x80000001).
inline constexpr unsigned long CKU_CRYPTO_USER = 0x80000001UL;
} // namespace luna::client::vendor
