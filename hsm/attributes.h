// PKCS#11 attribute rules, one table (attributes.cpp) in the manner of SoftHSMv2's
// P11Attributes: which attribute belongs to which object class, which are sensitive,
// read-only, modifiable, settable only one way, or key material; defaults; and the
// partition policies that bear on them (ch.3: 10 multipurpose keys, 11 changing key
// attributes).
#pragma once

#include "hsm/object.h"
#include "proto/messages.h"

namespace luna::hsm {

// How an object comes to exist; decides LOCAL, ALWAYS_SENSITIVE, NEVER_EXTRACTABLE,
// KEY_GEN_MECHANISM and which attributes a template may carry.
enum class Origin { Create, Generate, Unwrap, Derive };

struct AttributeRules {
    bool multipurposeKeys = true;     // partition policy 10
    bool changeKeyFunctions = true;   // partition policy 11
};

// The attributes of a new object: the template checked against the table, the class's
// defaults filled in, and `produced` (what the HSM made: key components, CKA_VALUE,
// CLASS/KEY_TYPE of a generated key) laid over it. A template attribute that names
// something the HSM produced must agree with it.
ObjAttrs buildAttributes(const proto::Template& tmpl, Origin origin, const ObjAttrs& produced,
                         const AttributeRules& rules, std::uint64_t keyGenMechanism = CK_UNAVAILABLE_INFORMATION);

// The attributes after C_SetAttributeValue (copy = false) or C_CopyObject (copy = true).
ObjAttrs modifyAttributes(const Object& obj, const proto::Template& changes, const AttributeRules& rules, bool copy);

// One attribute as C_GetAttributeValue reports it: the value, or CKR_ATTRIBUTE_SENSITIVE,
// or CKR_ATTRIBUTE_TYPE_INVALID.
proto::AttributeResult readAttribute(const Object& obj, std::uint32_t type);

// C_FindObjects: every template attribute present with an equal, revealable value.
bool matches(const Object& obj, const proto::Template& tmpl);

// Template values are checked in the order given; a type given twice is inconsistent.
ObjAttrs templateMap(const proto::Template& tmpl);

// The value of a template attribute, if present (for mechanism parameters such as
// CKA_MODULUS_BITS or CKA_VALUE_LEN); throws CKR_ATTRIBUTE_VALUE_INVALID if malformed.
std::optional<std::uint64_t> templateUlong(const proto::Template& tmpl, std::uint32_t type);
const SecureBytes* templateValue(const proto::Template& tmpl, std::uint32_t type);

} // namespace luna::hsm
