#include "sysconf/ssh_keys.h"

#include "luna/errors.h"
#include "sysconf/user_rules.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <sstream>

namespace luna::sysconf {
namespace {

struct KeyType {
    std::string_view name;
    unsigned fixedBits;   // 0: read from the blob (RSA)
};
constexpr std::array<KeyType, 6> kKeyTypes{{
    {"ssh-ed25519", 256},
    {"ssh-rsa", 0},
    {"ecdsa-sha2-nistp256", 256},
    {"ecdsa-sha2-nistp384", 384},
    {"ecdsa-sha2-nistp521", 521},
    {"sk-ssh-ed25519@openssh.com", 256},
}};
constexpr unsigned kRsaMinBits = 1024;   // OpenSSH 9.2's RequiredRSASize
constexpr std::size_t kMaxKeyText = 16384;

[[noreturn]] void invalid(const std::string& why) { throw Error(rc::SSH_KEY_INVALID, "Invalid SSH public key: " + why); }

std::optional<std::string> base64Decode(std::string_view in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    if (in.empty() || in.size() % 4 != 0) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 4) {
        int v[4];
        int pad = 0;
        for (int j = 0; j < 4; ++j) {
            char c = in[i + j];
            if (c == '=' && i + 4 == in.size() && j >= 2) {
                v[j] = 0;
                ++pad;
                continue;
            }
            if (pad) return std::nullopt;   // data after padding
            v[j] = value(c);
            if (v[j] < 0) return std::nullopt;
        }
        std::uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
        out.push_back(static_cast<char>(n >> 16));
        if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
        if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
    }
    return out;
}

// Length-prefixed fields of an SSH key blob (RFC 4253 §6.6).
class BlobReader {
public:
    explicit BlobReader(std::string_view b) : b_(b) {}
    std::string_view field() {
        if (b_.size() < 4) invalid("truncated key data");
        std::uint32_t n = (std::uint32_t(std::uint8_t(b_[0])) << 24) | (std::uint32_t(std::uint8_t(b_[1])) << 16) |
                          (std::uint32_t(std::uint8_t(b_[2])) << 8) | std::uint32_t(std::uint8_t(b_[3]));
        b_.remove_prefix(4);
        if (n > b_.size()) invalid("truncated key data");
        auto f = b_.substr(0, n);
        b_.remove_prefix(n);
        return f;
    }
    bool done() const { return b_.empty(); }

private:
    std::string_view b_;
};

unsigned mpintBits(std::string_view m) {
    while (!m.empty() && m.front() == 0) m.remove_prefix(1);
    if (m.empty()) return 0;
    unsigned bits = static_cast<unsigned>(m.size() - 1) * 8;
    for (auto top = std::uint8_t(m.front()); top; top >>= 1) ++bits;
    return bits;
}

std::string md5Fingerprint(std::string_view blob) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (EVP_Digest(blob.data(), blob.size(), md, &len, EVP_md5(), nullptr) != 1) invalid("cannot compute fingerprint");
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        if (i) out.push_back(':');
        out.push_back(hex[md[i] >> 4]);
        out.push_back(hex[md[i] & 15]);
    }
    return out;
}

SshPublicKey parseKeyFields(std::string_view type, std::string_view b64) {
    const KeyType* kt = nullptr;
    for (const auto& k : kKeyTypes)
        if (k.name == type) kt = &k;
    if (!kt) invalid("unsupported key type '" + std::string(type.substr(0, 40)) + "'");
    auto blob = base64Decode(b64);
    if (!blob) invalid("the key data is not base64");
    BlobReader r(*blob);
    if (r.field() != type) invalid("the key data does not match its type");
    unsigned bits = kt->fixedBits;
    if (type == "ssh-rsa") {
        r.field();                 // e
        bits = mpintBits(r.field());   // n
        if (bits < kRsaMinBits) invalid("RSA keys must have at least 1024 bits");
    } else if (type == "ssh-ed25519") {
        if (r.field().size() != 32) invalid("bad ed25519 key");
    } else if (type.starts_with("ecdsa-sha2-")) {
        if (r.field() != type.substr(11)) invalid("the curve does not match the key type");
        r.field();                 // the point
    } else {                       // sk-ssh-ed25519@openssh.com
        if (r.field().size() != 32) invalid("bad ed25519 key");
        r.field();                 // application
    }
    if (!r.done()) invalid("trailing data in the key");
    return SshPublicKey{std::string(type), std::string(b64), bits, md5Fingerprint(*blob)};
}

std::vector<std::string_view> words(std::string_view line, std::size_t max) {
    std::vector<std::string_view> out;
    while (out.size() < max) {
        auto start = line.find_first_not_of(" \t");
        if (start == std::string_view::npos) break;
        line.remove_prefix(start);
        auto end = line.find_first_of(" \t");
        if (out.size() + 1 == max || end == std::string_view::npos) {
            out.push_back(line.substr(0, end == std::string_view::npos ? line.size() : end));
            if (out.size() == max) {
                // keep the rest of the line as the last word (a comment may contain blanks)
                auto rest = line;
                while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r'))
                    rest.remove_suffix(1);
                out.back() = rest;
            }
            break;
        }
        out.push_back(line.substr(0, end));
        line.remove_prefix(end);
    }
    return out;
}

} // namespace

SshPublicKey parsePublicKey(std::string_view text) {
    if (text.size() > kMaxKeyText) invalid("too long");
    std::optional<std::string_view> keyLine;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        auto line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        if (keyLine) invalid("more than one line");
        keyLine = line;
    }
    if (!keyLine) invalid("the file is empty");
    for (char c : *keyLine)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r') invalid("control characters");
    auto w = words(*keyLine, 3);
    if (w.size() < 2) invalid("expected '<type> <base64 key> [comment]'");
    return parseKeyFields(w[0], w[1]);
}

std::vector<NamedKey> parseAuthorizedKeys(std::string_view content) {
    std::vector<NamedKey> keys;
    std::istringstream in{std::string(content)};
    std::string line;
    while (std::getline(in, line)) {
        auto w = words(line, 4);
        if (w.size() != 4 || w[0] != "restrict,pty") continue;
        try {
            checkKeyName(w[3]);
            keys.push_back({std::string(w[3]), parseKeyFields(w[1], w[2])});
        } catch (const Error&) {
        }
    }
    return keys;
}

std::string renderAuthorizedKeys(const std::vector<NamedKey>& keys) {
    std::string out = "# Managed by sysconfd (lunash 'my public-key'); edits here are lost.\n";
    for (const auto& k : keys) out += "restrict,pty " + k.key.type + " " + k.key.base64 + " " + k.name + "\n";
    return out;
}

} // namespace luna::sysconf
