#include "hsm/key_material.h"

#include "luna/errors.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <array>
#include <cstring>

namespace luna::hsm {

namespace {
constexpr std::uint8_t kP256[] = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
constexpr std::uint8_t kP384[] = {0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22};
constexpr std::uint8_t kP521[] = {0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x23};
const std::array kCurves = {
    Curve{"P-256", kP256, 256},
    Curve{"P-384", kP384, 384},
    Curve{"P-521", kP521, 521},
};

struct BnDeleter {
    void operator()(BIGNUM* b) const noexcept { BN_clear_free(b); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;
struct BldDeleter {
    void operator()(OSSL_PARAM_BLD* b) const noexcept { OSSL_PARAM_BLD_free(b); }
};
struct ParamDeleter {
    void operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
};

const SecureBytes& need(const ObjAttrs& a, std::uint32_t type) {
    auto it = a.find(type);
    if (it == a.end() || it->second.empty()) throw Error(CKR_TEMPLATE_INCOMPLETE, "A key component attribute is missing");
    return it->second;
}

BnPtr bn(const SecureBytes& v) {
    BnPtr b(BN_bin2bn(v.data(), static_cast<int>(v.size()), nullptr));
    if (!b) throwOpenSsl("BN_bin2bn");
    return b;
}

SecureBytes bnParam(EVP_PKEY* key, const char* name) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) throwOpenSsl(name);
    BnPtr b(raw);
    SecureBytes out(static_cast<std::size_t>(BN_num_bytes(b.get())));
    BN_bn2bin(b.get(), out.data());
    return out;
}

PkeyPtr fromData(const char* type, OSSL_PARAM_BLD* bld, bool priv) {
    std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(bld));
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        throw Error(CKR_ATTRIBUTE_VALUE_INVALID, "The key components do not form a valid key");
    return PkeyPtr(key);
}
} // namespace

void throwOpenSsl(std::string_view what, std::uint32_t code) {
    char buf[256] = "no detail";
    if (auto e = ERR_get_error()) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    throw Error(code ? code : CKR_DEVICE_ERROR, std::string(what) + ": " + buf);
}

const Curve& curveFromParams(std::span<const std::uint8_t> ecParams) {
    for (const auto& c : kCurves)
        if (ecParams.size() == c.oid.size() && std::memcmp(ecParams.data(), c.oid.data(), c.oid.size()) == 0) return c;
    throw Error(CKR_CURVE_NOT_SUPPORTED, "Only the P-256, P-384 and P-521 curves are supported (CKA_EC_PARAMS as a named-curve OID)");
}

const Curve& curveByName(std::string_view name) {
    for (const auto& c : kCurves)
        if (name == c.name) return c;
    if (name == "prime256v1") return kCurves[0];
    if (name == "secp384r1") return kCurves[1];
    if (name == "secp521r1") return kCurves[2];
    throw Error(CKR_CURVE_NOT_SUPPORTED, "Unsupported curve " + std::string(name));
}

SecureBytes wrapEcPoint(std::span<const std::uint8_t> point) {
    SecureBytes out{0x04};
    if (point.size() < 128) {
        out.push_back(static_cast<std::uint8_t>(point.size()));
    } else {
        out.push_back(0x81);
        out.push_back(static_cast<std::uint8_t>(point.size()));
    }
    out.insert(out.end(), point.begin(), point.end());
    return out;
}

SecureBytes unwrapEcPoint(std::span<const std::uint8_t> v) {
    // A DER OCTET STRING whose length covers the rest, else the raw point itself.
    if (v.size() > 2 && v[0] == 0x04) {
        std::size_t len = v[1], hdr = 2;
        if (v[1] == 0x81 && v.size() > 3) {
            len = v[2];
            hdr = 3;
        }
        if (hdr + len == v.size() && v[1] != 0x82) return SecureBytes(v.begin() + static_cast<long>(hdr), v.end());
    }
    return SecureBytes(v.begin(), v.end());
}

PkeyPtr buildPkey(const ObjAttrs& a) {
    const auto cls = attrUlong(a, CKA_CLASS).value_or(~0ULL);
    const auto type = attrUlong(a, CKA_KEY_TYPE).value_or(~0ULL);
    const bool priv = cls == CKO_PRIVATE_KEY;
    std::unique_ptr<OSSL_PARAM_BLD, BldDeleter> bld(OSSL_PARAM_BLD_new());
    if (!bld) throwOpenSsl("OSSL_PARAM_BLD_new");
    std::vector<BnPtr> keep;   // the builder references the BIGNUMs until to_param
    auto pushBn = [&](const char* name, std::uint32_t attr) {
        keep.push_back(bn(need(a, attr)));
        if (OSSL_PARAM_BLD_push_BN(bld.get(), name, keep.back().get()) != 1) throwOpenSsl(name);
    };
    if (type == CKK_RSA) {
        pushBn(OSSL_PKEY_PARAM_RSA_N, CKA_MODULUS);
        pushBn(OSSL_PKEY_PARAM_RSA_E, CKA_PUBLIC_EXPONENT);
        if (priv) {
            pushBn(OSSL_PKEY_PARAM_RSA_D, CKA_PRIVATE_EXPONENT);
            pushBn(OSSL_PKEY_PARAM_RSA_FACTOR1, CKA_PRIME_1);
            pushBn(OSSL_PKEY_PARAM_RSA_FACTOR2, CKA_PRIME_2);
            pushBn(OSSL_PKEY_PARAM_RSA_EXPONENT1, CKA_EXPONENT_1);
            pushBn(OSSL_PKEY_PARAM_RSA_EXPONENT2, CKA_EXPONENT_2);
            pushBn(OSSL_PKEY_PARAM_RSA_COEFFICIENT1, CKA_COEFFICIENT);
        }
        return fromData("RSA", bld.get(), priv);
    }
    if (type == CKK_EC) {
        const auto& curve = curveFromParams(need(a, CKA_EC_PARAMS));
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve.name, 0);
        SecureBytes point;
        if (priv) {
            pushBn(OSSL_PKEY_PARAM_PRIV_KEY, CKA_VALUE);
            if (auto it = a.find(kInternalEcPoint); it != a.end()) point = it->second;
        } else {
            point = unwrapEcPoint(need(a, CKA_EC_POINT));
        }
        if (!point.empty()) OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
        return fromData("EC", bld.get(), priv);
    }
    throw Error(CKR_KEY_TYPE_INCONSISTENT, "Not an RSA or EC key");
}

ObjAttrs exportComponents(EVP_PKEY* key, bool priv) {
    ObjAttrs out;
    if (EVP_PKEY_is_a(key, "RSA")) {
        out[CKA_MODULUS] = bnParam(key, OSSL_PKEY_PARAM_RSA_N);
        out[CKA_PUBLIC_EXPONENT] = bnParam(key, OSSL_PKEY_PARAM_RSA_E);
        out[CKA_MODULUS_BITS] = proto::encodeUlong(static_cast<std::uint64_t>(EVP_PKEY_get_bits(key)));
        if (priv) {
            out[CKA_PRIVATE_EXPONENT] = bnParam(key, OSSL_PKEY_PARAM_RSA_D);
            out[CKA_PRIME_1] = bnParam(key, OSSL_PKEY_PARAM_RSA_FACTOR1);
            out[CKA_PRIME_2] = bnParam(key, OSSL_PKEY_PARAM_RSA_FACTOR2);
            out[CKA_EXPONENT_1] = bnParam(key, OSSL_PKEY_PARAM_RSA_EXPONENT1);
            out[CKA_EXPONENT_2] = bnParam(key, OSSL_PKEY_PARAM_RSA_EXPONENT2);
            out[CKA_COEFFICIENT] = bnParam(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
        }
        return out;
    }
    if (EVP_PKEY_is_a(key, "EC")) {
        char group[64] = {};
        if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, nullptr) != 1)
            throwOpenSsl("EC group");
        const auto& curve = curveByName(group);
        out[CKA_EC_PARAMS] = SecureBytes(curve.oid.begin(), curve.oid.end());
        std::size_t len = 0;
        EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0, &len);
        SecureBytes point(len);
        if (len == 0 || EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point.data(), len, &len) != 1)
            throwOpenSsl("EC public point");
        if (priv) {
            auto d = bnParam(key, OSSL_PKEY_PARAM_PRIV_KEY);
            SecureBytes fixed((curve.bits + 7) / 8 - std::min<std::size_t>(d.size(), (curve.bits + 7) / 8), 0);
            fixed.insert(fixed.end(), d.begin(), d.end());
            out[CKA_VALUE] = std::move(fixed);
            out[kInternalEcPoint] = std::move(point);
        } else {
            out[CKA_EC_POINT] = wrapEcPoint(point);
        }
        return out;
    }
    throw Error(CKR_KEY_TYPE_INCONSISTENT, "Not an RSA or EC key");
}

SecureBytes toPkcs8(EVP_PKEY* key) {
    PKCS8_PRIV_KEY_INFO* p8 = EVP_PKEY2PKCS8(key);
    if (!p8) throwOpenSsl("PKCS#8 encoding");
    unsigned char* der = nullptr;
    const int n = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (n <= 0) throwOpenSsl("PKCS#8 encoding");
    SecureBytes out(der, der + n);
    OPENSSL_clear_free(der, static_cast<std::size_t>(n));
    return out;
}

PkeyPtr fromPkcs8(std::span<const std::uint8_t> der) {
    const unsigned char* p = der.data();
    PKCS8_PRIV_KEY_INFO* p8 = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));
    if (!p8 || p != der.data() + der.size()) {
        PKCS8_PRIV_KEY_INFO_free(p8);
        ERR_clear_error();
        throw Error(CKR_WRAPPED_KEY_INVALID, "The unwrapped data is not a PKCS#8 private key");
    }
    PkeyPtr key(EVP_PKCS82PKEY(p8));
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (!key) {
        ERR_clear_error();
        throw Error(CKR_WRAPPED_KEY_INVALID, "The unwrapped PKCS#8 key is not usable");
    }
    return key;
}

} // namespace luna::hsm
