// Mechanisms through the data plane, checked against plain OpenSSL (sign in the HSM, verify
// outside; encrypt outside, decrypt inside) and against published known-answer vectors.
#define BOOST_TEST_MODULE dataplane
#include "dataplane_support.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

using namespace luna::hsm::test;
namespace proto = luna::proto;
using luna::hsm::exportComponents;
using luna::hsm::kInternalEcPoint;
using luna::hsm::PkeyPtr;

namespace {

Bytes hex(std::string_view h) {
    Bytes out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoul(std::string(h.substr(i, 2)), nullptr, 16)));
    return out;
}

bool osslVerify(EVP_PKEY* pub, const EVP_MD* md, const Bytes& data, const Bytes& sig, int padding = 0, int salt = 0) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    bool ok = EVP_DigestVerifyInit(ctx, &pctx, md, nullptr, pub) == 1;
    if (padding) {
        EVP_PKEY_CTX_set_rsa_padding(pctx, padding);
        if (padding == RSA_PKCS1_PSS_PADDING) EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt);
    }
    ok = ok && EVP_DigestVerify(ctx, sig.data(), sig.size(), data.data(), data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

Bytes rawToDer(const Bytes& raw) {
    const std::size_t n = raw.size() / 2;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(raw.data(), static_cast<int>(n), nullptr), BN_bin2bn(raw.data() + n, static_cast<int>(n), nullptr));
    unsigned char* der = nullptr;
    int len = i2d_ECDSA_SIG(sig, &der);
    Bytes out(der, der + len);
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
    return out;
}

PkeyPtr osslKey(const char* type, const char* param, unsigned bitsOrZero, const char* group = nullptr) {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
    EVP_PKEY_keygen_init(ctx);
    if (group) EVP_PKEY_CTX_set_group_name(ctx, group);
    else EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, static_cast<int>(bitsOrZero));
    (void)param;
    EVP_PKEY* k = nullptr;
    EVP_PKEY_generate(ctx, &k);
    EVP_PKEY_CTX_free(ctx);
    return PkeyPtr(k);
}

// Imports an OpenSSL key pair's private half as a token-less private key object.
std::uint64_t importPrivate(DpEnv& e, std::uint64_t s, EVP_PKEY* k, proto::Template extra = {}) {
    auto comps = exportComponents(k, true);
    comps.erase(CKA_MODULUS_BITS);
    comps.erase(kInternalEcPoint);
    proto::Template t{{CKA_CLASS, encodeUlong(CKO_PRIVATE_KEY)},
                      {CKA_KEY_TYPE, encodeUlong(EVP_PKEY_is_a(k, "RSA") ? CKK_RSA : CKK_EC)}};
    for (auto& [type, v] : comps) t.push_back({type, v});
    t.insert(t.end(), extra.begin(), extra.end());
    return e.dp->handle(e.caller, proto::CreateObjectReq{s, t}).handle;
}

std::uint64_t importPublic(DpEnv& e, std::uint64_t s, EVP_PKEY* k) {
    auto comps = exportComponents(k, false);
    comps.erase(CKA_MODULUS_BITS);
    proto::Template t{{CKA_CLASS, encodeUlong(CKO_PUBLIC_KEY)}, {CKA_PRIVATE, encodeBool(false)},
                      {CKA_KEY_TYPE, encodeUlong(EVP_PKEY_is_a(k, "RSA") ? CKK_RSA : CKK_EC)}};
    for (auto& [type, v] : comps) t.push_back({type, v});
    return e.dp->handle(e.caller, proto::CreateObjectReq{s, t}).handle;
}

std::uint64_t importSecret(DpEnv& e, std::uint64_t s, const Bytes& value, std::uint64_t keyType = CKK_AES, proto::Template extra = {}) {
    proto::Template t{{CKA_CLASS, encodeUlong(CKO_SECRET_KEY)}, {CKA_KEY_TYPE, encodeUlong(keyType)}, {CKA_VALUE, value}};
    t.insert(t.end(), extra.begin(), extra.end());
    return e.dp->handle(e.caller, proto::CreateObjectReq{s, t}).handle;
}

} // namespace

BOOST_AUTO_TEST_SUITE(rsa)

BOOST_AUTO_TEST_CASE(pkcs1_and_pss_signatures_verify_in_openssl) {
    DpEnv e;
    auto s = e.coSession();
    auto kp = e.rsa(s);
    auto pub = e.publicKey(s, kp.publicKey);
    BOOST_TEST(EVP_PKEY_get_bits(pub.get()) == 2048);
    const Bytes msg = bytesOf("the quick brown fox");

    auto sig = e.sign(s, {CKM_SHA256_RSA_PKCS, proto::NoParams{}}, kp.privateKey, msg);
    BOOST_TEST(sig.size() == 256u);
    BOOST_TEST(osslVerify(pub.get(), EVP_sha256(), msg, sig, RSA_PKCS1_PADDING));
    e.verify(s, {CKM_SHA256_RSA_PKCS, proto::NoParams{}}, kp.publicKey, msg, sig);
    auto bad = sig;
    bad[10] ^= 1;
    LUNA_CHECK_ERROR(e.verify(s, {CKM_SHA256_RSA_PKCS, proto::NoParams{}}, kp.publicKey, msg, bad), CKR_SIGNATURE_INVALID);

    proto::PssParams pss{CKM_SHA384, CKG_MGF1_SHA384, 48};
    auto psig = e.sign(s, {CKM_SHA384_RSA_PKCS_PSS, pss}, kp.privateKey, msg);
    BOOST_TEST(osslVerify(pub.get(), EVP_sha384(), msg, psig, RSA_PKCS1_PSS_PADDING, 48));

    // Raw PSS over a hash computed outside.
    Bytes digest(32);
    unsigned n = 0;
    EVP_Digest(msg.data(), msg.size(), digest.data(), &n, EVP_sha256(), nullptr);
    auto rsig = e.sign(s, {CKM_RSA_PKCS_PSS, proto::PssParams{CKM_SHA256, CKG_MGF1_SHA256, 32}}, kp.privateKey, digest);
    BOOST_TEST(osslVerify(pub.get(), EVP_sha256(), msg, rsig, RSA_PKCS1_PSS_PADDING, 32));
    LUNA_CHECK_ERROR(e.sign(s, {CKM_RSA_PKCS_PSS, proto::PssParams{CKM_SHA256, CKG_MGF1_SHA256, 32}}, kp.privateKey, msg),
                     CKR_DATA_LEN_RANGE);
    LUNA_CHECK_ERROR(e.sign(s, {CKM_SHA256_RSA_PKCS_PSS, proto::PssParams{CKM_SHA_1, CKG_MGF1_SHA1, 20}}, kp.privateKey, msg),
                     CKR_MECHANISM_PARAM_INVALID);
}

BOOST_AUTO_TEST_CASE(multi_part_signature_equals_openssl_verification) {
    DpEnv e;
    auto s = e.coSession();
    auto kp = e.rsa(s, 3072);
    auto pub = e.publicKey(s, kp.publicKey);
    e.dp->handle(e.caller, proto::SignInitReq{s, {CKM_SHA512_RSA_PKCS, proto::NoParams{}}, kp.privateKey});
    e.dp->handle(e.caller, proto::SignUpdateReq{s, bytesOf("part one, ")});
    e.dp->handle(e.caller, proto::SignUpdateReq{s, bytesOf("part two")});
    auto sig = e.dp->handle(e.caller, proto::SignFinalReq{s}).data;
    BOOST_TEST(osslVerify(pub.get(), EVP_sha512(), bytesOf("part one, part two"), sig, RSA_PKCS1_PADDING));
}

BOOST_AUTO_TEST_CASE(oaep_and_pkcs1_encryption_interoperate) {
    DpEnv e;
    auto s = e.coSession();
    auto k = osslKey("RSA", nullptr, 2048);
    auto priv = importPrivate(e, s, k.get());
    auto pub = importPublic(e, s, k.get());
    const Bytes secret = bytesOf("sixteen byte key");

    // OpenSSL encrypts with OAEP-SHA256, the HSM decrypts.
    EVP_PKEY_CTX* c = EVP_PKEY_CTX_new_from_pkey(nullptr, k.get(), nullptr);
    EVP_PKEY_encrypt_init(c);
    EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING);
    EVP_PKEY_CTX_set_rsa_oaep_md(c, EVP_sha256());
    EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha256());
    Bytes ct(256);
    std::size_t len = ct.size();
    BOOST_REQUIRE(EVP_PKEY_encrypt(c, ct.data(), &len, secret.data(), secret.size()) == 1);
    EVP_PKEY_CTX_free(c);
    proto::Mechanism oaep{CKM_RSA_PKCS_OAEP, proto::OaepParams{CKM_SHA256, CKG_MGF1_SHA256, CKZ_DATA_SPECIFIED, {}}};
    BOOST_TEST((e.decrypt(s, oaep, priv, ct) == secret));

    // The HSM encrypts with PKCS#1 v1.5, OpenSSL decrypts.
    auto ct2 = e.encrypt(s, {CKM_RSA_PKCS, proto::NoParams{}}, pub, secret);
    c = EVP_PKEY_CTX_new_from_pkey(nullptr, k.get(), nullptr);
    EVP_PKEY_decrypt_init(c);
    EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING);
    Bytes pt(256);
    len = pt.size();
    BOOST_REQUIRE(EVP_PKEY_decrypt(c, pt.data(), &len, ct2.data(), ct2.size()) == 1);
    EVP_PKEY_CTX_free(c);
    pt.resize(len);
    BOOST_TEST((pt == secret));

    // Raw RSA round trip inside the HSM, and a bad ciphertext length.
    auto raw = e.encrypt(s, {CKM_RSA_X_509, proto::NoParams{}}, pub, secret);
    auto back = e.decrypt(s, {CKM_RSA_X_509, proto::NoParams{}}, priv, raw);
    BOOST_TEST((Bytes(back.end() - 16, back.end()) == secret));
    LUNA_CHECK_ERROR(e.decrypt(s, oaep, priv, Bytes(100, 1)), CKR_ENCRYPTED_DATA_LEN_RANGE);
}

BOOST_AUTO_TEST_CASE(key_sizes_outside_2048_4096_are_refused) {
    DpEnv e;
    auto s = e.coSession();
    LUNA_CHECK_ERROR(e.rsa(s, 1024), CKR_KEY_SIZE_RANGE);
    LUNA_CHECK_ERROR(e.rsa(s, 8192), CKR_KEY_SIZE_RANGE);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ec)

BOOST_AUTO_TEST_CASE(ecdsa_on_three_curves_verifies_in_openssl) {
    DpEnv e;
    auto s = e.coSession();
    const Bytes msg = bytesOf("message");
    struct Case {
        Bytes params;
        std::uint32_t mech;
        const EVP_MD* md;
        std::size_t sigLen;
    };
    for (const auto& c : {Case{p256(), CKM_ECDSA_SHA256, EVP_sha256(), 64}, Case{p384(), CKM_ECDSA_SHA384, EVP_sha384(), 96},
                          Case{p521(), CKM_ECDSA_SHA512, EVP_sha512(), 132}}) {
        auto kp = e.ec(s, c.params);
        auto pub = e.publicKey(s, kp.publicKey);
        auto sig = e.sign(s, {c.mech, proto::NoParams{}}, kp.privateKey, msg);
        BOOST_TEST(sig.size() == c.sigLen);
        BOOST_TEST(osslVerify(pub.get(), c.md, msg, rawToDer(sig)));
        e.verify(s, {c.mech, proto::NoParams{}}, kp.publicKey, msg, sig);
        LUNA_CHECK_ERROR(e.verify(s, {c.mech, proto::NoParams{}}, kp.publicKey, bytesOf("other"), sig), CKR_SIGNATURE_INVALID);
        LUNA_CHECK_ERROR(e.verify(s, {c.mech, proto::NoParams{}}, kp.publicKey, msg, Bytes(5, 1)), CKR_SIGNATURE_LEN_RANGE);
    }
    LUNA_CHECK_ERROR(e.ec(s, Bytes{0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x0A}), CKR_CURVE_NOT_SUPPORTED);   // secp256k1
}

BOOST_AUTO_TEST_CASE(ecdh_derives_what_openssl_derives) {
    DpEnv e;
    auto s = e.coSession();
    auto kp = e.ec(s, p256(), {{CKA_DERIVE, encodeBool(true)}});
    auto hsmPub = e.publicKey(s, kp.publicKey);
    auto peer = osslKey("EC", nullptr, 0, "P-256");
    std::size_t plen = 0;
    EVP_PKEY_get_octet_string_param(peer.get(), OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0, &plen);
    Bytes point(plen);
    EVP_PKEY_get_octet_string_param(peer.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), plen, &plen);

    proto::Template t{{CKA_CLASS, encodeUlong(CKO_SECRET_KEY)}, {CKA_KEY_TYPE, encodeUlong(CKK_GENERIC_SECRET)},
                      {CKA_SENSITIVE, encodeBool(false)}, {CKA_VALUE_LEN, encodeUlong(32)}};
    auto derived = e.dp->handle(e.caller, proto::DeriveKeyReq{s, {CKM_ECDH1_DERIVE, proto::EcdhParams{CKD_NULL, {}, point}},
                                                              kp.privateKey, t}).handle;
    EVP_PKEY_CTX* c = EVP_PKEY_CTX_new_from_pkey(nullptr, peer.get(), nullptr);
    EVP_PKEY_derive_init(c);
    EVP_PKEY_derive_set_peer(c, hsmPub.get());
    Bytes z(32);
    std::size_t zlen = 32;
    EVP_PKEY_derive(c, z.data(), &zlen);
    EVP_PKEY_CTX_free(c);
    BOOST_TEST((e.attr(s, derived, CKA_VALUE) == z));
    BOOST_TEST((proto::decodeBool(e.attr(s, derived, CKA_LOCAL)) == false));

    // X9.63 KDF with SHA-256 gives a different, full-length AES key.
    proto::Template a{{CKA_CLASS, encodeUlong(CKO_SECRET_KEY)}, {CKA_KEY_TYPE, encodeUlong(CKK_AES)}, {CKA_VALUE_LEN, encodeUlong(16)}};
    auto aes = e.dp->handle(e.caller, proto::DeriveKeyReq{s, {CKM_ECDH1_DERIVE, proto::EcdhParams{CKD_SHA256_KDF, {}, point}},
                                                          kp.privateKey, a}).handle;
    BOOST_TEST(e.attrStatus(s, aes, CKA_VALUE) == CKR_ATTRIBUTE_SENSITIVE);
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::DeriveKeyReq{s, {CKM_ECDH1_DERIVE, proto::EcdhParams{CKD_NULL, {}, Bytes(65, 4)}},
                                                               kp.privateKey, t}),
                     CKR_MECHANISM_PARAM_INVALID);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(aes)

BOOST_AUTO_TEST_CASE(nist_known_answers) {
    DpEnv e;
    auto s = e.coSession();
    const Bytes pt = hex("6bc1bee22e409f96e93d7e117393172a");
    // SP 800-38A F.1.1 ECB-AES128, F.2.5 CBC-AES256, F.5.1 CTR-AES128.
    auto k128 = importSecret(e, s, hex("2b7e151628aed2a6abf7158809cf4f3c"));
    BOOST_TEST((e.encrypt(s, {CKM_AES_ECB, proto::NoParams{}}, k128, pt) == hex("3ad77bb40d7a3660a89ecaf32466ef97")));
    auto k256 = importSecret(e, s, hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"));
    BOOST_TEST((e.encrypt(s, {CKM_AES_CBC, proto::IvParams{hex("000102030405060708090a0b0c0d0e0f")}}, k256, pt) ==
                hex("f58c4c04d6e5f1ba779eabfb5f7bfbd6")));
    BOOST_TEST((e.encrypt(s, {CKM_AES_CTR, proto::CtrParams{128, hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")}}, k128, pt) ==
                hex("874d6191b620e3261bef6864990db6ce")));
    // RFC 4493 example 2: AES-CMAC.
    BOOST_TEST((e.sign(s, {CKM_AES_CMAC, proto::NoParams{}}, k128, pt) == hex("070a16b46b4d4144f79bdd9dd04a287c")));
    // GCM spec test case 2: zero key, zero IV, one zero block.
    auto k0 = importSecret(e, s, Bytes(16, 0));
    BOOST_TEST((e.encrypt(s, {CKM_AES_GCM, proto::GcmParams{Bytes(12, 0), {}, 128}}, k0, Bytes(16, 0)) ==
                hex("0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf")));
}

BOOST_AUTO_TEST_CASE(modes_round_trip_single_and_multi_part) {
    DpEnv e;
    auto s = e.coSession();
    auto k = e.aes(s);
    Bytes data(100);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i);
    proto::Mechanism cbcPad{CKM_AES_CBC_PAD, proto::IvParams{Bytes(16, 7)}};
    auto ct = e.encrypt(s, cbcPad, k, data);
    BOOST_TEST(ct.size() == 112u);
    BOOST_TEST((e.decrypt(s, cbcPad, k, ct) == data));
    // Multi-part gives the same bytes.
    e.dp->handle(e.caller, proto::EncryptInitReq{s, cbcPad, k});
    auto a = e.dp->handle(e.caller, proto::EncryptUpdateReq{s, Bytes(data.begin(), data.begin() + 33)}).data;
    auto b = e.dp->handle(e.caller, proto::EncryptUpdateReq{s, Bytes(data.begin() + 33, data.end())}).data;
    auto f = e.dp->handle(e.caller, proto::EncryptFinalReq{s}).data;
    a.insert(a.end(), b.begin(), b.end());
    a.insert(a.end(), f.begin(), f.end());
    BOOST_TEST((a == ct));

    proto::Mechanism gcm{CKM_AES_GCM, proto::GcmParams{Bytes(12, 9), bytesOf("header"), 128}};
    auto g = e.encrypt(s, gcm, k, data);
    BOOST_TEST((e.decrypt(s, gcm, k, g) == data));
    g[3] ^= 1;
    LUNA_CHECK_ERROR(e.decrypt(s, gcm, k, g), CKR_ENCRYPTED_DATA_INVALID);
    LUNA_CHECK_ERROR(e.encrypt(s, {CKM_AES_CBC, proto::IvParams{Bytes(16, 0)}}, k, Bytes(15, 0)), CKR_DATA_LEN_RANGE);
    LUNA_CHECK_ERROR(e.encrypt(s, {CKM_AES_CBC, proto::IvParams{Bytes(8, 0)}}, k, Bytes(16, 0)), CKR_MECHANISM_PARAM_INVALID);
}

BOOST_AUTO_TEST_CASE(key_wrap_known_answers) {
    DpEnv e;
    auto s = e.coSession();
    // RFC 3394 4.1 and RFC 5649 section 6 (20-octet key).
    auto kek = importSecret(e, s, hex("000102030405060708090A0B0C0D0E0F"));
    auto key = importSecret(e, s, hex("00112233445566778899AABBCCDDEEFF"));
    auto w = e.dp->handle(e.caller, proto::WrapKeyReq{s, {CKM_AES_KEY_WRAP, proto::NoParams{}}, kek, key}).data;
    BOOST_TEST((w == hex("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5")));
    auto kek2 = importSecret(e, s, hex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8"));
    auto key2 = importSecret(e, s, hex("c37b7e6492584340bed12207808941155068f738"), CKK_GENERIC_SECRET);
    auto w2 = e.dp->handle(e.caller, proto::WrapKeyReq{s, {CKM_AES_KEY_WRAP_PAD, proto::NoParams{}}, kek2, key2}).data;
    BOOST_TEST((w2 == hex("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a")));
    // Unwrapping gives a key that encrypts like the original.
    proto::Template t{{CKA_CLASS, encodeUlong(CKO_SECRET_KEY)}, {CKA_KEY_TYPE, encodeUlong(CKK_AES)}};
    auto back = e.dp->handle(e.caller, proto::UnwrapKeyReq{s, {CKM_AES_KEY_WRAP, proto::NoParams{}}, kek, w, t}).handle;
    const Bytes block(16, 1);
    BOOST_TEST((e.encrypt(s, {CKM_AES_ECB, proto::NoParams{}}, back, block) == e.encrypt(s, {CKM_AES_ECB, proto::NoParams{}}, key, block)));
    w[0] ^= 1;
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::UnwrapKeyReq{s, {CKM_AES_KEY_WRAP, proto::NoParams{}}, kek, w, t}),
                     CKR_WRAPPED_KEY_INVALID);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(digest_and_hmac)

BOOST_AUTO_TEST_CASE(known_answers) {
    DpEnv e;
    auto s = e.coSession();
    auto d = e.dp->handle(e.caller, proto::DigestReq{s, bytesOf("abc"), proto::Mechanism{CKM_SHA256, proto::NoParams{}}}).data;
    BOOST_TEST((d == hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")));
    e.dp->handle(e.caller, proto::DigestInitReq{s, {CKM_SHA_1, proto::NoParams{}}});
    e.dp->handle(e.caller, proto::DigestUpdateReq{s, bytesOf("a")});
    e.dp->handle(e.caller, proto::DigestUpdateReq{s, bytesOf("bc")});
    BOOST_TEST((e.dp->handle(e.caller, proto::DigestFinalReq{s}).data == hex("a9993e364706816aba3e25717850c26c9cd0d89d")));
    // RFC 4231 test case 2.
    auto k = importSecret(e, s, bytesOf("Jefe"), CKK_GENERIC_SECRET);
    auto mac = e.sign(s, {CKM_SHA256_HMAC, proto::NoParams{}}, k, bytesOf("what do ya want for nothing?"));
    BOOST_TEST((mac == hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")));
    e.verify(s, {CKM_SHA256_HMAC, proto::NoParams{}}, k, bytesOf("what do ya want for nothing?"), mac);
    mac[0] ^= 1;
    LUNA_CHECK_ERROR(e.verify(s, {CKM_SHA256_HMAC, proto::NoParams{}}, k, bytesOf("what do ya want for nothing?"), mac),
                     CKR_SIGNATURE_INVALID);
    // Generated generic secrets MAC too.
    proto::Template g{{CKA_CLASS, encodeUlong(CKO_SECRET_KEY)}, {CKA_KEY_TYPE, encodeUlong(CKK_GENERIC_SECRET)}, {CKA_VALUE_LEN, encodeUlong(64)}};
    auto gk = e.dp->handle(e.caller, proto::GenerateKeyReq{s, {CKM_GENERIC_SECRET_KEY_GEN, proto::NoParams{}}, g}).handle;
    BOOST_TEST(e.sign(s, {CKM_SHA512_HMAC, proto::NoParams{}}, gk, bytesOf("x")).size() == 64u);
}

BOOST_AUTO_TEST_CASE(random_bytes) {
    DpEnv e;
    auto s = e.open(false);   // no login needed (ch.10: GET_RANDOM is unauthenticated)
    auto a = e.dp->handle(e.caller, proto::GenerateRandomReq{s, 32}).data;
    auto b = e.dp->handle(e.caller, proto::GenerateRandomReq{s, 32}).data;
    BOOST_TEST(a.size() == 32u);
    BOOST_TEST((a != b));
}

BOOST_AUTO_TEST_SUITE_END()
