// The data-plane message set: one request struct and one response struct per operation,
// PKCS#11-shaped. Field order is wire order (LUNA_PROTO_FIELDS); the codec (codec.h) is
// generic over these lists, so adding a field means adding it here and nowhere else.
//
// Conventions (docs/data-plane-protocol.md has the full contract):
//   - slots are partition serial numbers; sessions and objects are hsmd-issued handles;
//   - attribute types, mechanism types, user types, flags and return values are the PKCS#11
//     numbers (u32 on the wire); attribute values use the canonical encodings of
//     attribute_kinds.h (CK_BBOOL 1 byte, CK_ULONG 8 bytes big-endian);
//   - responses always carry the whole output: the PKCS#11 module answers the two-call
//     length queries of C_Encrypt & co. from the output it already received.
#pragma once

#include "proto/wire.h"

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

namespace luna::proto {

#define LUNA_PROTO_FIELDS(...)                                   \
    auto fields() { return std::tie(__VA_ARGS__); }              \
    auto fields() const { return std::tie(__VA_ARGS__); }

enum class Op : std::uint16_t {
    Hello = 0x0001,
    // slots, tokens, partition administration (lunacm)
    GetSlotList = 0x0010, GetTokenInfo = 0x0011, GetMechanismList = 0x0012, GetMechanismInfo = 0x0013,
    InitToken = 0x0014, GetPolicies = 0x0015,
    // sessions and roles
    OpenSession = 0x0020, CloseSession = 0x0021, CloseAllSessions = 0x0022, GetSessionInfo = 0x0023,
    Login = 0x0024, Logout = 0x0025, InitPin = 0x0026, SetPin = 0x0027, ResetPin = 0x0028, SetPolicy = 0x0029,
    // objects
    CreateObject = 0x0030, CopyObject = 0x0031, DestroyObject = 0x0032, GetObjectSize = 0x0033,
    GetAttributeValue = 0x0034, SetAttributeValue = 0x0035, FindObjectsInit = 0x0036, FindObjects = 0x0037,
    FindObjectsFinal = 0x0038,
    // keys and random
    GenerateKey = 0x0040, GenerateKeyPair = 0x0041, WrapKey = 0x0042, UnwrapKey = 0x0043, DeriveKey = 0x0044,
    GenerateRandom = 0x0045, SeedRandom = 0x0046,
    // crypto: Init, single-part, Update, Final
    EncryptInit = 0x0050, Encrypt = 0x0051, EncryptUpdate = 0x0052, EncryptFinal = 0x0053,
    DecryptInit = 0x0054, Decrypt = 0x0055, DecryptUpdate = 0x0056, DecryptFinal = 0x0057,
    SignInit = 0x0058, Sign = 0x0059, SignUpdate = 0x005A, SignFinal = 0x005B,
    VerifyInit = 0x005C, Verify = 0x005D, VerifyUpdate = 0x005E, VerifyFinal = 0x005F,
    DigestInit = 0x0060, Digest = 0x0061, DigestUpdate = 0x0062, DigestFinal = 0x0063, DigestKey = 0x0064,
};

// ---- limits ----------------------------------------------------------------------------
inline constexpr std::uint8_t kVersion = 1;
inline constexpr std::size_t kMaxPayload = 96 * 1024;       // one frame's body
inline constexpr std::size_t kMaxData = 64 * 1024;          // data of one crypto call
inline constexpr std::size_t kMaxString = 1024;             // labels, names, details
inline constexpr std::size_t kMaxPin = 256;
inline constexpr std::size_t kMaxAttributes = 256;          // per template
inline constexpr std::size_t kMaxHandles = 4096;            // per FindObjects reply
inline constexpr std::size_t kMaxListEntries = 1024;        // slots, mechanisms, policies

// ---- shared value types ------------------------------------------------------------------
struct Attribute {
    std::uint32_t type = 0;
    Bytes value;
    LUNA_PROTO_FIELDS(type, value)
    bool operator==(const Attribute&) const = default;
};
using Template = std::vector<Attribute>;

// Mechanism parameters, one alternative per PKCS#11 parameter structure the HSM accepts.
// The variant index is the wire tag.
struct NoParams {
    LUNA_PROTO_FIELDS()
    bool operator==(const NoParams&) const = default;
};
struct IvParams {              // CBC, CBC_PAD, ECB-less block modes: the IV
    Bytes iv;
    LUNA_PROTO_FIELDS(iv)
    bool operator==(const IvParams&) const = default;
};
struct PssParams {             // CK_RSA_PKCS_PSS_PARAMS
    std::uint32_t hashAlg = 0, mgf = 0, saltLen = 0;
    LUNA_PROTO_FIELDS(hashAlg, mgf, saltLen)
    bool operator==(const PssParams&) const = default;
};
struct OaepParams {            // CK_RSA_PKCS_OAEP_PARAMS
    std::uint32_t hashAlg = 0, mgf = 0, source = 0;
    Bytes sourceData;
    LUNA_PROTO_FIELDS(hashAlg, mgf, source, sourceData)
    bool operator==(const OaepParams&) const = default;
};
struct GcmParams {             // CK_GCM_PARAMS
    Bytes iv;
    Bytes aad;
    std::uint32_t tagBits = 0;
    LUNA_PROTO_FIELDS(iv, aad, tagBits)
    bool operator==(const GcmParams&) const = default;
};
struct CtrParams {             // CK_AES_CTR_PARAMS
    std::uint32_t counterBits = 0;
    Bytes counterBlock;
    LUNA_PROTO_FIELDS(counterBits, counterBlock)
    bool operator==(const CtrParams&) const = default;
};
struct EcdhParams {            // CK_ECDH1_DERIVE_PARAMS
    std::uint32_t kdf = 0;
    Bytes sharedData;
    Bytes publicData;
    LUNA_PROTO_FIELDS(kdf, sharedData, publicData)
    bool operator==(const EcdhParams&) const = default;
};
struct MacLenParams {          // CK_MAC_GENERAL_PARAMS
    std::uint32_t length = 0;
    LUNA_PROTO_FIELDS(length)
    bool operator==(const MacLenParams&) const = default;
};
using MechParams = std::variant<NoParams, IvParams, PssParams, OaepParams, GcmParams, CtrParams, EcdhParams, MacLenParams>;

struct Mechanism {
    std::uint32_t type = 0;
    MechParams params;
    LUNA_PROTO_FIELDS(type, params)
    bool operator==(const Mechanism&) const = default;
};

// Init carried inside a single-part call, so a client can run C_SignInit + C_Sign in one
// round trip (it reports an Init failure from the single-part call).
struct OpInit {
    Mechanism mechanism;
    std::uint64_t key = 0;
    LUNA_PROTO_FIELDS(mechanism, key)
    bool operator==(const OpInit&) const = default;
};

struct Empty {
    LUNA_PROTO_FIELDS()
    bool operator==(const Empty&) const = default;
};

// ---- responses shared by several operations -------------------------------------------------
struct HandleResp {
    std::uint64_t handle = 0;
    LUNA_PROTO_FIELDS(handle)
    bool operator==(const HandleResp&) const = default;
};
struct DataResp {
    Bytes data;
    LUNA_PROTO_FIELDS(data)
    bool operator==(const DataResp&) const = default;
};

} // namespace luna::proto

#include "proto/messages_ops.h"
