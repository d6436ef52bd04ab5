// EC: ECDSA (raw and with SHA-1/SHA-2) with PKCS#11's r||s signature form, and ECDH1
// key derivation with the null or X9.63 KDFs.
#include "hsm/attributes.h"
#include "hsm/mech_evp.h"

#include "luna/errors.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/kdf.h>

namespace luna::hsm {

namespace {
const EVP_MD* hashOf(std::uint32_t ckm) {
    switch (ckm) {
    case CKM_ECDSA_SHA1: return EVP_sha1();
    case CKM_ECDSA_SHA224: return EVP_sha224();
    case CKM_ECDSA_SHA256: return EVP_sha256();
    case CKM_ECDSA_SHA384: return EVP_sha384();
    case CKM_ECDSA_SHA512: return EVP_sha512();
    default: return nullptr;
    }
}

struct SigDeleter {
    void operator()(ECDSA_SIG* s) const noexcept { ECDSA_SIG_free(s); }
};

SecureBytes derToRaw(const SecureBytes& der, std::size_t n) {
    const unsigned char* p = der.data();
    std::unique_ptr<ECDSA_SIG, SigDeleter> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig) throwOpenSsl("ECDSA signature");
    SecureBytes out(2 * n);
    BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out.data(), static_cast<int>(n));
    BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out.data() + n, static_cast<int>(n));
    return out;
}

SecureBytes rawToDer(std::span<const std::uint8_t> raw, std::size_t n) {
    if (raw.size() != 2 * n) throw Error(CKR_SIGNATURE_LEN_RANGE, "An ECDSA signature is r||s, twice the order's length");
    std::unique_ptr<ECDSA_SIG, SigDeleter> sig(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(raw.data(), static_cast<int>(n), nullptr);
    BIGNUM* s = BN_bin2bn(raw.data() + n, static_cast<int>(n), nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        throwOpenSsl("ECDSA signature");
    }
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(sig.get(), &der);
    if (len <= 0) throwOpenSsl("ECDSA signature");
    SecureBytes out(der, der + len);
    OPENSSL_free(der);
    return out;
}

const EVP_MD* kdfDigest(std::uint32_t kdf) {
    switch (kdf) {
    case CKD_SHA1_KDF: return EVP_sha1();
    case CKD_SHA224_KDF: return EVP_sha224();
    case CKD_SHA256_KDF: return EVP_sha256();
    case CKD_SHA384_KDF: return EVP_sha384();
    case CKD_SHA512_KDF: return EVP_sha512();
    default: return nullptr;
    }
}

struct KdfDeleter {
    void operator()(EVP_KDF* k) const noexcept { EVP_KDF_free(k); }
};
struct KdfCtxDeleter {
    void operator()(EVP_KDF_CTX* k) const noexcept { EVP_KDF_CTX_free(k); }
};

SecureBytes x963(const EVP_MD* md, std::span<const std::uint8_t> z, std::span<const std::uint8_t> info, std::size_t len) {
    std::unique_ptr<EVP_KDF, KdfDeleter> kdf(EVP_KDF_fetch(nullptr, "X963KDF", nullptr));
    std::unique_ptr<EVP_KDF_CTX, KdfCtxDeleter> ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
    if (!ctx) throwOpenSsl("X9.63 KDF");
    const char* mdName = EVP_MD_get0_name(md);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(mdName), 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(z.data()), z.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<std::uint8_t*>(info.data()), info.size()),
        OSSL_PARAM_construct_end(),
    };
    SecureBytes out(len);
    if (EVP_KDF_derive(ctx.get(), out.data(), len, params) != 1) throwOpenSsl("X9.63 KDF");
    return out;
}
} // namespace

std::unique_ptr<SignOp> makeEcdsaSigner(const proto::Mechanism& m, ObjectPtr key, bool sign) {
    if (key->keyType() != CKK_EC) throw Error(CKR_KEY_TYPE_INCONSISTENT, "ECDSA needs an EC key");
    if (!std::holds_alternative<proto::NoParams>(m.params)) throw Error(CKR_MECHANISM_PARAM_INVALID, "ECDSA takes no parameter");
    const std::size_t n = (key->keyBits() + 7) / 8;
    SignatureShape shape;
    shape.prepared = m.type;   // no parameters: the key's contexts can be shared
    shape.fromEvp = [n](SecureBytes der) { return derToRaw(der, n); };
    shape.toEvp = [n](std::span<const std::uint8_t> raw) { return rawToDer(raw, n); };
    shape.checkInput = [](std::span<const std::uint8_t> in) {
        if (in.empty() || in.size() > 64) throw Error(CKR_DATA_LEN_RANGE, "CKM_ECDSA signs a hash of 1 to 64 bytes");
    };
    return makeEvpSigner(std::move(key), hashOf(m.type), sign, std::move(shape));
}

ObjAttrs deriveKey(const proto::Mechanism& m, const Object& base, const proto::Template& tmpl) {
    if (m.type != CKM_ECDH1_DERIVE) throw Error(CKR_MECHANISM_INVALID, "The HSM derives keys with CKM_ECDH1_DERIVE only");
    const auto* p = std::get_if<proto::EcdhParams>(&m.params);
    if (!p) throw Error(CKR_MECHANISM_PARAM_INVALID, "CKM_ECDH1_DERIVE needs CK_ECDH1_DERIVE_PARAMS");
    const EVP_MD* md = kdfDigest(p->kdf);
    if ((p->kdf != CKD_NULL && !md) || (p->kdf == CKD_NULL && !p->sharedData.empty()))
        throw Error(CKR_MECHANISM_PARAM_INVALID, "Unsupported KDF, or shared data without a KDF");
    if (base.objectClass() != CKO_PRIVATE_KEY || base.keyType() != CKK_EC)
        throw Error(CKR_KEY_TYPE_INCONSISTENT, "ECDH derives from an EC private key");

    // The peer's public key on the base key's curve.
    ObjAttrs peerAttrs{{CKA_CLASS, proto::encodeUlong(CKO_PUBLIC_KEY)},
                       {CKA_KEY_TYPE, proto::encodeUlong(CKK_EC)},
                       {CKA_EC_PARAMS, *base.find(CKA_EC_PARAMS)},
                       {CKA_EC_POINT, wrapEcPoint(unwrapEcPoint(p->publicData))}};
    PkeyPtr peer;
    try {
        peer = buildPkey(peerAttrs);
    } catch (const Error&) {
        throw Error(CKR_MECHANISM_PARAM_INVALID, "The peer's public point is not on the key's curve");
    }
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, base.pkey(), nullptr));
    std::size_t zlen = 0;
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1 ||
        EVP_PKEY_derive(ctx.get(), nullptr, &zlen) != 1)
        throwOpenSsl("ECDH", CKR_MECHANISM_PARAM_INVALID);
    SecureBytes z(zlen);
    if (EVP_PKEY_derive(ctx.get(), z.data(), &zlen) != 1) throwOpenSsl("ECDH");
    z.resize(zlen);

    const auto cls = templateUlong(tmpl, CKA_CLASS).value_or(CKO_SECRET_KEY);
    const auto kt = templateUlong(tmpl, CKA_KEY_TYPE);
    if (cls != CKO_SECRET_KEY || !kt) throw Error(CKR_TEMPLATE_INCOMPLETE, "ECDH derives a secret key: give CKA_KEY_TYPE");
    std::size_t len = templateUlong(tmpl, CKA_VALUE_LEN).value_or(*kt == CKK_AES ? 32 : (p->kdf == CKD_NULL ? zlen : 32));
    if (len == 0 || len > 512 || (p->kdf == CKD_NULL && len > zlen))
        throw Error(CKR_TEMPLATE_INCONSISTENT, "CKA_VALUE_LEN is out of range for this derivation");
    SecureBytes value = p->kdf == CKD_NULL ? SecureBytes(z.begin(), z.begin() + static_cast<long>(len))
                                           : x963(md, z, p->sharedData, len);
    return {{CKA_CLASS, proto::encodeUlong(CKO_SECRET_KEY)},
            {CKA_KEY_TYPE, proto::encodeUlong(*kt)},
            {CKA_VALUE, std::move(value)},
            {CKA_ALWAYS_SENSITIVE, proto::encodeBool(base.flag(CKA_ALWAYS_SENSITIVE))},
            {CKA_NEVER_EXTRACTABLE, proto::encodeBool(base.flag(CKA_NEVER_EXTRACTABLE))}};
}

} // namespace luna::hsm
