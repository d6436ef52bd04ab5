#include "luna/audit_line.h"

#include "luna/errors.h"

#include <cstdio>
#include <cstring>
#include <ctime>

namespace luna::audit {
namespace {

bool isLowerHex(std::string_view s) {
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

std::string_view trimRight(std::string_view s) {
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

} // namespace

namespace {

void putHex(std::span<const std::uint8_t> b, char* out) {
    static constexpr char kDigits[] = "0123456789abcdef";
    for (auto v : b) {
        *out++ = kDigits[v >> 4];
        *out++ = kDigits[v & 15];
    }
}

// "YY/MM/DD HH:MM:SS" into out[0..17). The last second's text is kept per thread: the HSM
// renders tens of thousands of records a second, and gmtime + snprintf cost more than the
// rest of the line.
void putTimestamp(std::int64_t unixSeconds, char* out) {
    thread_local std::int64_t cachedSecond = -1;
    thread_local char cached[kTimeWidth];
    if (unixSeconds != cachedSecond) {
        std::time_t t = static_cast<std::time_t>(unixSeconds);
        std::tm tm{};
        ::gmtime_r(&t, &tm);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%02d/%02d/%02d %02d:%02d:%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday,
                      tm.tm_hour, tm.tm_min, tm.tm_sec);
        std::memcpy(cached, buf, kTimeWidth);
        cachedSecond = unixSeconds;
    }
    std::memcpy(out, cached, kTimeWidth);
}

bool unsafeInText(char c) {
    const auto u = static_cast<unsigned char>(c);
    return c == ',' || c == '^' || u < 0x20 || u == 0x7F;
}

} // namespace

std::string formatTimestamp(std::int64_t unixSeconds) {
    char buf[kTimeWidth];
    putTimestamp(unixSeconds, buf);
    return std::string(buf, kTimeWidth);
}

void renderLineInto(std::span<char, kLineBytes> out, std::uint64_t seq, std::int64_t unixSeconds, std::string_view text,
                    std::span<const std::uint8_t> prevHmac, std::span<const std::uint8_t> raw) {
    if (seq > kMaxSequence) throw Error(rc::GENERAL_ERROR, "audit sequence number out of range");
    if (prevHmac.size() != kHmacBytes || raw.size() != kRawBytes)
        throw Error(rc::ARGUMENTS_BAD, "audit record fields have the wrong size");
    char* p = out.data();
    std::memset(p, ' ', kLineBytes);
    char digits[20];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + seq % 10);
        seq /= 10;
    } while (seq);
    for (int i = 0; i < n; ++i) p[i] = digits[n - 1 - i];
    p[kSeqWidth] = ',';
    putTimestamp(unixSeconds, p + kTimeOffset);
    p[kTimeOffset + kTimeWidth] = ',';
    text = text.substr(0, kTextWidth);
    for (std::size_t i = 0; i < text.size(); ++i) p[kTextOffset + i] = unsafeInText(text[i]) ? ' ' : text[i];
    p[kTextOffset + kTextWidth] = ',';
    putHex(prevHmac, p + kHmacOffset);
    p[kHmacOffset + 2 * kHmacBytes] = ',';
    putHex(raw, p + kRawOffset);
    p[kLineBytes - 1] = '\n';
}

std::string renderLine(std::uint64_t seq, std::int64_t unixSeconds, std::string_view text,
                       std::span<const std::uint8_t> prevHmac, std::span<const std::uint8_t> raw) {
    std::string line(kLineBytes, ' ');
    renderLineInto(std::span<char, kLineBytes>(line.data(), kLineBytes), seq, unixSeconds, text, prevHmac, raw);
    return line;
}

std::optional<Line> parseLine(std::string_view line) {
    if (line.size() == kLineBytes) {
        if (line.back() != '\n') return std::nullopt;
        line.remove_suffix(1);
    }
    if (line.size() != kLineBytes - 1) return std::nullopt;
    if (line[10] != ',' || line[28] != ',' || line[285] != ',' || line[350] != ',') return std::nullopt;
    Line l;
    auto seq = trimRight(line.substr(0, kSeqWidth));
    if (seq.empty()) return std::nullopt;
    for (char c : seq) {
        if (c < '0' || c > '9') return std::nullopt;
        l.seq = l.seq * 10 + static_cast<std::uint64_t>(c - '0');
    }
    l.timestamp = line.substr(kTimeOffset, kTimeWidth);
    l.text = trimRight(line.substr(kTextOffset, kTextWidth));
    l.prevHmacHex = line.substr(kHmacOffset, 2 * kHmacBytes);
    l.rawHex = line.substr(kRawOffset, 2 * kRawBytes);
    if (!isLowerHex(l.prevHmacHex) || !isLowerHex(l.rawHex)) return std::nullopt;
    if (l.text.find_first_of(",^\n") != std::string_view::npos) return std::nullopt;
    return l;
}

std::uint64_t lineSequence(std::string_view line) {
    std::uint64_t seq = 0;
    for (char c : line.substr(0, kSeqWidth)) {
        if (c == ' ') break;
        if (c < '0' || c > '9') return 0;
        seq = seq * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return seq;
}

std::string signedPart(std::string_view line) {
    std::string out(line.substr(0, kHmacOffset));
    out += line.substr(kRawOffset, 2 * kRawBytes);
    return out;
}

std::string displayLine(const Line& l) {
    return std::to_string(l.seq) + "," + std::string(l.timestamp) + "," + std::string(l.text);
}

std::string toHex(std::span<const std::uint8_t> b) {
    std::string out(b.size() * 2, '0');
    putHex(b, out.data());
    return out;
}

std::optional<std::vector<std::uint8_t>> fromHex(std::string_view hex) {
    if (hex.size() % 2) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::vector<std::uint8_t> out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
    }
    return out;
}

} // namespace luna::audit
