// The few primitives the core's key hierarchy and credentials need, on OpenSSL 3 EVP.
#pragma once

#include "hsm/secure_bytes.h"

#include <cstdint>
#include <span>
#include <string_view>

namespace luna::hsm::crypto {

inline constexpr std::size_t kKeyBytes = 32;   // AES-256
inline constexpr std::size_t kNonceBytes = 12;
inline constexpr std::size_t kTagBytes = 16;

SecureBytes randomKey(std::size_t n = kKeyBytes);
Bytes randomBytes(std::size_t n);

// AES-256-GCM. Output is nonce || ciphertext || tag; `aad` binds the blob to its identity
// so a blob moved to another object's slot fails to open.
Bytes seal(std::span<const std::uint8_t> key, std::string_view aad, std::span<const std::uint8_t> plaintext);
// Throws luna::Error(CKR_STORAGE_CORRUPT) when the blob was altered or moved.
SecureBytes open(std::span<const std::uint8_t> key, std::string_view aad, std::span<const std::uint8_t> sealed);

// HKDF-SHA256.
SecureBytes deriveKey(std::span<const std::uint8_t> ikm, std::string_view info, std::size_t n = kKeyBytes);

// PBKDF2-HMAC-SHA256: deliberately slow password verifier.
SecureBytes passwordDigest(std::string_view password, std::span<const std::uint8_t> salt, std::uint32_t iterations);

bool constantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

} // namespace luna::hsm::crypto
