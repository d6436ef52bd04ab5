// Attribute rules and the partition policies that gate keys and mechanisms.
#include "dataplane_support.h"

using namespace luna::hsm::test;
namespace proto = luna::proto;
using luna::hsm::Caller;

namespace {
void setPolicy(DpEnv& e, std::uint32_t id, std::uint32_t value) {
    const Caller pso{"admin", 9};
    auto s = e.open(true, pso);
    e.login(s, CKU_SO, kPsoPin, pso);
    e.dp->handle(pso, proto::SetPolicyReq{s, id, value});
    e.dp->handle(pso, proto::CloseSessionReq{s});
}
const proto::Mechanism kKwp{CKM_AES_KEY_WRAP_PAD, proto::NoParams{}};
} // namespace

BOOST_AUTO_TEST_SUITE(attributes)

BOOST_AUTO_TEST_CASE(sensitive_values_are_never_revealed) {
    DpEnv e;
    auto s = e.coSession();
    auto secret = e.aes(s);
    BOOST_TEST(e.attrStatus(s, secret, CKA_VALUE) == CKR_ATTRIBUTE_SENSITIVE);
    BOOST_TEST(e.attr(s, secret, CKA_VALUE_LEN) == encodeUlong(32));
    auto open = e.aes(s, 16, {{CKA_SENSITIVE, encodeBool(false)}});
    BOOST_TEST(e.attr(s, open, CKA_VALUE).size() == 16u);
    auto kp = e.rsa(s);
    BOOST_TEST(e.attrStatus(s, kp.privateKey, CKA_PRIVATE_EXPONENT) == CKR_ATTRIBUTE_SENSITIVE);
    BOOST_TEST(e.attrStatus(s, kp.privateKey, CKA_PRIME_1) == CKR_ATTRIBUTE_SENSITIVE);
    BOOST_TEST(e.attr(s, kp.privateKey, CKA_MODULUS).size() == 256u);
    BOOST_TEST(e.attrStatus(s, kp.privateKey, CKA_EC_POINT) == CKR_ATTRIBUTE_TYPE_INVALID);
    BOOST_TEST(e.attrStatus(s, kp.privateKey, luna::hsm::kInternalEcPoint) == CKR_ATTRIBUTE_TYPE_INVALID);
    // A non-extractable key hides its value even when not sensitive.
    auto locked = e.aes(s, 16, {{CKA_SENSITIVE, encodeBool(false)}, {CKA_EXTRACTABLE, encodeBool(false)}});
    BOOST_TEST(e.attrStatus(s, locked, CKA_VALUE) == CKR_ATTRIBUTE_SENSITIVE);
    // A search cannot probe a sensitive value either.
    e.dp->handle(e.caller, proto::FindObjectsInitReq{s, {{CKA_VALUE, Bytes(32, 0)}}});
    BOOST_TEST(e.dp->handle(e.caller, proto::FindObjectsReq{s, 10}).handles.empty());
}

BOOST_AUTO_TEST_CASE(origin_attributes_and_one_way_changes) {
    DpEnv e;
    auto s = e.coSession();
    auto gen = e.aes(s, 32, {{CKA_EXTRACTABLE, encodeBool(false)}});
    BOOST_TEST(e.attr(s, gen, CKA_LOCAL) == encodeBool(true));
    BOOST_TEST(e.attr(s, gen, CKA_ALWAYS_SENSITIVE) == encodeBool(true));
    BOOST_TEST(e.attr(s, gen, CKA_NEVER_EXTRACTABLE) == encodeBool(true));
    BOOST_TEST(e.attr(s, gen, CKA_KEY_GEN_MECHANISM) == encodeUlong(CKM_AES_KEY_GEN));
    proto::Template imported{{CKA_CLASS, encodeUlong(CKO_SECRET_KEY)}, {CKA_KEY_TYPE, encodeUlong(CKK_AES)}, {CKA_VALUE, Bytes(16, 3)}};
    auto imp = e.dp->handle(e.caller, proto::CreateObjectReq{s, imported}).handle;
    BOOST_TEST(e.attr(s, imp, CKA_LOCAL) == encodeBool(false));
    BOOST_TEST(e.attr(s, imp, CKA_ALWAYS_SENSITIVE) == encodeBool(false));

    // SENSITIVE only goes to TRUE, EXTRACTABLE only to FALSE, LOCAL never.
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::SetAttributeValueReq{s, gen, {{CKA_SENSITIVE, encodeBool(false)}}}), CKR_ATTRIBUTE_READ_ONLY);
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::SetAttributeValueReq{s, gen, {{CKA_EXTRACTABLE, encodeBool(true)}}}), CKR_ATTRIBUTE_READ_ONLY);
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::SetAttributeValueReq{s, gen, {{CKA_LOCAL, encodeBool(false)}}}), CKR_ATTRIBUTE_READ_ONLY);
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::SetAttributeValueReq{s, gen, {{CKA_VALUE_LEN, encodeUlong(16)}}}), CKR_ATTRIBUTE_READ_ONLY);
    e.dp->handle(e.caller, proto::SetAttributeValueReq{s, gen, {{CKA_LABEL, bytesOf("renamed")}}});
    BOOST_TEST(e.attr(s, gen, CKA_LABEL) == bytesOf("renamed"));

    // Templates: read-only, foreign and malformed attributes, missing class.
    LUNA_CHECK_ERROR(e.aes(s, 32, {{CKA_LOCAL, encodeBool(true)}}), CKR_ATTRIBUTE_READ_ONLY);
    LUNA_CHECK_ERROR(e.aes(s, 32, {{CKA_MODULUS, Bytes(4, 1)}}), CKR_ATTRIBUTE_TYPE_INVALID);
    LUNA_CHECK_ERROR(e.aes(s, 32, {{CKA_SIGN, Bytes{0, 1}}}), CKR_ATTRIBUTE_VALUE_INVALID);
    LUNA_CHECK_ERROR(e.aes(s, 32, {{CKA_VALUE, Bytes(32, 1)}}), CKR_TEMPLATE_INCONSISTENT);
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::CreateObjectReq{s, {{CKA_VALUE, Bytes(3, 1)}}}), CKR_TEMPLATE_INCOMPLETE);

    // Not modifiable: nothing changes, and copies still may.
    auto frozen = e.aes(s, 16, {{CKA_MODIFIABLE, encodeBool(false)}});
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::SetAttributeValueReq{s, frozen, {{CKA_LABEL, bytesOf("x")}}}), CKR_ACTION_PROHIBITED);
    auto copy = e.dp->handle(e.caller, proto::CopyObjectReq{s, frozen, {{CKA_LABEL, bytesOf("copy")}}}).handle;
    BOOST_TEST(e.attr(s, copy, CKA_LABEL) == bytesOf("copy"));
}

BOOST_AUTO_TEST_CASE(non_extractable_keys_cannot_be_wrapped) {
    DpEnv e;
    auto s = e.coSession();
    auto kek = e.aes(s);
    auto key = e.aes(s, 32, {{CKA_EXTRACTABLE, encodeBool(false)}});
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::WrapKeyReq{s, kKwp, kek, key}), CKR_KEY_UNEXTRACTABLE);
    auto ok = e.aes(s);
    BOOST_TEST(e.dp->handle(e.caller, proto::WrapKeyReq{s, kKwp, kek, ok}).data.size() == 40u);
    // The wrapping key must allow CKA_WRAP.
    auto noWrap = e.aes(s, 32, {{CKA_WRAP, encodeBool(false)}});
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::WrapKeyReq{s, kKwp, noWrap, ok}), CKR_KEY_FUNCTION_NOT_PERMITTED);
    // Unwrapped keys are not local, never "always sensitive".
    proto::Template t{{CKA_CLASS, encodeUlong(CKO_SECRET_KEY)}, {CKA_KEY_TYPE, encodeUlong(CKK_AES)}};
    auto w = e.dp->handle(e.caller, proto::WrapKeyReq{s, kKwp, kek, ok}).data;
    auto u = e.dp->handle(e.caller, proto::UnwrapKeyReq{s, kKwp, kek, w, t}).handle;
    BOOST_TEST(e.attr(s, u, CKA_LOCAL) == encodeBool(false));
    BOOST_TEST(e.attr(s, u, CKA_ALWAYS_SENSITIVE) == encodeBool(false));
}

BOOST_AUTO_TEST_CASE(key_functions_are_enforced) {
    DpEnv e;
    auto s = e.coSession();
    auto kp = e.rsa(s, 2048, {{CKA_SIGN, encodeBool(false)}});
    LUNA_CHECK_ERROR(e.sign(s, {CKM_SHA256_RSA_PKCS, proto::NoParams{}}, kp.privateKey, bytesOf("x")), CKR_KEY_FUNCTION_NOT_PERMITTED);
    auto allowed = e.aes(s, 32, {{CKA_ALLOWED_MECHANISMS, encodeUlong(CKM_AES_GCM)}});
    LUNA_CHECK_ERROR(e.encrypt(s, {CKM_AES_ECB, proto::NoParams{}}, allowed, Bytes(16, 0)), CKR_MECHANISM_INVALID);
    LUNA_CHECK_ERROR(e.sign(s, {CKM_ECDSA_SHA256, proto::NoParams{}}, kp.publicKey, bytesOf("x")), CKR_KEY_FUNCTION_NOT_PERMITTED);
    LUNA_CHECK_ERROR(e.sign(s, {CKM_SHA256_RSA_PKCS, proto::NoParams{}}, 999999, bytesOf("x")), CKR_KEY_HANDLE_INVALID);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(partition_policies)

BOOST_AUTO_TEST_CASE(raw_rsa_and_rsa_pkcs_policies_gate_mechanisms) {
    DpEnv e;
    auto s = e.coSession();
    auto list = [&] { return e.dp->handle(e.caller, proto::GetMechanismListReq{e.slot}).mechanisms; };
    auto has = [](const std::vector<std::uint32_t>& l, std::uint32_t m) { return std::find(l.begin(), l.end(), m) != l.end(); };
    BOOST_TEST(has(list(), CKM_RSA_X_509));
    setPolicy(e, 18, 0);
    setPolicy(e, 33, 0);
    BOOST_TEST(!has(list(), CKM_RSA_X_509));
    BOOST_TEST(!has(list(), CKM_RSA_PKCS));
    BOOST_TEST(has(list(), CKM_SHA256_RSA_PKCS));
    // On->off changes of 18 and 33 are not destructive: the session and its login stay.
    auto kp = e.rsa(s);
    LUNA_CHECK_ERROR(e.sign(s, {CKM_RSA_X_509, proto::NoParams{}}, kp.privateKey, Bytes(256, 1)), CKR_MECHANISM_INVALID);
    LUNA_CHECK_ERROR(e.sign(s, {CKM_RSA_PKCS, proto::NoParams{}}, kp.privateKey, Bytes(20, 1)), CKR_MECHANISM_INVALID);
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::GetMechanismInfoReq{e.slot, CKM_RSA_X_509}), CKR_MECHANISM_INVALID);
    e.sign(s, {CKM_SHA256_RSA_PKCS, proto::NoParams{}}, kp.privateKey, Bytes(20, 1));
}

BOOST_AUTO_TEST_CASE(non_local_keys_cannot_sign_under_policy_17) {
    DpEnv e;
    setPolicy(e, 17, 0);
    auto s = e.coSession();
    auto local = e.aes(s);
    proto::Template imported{{CKA_CLASS, encodeUlong(CKO_SECRET_KEY)}, {CKA_KEY_TYPE, encodeUlong(CKK_AES)}, {CKA_VALUE, Bytes(16, 3)}};
    auto imp = e.dp->handle(e.caller, proto::CreateObjectReq{s, imported}).handle;
    e.sign(s, {CKM_AES_CMAC, proto::NoParams{}}, local, bytesOf("x"));
    LUNA_CHECK_ERROR(e.sign(s, {CKM_AES_CMAC, proto::NoParams{}}, imp, bytesOf("x")), CKR_KEY_FUNCTION_NOT_PERMITTED);
}

BOOST_AUTO_TEST_CASE(multipurpose_and_changing_key_functions) {
    DpEnv e;
    setPolicy(e, 10, 0);
    setPolicy(e, 11, 0);
    auto s = e.coSession();
    // Single-purpose: functions are opt-in and at most one group.
    auto k = e.aes(s, 32, {{CKA_ENCRYPT, encodeBool(true)}});
    BOOST_TEST(e.attr(s, k, CKA_SIGN) == encodeBool(false));
    LUNA_CHECK_ERROR(e.aes(s, 32, {{CKA_ENCRYPT, encodeBool(true)}, {CKA_SIGN, encodeBool(true)}}), CKR_TEMPLATE_INCONSISTENT);
    // Policy 11 = 0: key functions and CKA_EXTRACTABLE are frozen; labels are not.
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::SetAttributeValueReq{s, k, {{CKA_ENCRYPT, encodeBool(false)}}}), CKR_ATTRIBUTE_READ_ONLY);
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::SetAttributeValueReq{s, k, {{CKA_EXTRACTABLE, encodeBool(false)}}}), CKR_ATTRIBUTE_READ_ONLY);
    e.dp->handle(e.caller, proto::SetAttributeValueReq{s, k, {{CKA_LABEL, bytesOf("ok")}}});
}

BOOST_AUTO_TEST_CASE(wrapping_and_unwrapping_policies) {
    DpEnv e;
    auto s = e.coSession();
    auto kek = e.aes(s);
    auto kp = e.ec(s);
    // Policy 1 (private key wrapping) is off by default.
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::WrapKeyReq{s, kKwp, kek, kp.privateKey}), CKR_KEY_NOT_WRAPPABLE);
    auto secret = e.aes(s);
    auto w = e.dp->handle(e.caller, proto::WrapKeyReq{s, kKwp, kek, secret}).data;
    setPolicy(e, 5, 0);
    setPolicy(e, 6, 0);
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::WrapKeyReq{s, kKwp, kek, secret}), CKR_KEY_NOT_WRAPPABLE);
    proto::Template t{{CKA_CLASS, encodeUlong(CKO_SECRET_KEY)}, {CKA_KEY_TYPE, encodeUlong(CKK_AES)}};
    LUNA_CHECK_ERROR(e.dp->handle(e.caller, proto::UnwrapKeyReq{s, kKwp, kek, w, t}), CKR_KEY_NOT_WRAPPABLE);
}

BOOST_AUTO_TEST_CASE(private_keys_wrap_as_pkcs8_when_policy_1_allows) {
    DpEnv e;
    setPolicy(e, 0, 0);   // cloning and key export are exclusive (ch.3)
    setPolicy(e, 1, 1);   // destructive off->on: done before any key exists
    auto s = e.coSession();
    auto kek = e.aes(s);
    auto kp = e.rsa(s);
    auto w = e.dp->handle(e.caller, proto::WrapKeyReq{s, kKwp, kek, kp.privateKey}).data;
    proto::Template t{{CKA_CLASS, encodeUlong(CKO_PRIVATE_KEY)}, {CKA_KEY_TYPE, encodeUlong(CKK_RSA)}, {CKA_SIGN, encodeBool(true)}};
    auto u = e.dp->handle(e.caller, proto::UnwrapKeyReq{s, kKwp, kek, w, t}).handle;
    auto sig = e.sign(s, {CKM_SHA256_RSA_PKCS, proto::NoParams{}}, u, bytesOf("x"));
    e.verify(s, {CKM_SHA256_RSA_PKCS, proto::NoParams{}}, kp.publicKey, bytesOf("x"), sig);
    BOOST_TEST(e.attr(s, u, CKA_MODULUS) == e.attr(s, kp.publicKey, CKA_MODULUS));
}

BOOST_AUTO_TEST_SUITE_END()
