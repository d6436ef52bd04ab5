// Shared by the data-plane tests: an initialized HSM with one provisioned partition, a
// DataPlane over it that lets every client see every partition, and short helpers that
// speak the protocol's message structs the way hsmd's dispatcher does.
#pragma once

#include "hsm_test_support.h"

#include "hsm/data_plane.h"
#include "proto/attribute_kinds.h"

#include <openssl/evp.h>

namespace luna::hsm::test {

using proto::Attribute;
using proto::Bytes;
using proto::encodeBool;
using proto::encodeUlong;

struct AllowAll final : PartitionAccess {
    bool allowed(std::string_view, std::uint64_t) const override { return true; }
};

inline Bytes bytesOf(std::string_view s) { return Bytes(s.begin(), s.end()); }

// P-256 as CKA_EC_PARAMS.
inline Bytes p256() { return Bytes{0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07}; }
inline Bytes p384() { return Bytes{0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22}; }
inline Bytes p521() { return Bytes{0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x23}; }

struct DpEnv {
    explicit DpEnv(DataPlaneConfig cfg = {}) {
        initAndLogin(*env, "so");
        slotRef = env->createPartition("so", "par1", std::nullopt, false);
        slot = std::stoull(slotRef);
        provisionPartition(*env, slotRef);
        dp = std::make_unique<DataPlane>(*env, access, cfg);
    }

    std::uint64_t open(bool rw = true, const Caller& c = {"client1", 1}) {
        return dp->handle(c, proto::OpenSessionReq{slot, static_cast<std::uint32_t>(CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0))})
            .handle;
    }
    void login(std::uint64_t s, std::uint32_t userType, std::string_view pin, const Caller& c = {"client1", 1}) {
        dp->handle(c, proto::LoginReq{s, userType, bytesOf(pin)});
    }
    // A read/write session with the Crypto Officer logged in.
    std::uint64_t coSession(const Caller& c = {"client1", 1}) {
        auto s = open(true, c);
        login(s, CKU_USER, kCoPin, c);
        return s;
    }
    std::uint64_t aes(std::uint64_t s, std::size_t bytes = 32, proto::Template extra = {}, const Caller& c = {"client1", 1}) {
        proto::Template t{{CKA_CLASS, encodeUlong(CKO_SECRET_KEY)}, {CKA_KEY_TYPE, encodeUlong(CKK_AES)},
                          {CKA_VALUE_LEN, encodeUlong(bytes)}};
        t.insert(t.end(), extra.begin(), extra.end());
        return dp->handle(c, proto::GenerateKeyReq{s, {CKM_AES_KEY_GEN, proto::NoParams{}}, t}).handle;
    }
    proto::KeyPairResp rsa(std::uint64_t s, std::uint64_t bits = 2048, proto::Template priv = {}) {
        proto::Template pub{{CKA_MODULUS_BITS, encodeUlong(bits)}, {CKA_PUBLIC_EXPONENT, Bytes{1, 0, 1}}};
        return dp->handle(caller, proto::GenerateKeyPairReq{s, {CKM_RSA_PKCS_KEY_PAIR_GEN, proto::NoParams{}}, pub, priv});
    }
    proto::KeyPairResp ec(std::uint64_t s, Bytes params = p256(), proto::Template priv = {}) {
        proto::Template pub{{CKA_EC_PARAMS, params}};
        return dp->handle(caller, proto::GenerateKeyPairReq{s, {CKM_EC_KEY_PAIR_GEN, proto::NoParams{}}, pub, priv});
    }
    Bytes attr(std::uint64_t s, std::uint64_t obj, std::uint32_t type) {
        auto r = dp->handle(caller, proto::GetAttributeValueReq{s, obj, {type}});
        BOOST_REQUIRE_EQUAL(r.attributes.at(0).status, CKR_OK);
        return r.attributes.at(0).value;
    }
    std::uint32_t attrStatus(std::uint64_t s, std::uint64_t obj, std::uint32_t type) {
        return dp->handle(caller, proto::GetAttributeValueReq{s, obj, {type}}).attributes.at(0).status;
    }
    Bytes sign(std::uint64_t s, proto::Mechanism m, std::uint64_t key, const Bytes& data) {
        return dp->handle(caller, proto::SignReq{s, data, proto::OpInit{std::move(m), key}}).data;
    }
    void verify(std::uint64_t s, proto::Mechanism m, std::uint64_t key, const Bytes& data, const Bytes& sig) {
        dp->handle(caller, proto::VerifyReq{s, data, sig, proto::OpInit{std::move(m), key}});
    }
    Bytes encrypt(std::uint64_t s, proto::Mechanism m, std::uint64_t key, const Bytes& data) {
        return dp->handle(caller, proto::EncryptReq{s, data, proto::OpInit{std::move(m), key}}).data;
    }
    Bytes decrypt(std::uint64_t s, proto::Mechanism m, std::uint64_t key, const Bytes& data) {
        return dp->handle(caller, proto::DecryptReq{s, data, proto::OpInit{std::move(m), key}}).data;
    }
    // The public key as plain OpenSSL sees it: rebuilt from CKA_MODULUS/CKA_PUBLIC_EXPONENT
    // or CKA_EC_PARAMS/CKA_EC_POINT read through the protocol.
    PkeyPtr publicKey(std::uint64_t s, std::uint64_t pub) {
        ObjAttrs a{{CKA_CLASS, encodeUlong(CKO_PUBLIC_KEY)}};
        auto kt = attr(s, pub, CKA_KEY_TYPE);
        a[CKA_KEY_TYPE] = kt;
        if (proto::decodeUlong(kt) == CKK_RSA) {
            a[CKA_MODULUS] = attr(s, pub, CKA_MODULUS);
            a[CKA_PUBLIC_EXPONENT] = attr(s, pub, CKA_PUBLIC_EXPONENT);
        } else {
            a[CKA_EC_PARAMS] = attr(s, pub, CKA_EC_PARAMS);
            a[CKA_EC_POINT] = attr(s, pub, CKA_EC_POINT);
        }
        return buildPkey(a);
    }

    HsmEnv env;
    std::string slotRef;
    std::uint64_t slot = 0;
    AllowAll access;
    Caller caller{"client1", 1};
    std::unique_ptr<DataPlane> dp;
};

} // namespace luna::hsm::test
