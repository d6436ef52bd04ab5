#include "proto/attribute_kinds.h"

#include <p11-kit/pkcs11.h>

#include <algorithm>
#include <array>

namespace luna::proto {

namespace {
constexpr auto kBools = std::to_array<std::uint32_t>({
    CKA_TOKEN, CKA_PRIVATE, CKA_TRUSTED, CKA_SENSITIVE, CKA_ENCRYPT, CKA_DECRYPT, CKA_WRAP, CKA_UNWRAP, CKA_SIGN,
    CKA_SIGN_RECOVER, CKA_VERIFY, CKA_VERIFY_RECOVER, CKA_DERIVE, CKA_EXTRACTABLE, CKA_LOCAL, CKA_NEVER_EXTRACTABLE,
    CKA_ALWAYS_SENSITIVE, CKA_MODIFIABLE, CKA_COPYABLE, CKA_DESTROYABLE, CKA_ALWAYS_AUTHENTICATE,
    CKA_WRAP_WITH_TRUSTED, CKA_RESET_ON_INIT, CKA_HAS_RESET, CKA_OTP_USER_FRIENDLY_MODE,
});
constexpr auto kUlongs = std::to_array<std::uint32_t>({
    CKA_CLASS, CKA_CERTIFICATE_TYPE, CKA_KEY_TYPE, CKA_MODULUS_BITS, CKA_PRIME_BITS, CKA_SUB_PRIME_BITS,
    CKA_VALUE_BITS, CKA_VALUE_LEN, CKA_KEY_GEN_MECHANISM, CKA_CERTIFICATE_CATEGORY, CKA_JAVA_MIDP_SECURITY_DOMAIN,
    CKA_NAME_HASH_ALGORITHM, CKA_HW_FEATURE_TYPE, CKA_MECHANISM_TYPE, CKA_PIXEL_X, CKA_PIXEL_Y, CKA_RESOLUTION,
    CKA_CHAR_ROWS, CKA_CHAR_COLUMNS, CKA_BITS_PER_PIXEL,
});
constexpr auto kTemplates = std::to_array<std::uint32_t>({CKA_WRAP_TEMPLATE, CKA_UNWRAP_TEMPLATE, CKA_DERIVE_TEMPLATE});

bool in(std::span<const std::uint32_t> list, std::uint32_t t) { return std::find(list.begin(), list.end(), t) != list.end(); }
} // namespace

ValueKind attributeKind(std::uint32_t type) {
    if (in(kBools, type)) return ValueKind::Bool;
    if (in(kUlongs, type)) return ValueKind::Ulong;
    if (type == CKA_ALLOWED_MECHANISMS) return ValueKind::UlongArray;
    if (type == CKA_START_DATE || type == CKA_END_DATE) return ValueKind::Date;
    if (in(kTemplates, type)) return ValueKind::Template;
    return ValueKind::Bytes;
}

Bytes encodeBool(bool v) { return Bytes{static_cast<std::uint8_t>(v ? 1 : 0)}; }

Bytes encodeUlong(std::uint64_t v) {
    Bytes out(8);
    for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
    return out;
}

std::optional<bool> decodeBool(std::span<const std::uint8_t> v) {
    if (v.size() != 1 || v[0] > 1) return std::nullopt;
    return v[0] == 1;
}

std::optional<std::uint64_t> decodeUlong(std::span<const std::uint8_t> v) {
    if (v.size() != 8) return std::nullopt;
    std::uint64_t out = 0;
    for (auto b : v) out = (out << 8) | b;
    return out;
}

bool wellFormed(std::uint32_t type, std::span<const std::uint8_t> value) {
    switch (attributeKind(type)) {
    case ValueKind::Bool: return decodeBool(value).has_value();
    case ValueKind::Ulong: return value.size() == 8;
    case ValueKind::UlongArray: return value.size() % 8 == 0;
    case ValueKind::Date:
        return value.empty() ||
               (value.size() == 8 && std::all_of(value.begin(), value.end(), [](auto c) { return c >= '0' && c <= '9'; }));
    case ValueKind::Template: return false;
    case ValueKind::Bytes: return true;
    }
    return false;
}

} // namespace luna::proto
