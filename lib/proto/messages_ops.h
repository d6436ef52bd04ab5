// Request and response structs, one pair per Op (included from messages.h).
#pragma once

namespace luna::proto {

#define LUNA_PROTO_REQUEST(name, resp)          \
    static constexpr Op op = Op::name;          \
    using Response = resp;                      \
    bool operator==(const name##Req&) const = default;

// ---- hello ------------------------------------------------------------------------------------
struct HelloResp {
    std::uint32_t version = 0;
    std::string model;
    std::string firmware;
    std::string serial;
    std::uint32_t maxPayload = 0;
    LUNA_PROTO_FIELDS(version, model, firmware, serial, maxPayload)
    bool operator==(const HelloResp&) const = default;
};
struct HelloReq {
    std::uint32_t version = kVersion;
    std::string software;
    LUNA_PROTO_FIELDS(version, software)
    LUNA_PROTO_REQUEST(Hello, HelloResp)
};

// ---- slots and tokens -------------------------------------------------------------------------
struct SlotEntry {
    std::uint64_t slot = 0;      // partition serial
    std::string name;
    std::string label;
    bool initialized = false;
    LUNA_PROTO_FIELDS(slot, name, label, initialized)
    bool operator==(const SlotEntry&) const = default;
};
struct SlotListResp {
    std::vector<SlotEntry> slots;
    LUNA_PROTO_FIELDS(slots)
    bool operator==(const SlotListResp&) const = default;
};
struct GetSlotListReq {
    LUNA_PROTO_FIELDS()
    LUNA_PROTO_REQUEST(GetSlotList, SlotListResp)
};

struct TokenInfoResp {
    std::string label, manufacturer, model, serial, firmware;
    std::uint32_t flags = 0;             // CKF_ token flags
    std::uint32_t sessionCount = 0, rwSessionCount = 0, maxSessionCount = 0;
    std::uint32_t minPinLen = 0, maxPinLen = 0;
    std::uint64_t totalMemory = 0, freeMemory = 0;
    std::uint32_t objectCount = 0;
    // role state for lunacm (`role show`): initialized, locked, attempts left
    bool coInitialized = false, cuInitialized = false, coLocked = false, cuLocked = false;
    std::uint32_t psoAttemptsLeft = 0, coAttemptsLeft = 0, cuAttemptsLeft = 0;
    LUNA_PROTO_FIELDS(label, manufacturer, model, serial, firmware, flags, sessionCount, rwSessionCount,
                      maxSessionCount, minPinLen, maxPinLen, totalMemory, freeMemory, objectCount, coInitialized,
                      cuInitialized, coLocked, cuLocked, psoAttemptsLeft, coAttemptsLeft, cuAttemptsLeft)
    bool operator==(const TokenInfoResp&) const = default;
};
struct GetTokenInfoReq {
    std::uint64_t slot = 0;
    LUNA_PROTO_FIELDS(slot)
    LUNA_PROTO_REQUEST(GetTokenInfo, TokenInfoResp)
};

struct MechanismListResp {
    std::vector<std::uint32_t> mechanisms;
    LUNA_PROTO_FIELDS(mechanisms)
    bool operator==(const MechanismListResp&) const = default;
};
struct GetMechanismListReq {
    std::uint64_t slot = 0;
    LUNA_PROTO_FIELDS(slot)
    LUNA_PROTO_REQUEST(GetMechanismList, MechanismListResp)
};

struct MechanismInfoResp {
    std::uint32_t minKeySize = 0, maxKeySize = 0, flags = 0;
    LUNA_PROTO_FIELDS(minKeySize, maxKeySize, flags)
    bool operator==(const MechanismInfoResp&) const = default;
};
struct GetMechanismInfoReq {
    std::uint64_t slot = 0;
    std::uint32_t mechanism = 0;
    LUNA_PROTO_FIELDS(slot, mechanism)
    LUNA_PROTO_REQUEST(GetMechanismInfo, MechanismInfoResp)
};

// C_InitToken / lunacm `partition init`: the Partition SO's PIN, the label, the cloning domain.
struct InitTokenReq {
    std::uint64_t slot = 0;
    Bytes soPin;
    std::string label;
    Bytes domain;
    LUNA_PROTO_FIELDS(slot, soPin, label, domain)
    LUNA_PROTO_REQUEST(InitToken, Empty)
};

struct PolicyEntry {
    std::uint32_t id = 0;
    std::string name;            // policy name ("" for a capability without a policy)
    std::string capabilityName;
    std::uint32_t capability = 0;
    std::uint32_t value = 0;
    bool offToOnDestructive = false, onToOffDestructive = false;
    LUNA_PROTO_FIELDS(id, name, capabilityName, capability, value, offToOnDestructive, onToOffDestructive)
    bool operator==(const PolicyEntry&) const = default;
};
struct PoliciesResp {
    std::vector<PolicyEntry> policies;
    LUNA_PROTO_FIELDS(policies)
    bool operator==(const PoliciesResp&) const = default;
};
struct GetPoliciesReq {
    std::uint64_t slot = 0;
    LUNA_PROTO_FIELDS(slot)
    LUNA_PROTO_REQUEST(GetPolicies, PoliciesResp)
};

// ---- sessions and roles -------------------------------------------------------------------------
struct OpenSessionReq {
    std::uint64_t slot = 0;
    std::uint32_t flags = 0;     // CKF_SERIAL_SESSION | CKF_RW_SESSION
    LUNA_PROTO_FIELDS(slot, flags)
    LUNA_PROTO_REQUEST(OpenSession, HandleResp)
};
struct CloseSessionReq {
    std::uint64_t session = 0;
    LUNA_PROTO_FIELDS(session)
    LUNA_PROTO_REQUEST(CloseSession, Empty)
};
struct CloseAllSessionsReq {
    std::uint64_t slot = 0;
    LUNA_PROTO_FIELDS(slot)
    LUNA_PROTO_REQUEST(CloseAllSessions, Empty)
};
struct SessionInfoResp {
    std::uint64_t slot = 0;
    std::uint32_t state = 0, flags = 0, deviceError = 0;
    LUNA_PROTO_FIELDS(slot, state, flags, deviceError)
    bool operator==(const SessionInfoResp&) const = default;
};
struct GetSessionInfoReq {
    std::uint64_t session = 0;
    LUNA_PROTO_FIELDS(session)
    LUNA_PROTO_REQUEST(GetSessionInfo, SessionInfoResp)
};
// userType: CKU_SO (Partition SO), CKU_USER (Crypto Officer), CKU_CRYPTO_USER 0x80000001 (Crypto User).
struct LoginReq {
    std::uint64_t session = 0;
    std::uint32_t userType = 0;
    Bytes pin;
    LUNA_PROTO_FIELDS(session, userType, pin)
    LUNA_PROTO_REQUEST(Login, Empty)
};
struct LogoutReq {
    std::uint64_t session = 0;
    LUNA_PROTO_FIELDS(session)
    LUNA_PROTO_REQUEST(Logout, Empty)
};
// C_InitPIN (userType CKU_USER: the PSO creates the CO) and lunacm `role init -name cu`
// (userType CKU_CRYPTO_USER: the CO creates the CU).
struct InitPinReq {
    std::uint64_t session = 0;
    std::uint32_t userType = 0;
    Bytes pin;
    LUNA_PROTO_FIELDS(session, userType, pin)
    LUNA_PROTO_REQUEST(InitPin, Empty)
};
struct SetPinReq {               // C_SetPIN / `role changepw`: the logged-in role's own PIN
    std::uint64_t session = 0;
    Bytes oldPin, newPin;
    LUNA_PROTO_FIELDS(session, oldPin, newPin)
    LUNA_PROTO_REQUEST(SetPin, Empty)
};
struct ResetPinReq {             // `role resetpw`: PSO resets the CO, CO resets the CU
    std::uint64_t session = 0;
    std::uint32_t userType = 0;
    Bytes newPin;
    LUNA_PROTO_FIELDS(session, userType, newPin)
    LUNA_PROTO_REQUEST(ResetPin, Empty)
};
struct SetPolicyResp {
    bool destructive = false;    // the change deleted the partition's objects
    LUNA_PROTO_FIELDS(destructive)
    bool operator==(const SetPolicyResp&) const = default;
};
struct SetPolicyReq {            // `partition changepolicy` (Partition SO)
    std::uint64_t session = 0;
    std::uint32_t id = 0, value = 0;
    LUNA_PROTO_FIELDS(session, id, value)
    LUNA_PROTO_REQUEST(SetPolicy, SetPolicyResp)
};

// ---- objects --------------------------------------------------------------------------------------
struct CreateObjectReq {
    std::uint64_t session = 0;
    Template attributes;
    LUNA_PROTO_FIELDS(session, attributes)
    LUNA_PROTO_REQUEST(CreateObject, HandleResp)
};
struct CopyObjectReq {
    std::uint64_t session = 0, object = 0;
    Template attributes;
    LUNA_PROTO_FIELDS(session, object, attributes)
    LUNA_PROTO_REQUEST(CopyObject, HandleResp)
};
struct DestroyObjectReq {
    std::uint64_t session = 0, object = 0;
    LUNA_PROTO_FIELDS(session, object)
    LUNA_PROTO_REQUEST(DestroyObject, Empty)
};
struct ObjectSizeResp {
    std::uint64_t size = 0;
    LUNA_PROTO_FIELDS(size)
    bool operator==(const ObjectSizeResp&) const = default;
};
struct GetObjectSizeReq {
    std::uint64_t session = 0, object = 0;
    LUNA_PROTO_FIELDS(session, object)
    LUNA_PROTO_REQUEST(GetObjectSize, ObjectSizeResp)
};
// Per attribute: status CKR_OK with the value, CKR_ATTRIBUTE_SENSITIVE or
// CKR_ATTRIBUTE_TYPE_INVALID with no value. The frame's rv is CKR_OK; the module derives
// C_GetAttributeValue's return value from the statuses.
struct AttributeResult {
    std::uint32_t type = 0;
    std::uint32_t status = 0;
    Bytes value;
    LUNA_PROTO_FIELDS(type, status, value)
    bool operator==(const AttributeResult&) const = default;
};
struct AttributeValuesResp {
    std::vector<AttributeResult> attributes;
    LUNA_PROTO_FIELDS(attributes)
    bool operator==(const AttributeValuesResp&) const = default;
};
struct GetAttributeValueReq {
    std::uint64_t session = 0, object = 0;
    std::vector<std::uint32_t> types;
    LUNA_PROTO_FIELDS(session, object, types)
    LUNA_PROTO_REQUEST(GetAttributeValue, AttributeValuesResp)
};
struct SetAttributeValueReq {
    std::uint64_t session = 0, object = 0;
    Template attributes;
    LUNA_PROTO_FIELDS(session, object, attributes)
    LUNA_PROTO_REQUEST(SetAttributeValue, Empty)
};
struct FindObjectsInitReq {
    std::uint64_t session = 0;
    Template attributes;
    LUNA_PROTO_FIELDS(session, attributes)
    LUNA_PROTO_REQUEST(FindObjectsInit, Empty)
};
struct HandlesResp {
    std::vector<std::uint64_t> handles;
    LUNA_PROTO_FIELDS(handles)
    bool operator==(const HandlesResp&) const = default;
};
struct FindObjectsReq {
    std::uint64_t session = 0;
    std::uint32_t maxCount = 0;
    LUNA_PROTO_FIELDS(session, maxCount)
    LUNA_PROTO_REQUEST(FindObjects, HandlesResp)
};
struct FindObjectsFinalReq {
    std::uint64_t session = 0;
    LUNA_PROTO_FIELDS(session)
    LUNA_PROTO_REQUEST(FindObjectsFinal, Empty)
};

// ---- keys and random ----------------------------------------------------------------------------
struct GenerateKeyReq {
    std::uint64_t session = 0;
    Mechanism mechanism;
    Template attributes;
    LUNA_PROTO_FIELDS(session, mechanism, attributes)
    LUNA_PROTO_REQUEST(GenerateKey, HandleResp)
};
struct KeyPairResp {
    std::uint64_t publicKey = 0, privateKey = 0;
    LUNA_PROTO_FIELDS(publicKey, privateKey)
    bool operator==(const KeyPairResp&) const = default;
};
struct GenerateKeyPairReq {
    std::uint64_t session = 0;
    Mechanism mechanism;
    Template publicAttributes, privateAttributes;
    LUNA_PROTO_FIELDS(session, mechanism, publicAttributes, privateAttributes)
    LUNA_PROTO_REQUEST(GenerateKeyPair, KeyPairResp)
};
struct WrapKeyReq {
    std::uint64_t session = 0;
    Mechanism mechanism;
    std::uint64_t wrappingKey = 0, key = 0;
    LUNA_PROTO_FIELDS(session, mechanism, wrappingKey, key)
    LUNA_PROTO_REQUEST(WrapKey, DataResp)
};
struct UnwrapKeyReq {
    std::uint64_t session = 0;
    Mechanism mechanism;
    std::uint64_t unwrappingKey = 0;
    Bytes wrapped;
    Template attributes;
    LUNA_PROTO_FIELDS(session, mechanism, unwrappingKey, wrapped, attributes)
    LUNA_PROTO_REQUEST(UnwrapKey, HandleResp)
};
struct DeriveKeyReq {
    std::uint64_t session = 0;
    Mechanism mechanism;
    std::uint64_t baseKey = 0;
    Template attributes;
    LUNA_PROTO_FIELDS(session, mechanism, baseKey, attributes)
    LUNA_PROTO_REQUEST(DeriveKey, HandleResp)
};
struct GenerateRandomReq {
    std::uint64_t session = 0;
    std::uint32_t length = 0;
    LUNA_PROTO_FIELDS(session, length)
    LUNA_PROTO_REQUEST(GenerateRandom, DataResp)
};
struct SeedRandomReq {
    std::uint64_t session = 0;
    Bytes seed;
    LUNA_PROTO_FIELDS(session, seed)
    LUNA_PROTO_REQUEST(SeedRandom, Empty)
};

// ---- crypto ---------------------------------------------------------------------------------------
// Five families (Encrypt, Decrypt, Sign, Verify, Digest), each Init / single-part / Update /
// Final. Sign and Verify Update answer Empty; Verify and VerifyFinal answer Empty with rv
// CKR_SIGNATURE_INVALID for a bad signature.
#define LUNA_PROTO_CRYPTO_FAMILY(F, UpdateResp)                                      \
    struct F##InitReq {                                                              \
        std::uint64_t session = 0;                                                   \
        Mechanism mechanism;                                                         \
        std::uint64_t key = 0;                                                       \
        LUNA_PROTO_FIELDS(session, mechanism, key)                                   \
        LUNA_PROTO_REQUEST(F##Init, Empty)                                           \
    };                                                                               \
    struct F##UpdateReq {                                                            \
        std::uint64_t session = 0;                                                   \
        Bytes data;                                                                  \
        LUNA_PROTO_FIELDS(session, data)                                             \
        LUNA_PROTO_REQUEST(F##Update, UpdateResp)                                    \
    };

LUNA_PROTO_CRYPTO_FAMILY(Encrypt, DataResp)
LUNA_PROTO_CRYPTO_FAMILY(Decrypt, DataResp)
LUNA_PROTO_CRYPTO_FAMILY(Sign, Empty)
LUNA_PROTO_CRYPTO_FAMILY(Verify, Empty)
#undef LUNA_PROTO_CRYPTO_FAMILY

struct EncryptReq {
    std::uint64_t session = 0;
    Bytes data;
    std::optional<OpInit> init;
    LUNA_PROTO_FIELDS(session, data, init)
    LUNA_PROTO_REQUEST(Encrypt, DataResp)
};
struct EncryptFinalReq {
    std::uint64_t session = 0;
    LUNA_PROTO_FIELDS(session)
    LUNA_PROTO_REQUEST(EncryptFinal, DataResp)
};
struct DecryptReq {
    std::uint64_t session = 0;
    Bytes data;
    std::optional<OpInit> init;
    LUNA_PROTO_FIELDS(session, data, init)
    LUNA_PROTO_REQUEST(Decrypt, DataResp)
};
struct DecryptFinalReq {
    std::uint64_t session = 0;
    LUNA_PROTO_FIELDS(session)
    LUNA_PROTO_REQUEST(DecryptFinal, DataResp)
};
struct SignReq {
    std::uint64_t session = 0;
    Bytes data;
    std::optional<OpInit> init;
    LUNA_PROTO_FIELDS(session, data, init)
    LUNA_PROTO_REQUEST(Sign, DataResp)
};
struct SignFinalReq {
    std::uint64_t session = 0;
    LUNA_PROTO_FIELDS(session)
    LUNA_PROTO_REQUEST(SignFinal, DataResp)
};
struct VerifyReq {
    std::uint64_t session = 0;
    Bytes data, signature;
    std::optional<OpInit> init;
    LUNA_PROTO_FIELDS(session, data, signature, init)
    LUNA_PROTO_REQUEST(Verify, Empty)
};
struct VerifyFinalReq {
    std::uint64_t session = 0;
    Bytes signature;
    LUNA_PROTO_FIELDS(session, signature)
    LUNA_PROTO_REQUEST(VerifyFinal, Empty)
};
struct DigestInitReq {
    std::uint64_t session = 0;
    Mechanism mechanism;
    LUNA_PROTO_FIELDS(session, mechanism)
    LUNA_PROTO_REQUEST(DigestInit, Empty)
};
struct DigestReq {
    std::uint64_t session = 0;
    Bytes data;
    std::optional<Mechanism> init;
    LUNA_PROTO_FIELDS(session, data, init)
    LUNA_PROTO_REQUEST(Digest, DataResp)
};
struct DigestUpdateReq {
    std::uint64_t session = 0;
    Bytes data;
    LUNA_PROTO_FIELDS(session, data)
    LUNA_PROTO_REQUEST(DigestUpdate, Empty)
};
struct DigestKeyReq {
    std::uint64_t session = 0, key = 0;
    LUNA_PROTO_FIELDS(session, key)
    LUNA_PROTO_REQUEST(DigestKey, Empty)
};
struct DigestFinalReq {
    std::uint64_t session = 0;
    LUNA_PROTO_FIELDS(session)
    LUNA_PROTO_REQUEST(DigestFinal, DataResp)
};

#undef LUNA_PROTO_REQUEST

// Every request, in one variant; the codec maps opcodes to alternatives through `op`.
using Request = std::variant<
    HelloReq, GetSlotListReq, GetTokenInfoReq, GetMechanismListReq, GetMechanismInfoReq, InitTokenReq, GetPoliciesReq,
    OpenSessionReq, CloseSessionReq, CloseAllSessionsReq, GetSessionInfoReq, LoginReq, LogoutReq, InitPinReq,
    SetPinReq, ResetPinReq, SetPolicyReq, CreateObjectReq, CopyObjectReq, DestroyObjectReq, GetObjectSizeReq,
    GetAttributeValueReq, SetAttributeValueReq, FindObjectsInitReq, FindObjectsReq, FindObjectsFinalReq,
    GenerateKeyReq, GenerateKeyPairReq, WrapKeyReq, UnwrapKeyReq, DeriveKeyReq, GenerateRandomReq, SeedRandomReq,
    EncryptInitReq, EncryptReq, EncryptUpdateReq, EncryptFinalReq, DecryptInitReq, DecryptReq, DecryptUpdateReq,
    DecryptFinalReq, SignInitReq, SignReq, SignUpdateReq, SignFinalReq, VerifyInitReq, VerifyReq, VerifyUpdateReq,
    VerifyFinalReq, DigestInitReq, DigestReq, DigestUpdateReq, DigestFinalReq, DigestKeyReq>;

// Every distinct response body type.
using ResponseBody = std::variant<Empty, HandleResp, DataResp, HelloResp, SlotListResp, TokenInfoResp,
                                  MechanismListResp, MechanismInfoResp, PoliciesResp, SessionInfoResp, SetPolicyResp,
                                  ObjectSizeResp, AttributeValuesResp, HandlesResp, KeyPairResp>;

} // namespace luna::proto
