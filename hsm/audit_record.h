// Building one audit record inside the HSM: the message text in the guide's grammar, the
// 48 raw bytes, and the HMAC-SHA256 chain link (lib/luna/audit_line.h has the line layout).
//
// Text, as the guide's samples show it (ch.1 and `audit log tail`):
//   S/N 150718 session 1 Access 2147483651:2669 SO container operation LUNA_CREATE_CONTAINER
//   returned RC_OK(0x00000000) container=20 (using PIN (entry=LUNA_ENTRY_DATA_AREA))
#pragma once

#include <openssl/types.h>

#include "hsm/audit_events.h"
#include "hsm/secure_bytes.h"

#include <array>
#include <memory>
#include <cstdint>
#include <span>
#include <string>

namespace luna::hsm {

// Who a command came from, as the record names it.
struct AuditOrigin {
    std::uint32_t session = 0;     // the caller's session (D-Bus connection, NTLS link)
    std::uint32_t accessHi = 0;    // application id ("Access hi:lo")
    std::uint32_t accessLo = 0;
};

struct AuditMessage {
    std::string serial = {};       // the HSM's serial number
    AuditOrigin origin = {};
    std::string who = {};          // "SO", "AU", "CO"... or "" when no role is involved
    std::string object = {};       // "container", "object", "HSM"... or ""
    AuditEvent event = AuditEvent::Login;
    std::uint32_t rc = 0;          // the command's result (CKR)
    std::string detail = {};       // "container=20"
    bool usingPin = false;         // "(using PIN (entry=LUNA_ENTRY_DATA_AREA))"
    std::uint32_t container = 0;   // for the raw data
    std::uint64_t value = 0;       // object handle, policy id... (raw data)
};

std::string auditText(const AuditMessage& m);
// "RC_OK(0x00000000)" for success, else the firmware code lunash would show for the CKR
// ("LUNA_RET_LOG_FULL(0x80000D03)"), or the CKR itself when it has none.
std::string auditResult(std::uint32_t rc);

// The raw data field (48 bytes, big-endian): event, result, session, access hi, access lo,
// container, value (8), time (8), sequence (8).
std::array<std::uint8_t, 48> auditRaw(const AuditMessage& m, std::int64_t time, std::uint64_t seq);

// HMAC-SHA256(secret, signedPart(line) || prev).
std::array<std::uint8_t, 32> auditChainHmac(std::span<const std::uint8_t> secret, std::string_view line,
                                            std::span<const std::uint8_t> prev);

// The same for many records under one secret, allocating nothing per record: the key's inner
// and outer SHA-256 states (RFC 2104's K^ipad and K^opad blocks) are hashed once and copied for
// each record. OpenSSL 3's EVP contexts allocate on every copy and fetch the digest on every
// setup, which cost more than hashing the 448-byte line. Not thread-safe; one per writer.
class AuditChainMac {
public:
    explicit AuditChainMac(std::span<const std::uint8_t> secret);
    ~AuditChainMac();
    AuditChainMac(const AuditChainMac&) = delete;
    AuditChainMac& operator=(const AuditChainMac&) = delete;
    std::array<std::uint8_t, 32> operator()(std::string_view line, std::span<const std::uint8_t> prev) const;

private:
    struct Pads;
    std::unique_ptr<Pads> pads_;
};

// The session number in a record: the digits at the end of a SessionId (":1.42" -> 42,
// "dp/client/7" -> 7), 0 when there are none.
std::uint32_t auditSessionNumber(std::string_view sessionId);

} // namespace luna::hsm
