// PKCS#11 vocabulary for the data plane: the standard's constants (p11-kit's pkcs11.h),
// the SafeNet vendor values the HSM also speaks, and an object's attribute map.
#pragma once

#include "hsm/secure_bytes.h"
#include "proto/attribute_kinds.h"

#include <p11-kit/pkcs11.h>

#include <cstdint>
#include <map>
#include <optional>

namespace luna::hsm {

// SafeNet vendor-defined values (CKU_CRYPTO_USER is Luna's Crypto User login).
inline constexpr std::uint32_t kCkuCryptoUser = 0x80000001;
inline constexpr std::uint32_t kCkmLunaAesKw = 0x80000170;    // RFC 3394
inline constexpr std::uint32_t kCkmLunaAesKwp = 0x80000171;   // RFC 5649
inline constexpr std::uint32_t kCkmAesKeyWrapKwp = 0x0000210B; // PKCS#11 3.0 CKM_AES_KEY_WRAP_KWP
// Kept with a private EC key so its public point need not be recomputed; never revealed,
// never accepted in a template (not in the attribute table).
inline constexpr std::uint32_t kInternalEcPoint = 0x8F000001;

// An object's attributes in their canonical wire form (proto/attribute_kinds.h).
using ObjAttrs = std::map<std::uint32_t, SecureBytes>;

inline std::optional<bool> attrBool(const ObjAttrs& a, std::uint32_t t) {
    auto it = a.find(t);
    return it == a.end() ? std::nullopt : proto::decodeBool(it->second);
}
inline std::optional<std::uint64_t> attrUlong(const ObjAttrs& a, std::uint32_t t) {
    auto it = a.find(t);
    return it == a.end() ? std::nullopt : proto::decodeUlong(it->second);
}

} // namespace luna::hsm
