// One audit record as a line of a log file (seed ch.1, "Audit Log Message Format"): fixed
// length, comma-delimited, newline-terminated, 448 bytes in all.
//
//   offset  length  field
//        0      10  sequence number (decimal, left-aligned, space-padded)
//       10       1  ,
//       11      17  timestamp, UTC, "YY/MM/DD HH:MM:SS" (the guide's samples 12/12/17, 17/02/28)
//       28       1  ,
//       29     256  message text (left-aligned, space-padded; never ',' '^' or control chars)
//      285       1  ,
//      286      64  HMAC of the previous record, lowercase hex
//      350       1  ,
//      351      96  raw data of this record (48 bytes), lowercase hex
//      447       1  '\n'
//
// The HMAC of record n covers the line without its previous-HMAC field and newline, followed
// by the previous record's HMAC (32 bytes): H_n = HMAC-SHA256(secret, signedPart(line_n) || H_n-1),
// H_0 = 32 zero bytes. Shared by the HSM (renders), cbsd (writes, rotates) and lunash (tail).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace luna::audit {

inline constexpr std::size_t kLineBytes = 448;
inline constexpr std::size_t kSeqWidth = 10;
inline constexpr std::size_t kTimeOffset = 11;
inline constexpr std::size_t kTimeWidth = 17;
inline constexpr std::size_t kTextOffset = 29;
inline constexpr std::size_t kTextWidth = 256;
inline constexpr std::size_t kHmacOffset = 286;
inline constexpr std::size_t kHmacBytes = 32;
inline constexpr std::size_t kRawOffset = 351;
inline constexpr std::size_t kRawBytes = 48;
inline constexpr std::uint64_t kMaxSequence = 9999999999ULL;   // ten digits

std::string formatTimestamp(std::int64_t unixSeconds);

// A record's line. In the text, ',', '^' and control characters become blanks and it is cut to
// the field width, so a record always splits into five CSV fields and is the second '^' field
// of its syslog line.
std::string renderLine(std::uint64_t seq, std::int64_t unixSeconds, std::string_view text,
                       std::span<const std::uint8_t> prevHmac, std::span<const std::uint8_t> raw);
// The same into a caller's buffer, allocating nothing (the HSM's per-record path).
void renderLineInto(std::span<char, kLineBytes> out, std::uint64_t seq, std::int64_t unixSeconds, std::string_view text,
                    std::span<const std::uint8_t> prevHmac, std::span<const std::uint8_t> raw);

struct Line {
    std::uint64_t seq = 0;
    std::string_view timestamp;
    std::string_view text;          // padding removed
    std::string_view prevHmacHex;
    std::string_view rawHex;
};
// A well-formed line (with or without its '\n'), or nullopt.
std::optional<Line> parseLine(std::string_view line);
// The sequence number field of a line, without checking the rest (0 when it is not digits then
// padding): for readers that take many lines they know are whole, one per record.
std::uint64_t lineSequence(std::string_view line);
// The bytes the record's HMAC covers (line without the previous-HMAC field and the '\n').
std::string signedPart(std::string_view line);
// A record as `audit log tail` shows it: "seq,timestamp,text" without padding.
std::string displayLine(const Line& l);

std::string toHex(std::span<const std::uint8_t> b);
std::optional<std::vector<std::uint8_t>> fromHex(std::string_view hex);

} // namespace luna::audit
