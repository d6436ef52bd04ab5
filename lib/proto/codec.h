// The one codec of the data plane. Frames:
//
//   frame    = header(16) payload
//   header   = magic u16 0x4C50 'LP' | version u8 (1) | flags u8 (bit 0: response) |
//              requestId u32 | op u16 | reserved u16 (0) | payloadLength u32 (<= kMaxPayload)
//   request  payload = the request struct's fields in order
//   response payload = rv u32 | rv == CKR_OK ? the response struct's fields : detail string
//
// On hsmd's local socket each frame travels in an envelope that names the link (one TLS
// connection of a registered client) and the client, added by ntlsd:
//
//   envelope = magic u16 0x4C45 'LE' | version u8 (1) | kind u8 (1 frame, 2 link closed) |
//              link u64 | client: u8 length (1..255) + bytes | frame (kind 1 only)
//
// All integers are big-endian; byte strings are u32 length + bytes, strings u16 length +
// bytes, vectors u32 count + elements, optionals u8 0/1 + value, variants u8 tag + value.
// Decoding never trusts the peer: every length and count is checked against the limits in
// messages.h and against what is left; anything else throws DecodeError with its Fault.
#pragma once

#include "proto/messages.h"

#include <array>

namespace luna::proto {

inline constexpr std::uint16_t kFrameMagic = 0x4C50;
inline constexpr std::uint16_t kEnvelopeMagic = 0x4C45;
inline constexpr std::size_t kHeaderBytes = 16;
inline constexpr std::size_t kMaxClientName = 255;
inline constexpr std::size_t kMaxEnvelopeBytes = 2 + 1 + 1 + 8 + 1 + kMaxClientName + kHeaderBytes + kMaxPayload;

struct FrameHeader {
    bool response = false;
    std::uint32_t requestId = 0;
    std::uint16_t op = 0;
    std::uint32_t payloadLength = 0;
};

// Validates magic, version, flags, reserved bits and the payload limit (not the opcode, so
// a server can still answer an unknown operation by its request id).
FrameHeader decodeHeader(std::span<const std::uint8_t> header);
bool knownOp(std::uint16_t op);
std::string_view opName(Op op);

// ---- requests ---------------------------------------------------------------------------------
Bytes encodeRequest(std::uint32_t requestId, const Request& request);

struct DecodedRequest {
    std::uint32_t requestId = 0;
    Request request;
};
// A whole request frame (header + payload, nothing more).
DecodedRequest decodeRequest(std::span<const std::uint8_t> frame);
// The payload of a request whose header was already decoded.
Request decodeRequestPayload(const FrameHeader& header, std::span<const std::uint8_t> payload);

// ---- responses --------------------------------------------------------------------------------
// rv != CKR_OK: `body` is ignored and `detail` is sent instead.
Bytes encodeResponse(std::uint32_t requestId, Op op, std::uint32_t rv, std::string_view detail,
                     const ResponseBody& body);

struct DecodedResponse {
    std::uint32_t requestId = 0;
    Op op{};             // may be an opcode outside Op when rv != CKR_OK (refusing an unknown operation)
    std::uint32_t rv = 0;
    std::string detail;
    ResponseBody body;   // the op's response type when rv == CKR_OK, else Empty
};
DecodedResponse decodeResponse(std::span<const std::uint8_t> frame);

// ---- envelopes (hsmd's local socket) ----------------------------------------------------------
enum class EnvelopeKind : std::uint8_t { Frame = 1, LinkClosed = 2 };
struct Envelope {
    EnvelopeKind kind = EnvelopeKind::Frame;
    std::uint64_t link = 0;
    std::string client;
    std::span<const std::uint8_t> frame;   // views the decoded buffer; empty for LinkClosed
};
Envelope decodeEnvelope(std::span<const std::uint8_t> datagram);
Bytes encodeEnvelope(EnvelopeKind kind, std::uint64_t link, std::string_view client,
                     std::span<const std::uint8_t> frame = {});

} // namespace luna::proto
