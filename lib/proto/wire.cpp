#include "proto/wire.h"

#include <array>

namespace luna::proto {

namespace {
constexpr std::array kFaultNames = std::to_array<std::string_view>({
    "truncated", "bad magic", "bad version", "bad kind", "length mismatch", "too large", "unknown operation",
    "trailing bytes", "bad value",
});
static_assert(kFaultNames.size() == static_cast<std::size_t>(Fault::BadValue) + 1);
} // namespace

std::string_view faultName(Fault f) { return kFaultNames[static_cast<std::size_t>(f)]; }

void Writer::u16(std::uint16_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
}
void Writer::u32(std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out_.push_back(static_cast<std::uint8_t>(v >> s));
}
void Writer::u64(std::uint64_t v) {
    for (int s = 56; s >= 0; s -= 8) out_.push_back(static_cast<std::uint8_t>(v >> s));
}
void Writer::bytes(std::span<const std::uint8_t> b) {
    u32(static_cast<std::uint32_t>(b.size()));
    raw(b);
}
void Writer::str(std::string_view s) {
    u16(static_cast<std::uint16_t>(s.size()));
    raw({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}
void Writer::patchU32(std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out_[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

void Reader::need(std::size_t n) const {
    if (n > remaining())
        throw DecodeError(Fault::Truncated, "field of " + std::to_string(n) + " bytes with " +
                                                std::to_string(remaining()) + " left");
}

std::uint8_t Reader::u8() {
    need(1);
    return in_[pos_++];
}
std::uint16_t Reader::u16() {
    need(2);
    std::uint16_t v = static_cast<std::uint16_t>((in_[pos_] << 8) | in_[pos_ + 1]);
    pos_ += 2;
    return v;
}
std::uint32_t Reader::u32() {
    need(4);
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | in_[pos_++];
    return v;
}
std::uint64_t Reader::u64() {
    need(8);
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | in_[pos_++];
    return v;
}
bool Reader::boolean() {
    auto v = u8();
    if (v > 1) throw DecodeError(Fault::BadValue, "boolean field holds " + std::to_string(v));
    return v == 1;
}
std::span<const std::uint8_t> Reader::raw(std::size_t n) {
    need(n);
    auto s = in_.subspan(pos_, n);
    pos_ += n;
    return s;
}
Bytes Reader::bytes(std::size_t maxLen) {
    const std::size_t n = u32();
    if (n > maxLen) throw DecodeError(Fault::TooLarge, "byte string of " + std::to_string(n) + " bytes, limit " + std::to_string(maxLen));
    auto s = raw(n);
    return Bytes(s.begin(), s.end());
}
std::string Reader::str(std::size_t maxLen) {
    const std::size_t n = u16();
    if (n > maxLen) throw DecodeError(Fault::TooLarge, "string of " + std::to_string(n) + " bytes, limit " + std::to_string(maxLen));
    auto s = raw(n);
    return std::string(s.begin(), s.end());
}
std::size_t Reader::count(std::size_t minElementBytes, std::size_t maxCount) {
    const std::size_t n = u32();
    if (n > maxCount) throw DecodeError(Fault::TooLarge, "count " + std::to_string(n) + ", limit " + std::to_string(maxCount));
    if (minElementBytes && n > remaining() / minElementBytes)
        throw DecodeError(Fault::Truncated, "count " + std::to_string(n) + " cannot fit in " + std::to_string(remaining()) + " bytes");
    return n;
}
void Reader::finish() const {
    if (remaining() != 0) throw DecodeError(Fault::TrailingBytes, std::to_string(remaining()) + " bytes after the message");
}

} // namespace luna::proto
