// Sessions, logins and the command classes of ch.10 §3.3–3.4 through the data plane.
#include "dataplane_support.h"

using namespace luna::hsm::test;
namespace proto = luna::proto;
using luna::hsm::Caller;
using luna::hsm::DataPlane;
using luna::hsm::DataPlaneConfig;

namespace {
proto::Template publicData(bool token) {
    return {{CKA_CLASS, encodeUlong(CKO_DATA)}, {CKA_PRIVATE, encodeBool(false)}, {CKA_TOKEN, encodeBool(token)},
            {CKA_LABEL, bytesOf("public")}};
}
std::vector<std::uint64_t> findAll(DpEnv& e, std::uint64_t s, proto::Template t = {}, const Caller& c = {"client1", 1}) {
    e.dp->handle(c, proto::FindObjectsInitReq{s, t});
    auto r = e.dp->handle(c, proto::FindObjectsReq{s, 100}).handles;
    e.dp->handle(c, proto::FindObjectsFinalReq{s});
    return r;
}
} // namespace

BOOST_AUTO_TEST_SUITE(sessions)

BOOST_AUTO_TEST_CASE(session_rules) {
    DpEnv e;
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::OpenSessionReq{e.slot, CKF_RW_SESSION}), CKR_SESSION_PARALLEL_NOT_SUPPORTED);
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::OpenSessionReq{12345, CKF_SERIAL_SESSION}), CKR_SLOT_ID_INVALID);
    auto ro = e.open(false);
    // Read-only sessions cannot make token objects; the SO cannot log in beside them.
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::CreateObjectReq{ro, publicData(true)}), CKR_SESSION_READ_ONLY);
    e.dp->handle(e.caller, proto::CreateObjectReq{ro, publicData(false)});
    LUNA_CHECK_ERROR(e.login(ro, CKU_SO, kPsoPin), CKR_SESSION_READ_ONLY_EXISTS);
    e.login(ro, CKU_USER, kCoPin);
    LUNA_CHECK_ERROR(e.login(ro, CKU_USER, kCoPin), CKR_USER_ALREADY_LOGGED_IN);
    LUNA_CHECK_ERROR(e.login(ro, 7, kCoPin), CKR_USER_TYPE_INVALID);
    auto info = e.dp->handle(e.caller, proto::GetSessionInfoReq{ro});
    BOOST_TEST(info.state == CKS_RO_USER_FUNCTIONS);
    // Another client (or another link of the same client) cannot use the handle.
    LUNA_CHECK_ERROR(e.dp->handle(Caller{"client2", 1}, proto::GetSessionInfoReq{ro}), CKR_SESSION_HANDLE_INVALID);
    LUNA_CHECK_ERROR(e.dp->handle(Caller{"client1", 2}, proto::GetSessionInfoReq{ro}), CKR_SESSION_HANDLE_INVALID);
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::GetSessionInfoReq{424242}), CKR_SESSION_HANDLE_INVALID);
}

BOOST_AUTO_TEST_CASE(operation_state) {
    DpEnv e;
    auto s = e.coSession();
    auto k = e.aes(s);
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::SignFinalReq{s}), CKR_OPERATION_NOT_INITIALIZED);
    e.dp->handle(e.caller, proto::SignInitReq{s, {CKM_AES_CMAC, proto::NoParams{}}, k});
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::SignInitReq{s, {CKM_AES_CMAC, proto::NoParams{}}, k}), CKR_OPERATION_ACTIVE);
    e.dp->handle(e.caller, proto::SignUpdateReq{s, bytesOf("abc")});
    BOOST_TEST(e.dp->handle(e.caller, proto::SignFinalReq{s}).data.size() == 16u);
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::SignFinalReq{s}), CKR_OPERATION_NOT_INITIALIZED);
    // An error ends the operation.
    e.dp->handle(e.caller, proto::EncryptInitReq{s, {CKM_AES_CBC, proto::IvParams{Bytes(16, 0)}}, k});
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::EncryptReq{s, Bytes(5, 0), std::nullopt}), CKR_DATA_LEN_RANGE);
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::EncryptFinalReq{s}), CKR_OPERATION_NOT_INITIALIZED);
    // Single-part RSA mechanisms refuse Update.
    auto kp = e.rsa(s);
    e.dp->handle(e.caller, proto::SignInitReq{s, {CKM_RSA_PKCS, proto::NoParams{}}, kp.privateKey});
    e.dp->handle(e.caller, proto::SignUpdateReq{s, bytesOf("ab")});
    e.dp->handle(e.caller, proto::SignUpdateReq{s, bytesOf("c")});
    BOOST_TEST(e.dp->handle(e.caller, proto::SignFinalReq{s}).data.size() == 256u);
}

BOOST_AUTO_TEST_CASE(session_objects_belong_to_their_session_and_application) {
    DpEnv e;
    auto s1 = e.coSession();
    auto s2 = e.open();
    auto obj = e.dp->handle(e.caller, proto::CreateObjectReq{s1, publicData(false)}).handle;
    BOOST_TEST(findAll(e, s2, {{CKA_LABEL, bytesOf("public")}}).size() == 1u);   // same application
    const Caller other{"client2", 5};
    auto s3 = e.open(true, other);
    BOOST_TEST(findAll(e, s3, {{CKA_LABEL, bytesOf("public")}}, other).empty());
    LUNA_CHECK_ERROR(e.dp->handle(other, proto::GetAttributeValueReq{s3, obj, {CKA_LABEL}}), CKR_OBJECT_HANDLE_INVALID);
    e.dp->handle(e.caller, proto::CloseSessionReq{s1});
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::GetAttributeValueReq{s2, obj, {CKA_LABEL}}), CKR_OBJECT_HANDLE_INVALID);
}

BOOST_AUTO_TEST_CASE(token_objects_survive_a_restart_and_stay_private) {
    DpEnv e;
    auto s = e.coSession();
    auto kp = e.ec(s, p256(), {{CKA_TOKEN, encodeBool(true)}, {CKA_LABEL, bytesOf("signer")}});
    (void)kp;
    e.dp->handle(e.caller, proto::CreateObjectReq{s, publicData(true)});
    e.dp.reset();
    e.env.restart();
    e.dp = std::make_unique<DataPlane>(*e.env, e.access);
    auto pub = e.open(false);
    // Without a login only the public token object shows.
    BOOST_TEST(findAll(e, pub).size() == 1u);
    e.login(pub, CKU_USER, kCoPin);
    auto found = findAll(e, pub, {{CKA_LABEL, bytesOf("signer")}, {CKA_CLASS, encodeUlong(CKO_PRIVATE_KEY)}});
    BOOST_REQUIRE_EQUAL(found.size(), 1u);
    BOOST_TEST(e.sign(pub, {CKM_ECDSA_SHA256, luna::proto::NoParams{}}, found[0], bytesOf("x")).size() == 64u);
    // Logout hides it again.
    e.dp->handle(e.caller, proto::LogoutReq{pub});
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::GetAttributeValueReq{pub, found[0], {CKA_LABEL}}), CKR_OBJECT_HANDLE_INVALID);
}

BOOST_AUTO_TEST_CASE(closing_the_link_ends_sessions_and_logins) {
    DpEnv e;
    auto s = e.coSession();
    e.dp->closeLink(e.caller);
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::GetSessionInfoReq{s}), CKR_SESSION_HANDLE_INVALID);
    auto again = e.open();
    BOOST_TEST(e.dp->handle(e.caller, proto::GetSessionInfoReq{again}).state == CKS_RW_PUBLIC_SESSION);
}

BOOST_AUTO_TEST_CASE(deleted_partition_invalidates_sessions_and_caches) {
    DpEnv e;
    auto s = e.coSession();
    e.aes(s, 32, {{CKA_TOKEN, encodeBool(true)}});
    e.env->deletePartition("so", e.slotRef);
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::FindObjectsInitReq{s, {}}), CKR_TOKEN_NOT_PRESENT);
    BOOST_TEST(e.dp->handle(e.caller, proto::GetSlotListReq{}).slots.empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(command_classes)

BOOST_AUTO_TEST_CASE(normal_usage_needs_a_crypto_officer_or_user) {
    DpEnv e;
    auto co = e.coSession();
    auto k = e.aes(co, 32, {{CKA_TOKEN, encodeBool(true)}, {CKA_PRIVATE, encodeBool(false)}});
    const Caller anon{"client3", 1};
    auto s = e.open(true, anon);
    LUNA_CHECK_ERROR(e.dp->handle(anon, proto::SignReq{s, bytesOf("x"), proto::OpInit{{CKM_AES_CMAC, proto::NoParams{}}, k}}),
                     CKR_USER_NOT_LOGGED_IN);
    LUNA_CHECK_ERROR(e.dp->handle(anon, proto::DigestReq{s, bytesOf("x"), proto::Mechanism{CKM_SHA256, proto::NoParams{}}}),
                     CKR_USER_NOT_LOGGED_IN);
    // Unauthenticated class: random, slot and token info, mechanism list.
    e.dp->handle(anon, proto::GenerateRandomReq{s, 8});
    BOOST_TEST(e.dp->handle(anon, proto::GetTokenInfoReq{e.slot}).flags & CKF_USER_PIN_INITIALIZED);
    // The Crypto User may use keys.
    e.login(s, luna::hsm::kCkuCryptoUser, kCuPin, anon);
    e.dp->handle(anon, proto::SignReq{s, bytesOf("x"), proto::OpInit{{CKM_AES_CMAC, proto::NoParams{}}, k}});
}

BOOST_AUTO_TEST_CASE(plain_pkcs11_usage_when_configured) {
    DpEnv e(DataPlaneConfig{.usageRequiresLogin = false});
    auto co = e.coSession();
    auto k = e.aes(co, 32, {{CKA_TOKEN, encodeBool(true)}, {CKA_PRIVATE, encodeBool(false)}});
    const Caller anon{"client3", 1};
    auto s = e.open(true, anon);
    e.dp->handle(anon, proto::SignReq{s, bytesOf("x"), proto::OpInit{{CKM_AES_CMAC, proto::NoParams{}}, k}});
    e.dp->handle(anon, proto::DigestReq{s, bytesOf("x"), proto::Mechanism{CKM_SHA256, proto::NoParams{}}});
}

BOOST_AUTO_TEST_CASE(key_management_of_private_objects_is_the_crypto_officers) {
    DpEnv e;
    const Caller cu{"client4", 1};
    auto s = e.open(true, cu);
    // Public objects need no login at all.
    auto pubObj = e.dp->handle(cu, proto::CreateObjectReq{s, publicData(true)}).handle;
    LUNA_CHECK_ERROR(e.aes(s, 32, {}, cu), CKR_USER_NOT_LOGGED_IN);
    e.login(s, luna::hsm::kCkuCryptoUser, kCuPin, cu);
    LUNA_CHECK_ERROR(e.aes(s, 32, {}, cu), luna::rc::USER_NOT_AUTHORIZED);
    e.dp->handle(cu, proto::DestroyObjectReq{s, pubObj});
    // Partition policy 28 = 0: the Crypto Officer acts as a Crypto User.
    const Caller pso{"admin", 9};
    auto ps = e.open(true, pso);
    e.login(ps, CKU_SO, kPsoPin, pso);
    e.dp->handle(pso, proto::SetPolicyReq{ps, 28, 0});
    auto co = e.coSession();
    LUNA_CHECK_ERROR(e.aes(co), luna::rc::OPERATION_NOT_ALLOWED);
}

BOOST_AUTO_TEST_CASE(expired_initial_pin_blocks_everything_but_changing_it) {
    DpEnv e;
    // A second partition whose CO still has the PIN the Partition SO gave it.
    auto ref = e.env->createPartition("so", "par2", std::nullopt, false);
    const std::uint64_t slot2 = std::stoull(ref);
    const Caller adm{"admin", 2};
    auto ps = e.dp->handle(adm, proto::OpenSessionReq{slot2, CKF_SERIAL_SESSION | CKF_RW_SESSION}).handle;
    e.dp->handle(adm, proto::InitTokenReq{slot2, bytesOf(kPsoPin), "second", bytesOf(kPartitionDomain)});
    e.dp->handle(adm, proto::LoginReq{ps, CKU_SO, bytesOf(kPsoPin)});
    e.dp->handle(adm, proto::InitPinReq{ps, CKU_USER, bytesOf(kCoInitialPin)});
    e.dp->handle(adm, proto::LogoutReq{ps});
    e.dp->handle(adm, proto::LoginReq{ps, CKU_USER, bytesOf(kCoInitialPin)});
    LUNA_CHECK_ERROR(e.dp->handle(adm, proto::GenerateRandomReq{ps, 4}); e.dp->handle(adm, proto::DigestReq{ps, bytesOf("x"), proto::Mechanism{CKM_SHA256, proto::NoParams{}}}),
                     CKR_PIN_EXPIRED);
    e.dp->handle(adm, proto::SetPinReq{ps, bytesOf(kCoInitialPin), bytesOf(kCoPin)});
    e.dp->handle(adm, proto::DigestReq{ps, bytesOf("x"), proto::Mechanism{CKM_SHA256, proto::NoParams{}}});
}

BOOST_AUTO_TEST_CASE(slots_follow_partition_assignment) {
    struct OnlyFirst final : luna::hsm::PartitionAccess {
        std::uint64_t serial = 0;
        bool allowed(std::string_view client, std::uint64_t s) const override { return client == "client1" && s == serial; }
    };
    DpEnv e;
    OnlyFirst access;
    access.serial = e.slot;
    DataPlane dp(*e.env, access);
    BOOST_TEST(dp.handle(Caller{"client1", 1}, proto::GetSlotListReq{}).slots.size() == 1u);
    BOOST_TEST(dp.handle(Caller{"client2", 1}, proto::GetSlotListReq{}).slots.empty());
    LUNA_CHECK_ERROR(dp.handle(Caller{"client2", 1}, proto::OpenSessionReq{e.slot, CKF_SERIAL_SESSION}), CKR_SLOT_ID_INVALID);
}

BOOST_AUTO_TEST_SUITE_END()
