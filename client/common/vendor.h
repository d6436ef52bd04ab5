// SafeNet vendor values the client side uses by name. They are rows of the one registry
// (lib/luna/error_table.cpp); tests/client checks each name against it.
#pragma once

#include <cstdint>
#include <string_view>

namespace luna::client::vendor {
inline constexpr std::uint32_t CKR_UNABLE_TO_CONNECT = 0x8000001F;
inline constexpr std::uint32_t CKR_TIMEOUT = 0x80000024;
inline constexpr std::uint32_t CKR_USER_NOT_AUTHORIZED = 0x8000001A;
inline constexpr std::uint32_t CKR_OPERATION_NOT_ALLOWED = 0x80000030;
// The Crypto User role (docs/data-plane-protocol.md: login type 0x80000001).
inline constexpr unsigned long CKU_CRYPTO_USER = 0x80000001UL;
// The cloning domain C_InitToken gives a partition (PKCS#11 has no argument for one), and
// lunacm's `partition init -defaultdomain` (docs/client.md).
inline constexpr std::string_view kDefaultDomain = "defaultdomain";
} // namespace luna::client::vendor
