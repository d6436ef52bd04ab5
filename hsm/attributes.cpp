#include "hsm/attributes.h"

#include "luna/errors.h"

#include <array>

namespace luna::hsm {

namespace {
// Object classes a row applies to.
enum : std::uint8_t { D = 1, X = 2, U = 4, R = 8, S = 16, ALL = D | X | U | R | S, KEYS = U | R | S };
// Row flags.
enum : std::uint16_t {
    Sensitive = 1 << 0,    // hidden while CKA_SENSITIVE or not CKA_EXTRACTABLE (PKCS#11 table 10 footnote 7)
    ReadOnly = 1 << 1,     // set by the HSM only
    Modifiable = 1 << 2,   // C_SetAttributeValue may change it
    CopySet = 1 << 3,      // C_CopyObject may change it
    Component = 1 << 4,    // key material: given at C_CreateObject, produced otherwise
    GenParam = 1 << 5,     // a generation parameter (CKA_MODULUS_BITS, CKA_VALUE_LEN)
    OnlyToTrue = 1 << 6,   // may go FALSE -> TRUE, never back
    OnlyToFalse = 1 << 7,  // may go TRUE -> FALSE, never back
    KeyFunction = 1 << 8,  // frozen by partition policy 11 = 0
};

struct Row {
    std::uint32_t type;
    std::uint8_t classes;
    std::uint16_t flags;
};

constexpr auto kRows = std::to_array<Row>({
    {CKA_CLASS, ALL, 0},
    {CKA_TOKEN, ALL, CopySet},
    {CKA_PRIVATE, ALL, CopySet},
    {CKA_MODIFIABLE, ALL, CopySet},
    {CKA_COPYABLE, ALL, CopySet},
    {CKA_DESTROYABLE, ALL, CopySet},
    {CKA_LABEL, ALL, Modifiable},
    {CKA_APPLICATION, D, Modifiable},
    {CKA_OBJECT_ID, D, Modifiable},
    {CKA_VALUE, D, Modifiable},
    {CKA_CERTIFICATE_TYPE, X, 0},
    {CKA_TRUSTED, X | U | S, 0},
    {CKA_CERTIFICATE_CATEGORY, X, 0},
    {CKA_CHECK_VALUE, X, 0},
    {CKA_SUBJECT, X | U | R, Modifiable},
    {CKA_ID, X | KEYS, Modifiable},
    {CKA_ISSUER, X, Modifiable},
    {CKA_SERIAL_NUMBER, X, Modifiable},
    {CKA_VALUE, X, 0},
    {CKA_URL, X, 0},
    {CKA_HASH_OF_SUBJECT_PUBLIC_KEY, X, 0},
    {CKA_HASH_OF_ISSUER_PUBLIC_KEY, X, 0},
    {CKA_START_DATE, X | KEYS, Modifiable},
    {CKA_END_DATE, X | KEYS, Modifiable},
    {CKA_KEY_TYPE, KEYS, 0},
    {CKA_DERIVE, KEYS, Modifiable | KeyFunction},
    {CKA_LOCAL, KEYS, ReadOnly},
    {CKA_KEY_GEN_MECHANISM, KEYS, ReadOnly},
    {CKA_ALLOWED_MECHANISMS, KEYS, 0},
    {CKA_ENCRYPT, U | S, Modifiable | KeyFunction},
    {CKA_VERIFY, U | S, Modifiable | KeyFunction},
    {CKA_VERIFY_RECOVER, U, Modifiable | KeyFunction},
    {CKA_WRAP, U | S, Modifiable | KeyFunction},
    {CKA_DECRYPT, R | S, Modifiable | KeyFunction},
    {CKA_SIGN, R | S, Modifiable | KeyFunction},
    {CKA_SIGN_RECOVER, R, Modifiable | KeyFunction},
    {CKA_UNWRAP, R | S, Modifiable | KeyFunction},
    {CKA_SENSITIVE, R | S, Modifiable | OnlyToTrue},
    {CKA_EXTRACTABLE, R | S, Modifiable | OnlyToFalse | KeyFunction},
    {CKA_ALWAYS_SENSITIVE, R | S, ReadOnly},
    {CKA_NEVER_EXTRACTABLE, R | S, ReadOnly},
    {CKA_WRAP_WITH_TRUSTED, R | S, Modifiable | OnlyToTrue},
    {CKA_ALWAYS_AUTHENTICATE, R, 0},
    {CKA_MODULUS, U | R, Component},
    {CKA_MODULUS_BITS, U, GenParam},
    {CKA_PUBLIC_EXPONENT, U | R, Component},
    {CKA_PRIVATE_EXPONENT, R, Component | Sensitive},
    {CKA_PRIME_1, R, Component | Sensitive},
    {CKA_PRIME_2, R, Component | Sensitive},
    {CKA_EXPONENT_1, R, Component | Sensitive},
    {CKA_EXPONENT_2, R, Component | Sensitive},
    {CKA_COEFFICIENT, R, Component | Sensitive},
    {CKA_EC_PARAMS, U | R, Component},
    {CKA_EC_POINT, U, Component},
    {CKA_VALUE, R, Component | Sensitive},
    {CKA_VALUE, S, Component | Sensitive},
    {CKA_VALUE_LEN, S, GenParam},
});

std::uint8_t classBit(std::uint64_t cls) {
    switch (cls) {
    case CKO_DATA: return D;
    case CKO_CERTIFICATE: return X;
    case CKO_PUBLIC_KEY: return U;
    case CKO_PRIVATE_KEY: return R;
    case CKO_SECRET_KEY: return S;
    default: return 0;
    }
}

const Row* rowFor(std::uint32_t type, std::uint64_t cls) {
    const auto bit = classBit(cls);
    for (const auto& r : kRows)
        if (r.type == type && (r.classes & bit)) return &r;
    return nullptr;
}

bool hidden(const Object& o) { return o.flag(CKA_SENSITIVE) || !o.flag(CKA_EXTRACTABLE, true); }

// Function groups for partition policy 10: a single-purpose key has at most one.
int functionGroups(const ObjAttrs& a) {
    auto on = [&](std::uint32_t t) { return attrBool(a, t).value_or(false); };
    return int(on(CKA_ENCRYPT) || on(CKA_DECRYPT)) + int(on(CKA_SIGN) || on(CKA_VERIFY) || on(CKA_SIGN_RECOVER) || on(CKA_VERIFY_RECOVER)) +
           int(on(CKA_WRAP) || on(CKA_UNWRAP)) + int(on(CKA_DERIVE));
}

void checkMultipurpose(const ObjAttrs& a, const AttributeRules& rules) {
    if (!rules.multipurposeKeys && functionGroups(a) > 1)
        throw Error(CKR_TEMPLATE_INCONSISTENT,
                    "Partition policy 10 (Allow multipurpose keys) is off: a key may have only one function");
}

void putDefault(ObjAttrs& a, std::uint32_t type, SecureBytes v) { a.emplace(type, std::move(v)); }

void defaults(ObjAttrs& a, std::uint64_t cls, const AttributeRules& rules) {
    const auto T = proto::encodeBool(true), F = proto::encodeBool(false);
    const auto usage = rules.multipurposeKeys ? T : F;   // single-purpose partitions: functions are opt-in
    putDefault(a, CKA_TOKEN, F);
    putDefault(a, CKA_PRIVATE, T);
    putDefault(a, CKA_MODIFIABLE, T);
    putDefault(a, CKA_COPYABLE, T);
    putDefault(a, CKA_DESTROYABLE, T);
    putDefault(a, CKA_LABEL, {});
    if (cls == CKO_DATA) {
        putDefault(a, CKA_APPLICATION, {});
        putDefault(a, CKA_OBJECT_ID, {});
        putDefault(a, CKA_VALUE, {});
        return;
    }
    if (cls == CKO_CERTIFICATE) {
        putDefault(a, CKA_TRUSTED, F);
        putDefault(a, CKA_CERTIFICATE_CATEGORY, proto::encodeUlong(0));
        for (auto t : {CKA_SUBJECT, CKA_ID, CKA_ISSUER, CKA_SERIAL_NUMBER, CKA_START_DATE, CKA_END_DATE}) putDefault(a, t, {});
        return;
    }
    for (auto t : {CKA_ID, CKA_START_DATE, CKA_END_DATE, CKA_ALLOWED_MECHANISMS}) putDefault(a, t, {});
    putDefault(a, CKA_DERIVE, F);
    if (cls == CKO_PUBLIC_KEY) {
        putDefault(a, CKA_SUBJECT, {});
        putDefault(a, CKA_TRUSTED, F);
        for (auto t : {CKA_ENCRYPT, CKA_VERIFY, CKA_VERIFY_RECOVER, CKA_WRAP}) putDefault(a, t, usage);
        return;
    }
    // private and secret keys: sensitive and extractable unless the template says otherwise (Luna defaults)
    putDefault(a, CKA_SENSITIVE, T);
    putDefault(a, CKA_EXTRACTABLE, T);
    putDefault(a, CKA_WRAP_WITH_TRUSTED, F);
    for (auto t : {CKA_DECRYPT, CKA_SIGN, CKA_UNWRAP}) putDefault(a, t, usage);
    if (cls == CKO_PRIVATE_KEY) {
        putDefault(a, CKA_SUBJECT, {});
        putDefault(a, CKA_SIGN_RECOVER, usage);
        putDefault(a, CKA_ALWAYS_AUTHENTICATE, F);
    } else {
        putDefault(a, CKA_TRUSTED, F);
        for (auto t : {CKA_ENCRYPT, CKA_VERIFY, CKA_WRAP}) putDefault(a, t, usage);
    }
}

void requireComponents(const ObjAttrs& a, std::uint64_t cls, std::uint64_t kt) {
    std::vector<std::uint32_t> need;
    if (kt == CKK_RSA) {
        need = {CKA_MODULUS, CKA_PUBLIC_EXPONENT};
        if (cls == CKO_PRIVATE_KEY)
            need.insert(need.end(), {CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2, CKA_EXPONENT_1, CKA_EXPONENT_2, CKA_COEFFICIENT});
    } else if (kt == CKK_EC) {
        need = {CKA_EC_PARAMS, static_cast<std::uint32_t>(cls == CKO_PRIVATE_KEY ? CKA_VALUE : CKA_EC_POINT)};
    } else {
        need = {CKA_VALUE};
    }
    for (auto t : need)
        if (!a.count(t) || a.at(t).empty()) throw Error(CKR_TEMPLATE_INCOMPLETE, "The template lacks a key component");
}

bool supportedKeyType(std::uint64_t cls, std::uint64_t kt) {
    if (cls == CKO_SECRET_KEY)
        return kt == CKK_AES || kt == CKK_GENERIC_SECRET || kt == CKK_SHA_1_HMAC || kt == CKK_SHA224_HMAC ||
               kt == CKK_SHA256_HMAC || kt == CKK_SHA384_HMAC || kt == CKK_SHA512_HMAC;
    return kt == CKK_RSA || kt == CKK_EC;
}
} // namespace

ObjAttrs templateMap(const proto::Template& tmpl) {
    ObjAttrs out;
    for (const auto& a : tmpl)
        if (!out.emplace(a.type, a.value).second)
            throw Error(CKR_TEMPLATE_INCONSISTENT, "The template names an attribute twice");
    return out;
}

const SecureBytes* templateValue(const proto::Template& tmpl, std::uint32_t type) {
    for (const auto& a : tmpl)
        if (a.type == type) return &a.value;
    return nullptr;
}

std::optional<std::uint64_t> templateUlong(const proto::Template& tmpl, std::uint32_t type) {
    const auto* v = templateValue(tmpl, type);
    if (!v) return std::nullopt;
    auto u = proto::decodeUlong(*v);
    if (!u) throw Error(CKR_ATTRIBUTE_VALUE_INVALID, "A CK_ULONG attribute must be 8 bytes");
    return u;
}

ObjAttrs buildAttributes(const proto::Template& tmpl, Origin origin, const ObjAttrs& produced,
                         const AttributeRules& rules, std::uint64_t keyGenMechanism) {
    auto given = templateMap(tmpl);
    auto cls = attrUlong(produced, CKA_CLASS);
    if (!cls) cls = attrUlong(given, CKA_CLASS);
    if (!cls) throw Error(CKR_TEMPLATE_INCOMPLETE, "The template has no CKA_CLASS");
    if (!classBit(*cls)) throw Error(CKR_ATTRIBUTE_VALUE_INVALID, "Unsupported object class");
    const bool key = *cls == CKO_PUBLIC_KEY || *cls == CKO_PRIVATE_KEY || *cls == CKO_SECRET_KEY;

    for (const auto& [type, value] : given) {
        const Row* row = rowFor(type, *cls);
        if (!row) throw Error(CKR_ATTRIBUTE_TYPE_INVALID, "Attribute 0x" + [&] {
                char b[16];
                std::snprintf(b, sizeof b, "%X", type);
                return std::string(b);
            }() + " does not apply to this object class");
        if (!proto::wellFormed(type, value)) throw Error(CKR_ATTRIBUTE_VALUE_INVALID, "Malformed attribute value");
        if (row->flags & ReadOnly) throw Error(CKR_ATTRIBUTE_READ_ONLY, "The HSM sets this attribute itself");
        auto p = produced.find(type);
        if (p != produced.end() && p->second != value)
            throw Error(CKR_TEMPLATE_INCONSISTENT, "The template contradicts the key the HSM produced");
        if ((row->flags & Component) && origin != Origin::Create && p == produced.end())
            throw Error(CKR_TEMPLATE_INCONSISTENT, "Key material cannot be given when the HSM makes the key");
        if ((row->flags & GenParam) && origin == Origin::Create && p == produced.end())
            throw Error(CKR_TEMPLATE_INCONSISTENT, "A generation parameter does not belong in C_CreateObject");
    }

    ObjAttrs out = produced;
    for (auto& [t, v] : given) out.emplace(t, v);   // produced values win (they are equal anyway)
    defaults(out, *cls, rules);

    if (key) {
        const auto kt = attrUlong(out, CKA_KEY_TYPE);
        if (!kt) throw Error(CKR_TEMPLATE_INCOMPLETE, "The template has no CKA_KEY_TYPE");
        if (!supportedKeyType(*cls, *kt)) throw Error(CKR_ATTRIBUTE_VALUE_INVALID, "Unsupported key type for this class");
        requireComponents(out, *cls, *kt);
        if (*cls == CKO_SECRET_KEY) {
            const auto len = out.at(CKA_VALUE).size();
            if (*kt == CKK_AES && len != 16 && len != 24 && len != 32)
                throw Error(CKR_ATTRIBUTE_VALUE_INVALID, "An AES key is 16, 24 or 32 bytes");
            if (auto vl = attrUlong(out, CKA_VALUE_LEN); vl && *vl != len)
                throw Error(CKR_TEMPLATE_INCONSISTENT, "CKA_VALUE_LEN does not match the key");
            out[CKA_VALUE_LEN] = proto::encodeUlong(len);
        }
        const bool local = origin == Origin::Generate;
        out[CKA_LOCAL] = proto::encodeBool(local);
        out[CKA_KEY_GEN_MECHANISM] = proto::encodeUlong(local ? keyGenMechanism : CK_UNAVAILABLE_INFORMATION);
        if (*cls != CKO_PUBLIC_KEY) {
            // Derived keys inherit these from their base key through `produced`.
            const bool sensitive = attrBool(out, CKA_SENSITIVE).value_or(true);
            const bool extractable = attrBool(out, CKA_EXTRACTABLE).value_or(true);
            const bool fresh = local || origin == Origin::Derive;
            out[CKA_ALWAYS_SENSITIVE] =
                proto::encodeBool(fresh && sensitive && attrBool(produced, CKA_ALWAYS_SENSITIVE).value_or(true));
            out[CKA_NEVER_EXTRACTABLE] =
                proto::encodeBool(fresh && !extractable && attrBool(produced, CKA_NEVER_EXTRACTABLE).value_or(true));
        }
        checkMultipurpose(out, rules);
    }
    return out;
}

ObjAttrs modifyAttributes(const Object& obj, const proto::Template& changes, const AttributeRules& rules, bool copy) {
    if (copy ? !obj.flag(CKA_COPYABLE, true) : !obj.flag(CKA_MODIFIABLE, true))
        throw Error(CKR_ACTION_PROHIBITED, copy ? "The object is not copyable" : "The object is not modifiable");
    const auto given = templateMap(changes);
    ObjAttrs out = obj.attributes();
    for (const auto& [type, value] : given) {
        const Row* row = rowFor(type, obj.objectClass());
        if (!row) throw Error(CKR_ATTRIBUTE_TYPE_INVALID, "The attribute does not apply to this object");
        if (!proto::wellFormed(type, value)) throw Error(CKR_ATTRIBUTE_VALUE_INVALID, "Malformed attribute value");
        const bool allowed = (row->flags & Modifiable) || (copy && (row->flags & CopySet));
        auto old = obj.find(type);
        if (old && *old == value) continue;
        if (!allowed) throw Error(CKR_ATTRIBUTE_READ_ONLY, "The attribute cannot be changed");
        const bool now = proto::decodeBool(value).value_or(false);
        if ((row->flags & OnlyToTrue) && !now) throw Error(CKR_ATTRIBUTE_READ_ONLY, "The attribute can only be set to TRUE");
        if ((row->flags & OnlyToFalse) && now) throw Error(CKR_ATTRIBUTE_READ_ONLY, "The attribute can only be set to FALSE");
        if ((row->flags & KeyFunction) && !rules.changeKeyFunctions)
            throw Error(CKR_ATTRIBUTE_READ_ONLY,
                        "Partition policy 11 (Allow changing key attributes) is off: key functions are fixed");
        out[type] = value;
    }
    if (obj.isKey()) checkMultipurpose(out, rules);
    return out;
}

proto::AttributeResult readAttribute(const Object& obj, std::uint32_t type) {
    proto::AttributeResult r;
    r.type = type;
    const Row* row = rowFor(type, obj.objectClass());
    const auto* v = obj.find(type);
    if (!row || !v) {
        r.status = CKR_ATTRIBUTE_TYPE_INVALID;
        return r;
    }
    if ((row->flags & Sensitive) && hidden(obj)) {
        r.status = CKR_ATTRIBUTE_SENSITIVE;
        return r;
    }
    r.status = CKR_OK;
    r.value = *v;
    return r;
}

bool matches(const Object& obj, const proto::Template& tmpl) {
    for (const auto& a : tmpl) {
        auto r = readAttribute(obj, a.type);
        if (r.status != CKR_OK || r.value != a.value) return false;
    }
    return true;
}

} // namespace luna::hsm
