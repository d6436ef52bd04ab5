// HSM and partition capabilities and policies (seed ch.3): the tables, the rules for
// changing a policy (capability limits, dependencies, destructiveness) and the policy
// template format. Pure logic: no storage, no I/O; the Hsm facade persists the values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace luna::hsm {

// One row of a capability/policy table. A capability without a settable policy has
// policyName empty. Boolean rows have maxValue 1.
struct PolicyDef {
    std::uint32_t id;
    std::string_view capabilityName;   // "Enable cloning"
    std::string_view policyName;       // "Allow cloning" ("" if there is no policy)
    std::uint32_t capabilityDefault;   // factory capability value
    std::uint32_t policyDefault;       // factory policy value (ignored if no policy)
    std::uint32_t maxValue;            // 1 for booleans, 255 / 100 / ... for numeric rows
    bool offToOnDestructive;           // factory destructiveness (HSM: fixed; partition: template default)
    bool onToOffDestructive;
    bool inTemplate;                   // written to an exported policy template
};

std::span<const PolicyDef> hsmPolicyTable();        // ordered by id
std::span<const PolicyDef> partitionPolicyTable();  // ordered by id
const PolicyDef* findHsmPolicy(std::uint32_t id);
const PolicyDef* findPartitionPolicy(std::uint32_t id);

using PolicyValues = std::map<std::uint32_t, std::uint32_t>;   // id -> value

// Per-partition destructiveness flags, set from the template at partition init.
struct DestructiveFlags {
    bool offToOn = false;
    bool onToOff = false;
};
using DestructiveMap = std::map<std::uint32_t, DestructiveFlags>;

PolicyValues defaultHsmCapabilities();
PolicyValues defaultHsmPolicies();
PolicyValues defaultPartitionCapabilities(const PolicyValues& hsmPolicies);
PolicyValues defaultPartitionPolicies();
DestructiveMap defaultPartitionDestructiveFlags();

// What a permitted change does. The caller applies the effects.
struct PolicyChangeEffect {
    bool destructive = false;      // HSM: erase all partitions; partition: delete its objects
    bool zeroizeHsm = false;       // HSM policy 46
};

// Decide an HSM policy change. Throws luna::Error (CKR_POLICY_ID_INVALID,
// CKR_POLICY_VALUE_INVALID, CKR_CONFIG_FAILS_DEPENDENCIES) for a refused change.
// Policy 46 enabled while 40 = 1 still destroys partitions (ch.3): that case throws
// luna::Error(CKR_CONFIG_FAILS_DEPENDENCIES) but reports it through `effectOnRefusal`.
PolicyChangeEffect evaluateHsmPolicyChange(const PolicyValues& capabilities, const PolicyValues& current,
                                           std::uint32_t id, std::uint32_t value,
                                           PolicyChangeEffect* effectOnRefusal = nullptr);

// Decide a partition policy change under the HSM's policies (a partition can never be
// less secure than its HSM, e.g. HSM policy 7 = 0 forbids partition 0/4 = 1).
PolicyChangeEffect evaluatePartitionPolicyChange(const PolicyValues& hsmPolicies,
                                                 const PolicyValues& capabilities,
                                                 const PolicyValues& current,
                                                 const DestructiveMap& flags,
                                                 std::uint32_t id, std::uint32_t value);

// Partition policy 25 stores 256 - minimum PIN length (inverted encoding).
std::uint32_t minimumPinLength(const PolicyValues& partitionPolicies);
std::uint32_t maximumPinLength(const PolicyValues& partitionPolicies);

// --- Additions beyond the first contract -------------------------------------------

// Authentication model of the unit; decides the capabilities that differ between a
// password-authenticated and a PED-authenticated HSM (caps 0, 1, 25, 37; ch.3).
enum class AuthMethod { Password, Ped };
// defaultHsmCapabilities() is the Password form.
PolicyValues defaultHsmCapabilities(AuthMethod method);
// defaultPartitionCapabilities(hsmPolicies) is the Password form: activation and
// auto-activation (22/23) exist on PED-authenticated HSMs only (ch.10).
PolicyValues defaultPartitionCapabilities(const PolicyValues& hsmCapabilities, const PolicyValues& hsmPolicies);

// The highest value a partition policy may take: its partition capability, further
// limited by the HSM policies it inherits (HSM 7 = 0 caps partition 0 and 4 at 0; HSM
// 39 = 0 caps partition 37 at 0). 0 for an id without a policy.
std::uint32_t partitionPolicyCeiling(const PolicyValues& hsmPolicies, const PolicyValues& capabilities,
                                     std::uint32_t id);
// Factory partition policies lowered to their ceilings: what a partition initialized
// without a template (or with '#' lines) starts with under these HSM policies.
PolicyValues defaultPartitionPolicies(const PolicyValues& hsmPolicies, const PolicyValues& capabilities);

// Firmware version written in the first header line of exported templates by the
// overloads without a firmwareVersion argument (the ch.3 samples show 7.1.0).
inline constexpr std::string_view kPolicyTemplateFirmwareVersion = "7.1.0";

// Policy templates (ch.3). Export writes the header and one line per template policy.
std::string exportHsmTemplate(const PolicyValues& policies, std::string_view label, std::string_view serial);
std::string exportPartitionTemplate(const PolicyValues& policies, const DestructiveMap& flags,
                                    std::string_view name, std::string_view serial);
std::string exportHsmTemplate(const PolicyValues& policies, std::string_view label, std::string_view serial,
                              std::string_view firmwareVersion);
std::string exportPartitionTemplate(const PolicyValues& policies, const DestructiveMap& flags,
                                    std::string_view name, std::string_view serial,
                                    std::string_view firmwareVersion);

struct HsmTemplate { PolicyValues policies; };
struct PartitionTemplate { PolicyValues policies; DestructiveMap flags; };
// Parse and validate a template against the capabilities; on error throws luna::Error
// (CKR_TEMPLATE_INVALID) whose detail is the seed's message for the fault.
HsmTemplate parseHsmTemplate(std::string_view text, const PolicyValues& capabilities);
PartitionTemplate parsePartitionTemplate(std::string_view text, const PolicyValues& hsmPolicies,
                                         const PolicyValues& capabilities);

} // namespace luna::hsm
