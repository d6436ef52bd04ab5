#include "hsm/audit_secret.h"

#include "hsm/crypto.h"
#include "luna/errors.h"

#include <openssl/sha.h>

namespace luna::hsm {
namespace {

constexpr std::string_view kMagic = "LWS1";

std::array<std::uint8_t, 4> checksum32(std::span<const std::uint8_t> secret) {
    std::array<std::uint8_t, SHA256_DIGEST_LENGTH> d{};
    SHA256(secret.data(), secret.size(), d.data());
    return {d[0], d[1], d[2], d[3]};
}

std::string header(char authMethod, std::string_view serial) {
    std::string h(kMagic);
    h += authMethod;
    h += static_cast<char>(serial.size());
    h += serial;
    return h;
}

} // namespace

SecureBytes auditKcv(std::string_view domain) { return crypto::deriveKey(asBytes(domain), "luna audit kcv v1"); }

Bytes wrapAuditSecret(std::span<const std::uint8_t> secret, std::string_view domain, std::string_view serial,
                      char authMethod) {
    if (serial.size() > 255) throw Error(rc::ARGUMENTS_BAD, "serial number too long");
    SecureBytes plain(secret.begin(), secret.end());
    auto sum = checksum32(secret);
    plain.insert(plain.end(), sum.begin(), sum.end());
    const auto head = header(authMethod, serial);
    auto sealed = crypto::seal(auditKcv(domain), head, plain);
    Bytes out(head.begin(), head.end());
    out.insert(out.end(), sealed.begin(), sealed.end());
    return out;
}

UnwrappedAuditSecret unwrapAuditSecret(std::span<const std::uint8_t> blob, std::string_view domain, char authMethod) {
    const std::size_t fixed = kMagic.size() + 2;
    if (blob.size() < fixed || std::string_view(reinterpret_cast<const char*>(blob.data()), kMagic.size()) != kMagic)
        throw Error(rc::ARGUMENTS_BAD, "The file is not an audit log secret file");
    const char method = static_cast<char>(blob[kMagic.size()]);
    const std::size_t serialLen = blob[kMagic.size() + 1];
    if (blob.size() < fixed + serialLen + crypto::kNonceBytes + crypto::kTagBytes)
        throw Error(rc::ARGUMENTS_BAD, "The audit log secret file is truncated");
    if (method != authMethod)
        throw Error(rc::WRAPPED_KEY_INVALID, "The log secret comes from an HSM with another authentication method "
                                         "(password and PED HSMs cannot verify each other's logs)");
    std::string serial(reinterpret_cast<const char*>(blob.data()) + fixed, serialLen);
    const auto head = header(method, serial);
    SecureBytes plain;
    try {
        plain = crypto::open(auditKcv(domain), head, blob.subspan(fixed + serialLen));
    } catch (const Error&) {
        throw Error(rc::WRAPPED_KEY_INVALID, "The log secret was exported from an HSM in a different audit domain");
    }
    if (plain.size() != 36) throw Error(rc::WRAPPED_KEY_INVALID, "The log secret has the wrong length");
    std::span<const std::uint8_t> secret(plain.data(), 32);
    auto sum = checksum32(secret);
    if (!std::equal(sum.begin(), sum.end(), plain.begin() + 32))
        throw Error(rc::WRAPPED_KEY_INVALID, "The log secret's checksum does not match: it comes from a different audit domain");
    return {SecureBytes(secret.begin(), secret.end()), std::move(serial)};
}

} // namespace luna::hsm
