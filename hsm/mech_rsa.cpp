// RSA: PKCS#1 v1.5, raw (X.509), OAEP encryption; PKCS#1 v1.5 and PSS signatures, raw or
// hashed. OpenSSL's default provider always blinds RSA private-key operations, which is
// what partition policy 16 = 0 demands and is allowed under 16 = 1.
#include "hsm/mech_evp.h"

#include "luna/errors.h"

#include <openssl/rsa.h>

namespace luna::hsm {

namespace {
std::size_t modulusBytes(EVP_PKEY* k) { return static_cast<std::size_t>(EVP_PKEY_get_size(k)); }

const EVP_MD* hashOf(std::uint32_t ckm) {
    switch (ckm) {
    case CKM_SHA1_RSA_PKCS: case CKM_SHA1_RSA_PKCS_PSS: return EVP_sha1();
    case CKM_SHA224_RSA_PKCS: case CKM_SHA224_RSA_PKCS_PSS: return EVP_sha224();
    case CKM_SHA256_RSA_PKCS: case CKM_SHA256_RSA_PKCS_PSS: return EVP_sha256();
    case CKM_SHA384_RSA_PKCS: case CKM_SHA384_RSA_PKCS_PSS: return EVP_sha384();
    case CKM_SHA512_RSA_PKCS: case CKM_SHA512_RSA_PKCS_PSS: return EVP_sha512();
    default: return nullptr;
    }
}

void requireRsa(const Object& key) {
    if (key.keyType() != CKK_RSA) throw Error(CKR_KEY_TYPE_INCONSISTENT, "The mechanism needs an RSA key");
}

// Left-pads raw RSA input to the modulus length (PKCS#11 CKM_RSA_X_509).
SecureBytes padToModulus(std::span<const std::uint8_t> in, std::size_t k) {
    if (in.size() > k) throw Error(CKR_DATA_LEN_RANGE, "Raw RSA input longer than the modulus");
    SecureBytes out(k - in.size(), 0);
    out.insert(out.end(), in.begin(), in.end());
    return out;
}

class RsaCipher final : public CipherOp {
public:
    RsaCipher(const proto::Mechanism& m, ObjectPtr key, bool encrypt) : key_(std::move(key)), encrypt_(encrypt), type_(m.type) {
        requireRsa(*key_);
        ctx_.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key_->pkey(), nullptr));
        if (!ctx_ || (encrypt ? EVP_PKEY_encrypt_init(ctx_.get()) : EVP_PKEY_decrypt_init(ctx_.get())) != 1)
            throwOpenSsl("RSA init", CKR_KEY_TYPE_INCONSISTENT);
        if (m.type == CKM_RSA_PKCS_OAEP) {
            const auto* p = std::get_if<proto::OaepParams>(&m.params);
            if (!p) throw Error(CKR_MECHANISM_PARAM_INVALID, "CKM_RSA_PKCS_OAEP needs CK_RSA_PKCS_OAEP_PARAMS");
            const EVP_MD* md = digestFor(p->hashAlg);
            const EVP_MD* mgf = mgfDigestFor(p->mgf);
            if (!md || !mgf || (p->source != 0 && p->source != CKZ_DATA_SPECIFIED) || (p->source == 0 && !p->sourceData.empty()))
                throw Error(CKR_MECHANISM_PARAM_INVALID, "Unsupported OAEP hash, MGF or label source");
            EVP_PKEY_CTX_set_rsa_padding(ctx_.get(), RSA_PKCS1_OAEP_PADDING);
            EVP_PKEY_CTX_set_rsa_oaep_md(ctx_.get(), md);
            EVP_PKEY_CTX_set_rsa_mgf1_md(ctx_.get(), mgf);
            if (!p->sourceData.empty()) {
                auto* label = static_cast<unsigned char*>(OPENSSL_memdup(p->sourceData.data(), p->sourceData.size()));
                EVP_PKEY_CTX_set0_rsa_oaep_label(ctx_.get(), label, static_cast<int>(p->sourceData.size()));
            }
        } else {
            if (!std::holds_alternative<proto::NoParams>(m.params)) throw Error(CKR_MECHANISM_PARAM_INVALID, "The mechanism takes no parameter");
            EVP_PKEY_CTX_set_rsa_padding(ctx_.get(), m.type == CKM_RSA_X_509 ? RSA_NO_PADDING : RSA_PKCS1_PADDING);
        }
    }

    SecureBytes update(std::span<const std::uint8_t>) override {
        throw Error(CKR_FUNCTION_NOT_SUPPORTED, "RSA encryption is single-part only");
    }
    SecureBytes final() override { throw Error(CKR_FUNCTION_NOT_SUPPORTED, "RSA encryption is single-part only"); }

    SecureBytes single(std::span<const std::uint8_t> in) override {
        const std::size_t k = modulusBytes(key_->pkey());
        SecureBytes input;
        if (encrypt_) {
            if (type_ == CKM_RSA_X_509) {
                input = padToModulus(in, k);
                in = input;
            } else if (type_ == CKM_RSA_PKCS && in.size() > k - 11) {
                throw Error(CKR_DATA_LEN_RANGE, "PKCS#1 v1.5 input longer than the modulus allows");
            }
        } else if (in.size() != k) {
            throw Error(CKR_ENCRYPTED_DATA_LEN_RANGE, "RSA ciphertext must be as long as the modulus");
        }
        std::size_t len = k;
        SecureBytes out(len);
        const int ok = encrypt_ ? EVP_PKEY_encrypt(ctx_.get(), out.data(), &len, in.data(), in.size())
                                : EVP_PKEY_decrypt(ctx_.get(), out.data(), &len, in.data(), in.size());
        if (ok != 1) throwOpenSsl("RSA", encrypt_ ? CKR_DATA_INVALID : CKR_ENCRYPTED_DATA_INVALID);
        out.resize(len);
        return out;
    }

private:
    ObjectPtr key_;
    bool encrypt_;
    std::uint32_t type_;
    PkeyCtxPtr ctx_;
};
} // namespace

std::unique_ptr<CipherOp> makeRsaCipher(const proto::Mechanism& m, ObjectPtr key, bool encrypt) {
    return std::make_unique<RsaCipher>(m, std::move(key), encrypt);
}

std::unique_ptr<SignOp> makeRsaSigner(const proto::Mechanism& m, ObjectPtr key, bool sign, const OpPolicy& policy) {
    requireRsa(*key);
    const std::size_t k = modulusBytes(key->pkey());
    SignatureShape shape;
    shape.confirm = sign && policy.confirmRsaSignatures;
    const EVP_MD* md = hashOf(m.type);
    const bool pss = m.type == CKM_RSA_PKCS_PSS || (md && m.type != CKM_SHA1_RSA_PKCS && m.type != CKM_SHA224_RSA_PKCS &&
                                                    m.type != CKM_SHA256_RSA_PKCS && m.type != CKM_SHA384_RSA_PKCS &&
                                                    m.type != CKM_SHA512_RSA_PKCS);
    if (pss) {
        const auto* p = std::get_if<proto::PssParams>(&m.params);
        if (!p) throw Error(CKR_MECHANISM_PARAM_INVALID, "PSS mechanisms need CK_RSA_PKCS_PSS_PARAMS");
        const EVP_MD* hash = digestFor(p->hashAlg);
        const EVP_MD* mgf = mgfDigestFor(p->mgf);
        if (!hash || !mgf || (md && EVP_MD_get_type(md) != EVP_MD_get_type(hash)))
            throw Error(CKR_MECHANISM_PARAM_INVALID, "The PSS hash or MGF does not fit the mechanism");
        const int salt = static_cast<int>(p->saltLen);
        if (p->saltLen > k) throw Error(CKR_MECHANISM_PARAM_INVALID, "PSS salt longer than the modulus");
        shape.configure = [hash, mgf, salt, raw = !md](EVP_PKEY_CTX* c) {
            EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING);
            EVP_PKEY_CTX_set_rsa_mgf1_md(c, mgf);
            EVP_PKEY_CTX_set_rsa_pss_saltlen(c, salt);
            if (raw) EVP_PKEY_CTX_set_signature_md(c, hash);
        };
        if (!md) {
            const auto hashLen = static_cast<std::size_t>(EVP_MD_get_size(hash));
            shape.checkInput = [hashLen](std::span<const std::uint8_t> in) {
                if (in.size() != hashLen) throw Error(CKR_DATA_LEN_RANGE, "CKM_RSA_PKCS_PSS signs a hash of the PSS hash's length");
            };
        }
        return makeEvpSigner(std::move(key), md, sign, std::move(shape));
    }
    if (!std::holds_alternative<proto::NoParams>(m.params)) throw Error(CKR_MECHANISM_PARAM_INVALID, "The mechanism takes no parameter");
    if (m.type == CKM_RSA_X_509) {
        // Raw RSA: the block is the data, left-padded to the modulus.
        shape.configure = [](EVP_PKEY_CTX* c) { EVP_PKEY_CTX_set_rsa_padding(c, RSA_NO_PADDING); };
        shape.prepared = m.type;
        shape.checkInput = [k](std::span<const std::uint8_t> in) {
            if (in.size() > k) throw Error(CKR_DATA_LEN_RANGE, "Raw RSA input longer than the modulus");
        };
        auto inner = makeEvpSigner(key, nullptr, sign, shape);
        // EVP_PKEY_sign with no padding wants exactly k bytes: pad inside a thin wrapper.
        struct Padded final : SignOp {
            std::unique_ptr<SignOp> op;
            ObjectPtr key;
            std::size_t k;
            SecureBytes data;
            void update(std::span<const std::uint8_t> in) override {
                if (data.size() + in.size() > k) throw Error(CKR_DATA_LEN_RANGE, "Raw RSA input longer than the modulus");
                data.insert(data.end(), in.begin(), in.end());
            }
            SecureBytes sign() override {
                op->update(padToModulus(data, k));
                return op->sign();
            }
            bool verify(std::span<const std::uint8_t> sig) override {
                if (sig.size() != k) throw Error(CKR_SIGNATURE_LEN_RANGE, "Signature length differs from the modulus");
                PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key->pkey(), nullptr));
                if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) != 1) throwOpenSsl("verify", CKR_KEY_TYPE_INCONSISTENT);
                EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING);
                SecureBytes rec(k);
                std::size_t len = k;
                if (EVP_PKEY_verify_recover(ctx.get(), rec.data(), &len, sig.data(), sig.size()) != 1) return false;
                rec.resize(len);
                return rec == padToModulus(data, k);
            }
        };
        auto p = std::make_unique<Padded>();
        p->op = std::move(inner);
        p->key = std::move(key);
        p->k = k;
        return p;
    }
    shape.configure = [](EVP_PKEY_CTX* c) { EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING); };
    shape.prepared = m.type;   // PKCS#1 v1.5 has no parameters (PSS above is not shared)
    if (!md)
        shape.checkInput = [k](std::span<const std::uint8_t> in) {
            if (in.size() > k - 11) throw Error(CKR_DATA_LEN_RANGE, "PKCS#1 v1.5 input longer than the modulus allows");
        };
    return makeEvpSigner(std::move(key), md, sign, std::move(shape));
}

} // namespace luna::hsm
