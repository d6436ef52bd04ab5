// Wrapping and unwrapping: secret keys travel as their CKA_VALUE, private keys as PKCS#8
// PrivateKeyInfo DER; under AES (RFC 3394 KW, RFC 5649 KWP, ECB, CBC, CBC-PAD) or an RSA
// public key (PKCS#1 v1.5, OAEP; secret keys only).
#include "hsm/attributes.h"
#include "hsm/mech_aes.h"

#include "luna/errors.h"

namespace luna::hsm {

namespace {
bool isKw(std::uint32_t t) { return t == CKM_AES_KEY_WRAP || t == kCkmLunaAesKw; }
bool isKwp(std::uint32_t t) { return t == CKM_AES_KEY_WRAP_PAD || t == kCkmAesKeyWrapKwp || t == kCkmLunaAesKwp; }
bool isAesBlock(std::uint32_t t) { return t == CKM_AES_ECB || t == CKM_AES_CBC || t == CKM_AES_CBC_PAD; }
bool isRsa(std::uint32_t t) { return t == CKM_RSA_PKCS || t == CKM_RSA_PKCS_OAEP; }

struct CipherDeleter {
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};

SecureBytes keyWrap(bool pad, const SecureBytes& kek, std::span<const std::uint8_t> in, bool wrap) {
    std::unique_ptr<EVP_CIPHER_CTX, CipherDeleter> ctx(EVP_CIPHER_CTX_new());
    if (!ctx) throwOpenSsl("key wrap");
    EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    if (EVP_CipherInit_ex2(ctx.get(), aesCipher(pad ? "WRAP-PAD" : "WRAP", kek.size()), kek.data(), nullptr, wrap ? 1 : 0,
                           nullptr) != 1)
        throwOpenSsl("key wrap init");
    SecureBytes out(in.size() + 16);
    int n = 0, m = 0;
    if (EVP_CipherUpdate(ctx.get(), out.data(), &n, in.data(), static_cast<int>(in.size())) != 1 ||
        EVP_CipherFinal_ex(ctx.get(), out.data() + n, &m) != 1) {
        ERR_clear_error();
        throw Error(wrap ? CKR_KEY_SIZE_RANGE : CKR_WRAPPED_KEY_INVALID,
                    wrap ? "RFC 3394 wraps keys of a multiple of 8 bytes, at least 16" : "The wrapped key does not unwrap");
    }
    out.resize(static_cast<std::size_t>(n + m));
    return out;
}

void checkWrappingKey(const proto::Mechanism& m, const Object& k, bool wrap) {
    const std::uint32_t bad = wrap ? CKR_WRAPPING_KEY_TYPE_INCONSISTENT : CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT;
    if (isKw(m.type) || isKwp(m.type) || isAesBlock(m.type)) {
        if (k.objectClass() != CKO_SECRET_KEY || k.keyType() != CKK_AES) throw Error(bad, "The mechanism wraps under an AES key");
        if ((isKw(m.type) || isKwp(m.type)) && !std::holds_alternative<proto::NoParams>(m.params))
            throw Error(CKR_MECHANISM_PARAM_INVALID, "AES key wrap takes no parameter (the default IV)");
    } else if (isRsa(m.type)) {
        if (k.keyType() != CKK_RSA || k.objectClass() != (wrap ? CKO_PUBLIC_KEY : CKO_PRIVATE_KEY))
            throw Error(bad, wrap ? "RSA wrapping needs an RSA public key" : "RSA unwrapping needs an RSA private key");
    } else {
        throw Error(CKR_MECHANISM_INVALID, "The mechanism cannot wrap or unwrap keys");
    }
}

SecureBytes run(const proto::Mechanism& m, ObjectPtr k, std::span<const std::uint8_t> in, bool wrap) {
    if (isKw(m.type) || isKwp(m.type)) return keyWrap(isKwp(m.type), k->secret(), in, wrap);
    try {
        auto op = isRsa(m.type) ? makeRsaCipher(m, std::move(k), wrap) : makeAesCipher(m, std::move(k), wrap);
        return op->single(in);
    } catch (const Error& e) {
        if (wrap) {
            if (e.code() == CKR_DATA_LEN_RANGE) throw Error(CKR_KEY_SIZE_RANGE, "The key does not fit the wrapping mechanism");
            throw;
        }
        if (e.code() == CKR_ENCRYPTED_DATA_LEN_RANGE) throw Error(CKR_WRAPPED_KEY_LEN_RANGE, e.detail());
        if (e.code() == CKR_ENCRYPTED_DATA_INVALID) throw Error(CKR_WRAPPED_KEY_INVALID, e.detail());
        throw;
    }
}
} // namespace

SecureBytes wrapKey(const proto::Mechanism& m, ObjectPtr wrappingKey, const Object& key) {
    checkWrappingKey(m, *wrappingKey, true);
    SecureBytes plain;
    if (key.objectClass() == CKO_SECRET_KEY) {
        plain = key.secret();
    } else if (key.objectClass() == CKO_PRIVATE_KEY) {
        if (isRsa(m.type)) throw Error(CKR_KEY_NOT_WRAPPABLE, "RSA wraps secret keys only");
        plain = toPkcs8(key.pkey());
    } else {
        throw Error(CKR_KEY_NOT_WRAPPABLE, "Only secret and private keys can be wrapped");
    }
    return run(m, std::move(wrappingKey), plain, true);
}

ObjAttrs unwrapKey(const proto::Mechanism& m, ObjectPtr unwrappingKey, std::span<const std::uint8_t> wrapped,
                   const proto::Template& tmpl) {
    checkWrappingKey(m, *unwrappingKey, false);
    const auto cls = templateUlong(tmpl, CKA_CLASS);
    const auto kt = templateUlong(tmpl, CKA_KEY_TYPE);
    if (!cls || !kt) throw Error(CKR_TEMPLATE_INCOMPLETE, "Give CKA_CLASS and CKA_KEY_TYPE for the unwrapped key");
    auto plain = run(m, std::move(unwrappingKey), wrapped, false);
    if (*cls == CKO_SECRET_KEY) {
        if (auto len = templateUlong(tmpl, CKA_VALUE_LEN); len && *len != plain.size()) {
            if (*len > plain.size()) throw Error(CKR_WRAPPED_KEY_INVALID, "The unwrapped key is shorter than CKA_VALUE_LEN");
            plain.resize(*len);   // block modes without padding may leave trailing bytes
        }
        return {{CKA_CLASS, proto::encodeUlong(CKO_SECRET_KEY)}, {CKA_KEY_TYPE, proto::encodeUlong(*kt)}, {CKA_VALUE, std::move(plain)}};
    }
    if (*cls != CKO_PRIVATE_KEY) throw Error(CKR_TEMPLATE_INCONSISTENT, "Only secret and private keys can be unwrapped");
    auto key = fromPkcs8(plain);
    const bool rsa = EVP_PKEY_is_a(key.get(), "RSA"), ec = EVP_PKEY_is_a(key.get(), "EC");
    if ((*kt == CKK_RSA && !rsa) || (*kt == CKK_EC && !ec) || (!rsa && !ec))
        throw Error(CKR_TEMPLATE_INCONSISTENT, "The unwrapped key is not of the template's CKA_KEY_TYPE");
    auto out = exportComponents(key.get(), true);
    out.erase(CKA_MODULUS_BITS);
    out[CKA_CLASS] = proto::encodeUlong(CKO_PRIVATE_KEY);
    out[CKA_KEY_TYPE] = proto::encodeUlong(*kt);
    return out;
}

} // namespace luna::hsm
