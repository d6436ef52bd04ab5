// The exported audit log secret (seed ch.1, "Log Secret and Log Verification"): the 256-bit
// secret with a 32-bit checksum appended, encrypted under the key-cloning vector (KCV) of the
// audit domain, so only an HSM whose Auditor holds the same domain can import it.
//
// Blob ("<serial>.lws"): "LWS1" | auth method (1 byte, 'P' password) | serial length (1) |
// serial | AES-256-GCM(KCV, aad = everything before, secret || checksum32) as crypto::seal
// lays it out. KCV = HKDF-SHA256(domain, "luna audit kcv v1"); checksum32 = the first 4
// bytes of SHA-256(secret). A different domain fails the GCM tag (and would fail the
// checksum); both are reported as a secret from another domain.
#pragma once

#include "hsm/secure_bytes.h"

#include <string>

namespace luna::hsm {

inline constexpr char kAuditAuthPassword = 'P';

SecureBytes auditKcv(std::string_view domain);

Bytes wrapAuditSecret(std::span<const std::uint8_t> secret, std::string_view domain, std::string_view serial,
                      char authMethod = kAuditAuthPassword);

struct UnwrappedAuditSecret {
    SecureBytes secret;
    std::string sourceSerial;
};
// Throws luna::Error: ARGUMENTS_BAD for a blob that is not a log secret file,
// WRAPPED_KEY_INVALID for one from another audit domain or authentication method.
UnwrappedAuditSecret unwrapAuditSecret(std::span<const std::uint8_t> blob, std::string_view domain,
                                       char authMethod = kAuditAuthPassword);

} // namespace luna::hsm
