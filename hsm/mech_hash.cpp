// SHA-1/SHA-2 digests, and MACs as sign/verify: HMAC with SHA-1/SHA-2 and AES-CMAC.
#include "hsm/mech_aes.h"

#include "luna/errors.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>

namespace luna::hsm {

namespace {
struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
struct MacDeleter {
    void operator()(EVP_MAC* m) const noexcept { EVP_MAC_free(m); }
};
struct MacCtxDeleter {
    void operator()(EVP_MAC_CTX* c) const noexcept { EVP_MAC_CTX_free(c); }
};

class Digester final : public DigestOp {
public:
    explicit Digester(const EVP_MD* md) : ctx_(EVP_MD_CTX_new()) {
        if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), md, nullptr) != 1) throwOpenSsl("digest init");
    }
    void update(std::span<const std::uint8_t> in) override {
        if (EVP_DigestUpdate(ctx_.get(), in.data(), in.size()) != 1) throwOpenSsl("digest");
    }
    SecureBytes final() override {
        SecureBytes out(EVP_MAX_MD_SIZE);
        unsigned n = 0;
        if (EVP_DigestFinal_ex(ctx_.get(), out.data(), &n) != 1) throwOpenSsl("digest");
        out.resize(n);
        return out;
    }

private:
    std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx_;
};

EVP_MAC* fetchedMac(bool cmac) {
    static EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    static EVP_MAC* cmacImpl = EVP_MAC_fetch(nullptr, "CMAC", nullptr);
    EVP_MAC* m = cmac ? cmacImpl : hmac;
    if (!m) throw Error(CKR_DEVICE_ERROR, "OpenSSL lacks the MAC");
    return m;
}

class MacSigner final : public SignOp {
public:
    MacSigner(ObjectPtr key, bool cmac, const char* digestOrCipher, std::size_t outLen)
        : key_(std::move(key)), outLen_(outLen), ctx_(EVP_MAC_CTX_new(fetchedMac(cmac))) {
        const auto& k = key_->secret();
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(cmac ? OSSL_MAC_PARAM_CIPHER : OSSL_MAC_PARAM_DIGEST,
                                             const_cast<char*>(digestOrCipher), 0),
            OSSL_PARAM_construct_end(),
        };
        if (!ctx_ || EVP_MAC_init(ctx_.get(), k.data(), k.size(), params) != 1) throwOpenSsl("MAC init");
    }
    void update(std::span<const std::uint8_t> in) override {
        if (EVP_MAC_update(ctx_.get(), in.data(), in.size()) != 1) throwOpenSsl("MAC");
    }
    SecureBytes sign() override {
        SecureBytes out(EVP_MAX_MD_SIZE);
        std::size_t n = 0;
        if (EVP_MAC_final(ctx_.get(), out.data(), &n, out.size()) != 1) throwOpenSsl("MAC");
        out.resize(std::min(n, outLen_));
        return out;
    }
    bool verify(std::span<const std::uint8_t> signature) override {
        if (signature.size() != outLen_) throw Error(CKR_SIGNATURE_LEN_RANGE, "The MAC has the wrong length");
        auto mine = sign();
        return CRYPTO_memcmp(mine.data(), signature.data(), outLen_) == 0;
    }

private:
    ObjectPtr key_;
    std::size_t outLen_;
    std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx_;
};
} // namespace

std::unique_ptr<DigestOp> makeDigest(const proto::Mechanism& m) {
    const EVP_MD* md = digestFor(m.type);
    if (!md) throw Error(CKR_MECHANISM_INVALID, "Not a digest mechanism");
    if (!std::holds_alternative<proto::NoParams>(m.params)) throw Error(CKR_MECHANISM_PARAM_INVALID, "Digests take no parameter");
    return std::make_unique<Digester>(md);
}

std::unique_ptr<SignOp> makeMacSigner(const proto::Mechanism& m, ObjectPtr key, bool) {
    if (key->objectClass() != CKO_SECRET_KEY) throw Error(CKR_KEY_TYPE_INCONSISTENT, "A MAC needs a secret key");
    if (m.type == CKM_AES_CMAC || m.type == CKM_AES_CMAC_GENERAL) {
        if (key->keyType() != CKK_AES) throw Error(CKR_KEY_TYPE_INCONSISTENT, "AES-CMAC needs an AES key");
        std::size_t len = 16;
        if (m.type == CKM_AES_CMAC_GENERAL) {
            const auto* p = std::get_if<proto::MacLenParams>(&m.params);
            if (!p || p->length == 0 || p->length > 16) throw Error(CKR_MECHANISM_PARAM_INVALID, "CMAC length must be 1 to 16");
            len = p->length;
        } else if (!std::holds_alternative<proto::NoParams>(m.params)) {
            throw Error(CKR_MECHANISM_PARAM_INVALID, "AES-CMAC takes no parameter");
        }
        const auto bits = key->secret().size() * 8;
        const char* cipher = bits == 128 ? "AES-128-CBC" : bits == 192 ? "AES-192-CBC" : "AES-256-CBC";
        return std::make_unique<MacSigner>(std::move(key), true, cipher, len);
    }
    const auto kt = key->keyType();
    if (kt == CKK_AES) throw Error(CKR_KEY_TYPE_INCONSISTENT, "HMAC needs a generic secret or HMAC key");
    std::uint64_t hash = 0;
    switch (m.type) {
    case CKM_SHA_1_HMAC: hash = CKM_SHA_1; break;
    case CKM_SHA224_HMAC: hash = CKM_SHA224; break;
    case CKM_SHA256_HMAC: hash = CKM_SHA256; break;
    case CKM_SHA384_HMAC: hash = CKM_SHA384; break;
    case CKM_SHA512_HMAC: hash = CKM_SHA512; break;
    default: throw Error(CKR_MECHANISM_INVALID, "Not a MAC mechanism");
    }
    if (!std::holds_alternative<proto::NoParams>(m.params)) throw Error(CKR_MECHANISM_PARAM_INVALID, "HMAC takes no parameter");
    const EVP_MD* md = digestFor(hash);
    return std::make_unique<MacSigner>(std::move(key), false, EVP_MD_get0_name(md), static_cast<std::size_t>(EVP_MD_get_size(md)));
}

} // namespace luna::hsm
