// The HSM and partition capability/policy tables (seed ch.3, ch.17 showpolicies sample).
// Names are the ones the appliance prints: capability names as `hsm showpolicies` /
// `partition showpolicies` show them, policy names as the exported templates write them.
// Decisions on the guide's contradictions are in docs/decisions/policies.md.
#include "hsm/policy.h"

#include <algorithm>
#include <array>
#include <limits>

namespace luna::hsm {
namespace {

constexpr std::uint32_t kAnySize = std::numeric_limits<std::uint32_t>::max();

// Shorthands so each row reads as one line of the guide's table.
constexpr PolicyDef cap(std::uint32_t id, std::string_view name, std::uint32_t capDefault,
                        std::uint32_t maxValue = 1) {
    return {id, name, "", capDefault, 0, maxValue, false, false, false};
}

struct Destructive {
    bool offToOn;
    bool onToOff;
};
constexpr Destructive kNone{false, false};
constexpr Destructive kOffToOn{true, false};
constexpr Destructive kOnToOff{false, true};
constexpr Destructive kBoth{true, true};

enum class Tmpl { No, Yes };

constexpr PolicyDef pol(std::uint32_t id, std::string_view capName, std::string_view polName,
                        std::uint32_t capDefault, std::uint32_t polDefault, Destructive d, Tmpl t,
                        std::uint32_t maxValue = 1) {
    return {id, capName, polName, capDefault, polDefault, maxValue, d.offToOn, d.onToOff, t == Tmpl::Yes};
}

// HSM table. Capability defaults describe the ch.17 sample unit (password-authenticated,
// maximum performance); policy defaults are the factory template with ch.17's values for
// 43 (On) and 46 (Off). Destructiveness is fixed by firmware for HSM policies.
constexpr std::array kHsmTable{
    cap(0, "Enable PIN-based authentication", 1),
    cap(1, "Enable PED-based authentication", 0),
    cap(2, "Performance level", 15, 15),
    cap(4, "Enable domestic mechanisms & key sizes", 1),
    pol(6, "Enable masking", "Allow masking", 0, 0, kNone, Tmpl::Yes),
    pol(7, "Enable cloning", "Allow cloning", 1, 1, kOffToOn, Tmpl::Yes),
    cap(9, "Enable full (non-backup) functionality", 1),
    pol(12, "Enable non-FIPS algorithms", "Allow non-FIPS algorithms", 1, 1, kOffToOn, Tmpl::Yes),
    pol(15, "Enable SO reset of partition PIN", "SO can reset partition PIN", 1, 0, kBoth, Tmpl::Yes),
    pol(16, "Enable network replication", "Allow network replication", 1, 1, kNone, Tmpl::Yes),
    pol(17, "Enable Korean Algorithms", "Allow Korean algorithms", 0, 0, kNone, Tmpl::No),
    cap(18, "FIPS evaluated", 0),
    cap(19, "Manufacturing Token", 0),
    pol(21, "Enable forcing user PIN change", "Force user PIN change after set/reset", 1, 1, kNone, Tmpl::Yes),
    pol(22, "Enable portable masking key", "Allow offboard storage", 1, 1, kOffToOn, Tmpl::Yes),
    pol(23, "Enable partition groups", "Allow partition groups", 0, 0, kNone, Tmpl::Yes),
    pol(25, "Enable remote PED usage", "Allow remote PED usage", 0, 0, kNone, Tmpl::Yes),
    cap(27, "HSM non-volatile storage space", 33554432, kAnySize),
    pol(30, "Enable unmasking", "Allow unmasking", 1, 1, kNone, Tmpl::Yes),
    pol(33, "Maximum number of partitions", "Current maximum number of partitions", 100, 100, kNone, Tmpl::Yes,
        100),
    pol(35, "Enable Single Domain", "Force Single Domain", 0, 0, kNone, Tmpl::Yes),
    pol(36, "Enable Unified PED Key", "Allow Unified PED Key", 0, 0, kNone, Tmpl::Yes),
    pol(37, "Enable MofN", "Allow MofN", 0, 0, kNone, Tmpl::Yes),
    pol(38, "Enable small form factor backup/restore", "Allow small form factor backup/restore", 0, 0, kNone,
        Tmpl::Yes),
    pol(39, "Enable Secure Trusted Channel", "Allow Secure Trusted Channel", 1, 0, kNone, Tmpl::Yes),
    pol(40, "Enable decommission on tamper", "Decommission on tamper", 1, 0, kOnToOff, Tmpl::Yes),
    pol(42, "Enable partition re-initialize", "Allow partition re-initialize", 0, 0, kNone, Tmpl::Yes),
    pol(43, "Enable low level math acceleration", "Allow low level math acceleration", 1, 1, kNone, Tmpl::Yes),
    cap(45, "Enable Fast-Path", 0),
    pol(46, "Allow Disabling Decommission", "Disable Decommission", 1, 0, kBoth, Tmpl::Yes),
    pol(47, "Enable Tunnel Slot", "Allow Tunnel Slot", 0, 0, kNone, Tmpl::Yes),
    pol(48, "Enable Controlled Tamper Recovery", "Do Controlled Tamper Recovery", 1, 1, kNone, Tmpl::Yes),
    pol(49, "Enable Partition Utilization Metrics", "Allow Partition Utilization Metrics", 1, 0, kNone, Tmpl::No),
    pol(50, "Enable Functionality Modules", "Allow Functionality Modules", 1, 0, kNone, Tmpl::No),
    pol(51, "Enable SMFS Auto Activation", "Allow SMFS Auto Activation", 1, 0, kNone, Tmpl::No),
    pol(52, "Enable Disabling FM Privilege Level", "Allow Disabling FM Privilege Level", 1, 0, kNone, Tmpl::No),
    pol(53, "Enable FM Cipher Engine Key ENcryption", "Do FM Cipher Engine Key ENcryption", 1, 0, kNone,
        Tmpl::No),
};

// Partition table. Capability defaults are the ch.17 sample (password unit); policy
// defaults and template destructiveness are the ch.3 factory partition template.
// Policy 37 is not in the template; its destructiveness is the ch.3 text (On->Off).
constexpr std::array kPartitionTable{
    pol(0, "Enable private key cloning", "Allow private key cloning", 1, 1, kOffToOn, Tmpl::Yes),
    pol(1, "Enable private key wrapping", "Allow private key wrapping", 1, 0, kOffToOn, Tmpl::Yes),
    pol(2, "Enable private key unwrapping", "Allow private key unwrapping", 1, 1, kNone, Tmpl::Yes),
    pol(3, "Enable private key masking", "Allow private key masking", 0, 0, kOffToOn, Tmpl::Yes),
    pol(4, "Enable secret key cloning", "Allow secret key cloning", 1, 1, kOffToOn, Tmpl::Yes),
    pol(5, "Enable secret key wrapping", "Allow secret key wrapping", 1, 1, kOffToOn, Tmpl::Yes),
    pol(6, "Enable secret key unwrapping", "Allow secret key unwrapping", 1, 1, kNone, Tmpl::Yes),
    pol(7, "Enable secret key masking", "Allow secret key masking", 0, 0, kOffToOn, Tmpl::Yes),
    pol(10, "Enable multipurpose keys", "Allow multipurpose keys", 1, 1, kOffToOn, Tmpl::Yes),
    pol(11, "Enable changing key attributes", "Allow changing key attributes", 1, 1, kOffToOn, Tmpl::Yes),
    pol(15, "Allow failed challenge responses", "Ignore failed challenge responses", 1, 1, kOffToOn, Tmpl::Yes),
    pol(16, "Enable operation without RSA blinding", "Operate without RSA blinding", 1, 1, kOffToOn, Tmpl::Yes),
    pol(17, "Enable signing with non-local keys", "Allow signing with non-local keys", 1, 1, kNone, Tmpl::Yes),
    pol(18, "Enable raw RSA operations", "Allow raw RSA operations", 1, 1, kOffToOn, Tmpl::Yes),
    pol(20, "Max failed user logins allowed", "Max failed user logins allowed", 10, 10, kNone, Tmpl::Yes, 255),
    pol(21, "Enable high availability recovery", "Allow high availability recovery", 1, 1, kNone, Tmpl::Yes),
    pol(22, "Enable activation", "Allow activation", 0, 0, kNone, Tmpl::Yes),
    pol(23, "Enable auto-activation", "Allow auto-activation", 0, 0, kNone, Tmpl::Yes),
    pol(25, "Minimum pin length (inverted: 255 - min)", "Minimum pin length (inverted: 255 - min)", 248, 248,
        kNone, Tmpl::Yes, 255),
    pol(26, "Maximum pin length", "Maximum pin length", 255, 255, kNone, Tmpl::Yes, 255),
    pol(28, "Enable Key Management Functions", "Allow Key Management Functions", 1, 1, kOffToOn, Tmpl::Yes),
    pol(29, "Enable RSA signing without confirmation", "Perform RSA signing without confirmation", 1, 1, kOffToOn,
        Tmpl::Yes),
    pol(31, "Enable private key unmasking", "Allow private key unmasking", 1, 1, kNone, Tmpl::Yes),
    pol(32, "Enable secret key unmasking", "Allow secret key unmasking", 1, 1, kNone, Tmpl::Yes),
    pol(33, "Enable RSA PKCS mechanism", "Allow RSA PKCS mechanism", 1, 1, kOffToOn, Tmpl::Yes),
    pol(34, "Enable CBC-PAD (un)wrap keys of any size", "Allow CBC-PAD (un)wrap keys of any size", 1, 1, kOffToOn,
        Tmpl::Yes),
    pol(37, "Enable Secure Trusted Channel", "Force Secure Trusted Channel", 1, 0, kOnToOff, Tmpl::No),
    pol(39, "Enable Start/End Date Attributes", "Allow Start/End Date Attributes", 1, 0, kOffToOn, Tmpl::Yes),
};

// Table invariants, checked at compile time.
template <std::size_t N>
constexpr bool strictlyOrderedById(const std::array<PolicyDef, N>& t) {
    for (std::size_t i = 1; i < N; ++i)
        if (t[i - 1].id >= t[i].id) return false;
    return true;
}

template <std::size_t N>
constexpr bool defaultsWithinLimits(const std::array<PolicyDef, N>& t) {
    for (const auto& d : t) {
        if (d.capabilityDefault > d.maxValue) return false;
        if (d.policyName.empty()) {
            if (d.policyDefault != 0 || d.inTemplate || d.offToOnDestructive || d.onToOffDestructive) return false;
        } else if (d.policyDefault > d.capabilityDefault) {
            return false;
        }
    }
    return true;
}

template <std::size_t N>
constexpr const PolicyDef& row(const std::array<PolicyDef, N>& t, std::uint32_t id) {
    for (const auto& d : t)
        if (d.id == id) return d;
    throw "no such row";   // not a constant expression: fails the static_assert that asked
}

template <std::size_t N>
constexpr std::size_t countIf(const std::array<PolicyDef, N>& t, bool (*pred)(const PolicyDef&)) {
    std::size_t n = 0;
    for (const auto& d : t) n += pred(d) ? 1 : 0;
    return n;
}

// 32 capabilities in the ch.17 sample plus 49..53 (fw 7.2); 22 lines in the HSM template;
// 28 partition rows, 27 of them in the partition template (all but 37).
static_assert(kHsmTable.size() == 37);
static_assert(countIf(kHsmTable, [](const PolicyDef& d) { return d.inTemplate; }) == 22);
static_assert(kPartitionTable.size() == 28);
static_assert(countIf(kPartitionTable, [](const PolicyDef& d) { return d.inTemplate; }) == 27);
static_assert(strictlyOrderedById(kHsmTable) && strictlyOrderedById(kPartitionTable));
static_assert(defaultsWithinLimits(kHsmTable) && defaultsWithinLimits(kPartitionTable));
static_assert(row(kHsmTable, 46).offToOnDestructive && row(kHsmTable, 46).onToOffDestructive);
static_assert(!row(kHsmTable, 39).offToOnDestructive && !row(kHsmTable, 39).onToOffDestructive);
static_assert(row(kPartitionTable, 1).offToOnDestructive, "partition policy 1 must stay Off->On destructive");
static_assert(row(kPartitionTable, 0).policyDefault == 1 && row(kPartitionTable, 1).policyDefault == 0);

template <std::size_t N>
const PolicyDef* findIn(const std::array<PolicyDef, N>& t, std::uint32_t id) {
    auto it = std::ranges::lower_bound(t, id, {}, &PolicyDef::id);
    return it != t.end() && it->id == id ? &*it : nullptr;
}

} // namespace

std::span<const PolicyDef> hsmPolicyTable() { return kHsmTable; }
std::span<const PolicyDef> partitionPolicyTable() { return kPartitionTable; }
const PolicyDef* findHsmPolicy(std::uint32_t id) { return findIn(kHsmTable, id); }
const PolicyDef* findPartitionPolicy(std::uint32_t id) { return findIn(kPartitionTable, id); }

} // namespace luna::hsm
