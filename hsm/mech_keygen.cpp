// Key generation: AES and generic secrets from the DRBG, RSA 2048-4096 and EC P-256/384/521
// key pairs. Returns what the HSM produced; attributes.cpp turns it into objects.
#include "hsm/attributes.h"
#include "hsm/mechanisms.h"

#include "luna/errors.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <functional>

namespace luna::hsm {

namespace {
void noParams(const proto::Mechanism& m) {
    if (!std::holds_alternative<proto::NoParams>(m.params)) throw Error(CKR_MECHANISM_PARAM_INVALID, "Key generation takes no parameter");
}

PkeyPtr keygen(const char* type, const std::function<void(EVP_PKEY_CTX*)>& configure) {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) throwOpenSsl("keygen init");
    configure(ctx.get());
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &key) != 1) throwOpenSsl("keygen");
    return PkeyPtr(key);
}
} // namespace

ObjAttrs generateSecretKey(const proto::Mechanism& m, const proto::Template& tmpl) {
    noParams(m);
    std::uint64_t keyType = 0;
    std::size_t minLen = 1, maxLen = 512;
    if (m.type == CKM_AES_KEY_GEN) {
        keyType = CKK_AES;
        minLen = 16;
        maxLen = 32;
    } else if (m.type == CKM_GENERIC_SECRET_KEY_GEN) {
        keyType = templateUlong(tmpl, CKA_KEY_TYPE).value_or(CKK_GENERIC_SECRET);
        if (keyType == CKK_AES || keyType == CKK_RSA || keyType == CKK_EC)
            throw Error(CKR_TEMPLATE_INCONSISTENT, "CKM_GENERIC_SECRET_KEY_GEN makes generic secret or HMAC keys");
    } else {
        throw Error(CKR_MECHANISM_INVALID, "Not a secret-key generation mechanism");
    }
    if (auto kt = templateUlong(tmpl, CKA_KEY_TYPE); kt && *kt != keyType)
        throw Error(CKR_TEMPLATE_INCONSISTENT, "CKA_KEY_TYPE does not fit the mechanism");
    auto len = templateUlong(tmpl, CKA_VALUE_LEN);
    if (!len) throw Error(CKR_TEMPLATE_INCOMPLETE, "Give CKA_VALUE_LEN, the key length in bytes");
    if (*len < minLen || *len > maxLen || (keyType == CKK_AES && *len != 16 && *len != 24 && *len != 32))
        throw Error(CKR_KEY_SIZE_RANGE, "Unsupported key length");
    SecureBytes value(*len);
    if (RAND_priv_bytes(value.data(), static_cast<int>(value.size())) != 1) throwOpenSsl("random");
    return {{CKA_CLASS, proto::encodeUlong(CKO_SECRET_KEY)},
            {CKA_KEY_TYPE, proto::encodeUlong(keyType)},
            {CKA_VALUE, std::move(value)},
            {CKA_VALUE_LEN, proto::encodeUlong(*len)}};
}

KeyPairMaterial generateKeyPair(const proto::Mechanism& m, const proto::Template& pubTmpl) {
    noParams(m);
    PkeyPtr key;
    std::uint64_t keyType = 0;
    if (m.type == CKM_RSA_PKCS_KEY_PAIR_GEN) {
        keyType = CKK_RSA;
        auto bits = templateUlong(pubTmpl, CKA_MODULUS_BITS);
        if (!bits) throw Error(CKR_TEMPLATE_INCOMPLETE, "Give CKA_MODULUS_BITS in the public key template");
        if (*bits < 2048 || *bits > 4096) throw Error(CKR_KEY_SIZE_RANGE, "RSA keys are 2048 to 4096 bits");
        std::unique_ptr<BIGNUM, decltype(&BN_free)> e(BN_new(), BN_free);
        BN_set_word(e.get(), 65537);
        if (const auto* v = templateValue(pubTmpl, CKA_PUBLIC_EXPONENT)) {
            BN_bin2bn(v->data(), static_cast<int>(v->size()), e.get());
            if (!BN_is_odd(e.get()) || BN_num_bits(e.get()) < 17 || BN_num_bits(e.get()) > 256)
                throw Error(CKR_ATTRIBUTE_VALUE_INVALID, "The public exponent must be odd and at least 65537");
        }
        key = keygen("RSA", [&](EVP_PKEY_CTX* c) {
            if (EVP_PKEY_CTX_set_rsa_keygen_bits(c, static_cast<int>(*bits)) != 1 ||
                EVP_PKEY_CTX_set1_rsa_keygen_pubexp(c, e.get()) != 1)
                throwOpenSsl("RSA keygen parameters", CKR_KEY_SIZE_RANGE);
        });
    } else if (m.type == CKM_EC_KEY_PAIR_GEN) {
        keyType = CKK_EC;
        const auto* params = templateValue(pubTmpl, CKA_EC_PARAMS);
        if (!params) throw Error(CKR_TEMPLATE_INCOMPLETE, "Give CKA_EC_PARAMS in the public key template");
        const auto& curve = curveFromParams(*params);
        key = keygen("EC", [&](EVP_PKEY_CTX* c) {
            if (EVP_PKEY_CTX_set_group_name(c, curve.name) != 1) throwOpenSsl("EC keygen parameters");
        });
    } else {
        throw Error(CKR_MECHANISM_INVALID, "Not a key-pair generation mechanism");
    }
    KeyPairMaterial out{exportComponents(key.get(), false), exportComponents(key.get(), true)};
    out.privateKey.erase(CKA_MODULUS_BITS);
    out.publicKey[CKA_CLASS] = proto::encodeUlong(CKO_PUBLIC_KEY);
    out.privateKey[CKA_CLASS] = proto::encodeUlong(CKO_PRIVATE_KEY);
    out.publicKey[CKA_KEY_TYPE] = out.privateKey[CKA_KEY_TYPE] = proto::encodeUlong(keyType);
    return out;
}

} // namespace luna::hsm
