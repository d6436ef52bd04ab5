#include "hsm/crypto.h"

#include "luna/errors.h"

#include <algorithm>
#include <memory>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

namespace luna::hsm::crypto {
namespace {
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

[[noreturn]] void fail(const char* what) { throw Error(rc::DEVICE_ERROR, std::string("crypto failure: ") + what); }

void check(int ok, const char* what) {
    if (ok != 1) fail(what);
}
} // namespace

SecureBytes randomKey(std::size_t n) {
    SecureBytes out(n);
    check(RAND_priv_bytes(out.data(), static_cast<int>(n)), "RAND_priv_bytes");
    return out;
}

Bytes randomBytes(std::size_t n) {
    Bytes out(n);
    check(RAND_bytes(out.data(), static_cast<int>(n)), "RAND_bytes");
    return out;
}

Bytes seal(std::span<const std::uint8_t> key, std::string_view aad, std::span<const std::uint8_t> plaintext) {
    if (key.size() != kKeyBytes) fail("bad key length");
    Bytes out(kNonceBytes + plaintext.size() + kTagBytes);
    check(RAND_bytes(out.data(), kNonceBytes), "nonce");
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    if (!ctx) fail("EVP_CIPHER_CTX_new");
    check(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), out.data()), "init");
    int len = 0;
    check(EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                            static_cast<int>(aad.size())), "aad");
    if (!plaintext.empty())
        check(EVP_EncryptUpdate(ctx.get(), out.data() + kNonceBytes, &len, plaintext.data(),
                                static_cast<int>(plaintext.size())), "update");
    int fin = 0;
    check(EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonceBytes + plaintext.size(), &fin), "final");
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                              out.data() + kNonceBytes + plaintext.size()), "tag");
    return out;
}

SecureBytes open(std::span<const std::uint8_t> key, std::string_view aad, std::span<const std::uint8_t> sealed) {
    if (key.size() != kKeyBytes) fail("bad key length");
    if (sealed.size() < kNonceBytes + kTagBytes) throw Error(rc::STORAGE_CORRUPT, "sealed blob too short");
    const std::size_t n = sealed.size() - kNonceBytes - kTagBytes;
    SecureBytes out(n);
    CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    if (!ctx) fail("EVP_CIPHER_CTX_new");
    check(EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), sealed.data()), "init");
    int len = 0;
    check(EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                            static_cast<int>(aad.size())), "aad");
    if (n > 0)
        check(EVP_DecryptUpdate(ctx.get(), out.data(), &len, sealed.data() + kNonceBytes, static_cast<int>(n)),
              "update");
    std::uint8_t tag[kTagBytes];
    std::copy_n(sealed.data() + kNonceBytes + n, kTagBytes, tag);
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag), "set tag");
    int fin = 0;
    if (EVP_DecryptFinal_ex(ctx.get(), out.data() + n, &fin) != 1)
        throw Error(rc::STORAGE_CORRUPT, "sealed blob failed authentication: " + std::string(aad));
    return out;
}

SecureBytes deriveKey(std::span<const std::uint8_t> ikm, std::string_view info, std::size_t n) {
    std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr), EVP_KDF_free);
    if (!kdf) fail("HKDF fetch");
    std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf.get()), EVP_KDF_CTX_free);
    if (!ctx) fail("HKDF ctx");
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(ikm.data()), ikm.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()), info.size()),
        OSSL_PARAM_construct_end(),
    };
    SecureBytes out(n);
    check(EVP_KDF_derive(ctx.get(), out.data(), n, params), "HKDF derive");
    return out;
}

SecureBytes passwordDigest(std::string_view password, std::span<const std::uint8_t> salt, std::uint32_t iterations) {
    SecureBytes out(32);
    check(PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                            static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                            static_cast<int>(out.size()), out.data()),
          "PBKDF2");
    return out;
}

bool constantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace luna::hsm::crypto
