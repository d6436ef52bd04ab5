// The mechanism table and the factories that pick a family's implementation.
#include "hsm/mechanisms.h"

#include "luna/errors.h"

#include <array>

namespace luna::hsm {

namespace {
constexpr std::uint32_t EC_FLAGS = CKF_EC_F_P | CKF_EC_NAMEDCURVE | CKF_EC_UNCOMPRESS;
constexpr std::uint32_t RSA_SV = CKF_SIGN | CKF_VERIFY;
constexpr std::uint32_t ED = CKF_ENCRYPT | CKF_DECRYPT;
constexpr std::uint32_t WU = CKF_WRAP | CKF_UNWRAP;

constexpr auto kMechanisms = std::to_array<MechanismDef>({
    {CKM_RSA_PKCS_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR, 2048, 4096, false},
    {CKM_RSA_PKCS, ED | RSA_SV | WU, 2048, 4096, false},
    {CKM_RSA_X_509, ED | RSA_SV, 2048, 4096, false},
    {CKM_SHA1_RSA_PKCS, RSA_SV, 2048, 4096, true},
    {CKM_RSA_PKCS_OAEP, ED | WU, 2048, 4096, false},
    {CKM_RSA_PKCS_PSS, RSA_SV, 2048, 4096, false},
    {CKM_SHA1_RSA_PKCS_PSS, RSA_SV, 2048, 4096, true},
    {CKM_SHA256_RSA_PKCS, RSA_SV, 2048, 4096, true},
    {CKM_SHA384_RSA_PKCS, RSA_SV, 2048, 4096, true},
    {CKM_SHA512_RSA_PKCS, RSA_SV, 2048, 4096, true},
    {CKM_SHA256_RSA_PKCS_PSS, RSA_SV, 2048, 4096, true},
    {CKM_SHA384_RSA_PKCS_PSS, RSA_SV, 2048, 4096, true},
    {CKM_SHA512_RSA_PKCS_PSS, RSA_SV, 2048, 4096, true},
    {CKM_SHA224_RSA_PKCS, RSA_SV, 2048, 4096, true},
    {CKM_SHA224_RSA_PKCS_PSS, RSA_SV, 2048, 4096, true},
    {CKM_SHA_1, CKF_DIGEST, 0, 0, true},
    {CKM_SHA_1_HMAC, RSA_SV, 1, 512, true},
    {CKM_SHA256, CKF_DIGEST, 0, 0, true},
    {CKM_SHA256_HMAC, RSA_SV, 1, 512, true},
    {CKM_SHA224, CKF_DIGEST, 0, 0, true},
    {CKM_SHA224_HMAC, RSA_SV, 1, 512, true},
    {CKM_SHA384, CKF_DIGEST, 0, 0, true},
    {CKM_SHA384_HMAC, RSA_SV, 1, 512, true},
    {CKM_SHA512, CKF_DIGEST, 0, 0, true},
    {CKM_SHA512_HMAC, RSA_SV, 1, 512, true},
    {CKM_GENERIC_SECRET_KEY_GEN, CKF_GENERATE, 1, 512, false},
    {CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR | EC_FLAGS, 256, 521, false},
    {CKM_ECDSA, RSA_SV | EC_FLAGS, 256, 521, false},
    {CKM_ECDSA_SHA1, RSA_SV | EC_FLAGS, 256, 521, true},
    {CKM_ECDSA_SHA224, RSA_SV | EC_FLAGS, 256, 521, true},
    {CKM_ECDSA_SHA256, RSA_SV | EC_FLAGS, 256, 521, true},
    {CKM_ECDSA_SHA384, RSA_SV | EC_FLAGS, 256, 521, true},
    {CKM_ECDSA_SHA512, RSA_SV | EC_FLAGS, 256, 521, true},
    {CKM_ECDH1_DERIVE, CKF_DERIVE | EC_FLAGS, 256, 521, false},
    {CKM_AES_KEY_GEN, CKF_GENERATE, 16, 32, false},
    {CKM_AES_ECB, ED | WU, 16, 32, true},
    {CKM_AES_CBC, ED | WU, 16, 32, true},
    {CKM_AES_CBC_PAD, ED | WU, 16, 32, true},
    {CKM_AES_CTR, ED, 16, 32, true},
    {CKM_AES_GCM, ED, 16, 32, true},
    {CKM_AES_CMAC, RSA_SV, 16, 32, true},
    {CKM_AES_CMAC_GENERAL, RSA_SV, 16, 32, true},
    {CKM_AES_KEY_WRAP, WU, 16, 32, false},
    {CKM_AES_KEY_WRAP_PAD, WU, 16, 32, false},
    {kCkmAesKeyWrapKwp, WU, 16, 32, false},
    {kCkmLunaAesKw, WU, 16, 32, false},
    {kCkmLunaAesKwp, WU, 16, 32, false},
});

// Partition policies that gate single mechanisms (ch.3).
constexpr std::uint32_t kRawRsaPolicy = 18;
constexpr std::uint32_t kRsaPkcsPolicy = 33;

bool policyOn(const PolicyValues& p, std::uint32_t id) {
    auto it = p.find(id);
    return it == p.end() || it->second != 0;
}
} // namespace

std::span<const MechanismDef> mechanismTable() { return kMechanisms; }

bool mechanismAllowed(std::uint32_t type, const PolicyValues& p) {
    if (type == CKM_RSA_X_509) return policyOn(p, kRawRsaPolicy);
    if (type == CKM_RSA_PKCS) return policyOn(p, kRsaPkcsPolicy);
    return true;
}

const MechanismDef& mechanism(std::uint32_t type, const PolicyValues& p) {
    for (const auto& m : kMechanisms)
        if (m.type == type) {
            if (!mechanismAllowed(type, p))
                throw Error(CKR_MECHANISM_INVALID, type == CKM_RSA_X_509
                                                       ? "Partition policy 18 (Allow raw RSA operations) is off"
                                                       : "Partition policy 33 (Allow RSA PKCS mechanism) is off");
            return m;
        }
    throw Error(CKR_MECHANISM_INVALID, "The HSM does not support this mechanism");
}

const EVP_MD* digestFor(std::uint64_t ckm) {
    switch (ckm) {
    case CKM_SHA_1: return EVP_sha1();
    case CKM_SHA224: return EVP_sha224();
    case CKM_SHA256: return EVP_sha256();
    case CKM_SHA384: return EVP_sha384();
    case CKM_SHA512: return EVP_sha512();
    default: return nullptr;
    }
}

const EVP_MD* mgfDigestFor(std::uint64_t ckg) {
    switch (ckg) {
    case CKG_MGF1_SHA1: return EVP_sha1();
    case CKG_MGF1_SHA224: return EVP_sha224();
    case CKG_MGF1_SHA256: return EVP_sha256();
    case CKG_MGF1_SHA384: return EVP_sha384();
    case CKG_MGF1_SHA512: return EVP_sha512();
    default: return nullptr;
    }
}

SecureBytes CipherOp::single(std::span<const std::uint8_t> in) {
    auto out = update(in);
    auto tail = final();
    out.insert(out.end(), tail.begin(), tail.end());
    return out;
}

SecureBytes SignOp::signSingle(std::span<const std::uint8_t> in) {
    update(in);
    return sign();
}

bool SignOp::verifySingle(std::span<const std::uint8_t> in, std::span<const std::uint8_t> signature) {
    update(in);
    return verify(signature);
}

std::unique_ptr<CipherOp> makeCipher(const proto::Mechanism& m, ObjectPtr key, bool encrypt) {
    switch (m.type) {
    case CKM_RSA_PKCS: case CKM_RSA_X_509: case CKM_RSA_PKCS_OAEP: return makeRsaCipher(m, std::move(key), encrypt);
    case CKM_AES_ECB: case CKM_AES_CBC: case CKM_AES_CBC_PAD: case CKM_AES_CTR: case CKM_AES_GCM:
        return makeAesCipher(m, std::move(key), encrypt);
    default: throw Error(CKR_MECHANISM_INVALID, "The mechanism cannot encrypt or decrypt");
    }
}

std::unique_ptr<SignOp> makeSigner(const proto::Mechanism& m, ObjectPtr key, bool sign, const OpPolicy& policy) {
    switch (m.type) {
    case CKM_RSA_PKCS: case CKM_RSA_X_509: case CKM_RSA_PKCS_PSS: case CKM_SHA1_RSA_PKCS: case CKM_SHA224_RSA_PKCS:
    case CKM_SHA256_RSA_PKCS: case CKM_SHA384_RSA_PKCS: case CKM_SHA512_RSA_PKCS: case CKM_SHA1_RSA_PKCS_PSS:
    case CKM_SHA224_RSA_PKCS_PSS: case CKM_SHA256_RSA_PKCS_PSS: case CKM_SHA384_RSA_PKCS_PSS: case CKM_SHA512_RSA_PKCS_PSS:
        return makeRsaSigner(m, std::move(key), sign, policy);
    case CKM_ECDSA: case CKM_ECDSA_SHA1: case CKM_ECDSA_SHA224: case CKM_ECDSA_SHA256: case CKM_ECDSA_SHA384:
    case CKM_ECDSA_SHA512:
        return makeEcdsaSigner(m, std::move(key), sign);
    case CKM_SHA_1_HMAC: case CKM_SHA224_HMAC: case CKM_SHA256_HMAC: case CKM_SHA384_HMAC: case CKM_SHA512_HMAC:
    case CKM_AES_CMAC: case CKM_AES_CMAC_GENERAL:
        return makeMacSigner(m, std::move(key), sign);
    default: throw Error(CKR_MECHANISM_INVALID, "The mechanism cannot sign or verify");
    }
}

} // namespace luna::hsm
