// Mechanisms on OpenSSL 3 EVP: the table (what each mechanism does, key sizes, the
// partition policy that gates it) and the operations a session runs. One file per family:
// mech_rsa.cpp, mech_ec.cpp, mech_aes.cpp, mech_hash.cpp (digests, HMAC), mech_keygen.cpp,
// mech_wrap.cpp (wrap, unwrap, derive).
#pragma once

#include "hsm/object.h"
#include "hsm/policy.h"
#include "proto/messages.h"

#include <memory>
#include <span>

namespace luna::hsm {

struct MechanismDef {
    std::uint32_t type;
    std::uint32_t flags;        // CKF_ENCRYPT, CKF_SIGN, CKF_GENERATE_KEY_PAIR, ... (CK_MECHANISM_INFO)
    std::uint32_t minKey, maxKey;
    bool multipart;             // C_*Update allowed
};
std::span<const MechanismDef> mechanismTable();
// Throws CKR_MECHANISM_INVALID for a mechanism the HSM does not have or the partition's
// policies forbid (18 raw RSA, 33 RSA PKCS).
const MechanismDef& mechanism(std::uint32_t type, const PolicyValues& partitionPolicies);
bool mechanismAllowed(std::uint32_t type, const PolicyValues& partitionPolicies);

// Partition policy values the operations consult.
struct OpPolicy {
    bool confirmRsaSignatures = false;   // policy 29 = 0: verify each RSA signature before returning it
};

class CipherOp {
public:
    virtual ~CipherOp() = default;
    virtual SecureBytes update(std::span<const std::uint8_t> in) = 0;
    virtual SecureBytes final() = 0;
    virtual SecureBytes single(std::span<const std::uint8_t> in);   // update + final
};

class SignOp {   // sign or verify (MACs included)
public:
    virtual ~SignOp() = default;
    virtual void update(std::span<const std::uint8_t> in) = 0;
    virtual SecureBytes sign() = 0;
    virtual bool verify(std::span<const std::uint8_t> signature) = 0;
    virtual SecureBytes signSingle(std::span<const std::uint8_t> in);
    virtual bool verifySingle(std::span<const std::uint8_t> in, std::span<const std::uint8_t> signature);
};

class DigestOp {
public:
    virtual ~DigestOp() = default;
    virtual void update(std::span<const std::uint8_t> in) = 0;
    virtual SecureBytes final() = 0;
};

// The factories check mechanism/key compatibility and parameters (CKR_KEY_TYPE_INCONSISTENT,
// CKR_MECHANISM_PARAM_INVALID); attribute permissions (CKA_SIGN ...) are the caller's.
std::unique_ptr<CipherOp> makeCipher(const proto::Mechanism& m, ObjectPtr key, bool encrypt);
std::unique_ptr<SignOp> makeSigner(const proto::Mechanism& m, ObjectPtr key, bool sign, const OpPolicy& policy);
std::unique_ptr<DigestOp> makeDigest(const proto::Mechanism& m);

// Per family (called by the factories above).
std::unique_ptr<CipherOp> makeRsaCipher(const proto::Mechanism& m, ObjectPtr key, bool encrypt);
std::unique_ptr<SignOp> makeRsaSigner(const proto::Mechanism& m, ObjectPtr key, bool sign, const OpPolicy& policy);
std::unique_ptr<SignOp> makeEcdsaSigner(const proto::Mechanism& m, ObjectPtr key, bool sign);
std::unique_ptr<CipherOp> makeAesCipher(const proto::Mechanism& m, ObjectPtr key, bool encrypt);
std::unique_ptr<SignOp> makeMacSigner(const proto::Mechanism& m, ObjectPtr key, bool sign);

// The EVP digest of a CKM_SHA* / CKG_MGF1_SHA* value, or nullptr.
const EVP_MD* digestFor(std::uint64_t ckm);
const EVP_MD* mgfDigestFor(std::uint64_t ckg);

// ---- key generation, wrapping, derivation: the HSM-produced attributes of a new key ----
ObjAttrs generateSecretKey(const proto::Mechanism& m, const proto::Template& tmpl);
struct KeyPairMaterial {
    ObjAttrs publicKey, privateKey;
};
KeyPairMaterial generateKeyPair(const proto::Mechanism& m, const proto::Template& pubTmpl);

SecureBytes wrapKey(const proto::Mechanism& m, ObjectPtr wrappingKey, const Object& key);
// The produced attributes of the unwrapped key: class and key type come from the template.
ObjAttrs unwrapKey(const proto::Mechanism& m, ObjectPtr unwrappingKey, std::span<const std::uint8_t> wrapped,
                   const proto::Template& tmpl);
ObjAttrs deriveKey(const proto::Mechanism& m, const Object& baseKey, const proto::Template& tmpl);

} // namespace luna::hsm
