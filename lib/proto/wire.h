// The primitives of the data-plane codec: a Writer that appends big-endian fields and a
// Reader that refuses anything it cannot prove is within the buffer. Every length and count
// read from the peer is checked against what is left before it is used; nothing is ever
// allocated from a number the peer sent without that check.
#pragma once

#include "luna/secure_bytes.h"

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace luna::proto {

using Bytes = luna::SecureBytes;   // every payload byte string is wiped on release

// Why a frame was refused. Each class has a test (tests/unit/test_proto.cpp).
enum class Fault : std::uint8_t {
    Truncated,        // a field runs past the end of the buffer
    BadMagic,         // not a frame or envelope of this protocol
    BadVersion,       // a version this side does not speak
    BadKind,          // request/response flag or envelope kind not valid here
    LengthMismatch,   // the header's payload length is not the bytes that follow
    TooLarge,         // a length or count above the protocol's limits
    UnknownOp,        // an opcode this side does not know
    TrailingBytes,    // bytes left over after the message
    BadValue,         // a field with a value its type does not allow (bool 2, unknown tag)
};
std::string_view faultName(Fault f);

class DecodeError : public std::runtime_error {
public:
    DecodeError(Fault f, const std::string& what) : std::runtime_error(what), fault_(f) {}
    Fault fault() const noexcept { return fault_; }

private:
    Fault fault_;
};

class Writer {
public:
    explicit Writer(Bytes& out) : out_(out) {}
    void u8(std::uint8_t v) { out_.push_back(v); }
    void u16(std::uint16_t v);
    void u32(std::uint32_t v);
    void u64(std::uint64_t v);
    void raw(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
    void bytes(std::span<const std::uint8_t> b);   // u32 length + bytes
    void str(std::string_view s);                  // u16 length + bytes
    std::size_t size() const { return out_.size(); }
    void patchU32(std::size_t at, std::uint32_t v);

private:
    Bytes& out_;
};

class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> in) : in_(in) {}
    std::uint8_t u8();
    std::uint16_t u16();
    std::uint32_t u32();
    std::uint64_t u64();
    bool boolean();
    std::span<const std::uint8_t> raw(std::size_t n);
    Bytes bytes(std::size_t maxLen);
    std::string str(std::size_t maxLen);
    // A element count: refused when above maxCount or when `count * minElementBytes` cannot
    // fit in what is left, so a vector is never reserved from a lie.
    std::size_t count(std::size_t minElementBytes, std::size_t maxCount);
    std::size_t remaining() const { return in_.size() - pos_; }
    void finish() const;   // throws TrailingBytes unless everything was consumed

private:
    void need(std::size_t n) const;
    std::span<const std::uint8_t> in_;
    std::size_t pos_ = 0;
};

} // namespace luna::proto
