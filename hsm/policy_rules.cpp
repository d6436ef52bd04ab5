// Rules for changing HSM and partition policies (seed ch.3, ch.9, ch.15): capability
// limits, dependencies between policies, and what a permitted change destroys.
#include "hsm/policy.h"

#include "luna/errors.h"

#include <algorithm>
#include <string>

namespace luna::hsm {
namespace {

// Ids the rules name.
namespace hsm_id {
constexpr std::uint32_t PedAuth = 1, PinAuth = 0, Cloning = 7, RemotePed = 25, MofN = 37, Stc = 39,
                        DecommissionOnTamper = 40, DisableDecommission = 46;
}
namespace part_id {
constexpr std::uint32_t PrivateKeyCloning = 0, PrivateKeyWrapping = 1, PrivateKeyMasking = 3,
                        SecretKeyCloning = 4, SecretKeyMasking = 7, Activation = 22, AutoActivation = 23,
                        MinPinInverted = 25, MaxPin = 26, ForceStc = 37;
}

// The inverted minimum-PIN encoding: policy 25 = 256 - minimum (ch.3: 248 means 8).
constexpr std::uint32_t kPinEncodingBase = 256;

std::uint32_t valueOr(const PolicyValues& values, std::uint32_t id, std::uint32_t fallback) {
    auto it = values.find(id);
    return it == values.end() ? fallback : it->second;
}

// A policy the caller did not supply has its factory value.
std::uint32_t hsmPolicyValue(const PolicyValues& hsmPolicies, std::uint32_t id) {
    return valueOr(hsmPolicies, id, findHsmPolicy(id)->policyDefault);
}
std::uint32_t partitionPolicyValue(const PolicyValues& policies, std::uint32_t id) {
    return valueOr(policies, id, findPartitionPolicy(id)->policyDefault);
}

// A capability the caller did not supply counts as Disallowed: fail closed.
std::uint32_t capabilityOf(const PolicyValues& capabilities, std::uint32_t id) {
    return valueOr(capabilities, id, 0);
}

std::string label(std::string_view scope, const PolicyDef& def) {
    return std::string(scope) + " policy " + std::to_string(def.id) + " (" + std::string(def.policyName) + ")";
}

const PolicyDef& requirePolicy(const PolicyDef* def, std::string_view scope, std::uint32_t id) {
    if (def == nullptr)
        throw Error(rc::POLICY_ID_INVALID, std::string(scope) + " policy " + std::to_string(id) + " does not exist");
    if (def->policyName.empty())
        throw Error(rc::POLICY_ID_INVALID, std::string(scope) + " capability " + std::to_string(id) + " (" +
                                               std::string(def->capabilityName) + ") has no settable policy");
    return *def;
}

void requireAtMost(std::string_view scope, const PolicyDef& def, std::uint32_t value, std::uint32_t ceiling,
                   std::string_view what) {
    if (value <= ceiling) return;
    throw Error(rc::POLICY_VALUE_INVALID, label(scope, def) + ": value " + std::to_string(value) + " exceeds the " +
                                              std::string(what) + " (" + std::to_string(ceiling) + ")");
}

bool isOffToOn(std::uint32_t from, std::uint32_t to) { return from == 0 && to != 0; }
bool isOnToOff(std::uint32_t from, std::uint32_t to) { return from != 0 && to == 0; }

// Minimum and maximum PIN length must leave max > min (ch.3, policy 26).
void requirePinRange(std::uint32_t minInverted, std::uint32_t maxPin) {
    const std::uint32_t minPin = kPinEncodingBase - std::min(minInverted, kPinEncodingBase);
    if (maxPin > minPin) return;
    throw Error(rc::CONFIG_FAILS_DEPENDENCIES,
                "Maximum pin length (" + std::to_string(maxPin) +
                    ") must be greater than the minimum pin length (" + std::to_string(minPin) + ")");
}

} // namespace

// --- Defaults ----------------------------------------------------------------------

PolicyValues defaultHsmCapabilities() { return defaultHsmCapabilities(AuthMethod::Password); }

PolicyValues defaultHsmCapabilities(AuthMethod method) {
    PolicyValues caps;
    for (const auto& d : hsmPolicyTable()) caps[d.id] = d.capabilityDefault;
    if (method == AuthMethod::Ped) {
        // ch.3: Remote PED is always available and MofN is allowed only on PED units.
        caps[hsm_id::PinAuth] = 0;
        caps[hsm_id::PedAuth] = 1;
        caps[hsm_id::RemotePed] = 1;
        caps[hsm_id::MofN] = 1;
    }
    return caps;
}

PolicyValues defaultHsmPolicies() {
    PolicyValues policies;
    for (const auto& d : hsmPolicyTable())
        if (!d.policyName.empty()) policies[d.id] = d.policyDefault;
    return policies;
}

PolicyValues defaultPartitionCapabilities(const PolicyValues& hsmPolicies) {
    return defaultPartitionCapabilities(defaultHsmCapabilities(AuthMethod::Password), hsmPolicies);
}

PolicyValues defaultPartitionCapabilities(const PolicyValues& hsmCapabilities, const PolicyValues& hsmPolicies) {
    PolicyValues caps;
    for (const auto& d : partitionPolicyTable()) caps[d.id] = d.capabilityDefault;
    // Partitions inherit the HSM's configuration (ch.3): no cloning capability when the
    // HSM disallows cloning.
    if (hsmPolicyValue(hsmPolicies, hsm_id::Cloning) == 0) {
        caps[part_id::PrivateKeyCloning] = 0;
        caps[part_id::SecretKeyCloning] = 0;
    }
    if (capabilityOf(hsmCapabilities, hsm_id::PedAuth) != 0) {
        caps[part_id::Activation] = 1;
        caps[part_id::AutoActivation] = 1;
    }
    return caps;
}

PolicyValues defaultPartitionPolicies() {
    PolicyValues policies;
    for (const auto& d : partitionPolicyTable()) policies[d.id] = d.policyDefault;
    return policies;
}

PolicyValues defaultPartitionPolicies(const PolicyValues& hsmPolicies, const PolicyValues& capabilities) {
    PolicyValues policies = defaultPartitionPolicies();
    for (auto& [id, value] : policies) value = std::min(value, partitionPolicyCeiling(hsmPolicies, capabilities, id));
    return policies;
}

DestructiveMap defaultPartitionDestructiveFlags() {
    DestructiveMap flags;
    for (const auto& d : partitionPolicyTable()) flags[d.id] = {d.offToOnDestructive, d.onToOffDestructive};
    return flags;
}

std::uint32_t partitionPolicyCeiling(const PolicyValues& hsmPolicies, const PolicyValues& capabilities,
                                     std::uint32_t id) {
    const PolicyDef* def = findPartitionPolicy(id);
    if (def == nullptr || def->policyName.empty()) return 0;
    std::uint32_t ceiling = std::min(def->maxValue, capabilityOf(capabilities, id));
    // ch.3: HSM policy 7 = 0 forbids partition policies 0 and 4 = 1.
    if ((id == part_id::PrivateKeyCloning || id == part_id::SecretKeyCloning) &&
        hsmPolicyValue(hsmPolicies, hsm_id::Cloning) == 0)
        ceiling = 0;
    // ch.15: STC must be enabled on the HSM before a partition can force it.
    if (id == part_id::ForceStc && hsmPolicyValue(hsmPolicies, hsm_id::Stc) == 0) ceiling = 0;
    return ceiling;
}

// --- HSM policy changes ------------------------------------------------------------

PolicyChangeEffect evaluateHsmPolicyChange(const PolicyValues& capabilities, const PolicyValues& current,
                                           std::uint32_t id, std::uint32_t value,
                                           PolicyChangeEffect* effectOnRefusal) {
    if (effectOnRefusal != nullptr) *effectOnRefusal = {};
    const PolicyDef& def = requirePolicy(findHsmPolicy(id), "HSM", id);
    requireAtMost("HSM", def, value, def.maxValue, "maximum value");
    requireAtMost("HSM", def, value, capabilityOf(capabilities, id), "HSM capability");

    const std::uint32_t old = valueOr(current, id, def.policyDefault);
    if (old == value) return {};

    if (id == hsm_id::DisableDecommission && value != 0 && hsmPolicyValue(current, hsm_id::DecommissionOnTamper) != 0) {
        // ch.3: the firmware refuses, but the attempt has already destroyed the partitions.
        if (effectOnRefusal != nullptr) *effectOnRefusal = {.destructive = true, .zeroizeHsm = false};
        throw Error(rc::CONFIG_FAILS_DEPENDENCIES,
                    "HSM policy 46 (Disable Decommission) cannot be enabled while HSM policy 40 "
                    "(Decommission on tamper) is enabled; the HSM partitions were destroyed");
    }
    if (id == hsm_id::DecommissionOnTamper && value != 0 && hsmPolicyValue(current, hsm_id::DisableDecommission) != 0)
        throw Error(rc::CONFIG_FAILS_DEPENDENCIES,
                    "HSM policy 40 (Decommission on tamper) cannot be enabled while HSM policy 46 "
                    "(Disable Decommission) is enabled");

    PolicyChangeEffect effect;
    effect.destructive = (isOffToOn(old, value) && def.offToOnDestructive) ||
                         (isOnToOff(old, value) && def.onToOffDestructive);
    effect.zeroizeHsm = id == hsm_id::DisableDecommission;
    return effect;
}

// --- Partition policy changes ------------------------------------------------------

PolicyChangeEffect evaluatePartitionPolicyChange(const PolicyValues& hsmPolicies,
                                                 const PolicyValues& capabilities,
                                                 const PolicyValues& current,
                                                 const DestructiveMap& flags,
                                                 std::uint32_t id, std::uint32_t value) {
    const PolicyDef& def = requirePolicy(findPartitionPolicy(id), "Partition", id);
    requireAtMost("Partition", def, value, def.maxValue, "maximum value");
    const std::uint32_t old = valueOr(current, id, def.policyDefault);
    if ((id == part_id::PrivateKeyMasking || id == part_id::SecretKeyMasking) && value != old)
        throw Error(rc::POLICY_VALUE_INVALID, label("Partition", def) + " cannot be changed by the Partition SO");
    requireAtMost("Partition", def, value, capabilityOf(capabilities, id), "partition capability");
    requireAtMost("Partition", def, value, partitionPolicyCeiling(hsmPolicies, capabilities, id),
                  "limit set by the HSM policies");
    if (old == value) return {};

    if (value != 0 && (id == part_id::PrivateKeyCloning || id == part_id::PrivateKeyWrapping)) {
        const std::uint32_t other =
            id == part_id::PrivateKeyCloning ? part_id::PrivateKeyWrapping : part_id::PrivateKeyCloning;
        if (partitionPolicyValue(current, other) != 0)
            throw Error(rc::CONFIG_FAILS_DEPENDENCIES,
                        "Partition policies 0 (Allow private key cloning) and 1 (Allow private key wrapping) "
                        "cannot both be 1");
    }
    if (id == part_id::MinPinInverted) requirePinRange(value, partitionPolicyValue(current, part_id::MaxPin));
    if (id == part_id::MaxPin) requirePinRange(partitionPolicyValue(current, part_id::MinPinInverted), value);

    const auto it = flags.find(id);
    const DestructiveFlags f =
        it != flags.end() ? it->second : DestructiveFlags{def.offToOnDestructive, def.onToOffDestructive};
    // ch.9: policy 1 is always Off->On destructive, whatever a template said.
    const bool offToOnDestructive = f.offToOn || id == part_id::PrivateKeyWrapping;
    PolicyChangeEffect effect;
    effect.destructive = (isOffToOn(old, value) && offToOnDestructive) || (isOnToOff(old, value) && f.onToOff);
    return effect;
}

std::uint32_t minimumPinLength(const PolicyValues& partitionPolicies) {
    const std::uint32_t inverted = partitionPolicyValue(partitionPolicies, part_id::MinPinInverted);
    return kPinEncodingBase - std::min(inverted, kPinEncodingBase);
}

std::uint32_t maximumPinLength(const PolicyValues& partitionPolicies) {
    return partitionPolicyValue(partitionPolicies, part_id::MaxPin);
}

} // namespace luna::hsm
