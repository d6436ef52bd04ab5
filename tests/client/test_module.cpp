// The PKCS#11 module through its C function list, over the in-process appliance
// (in_process_appliance.h): the same module code as libCryptoki2.so, with the TLS link
// replaced by a channel into a real HSM core.
#define BOOST_TEST_MODULE pkcs11_module
#include <boost/test/unit_test.hpp>

#include "in_process_appliance.h"

#include "client/pkcs11/context.h"
#include "client/pkcs11/convert.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <cstring>
#include <sys/wait.h>
#include <unistd.h>

using namespace luna;
using client::test::InProcessAppliance;

namespace {

std::function<std::shared_ptr<p11::Context>()> gFactory;

InProcessAppliance& appliance() {
    static InProcessAppliance a(2);
    return a;
}

CK_FUNCTION_LIST_PTR fl() {
    CK_FUNCTION_LIST_PTR f = nullptr;
    BOOST_REQUIRE(C_GetFunctionList(&f) == CKR_OK);
    return f;
}

std::string str(std::string_view s) { return std::string(s); }
CK_UTF8CHAR_PTR pin(const std::string& s) { return reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(s.data())); }

// The module initialized against `apps` (server i is apps[i]) with `tweak` applied to its config.
struct Module {
    explicit Module(std::vector<InProcessAppliance*> apps = {&appliance()},
                    std::function<void(client::ClientConfig&)> tweak = {}) {
        client::ClientConfig cfg;
        for (std::size_t i = 0; i < apps.size(); ++i)
            cfg.servers.push_back({static_cast<unsigned>(i), "app" + std::to_string(i), 1792});
        cfg.receiveTimeout = std::chrono::milliseconds(20000);
        if (tweak) tweak(cfg);
        std::vector<client::Connector> conns;
        for (auto* a : apps) conns.push_back(a->connector());
        client::Connector byName = [conns](const client::ServerEntry& s) { return conns.at(std::stoul(s.name.substr(3)))(s); };
        gFactory = [cfg, byName] { return std::make_shared<p11::Context>(cfg, byName); };
        f = fl();
        BOOST_REQUIRE(f->C_Initialize(nullptr) == CKR_OK);
    }
    ~Module() { f->C_Finalize(nullptr); }

    std::vector<CK_SLOT_ID> slots() {
        CK_ULONG n = 0;
        BOOST_REQUIRE(f->C_GetSlotList(CK_TRUE, nullptr, &n) == CKR_OK);
        std::vector<CK_SLOT_ID> ids(n);
        BOOST_REQUIRE(f->C_GetSlotList(CK_TRUE, ids.data(), &n) == CKR_OK);
        ids.resize(n);
        return ids;
    }
    CK_SESSION_HANDLE coSession(CK_SLOT_ID slot = 0) {
        CK_SESSION_HANDLE h = 0;
        BOOST_REQUIRE(f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &h) == CKR_OK);
        const auto p = str(hsm::test::kCoPin);
        CK_RV rv = f->C_Login(h, CKU_USER, pin(p), p.size());
        BOOST_REQUIRE(rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN);
        return h;
    }
    std::pair<CK_OBJECT_HANDLE, CK_OBJECT_HANDLE> rsa(CK_SESSION_HANDLE h, bool token = false) {
        CK_MECHANISM m{CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
        CK_ULONG bits = 2048;
        CK_BYTE e[] = {1, 0, 1};
        CK_BBOOL yes = CK_TRUE, tok = token ? CK_TRUE : CK_FALSE;
        CK_ATTRIBUTE pub[] = {{CKA_MODULUS_BITS, &bits, sizeof bits}, {CKA_PUBLIC_EXPONENT, e, sizeof e},
                              {CKA_VERIFY, &yes, 1}, {CKA_TOKEN, &tok, 1}};
        CK_ATTRIBUTE priv[] = {{CKA_SIGN, &yes, 1}, {CKA_SENSITIVE, &yes, 1}, {CKA_TOKEN, &tok, 1}};
        CK_OBJECT_HANDLE pu = 0, pr = 0;
        BOOST_REQUIRE(f->C_GenerateKeyPair(h, &m, pub, 4, priv, 3, &pu, &pr) == CKR_OK);
        return {pu, pr};
    }
    CK_OBJECT_HANDLE aes(CK_SESSION_HANDLE h) {
        CK_MECHANISM m{CKM_AES_KEY_GEN, nullptr, 0};
        CK_ULONG len = 32;
        CK_BBOOL yes = CK_TRUE;
        CK_ATTRIBUTE t[] = {{CKA_VALUE_LEN, &len, sizeof len}, {CKA_ENCRYPT, &yes, 1}, {CKA_DECRYPT, &yes, 1}};
        CK_OBJECT_HANDLE k = 0;
        BOOST_REQUIRE(f->C_GenerateKey(h, &m, t, 3, &k) == CKR_OK);
        return k;
    }
    std::vector<CK_BYTE> attr(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE t) {
        CK_ATTRIBUTE a{t, nullptr, 0};
        BOOST_REQUIRE(f->C_GetAttributeValue(h, o, &a, 1) == CKR_OK);
        std::vector<CK_BYTE> v(a.ulValueLen);
        a.pValue = v.data();
        BOOST_REQUIRE(f->C_GetAttributeValue(h, o, &a, 1) == CKR_OK);
        return v;
    }

    CK_FUNCTION_LIST_PTR f;
};

EVP_PKEY* rsaPublic(const std::vector<CK_BYTE>& n, const std::vector<CK_BYTE>& e) {
    OSSL_PARAM_BLD* b = OSSL_PARAM_BLD_new();
    BIGNUM* bn = BN_bin2bn(n.data(), static_cast<int>(n.size()), nullptr);
    BIGNUM* be = BN_bin2bn(e.data(), static_cast<int>(e.size()), nullptr);
    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, bn);
    OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, be);
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(b);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    EVP_PKEY* key = nullptr;
    EVP_PKEY_fromdata_init(ctx);
    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(b);
    BN_free(bn);
    BN_free(be);
    return key;
}

} // namespace

std::shared_ptr<p11::Context> luna::p11::makeContext() { return gFactory(); }

BOOST_AUTO_TEST_CASE(initialize_rules) {
    auto f = fl();
    CK_ULONG n = 0;
    BOOST_TEST(f->C_GetSlotList(CK_TRUE, nullptr, &n) == CKR_CRYPTOKI_NOT_INITIALIZED);
    BOOST_TEST(f->C_Finalize(nullptr) == CKR_CRYPTOKI_NOT_INITIALIZED);
    {
        Module m;
        BOOST_TEST(f->C_Initialize(nullptr) == CKR_CRYPTOKI_ALREADY_INITIALIZED);
        CK_INFO info;
        BOOST_TEST(f->C_GetInfo(&info) == CKR_OK);
        BOOST_TEST(info.cryptokiVersion.major == 2);
        BOOST_TEST(info.cryptokiVersion.minor == 40);
        BOOST_TEST(p11::unpadded(info.manufacturerID, 32) == "SafeNet");
    }
    // Application mutexes without CKF_OS_LOCKING_OK: we only have the OS's.
    CK_C_INITIALIZE_ARGS args{};
    args.CreateMutex = [](CK_VOID_PTR_PTR) -> CK_RV { return CKR_OK; };
    args.DestroyMutex = [](CK_VOID_PTR) -> CK_RV { return CKR_OK; };
    args.LockMutex = [](CK_VOID_PTR) -> CK_RV { return CKR_OK; };
    args.UnlockMutex = [](CK_VOID_PTR) -> CK_RV { return CKR_OK; };
    BOOST_TEST(f->C_Initialize(&args) == CKR_CANT_LOCK);
    args.flags = CKF_OS_LOCKING_OK;
    gFactory = [] { return std::make_shared<p11::Context>(client::ClientConfig{}, client::Connector{}); };
    BOOST_TEST(f->C_Initialize(&args) == CKR_OK);
    BOOST_TEST(f->C_GetSlotList(CK_TRUE, nullptr, &n) == CKR_OK);
    BOOST_TEST(n == 0u);   // no servers configured
    BOOST_TEST(f->C_Finalize(nullptr) == CKR_OK);
    CK_C_INITIALIZE_ARGS reserved{};
    reserved.pReserved = &n;
    BOOST_TEST(f->C_Initialize(&reserved) == CKR_ARGUMENTS_BAD);
}

BOOST_AUTO_TEST_CASE(slots_follow_server_order_and_presentation_settings) {
    InProcessAppliance second(1);
    {
        Module m({&appliance(), &second});
        auto ids = m.slots();
        BOOST_TEST(ids == (std::vector<CK_SLOT_ID>{0, 1, 2}));
        CK_TOKEN_INFO t;
        BOOST_REQUIRE(m.f->C_GetTokenInfo(2, &t) == CKR_OK);
        BOOST_TEST(p11::unpadded(t.serialNumber, 16) == std::to_string(second.serials[0]));
        BOOST_TEST((t.flags & CKF_TOKEN_INITIALIZED) != 0u);
        BOOST_TEST((t.flags & CKF_USER_PIN_INITIALIZED) != 0u);
        CK_SLOT_INFO si;
        BOOST_REQUIRE(m.f->C_GetSlotInfo(0, &si) == CKR_OK);
        BOOST_TEST(p11::unpadded(si.slotDescription, 64) == "Net Token Slot");
        BOOST_TEST((si.flags & CKF_TOKEN_PRESENT) != 0u);
        BOOST_TEST(m.f->C_GetSlotInfo(3, &si) == CKR_SLOT_ID_INVALID);
    }
    {
        Module m({&appliance(), &second}, [](client::ClientConfig& c) { c.oneBaseSlotId = true; });
        BOOST_TEST(m.slots() == (std::vector<CK_SLOT_ID>{1, 2, 3}));
    }
    {
        // Pinning one partition of the first appliance hides its other one (ch.16).
        const auto pinned = appliance().serials[1];
        Module m({&appliance(), &second}, [&](client::ClientConfig& c) { c.showUserSlots = {{20, pinned}}; });
        BOOST_TEST(m.slots() == (std::vector<CK_SLOT_ID>{0, 20}));
        CK_TOKEN_INFO t;
        BOOST_REQUIRE(m.f->C_GetTokenInfo(20, &t) == CKR_OK);
        BOOST_TEST(p11::unpadded(t.serialNumber, 16) == std::to_string(pinned));
        BOOST_REQUIRE(m.f->C_GetTokenInfo(0, &t) == CKR_OK);
        BOOST_TEST(p11::unpadded(t.serialNumber, 16) == std::to_string(second.serials[0]));
    }
    {
        second.down = true;   // an unreachable appliance contributes no slots
        Module m({&second, &appliance()});
        BOOST_TEST(m.slots() == (std::vector<CK_SLOT_ID>{0, 1}));
        second.down = false;
    }
}

BOOST_AUTO_TEST_CASE(rsa_sign_two_call_convention_and_one_round_trip) {
    Module m;
    auto h = m.coSession();
    auto [pub, priv] = m.rsa(h);
    const std::string msg = "signed through the module";
    CK_MECHANISM mech{CKM_SHA256_RSA_PKCS, nullptr, 0};
    appliance().resetCounts();
    BOOST_REQUIRE(m.f->C_SignInit(h, &mech, priv) == CKR_OK);
    CK_ULONG len = 0;
    BOOST_REQUIRE(m.f->C_Sign(h, (CK_BYTE_PTR)msg.data(), msg.size(), nullptr, &len) == CKR_OK);
    BOOST_TEST(len == 256u);
    std::vector<CK_BYTE> sig(len);
    CK_ULONG small = 10;
    BOOST_TEST(m.f->C_Sign(h, (CK_BYTE_PTR)msg.data(), msg.size(), sig.data(), &small) == CKR_BUFFER_TOO_SMALL);
    BOOST_TEST(small == 256u);
    BOOST_REQUIRE(m.f->C_Sign(h, (CK_BYTE_PTR)msg.data(), msg.size(), sig.data(), &len) == CKR_OK);
    // C_SignInit rode with C_Sign, and the length query and short buffer asked nothing more.
    BOOST_TEST(appliance().requests(proto::Op::SignInit) == 0u);
    BOOST_TEST(appliance().requests(proto::Op::Sign) == 1u);
    BOOST_TEST(m.f->C_Sign(h, (CK_BYTE_PTR)msg.data(), msg.size(), sig.data(), &len) == CKR_OPERATION_NOT_INITIALIZED);

    // Plain OpenSSL verifies it from the public key's attributes.
    EVP_PKEY* key = rsaPublic(m.attr(h, pub, CKA_MODULUS), m.attr(h, pub, CKA_PUBLIC_EXPONENT));
    BOOST_REQUIRE(key);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key);
    BOOST_TEST(EVP_DigestVerify(ctx, sig.data(), sig.size(), (const unsigned char*)msg.data(), msg.size()) == 1);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);

    BOOST_REQUIRE(m.f->C_VerifyInit(h, &mech, pub) == CKR_OK);
    BOOST_TEST(m.f->C_Verify(h, (CK_BYTE_PTR)msg.data(), msg.size(), sig.data(), len) == CKR_OK);
    sig[3] ^= 1;
    BOOST_REQUIRE(m.f->C_VerifyInit(h, &mech, pub) == CKR_OK);
    BOOST_TEST(m.f->C_Verify(h, (CK_BYTE_PTR)msg.data(), msg.size(), sig.data(), len) == CKR_SIGNATURE_INVALID);

    // Multi-part: Init goes out before the first Update.
    BOOST_REQUIRE(m.f->C_SignInit(h, &mech, priv) == CKR_OK);
    BOOST_REQUIRE(m.f->C_SignUpdate(h, (CK_BYTE_PTR)msg.data(), 5) == CKR_OK);
    BOOST_REQUIRE(m.f->C_SignUpdate(h, (CK_BYTE_PTR)msg.data() + 5, msg.size() - 5) == CKR_OK);
    std::vector<CK_BYTE> sig2(256);
    CK_ULONG len2 = sig2.size();
    BOOST_REQUIRE(m.f->C_SignFinal(h, sig2.data(), &len2) == CKR_OK);
    sig[3] ^= 1;
    BOOST_TEST(sig2 == sig);   // PKCS#1 v1.5 is deterministic
}

BOOST_AUTO_TEST_CASE(operation_state_rules) {
    Module m;
    auto h = m.coSession();
    auto k = m.aes(h);
    CK_BYTE iv[16] = {};
    CK_MECHANISM cbc{CKM_AES_CBC_PAD, iv, sizeof iv};
    BOOST_REQUIRE(m.f->C_EncryptInit(h, &cbc, k) == CKR_OK);
    BOOST_TEST(m.f->C_EncryptInit(h, &cbc, k) == CKR_OPERATION_ACTIVE);
    // Mechanisms the partition does not offer, or not for this function, are refused by the Init.
    CK_MECHANISM md5{CKM_MD5, nullptr, 0};
    BOOST_TEST(m.f->C_DigestInit(h, &md5) == CKR_MECHANISM_INVALID);
    BOOST_TEST(m.f->C_SignInit(h, &cbc, k) == CKR_MECHANISM_INVALID);
    CK_MECHANISM noIv{CKM_AES_CBC_PAD, nullptr, 0};
    CK_SESSION_HANDLE h2 = m.coSession();
    BOOST_TEST(m.f->C_EncryptInit(h2, &noIv, k) == CKR_MECHANISM_PARAM_INVALID);
    // A refused Init that rode with the single-part call ends the operation there.
    CK_MECHANISM bad{CKM_SHA256_RSA_PKCS, nullptr, 0};
    BOOST_REQUIRE(m.f->C_SignInit(h2, &bad, k) == CKR_OK);
    CK_BYTE out[512];
    CK_ULONG outLen = sizeof out;
    const CK_RV rv = m.f->C_Sign(h2, out, 16, out, &outLen);
    BOOST_TEST((rv == CKR_KEY_TYPE_INCONSISTENT || rv == CKR_KEY_FUNCTION_NOT_PERMITTED || rv == CKR_MECHANISM_INVALID));
    BOOST_TEST(m.f->C_Sign(h2, out, 16, out, &outLen) == CKR_OPERATION_NOT_INITIALIZED);
    BOOST_TEST(m.f->C_Sign(999999, out, 16, out, &outLen) == CKR_SESSION_HANDLE_INVALID);
}

BOOST_AUTO_TEST_CASE(aes_gcm_cbc_and_large_digest) {
    Module m;
    auto h = m.coSession();
    auto k = m.aes(h);
    CK_BYTE iv[12] = {1, 2, 3};
    CK_BYTE aad[4] = {9, 9, 9, 9};
    CK_GCM_PARAMS gcm{iv, sizeof iv, 96, aad, sizeof aad, 128};
    CK_MECHANISM mech{CKM_AES_GCM, &gcm, sizeof gcm};
    std::vector<CK_BYTE> plain(1000, 0x42), cipher(1100), back(1100);
    CK_ULONG cl = cipher.size(), bl = back.size();
    BOOST_REQUIRE(m.f->C_EncryptInit(h, &mech, k) == CKR_OK);
    BOOST_REQUIRE(m.f->C_Encrypt(h, plain.data(), plain.size(), cipher.data(), &cl) == CKR_OK);
    BOOST_TEST(cl == plain.size() + 16);
    BOOST_REQUIRE(m.f->C_DecryptInit(h, &mech, k) == CKR_OK);
    BOOST_REQUIRE(m.f->C_Decrypt(h, cipher.data(), cl, back.data(), &bl) == CKR_OK);
    back.resize(bl);
    BOOST_TEST(back == plain);

    // Multi-part CBC_PAD, with a length query on the final part.
    CK_BYTE civ[16] = {7};
    CK_MECHANISM cbc{CKM_AES_CBC_PAD, civ, sizeof civ};
    BOOST_REQUIRE(m.f->C_EncryptInit(h, &cbc, k) == CKR_OK);
    std::vector<CK_BYTE> enc;
    CK_BYTE part[64];
    CK_ULONG pl = sizeof part;
    BOOST_REQUIRE(m.f->C_EncryptUpdate(h, plain.data(), 40, part, &pl) == CKR_OK);
    enc.insert(enc.end(), part, part + pl);
    CK_ULONG fl = 0;
    BOOST_REQUIRE(m.f->C_EncryptFinal(h, nullptr, &fl) == CKR_OK);
    BOOST_TEST(fl == 16u);
    BOOST_REQUIRE(m.f->C_EncryptFinal(h, part, &fl) == CKR_OK);
    enc.insert(enc.end(), part, part + fl);
    BOOST_TEST(enc.size() == 48u);

    // 200 KiB in one C_Digest: more than a frame carries, so Init/Update.../Final underneath.
    std::vector<CK_BYTE> big(200 * 1024);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<CK_BYTE>(i * 7);
    CK_MECHANISM sha{CKM_SHA256, nullptr, 0};
    CK_BYTE md[32];
    CK_ULONG mdl = sizeof md;
    BOOST_REQUIRE(m.f->C_DigestInit(h, &sha) == CKR_OK);
    BOOST_REQUIRE(m.f->C_Digest(h, big.data(), big.size(), md, &mdl) == CKR_OK);
    unsigned char ref[32];
    unsigned int refLen = 0;
    EVP_Digest(big.data(), big.size(), ref, &refLen, EVP_sha256(), nullptr);
    BOOST_TEST(std::memcmp(md, ref, 32) == 0);
}

BOOST_AUTO_TEST_CASE(attribute_values_and_their_sizes) {
    Module m;
    auto h = m.coSession();
    auto [pub, priv] = m.rsa(h);
    CK_ULONG bits = 0, cls = 0;
    CK_BBOOL sensitive = CK_FALSE;
    CK_BYTE exp[600];
    CK_ATTRIBUTE t[] = {{CKA_MODULUS_BITS, &bits, sizeof bits}, {CKA_CLASS, &cls, sizeof cls}};
    BOOST_REQUIRE(m.f->C_GetAttributeValue(h, pub, t, 2) == CKR_OK);
    BOOST_TEST(bits == 2048u);
    BOOST_TEST(cls == CKO_PUBLIC_KEY);
    CK_ATTRIBUTE p[] = {{CKA_SENSITIVE, &sensitive, 1}, {CKA_PRIVATE_EXPONENT, exp, sizeof exp}, {CKA_CLASS, &cls, sizeof cls}};
    BOOST_TEST(m.f->C_GetAttributeValue(h, priv, p, 3) == CKR_ATTRIBUTE_SENSITIVE);
    BOOST_TEST(sensitive == CK_TRUE);
    BOOST_TEST(p[1].ulValueLen == CK_UNAVAILABLE_INFORMATION);
    BOOST_TEST(cls == CKO_PRIVATE_KEY);
    CK_BYTE tiny[4];
    CK_ATTRIBUTE mod{CKA_MODULUS, tiny, sizeof tiny};
    BOOST_TEST(m.f->C_GetAttributeValue(h, pub, &mod, 1) == CKR_BUFFER_TOO_SMALL);
    BOOST_TEST(mod.ulValueLen == CK_UNAVAILABLE_INFORMATION);
    CK_ATTRIBUTE bogus{0x7FFFFF00UL, nullptr, 0};
    BOOST_TEST(m.f->C_GetAttributeValue(h, pub, &bogus, 1) == CKR_ATTRIBUTE_TYPE_INVALID);
    CK_ATTRIBUTE wrongSize{CKA_MODULUS_BITS, &bits, 4};
    CK_OBJECT_HANDLE o;
    BOOST_TEST(m.f->C_CreateObject(h, &wrongSize, 1, &o) == CKR_ATTRIBUTE_VALUE_INVALID);
}

BOOST_AUTO_TEST_CASE(find_objects_in_batches) {
    Module m;
    auto h = m.coSession(1);
    CK_OBJECT_CLASS data = CKO_DATA;
    CK_BBOOL no = CK_FALSE;
    const std::string label = "batch";
    for (int i = 0; i < 150; ++i) {
        CK_ATTRIBUTE t[] = {{CKA_CLASS, &data, sizeof data}, {CKA_TOKEN, &no, 1}, {CKA_LABEL, (void*)label.data(), label.size()}};
        CK_OBJECT_HANDLE o;
        BOOST_REQUIRE(m.f->C_CreateObject(h, t, 3, &o) == CKR_OK);
    }
    CK_ATTRIBUTE q[] = {{CKA_LABEL, (void*)label.data(), label.size()}};
    appliance().resetCounts();
    BOOST_REQUIRE(m.f->C_FindObjectsInit(h, q, 1) == CKR_OK);
    BOOST_TEST(m.f->C_FindObjectsInit(h, q, 1) == CKR_OPERATION_ACTIVE);
    std::size_t total = 0;
    for (;;) {
        CK_OBJECT_HANDLE out[1];
        CK_ULONG n = 0;
        BOOST_REQUIRE(m.f->C_FindObjects(h, out, 1, &n) == CKR_OK);
        if (n == 0) break;
        total += n;
    }
    BOOST_REQUIRE(m.f->C_FindObjectsFinal(h) == CKR_OK);
    BOOST_TEST(total == 150u);
    BOOST_TEST(appliance().requests(proto::Op::FindObjects) <= 4u);   // not one per object
}

BOOST_AUTO_TEST_CASE(roles_and_refusals_cross_the_boundary) {
    Module m;
    CK_SESSION_HANDLE h;
    BOOST_REQUIRE(m.f->C_OpenSession(0, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &h) == CKR_OK);
    BOOST_TEST(m.f->C_OpenSession(0, CKF_RW_SESSION, nullptr, nullptr, &h) == CKR_SESSION_PARALLEL_NOT_SUPPORTED);
    const std::string wrong = "Wrong-PIN-123";
    BOOST_TEST(m.f->C_Login(h, CKU_USER, pin(wrong), wrong.size()) == CKR_PIN_INCORRECT);
    CK_SESSION_INFO si;
    BOOST_REQUIRE(m.f->C_GetSessionInfo(h, &si) == CKR_OK);
    BOOST_TEST(si.state == CKS_RW_PUBLIC_SESSION);
    BOOST_TEST(si.slotID == 0u);
    const auto cu = str(hsm::test::kCuPin);
    BOOST_REQUIRE(m.f->C_Login(h, 0x80000001UL, pin(cu), cu.size()) == CKR_OK);
    BOOST_REQUIRE(m.f->C_GetSessionInfo(h, &si) == CKR_OK);
    BOOST_TEST(si.state == CKS_RW_USER_FUNCTIONS);
    BOOST_REQUIRE(m.f->C_Logout(h) == CKR_OK);
    // C_InitToken with sessions open is refused before it reaches the appliance; a label the
    // HSM refuses (a project code) comes back as a standard CKR.
    CK_UTF8CHAR label[32];
    std::memset(label, ' ', sizeof label);
    const auto pso = str(hsm::test::kPsoPin);
    BOOST_TEST(m.f->C_InitToken(0, pin(pso), pso.size(), label) == CKR_SESSION_EXISTS);
    BOOST_REQUIRE(m.f->C_CloseAllSessions(0) == CKR_OK);
    BOOST_TEST(m.f->C_GetSessionInfo(h, &si) == CKR_SESSION_HANDLE_INVALID);
    BOOST_TEST(m.f->C_InitToken(0, pin(pso), pso.size(), label) == CKR_ARGUMENTS_BAD);   // CKR_LABEL_INVALID inside
}

BOOST_AUTO_TEST_CASE(threads_share_one_link) {
    Module m;
    auto setup = m.coSession();
    CK_MECHANISM gen{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_BYTE p256[] = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE pub[] = {{CKA_EC_PARAMS, p256, sizeof p256}, {CKA_VERIFY, &yes, 1}};
    CK_ATTRIBUTE priv[] = {{CKA_SIGN, &yes, 1}};
    CK_OBJECT_HANDLE pu, pr;
    BOOST_REQUIRE(m.f->C_GenerateKeyPair(setup, &gen, pub, 2, priv, 1, &pu, &pr) == CKR_OK);
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            CK_SESSION_HANDLE h;
            if (m.f->C_OpenSession(0, CKF_SERIAL_SESSION, nullptr, nullptr, &h) != CKR_OK) return;
            for (int i = 0; i < 40; ++i) {
                const std::string msg = "thread " + std::to_string(t) + " message " + std::to_string(i);
                CK_MECHANISM mech{CKM_ECDSA_SHA256, nullptr, 0};
                CK_BYTE sig[64];
                CK_ULONG len = sizeof sig;
                if (m.f->C_SignInit(h, &mech, pr) != CKR_OK) continue;
                if (m.f->C_Sign(h, (CK_BYTE_PTR)msg.data(), msg.size(), sig, &len) != CKR_OK) continue;
                if (m.f->C_VerifyInit(h, &mech, pu) != CKR_OK) continue;
                if (m.f->C_Verify(h, (CK_BYTE_PTR)msg.data(), msg.size(), sig, len) == CKR_OK) ++good;
            }
            m.f->C_CloseSession(h);
        });
    for (auto& th : threads) th.join();
    BOOST_TEST(good == 8 * 40);
}

BOOST_AUTO_TEST_CASE(a_broken_link_fails_its_sessions_and_the_next_one_connects) {
    Module m;
    auto h = m.coSession();
    CK_BYTE r[16];
    BOOST_REQUIRE(m.f->C_GenerateRandom(h, r, sizeof r) == CKR_OK);
    appliance().last->breakLink();
    BOOST_TEST(m.f->C_GenerateRandom(h, r, sizeof r) == CKR_DEVICE_ERROR);
    BOOST_TEST(m.f->C_CloseSession(h) == CKR_OK);
    CK_SESSION_HANDLE h2;
    BOOST_REQUIRE(m.f->C_OpenSession(0, CKF_SERIAL_SESSION, nullptr, nullptr, &h2) == CKR_OK);
    BOOST_TEST(m.f->C_GenerateRandom(h2, r, sizeof r) == CKR_OK);
}

BOOST_AUTO_TEST_CASE(a_forked_child_starts_uninitialized) {
    Module m;
    m.slots();
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        CK_ULONG n = 0;
        const CK_RV rv = m.f->C_GetSlotList(CK_TRUE, nullptr, &n);
        ::_exit(rv == CKR_CRYPTOKI_NOT_INITIALIZED ? 0 : 1);
    }
    int status = -1;
    ::waitpid(pid, &status, 0);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
    BOOST_TEST(m.slots().size() == 2u);   // the parent's link is untouched
}
