// Key material between PKCS#11 attributes and OpenSSL: EVP_PKEYs built from the component
// attributes (CKA_MODULUS, CKA_EC_PARAMS, ...) and component attributes read back from
// generated or unwrapped keys; PKCS#8 for wrapping private keys; the supported curves.
#pragma once

#include "hsm/p11.h"

#include <openssl/evp.h>

#include <memory>
#include <span>
#include <string>

namespace luna::hsm {

struct PkeyDeleter {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
struct PkeyCtxDeleter {
    void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;
struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// Throws luna::Error(CKR_DEVICE_ERROR) naming `what` with OpenSSL's reason.
[[noreturn]] void throwOpenSsl(std::string_view what, std::uint32_t code = 0x30);

struct Curve {
    const char* name;          // OpenSSL group name
    std::span<const std::uint8_t> oid;   // DER of the OID (CKA_EC_PARAMS)
    unsigned bits;
};
// P-256, P-384, P-521 from CKA_EC_PARAMS (a DER OID); throws CKR_CURVE_NOT_SUPPORTED.
const Curve& curveFromParams(std::span<const std::uint8_t> ecParams);
const Curve& curveByName(std::string_view name);

// CKK_RSA or CKK_EC, private (CKO_PRIVATE_KEY) or public, from its attributes.
PkeyPtr buildPkey(const ObjAttrs& attrs);
// The component attributes of a key: public ones, plus the private ones if `priv`.
ObjAttrs exportComponents(EVP_PKEY* key, bool priv);

SecureBytes toPkcs8(EVP_PKEY* key);
PkeyPtr fromPkcs8(std::span<const std::uint8_t> der);   // throws CKR_WRAPPED_KEY_INVALID

// CKA_EC_POINT is a DER OCTET STRING around the uncompressed point.
SecureBytes wrapEcPoint(std::span<const std::uint8_t> point);
// Accepts a raw point or one in a DER OCTET STRING (clients send both for ECDH).
SecureBytes unwrapEcPoint(std::span<const std::uint8_t> value);

} // namespace luna::hsm
