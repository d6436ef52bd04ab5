// The two shapes every asymmetric signature takes on EVP, shared by RSA and ECDSA:
// hash-and-sign (EVP_DigestSign, multi-part) and sign-what-you-are-given (EVP_PKEY_sign,
// single-part, the data is already a hash or a raw block). A family supplies how to
// configure the EVP_PKEY_CTX (padding, salt) and how PKCS#11 spells the signature.
#pragma once

#include "hsm/mechanisms.h"

#include <functional>
#include <optional>

namespace luna::hsm {

struct SignatureShape {
    std::function<void(EVP_PKEY_CTX*)> configure;                               // padding, PSS parameters
    std::function<SecureBytes(SecureBytes)> fromEvp;                            // EVP form -> PKCS#11 form
    std::function<SecureBytes(std::span<const std::uint8_t>)> toEvp;            // PKCS#11 form -> EVP form
    std::function<void(std::span<const std::uint8_t>)> checkInput;              // single-part input limits
    bool confirm = false;   // partition policy 29 = 0: verify each signature before returning it
    // Set when `configure` depends on nothing but the mechanism (no parameters): the key's
    // initialized contexts are then kept on the key object and duplicated per operation
    // (Object::preparedPkeyCtx). The mechanism type.
    std::optional<std::uint64_t> prepared;
};

// md != nullptr: EVP_DigestSign/Verify; md == nullptr: EVP_PKEY_sign/verify over the
// (buffered) input.
std::unique_ptr<SignOp> makeEvpSigner(ObjectPtr key, const EVP_MD* md, bool sign, SignatureShape shape);

} // namespace luna::hsm
