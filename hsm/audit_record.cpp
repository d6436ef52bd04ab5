#include "hsm/audit_record.h"

#include "luna/audit_line.h"
#include "luna/errors.h"

#include <openssl/evp.h>
#include <openssl/params.h>

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

std::string auditText(const AuditMessage& m) {
    std::string t = "S/N " + m.serial + " session " + std::to_string(m.origin.session) + " Access " +
                    std::to_string(m.origin.accessHi) + ":" + std::to_string(m.origin.accessLo) + " ";
    if (!m.who.empty()) t += m.who + " ";
    if (!m.object.empty()) t += m.object + " ";
    t += "operation " + std::string(auditEventInfo(m.event).name) + " returned " + auditResult(m.rc);
    if (!m.detail.empty()) t += " " + m.detail;
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

AuditChainMac::AuditChainMac(std::span<const std::uint8_t> secret) : keyed_(keyedHmac(secret)) {}

AuditChainMac::~AuditChainMac() { EVP_MAC_CTX_free(keyed_); }

std::array<std::uint8_t, 32> AuditChainMac::operator()(std::string_view line, std::span<const std::uint8_t> prev) const {
    std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_dup(keyed_), &EVP_MAC_CTX_free);
    if (!ctx) throw Error(rc::DEVICE_ERROR, "HMAC-SHA256 failed");
    return finish(ctx.get(), line, prev);
}

std::uint32_t auditSessionNumber(std::string_view sessionId) {
    std::size_t end = sessionId.size(), begin = end;
    while (begin > 0 && sessionId[begin - 1] >= '0' && sessionId[begin - 1] <= '9') --begin;
    std::uint64_t n = 0;
    for (std::size_t i = begin; i < end && i < begin + 9; ++i) n = n * 10 + static_cast<std::uint64_t>(sessionId[i] - '0');
    return static_cast<std::uint32_t>(n);
}

} // namespace luna::hsm
