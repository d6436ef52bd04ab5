#define OPENSSL_SUPPRESS_DEPRECATED   // SHA256_CTX: see AuditChainMac::Pads
#include "hsm/audit_record.h"

#include "luna/audit_line.h"
#include "luna/errors.h"

#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/sha.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <memory>

namespace luna::hsm {

std::string auditResult(std::uint32_t rc) {
    char code[16];
    if (rc == 0) return "RC_OK(0x00000000)";
    if (auto fw = lunaRetForCkr(rc)) {
        std::snprintf(code, sizeof code, "(0x%08X)", fw->code);
        return std::string(fw->name) + code;
    }
    std::snprintf(code, sizeof code, "(0x%08X)", rc);
    auto def = findError(rc);
    return (def ? std::string(def->name) : std::string("CKR_UNKNOWN")) + code;
}

// Built in one buffer: this runs for every logged data-plane request.
std::string auditText(const AuditMessage& m) {
    std::string t;
    t.reserve(192);
    auto number = [&t](std::uint64_t v) {
        char b[24];
        const auto r = std::to_chars(b, b + sizeof b, v);
        t.append(b, r.ptr);
    };
    t += "S/N ";
    t += m.serial;
    t += " session ";
    number(m.origin.session);
    t += " Access ";
    number(m.origin.accessHi);
    t += ':';
    number(m.origin.accessLo);
    t += ' ';
    if (!m.who.empty()) (t += m.who) += ' ';
    if (!m.object.empty()) (t += m.object) += ' ';
    t += "operation ";
    t += auditEventInfo(m.event).name;
    t += " returned ";
    if (m.rc == 0) t += "RC_OK(0x00000000)";
    else t += auditResult(m.rc);
    if (!m.detail.empty()) (t += ' ') += m.detail;
    if (m.usingPin) t += " (using PIN (entry=LUNA_ENTRY_DATA_AREA))";
    return t;
}

std::array<std::uint8_t, 48> auditRaw(const AuditMessage& m, std::int64_t time, std::uint64_t seq) {
    std::array<std::uint8_t, 48> raw{};
    std::size_t at = 0;
    auto put = [&](std::uint64_t v, int bytes) {
        for (int i = bytes - 1; i >= 0; --i) raw[at++] = static_cast<std::uint8_t>(v >> (8 * i));
    };
    put(static_cast<std::uint16_t>(m.event), 4);
    put(m.rc, 4);
    put(m.origin.session, 4);
    put(m.origin.accessHi, 4);
    put(m.origin.accessLo, 4);
    put(m.container, 4);
    put(m.value, 8);
    put(static_cast<std::uint64_t>(time), 8);
    put(seq, 8);
    return raw;
}

namespace {

EVP_MAC_CTX* keyedHmac(std::span<const std::uint8_t> secret) {
    // The HMAC implementation is fetched once; each key gets its own context.
    static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0), OSSL_PARAM_construct_end()};
    EVP_MAC_CTX* ctx = mac ? EVP_MAC_CTX_new(mac) : nullptr;
    if (!ctx || EVP_MAC_init(ctx, secret.data(), secret.size(), params) != 1) {
        EVP_MAC_CTX_free(ctx);
        throw Error(rc::DEVICE_ERROR, "HMAC-SHA256 failed");
    }
    return ctx;
}

std::array<std::uint8_t, 32> finish(EVP_MAC_CTX* ctx, std::string_view line, std::span<const std::uint8_t> prev) {
    const auto part = audit::signedPart(line);
    std::array<std::uint8_t, 32> out{};
    std::size_t len = 0;
    const bool ok = EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(part.data()), part.size()) == 1 &&
                    EVP_MAC_update(ctx, prev.data(), prev.size()) == 1 &&
                    EVP_MAC_final(ctx, out.data(), &len, out.size()) == 1;
    if (!ok || len != out.size()) throw Error(rc::DEVICE_ERROR, "HMAC-SHA256 failed");
    return out;
}

} // namespace

std::array<std::uint8_t, 32> auditChainHmac(std::span<const std::uint8_t> secret, std::string_view line,
                                            std::span<const std::uint8_t> prev) {
    std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(keyedHmac(secret), &EVP_MAC_CTX_free);
    return finish(ctx.get(), line, prev);
}

// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but they run the same
// assembly and let a hashing state be copied as a plain struct (see the class comment).
struct AuditChainMac::Pads {
    SHA256_CTX inner, outer;
};

AuditChainMac::AuditChainMac(std::span<const std::uint8_t> secret) : pads_(std::make_unique<Pads>()) {
    std::array<std::uint8_t, SHA256_CBLOCK> key{};
    if (secret.size() > key.size()) {
        SHA256(secret.data(), secret.size(), key.data());
    } else {
        std::copy(secret.begin(), secret.end(), key.begin());
    }
    std::array<std::uint8_t, SHA256_CBLOCK> pad{};
    for (std::size_t i = 0; i < pad.size(); ++i) pad[i] = key[i] ^ 0x36;
    SHA256_Init(&pads_->inner);
    SHA256_Update(&pads_->inner, pad.data(), pad.size());
    for (std::size_t i = 0; i < pad.size(); ++i) pad[i] = key[i] ^ 0x5c;
    SHA256_Init(&pads_->outer);
    SHA256_Update(&pads_->outer, pad.data(), pad.size());
    OPENSSL_cleanse(key.data(), key.size());
    OPENSSL_cleanse(pad.data(), pad.size());
}

AuditChainMac::~AuditChainMac() { OPENSSL_cleanse(pads_.get(), sizeof(Pads)); }

std::array<std::uint8_t, 32> AuditChainMac::operator()(std::string_view line, std::span<const std::uint8_t> prev) const {
    if (line.size() < audit::kLineBytes - 1) throw Error(rc::ARGUMENTS_BAD, "audit record too short to sign");
    // signedPart(line) without building it: the line up to the previous-HMAC field, then the raw data.
    SHA256_CTX c = pads_->inner;
    SHA256_Update(&c, line.data(), audit::kHmacOffset);
    SHA256_Update(&c, line.data() + audit::kRawOffset, 2 * audit::kRawBytes);
    SHA256_Update(&c, prev.data(), prev.size());
    std::array<std::uint8_t, 32> innerHash{}, out{};
    SHA256_Final(innerHash.data(), &c);
    c = pads_->outer;
    SHA256_Update(&c, innerHash.data(), innerHash.size());
    SHA256_Final(out.data(), &c);
    OPENSSL_cleanse(&c, sizeof c);
    return out;
}

std::uint32_t auditSessionNumber(std::string_view sessionId) {
    std::size_t end = sessionId.size(), begin = end;
    while (begin > 0 && sessionId[begin - 1] >= '0' && sessionId[begin - 1] <= '9') --begin;
    std::uint64_t n = 0;
    for (std::size_t i = begin; i < end && i < begin + 9; ++i) n = n * 10 + static_cast<std::uint64_t>(sessionId[i] - '0');
    return static_cast<std::uint32_t>(n);
}

} // namespace luna::hsm
