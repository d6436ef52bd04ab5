#define BOOST_TEST_MODULE policies
// Capability/policy tables and change rules against the seed: ch.3 (tables, rules),
// ch.9 (private-key modes), ch.15 (STC), ch.17 (verbatim showpolicies sample).
#include <boost/test/unit_test.hpp>

#include "hsm/policy.h"
#include "luna/errors.h"

#include <sstream>
#include <string>
#include <vector>

using namespace luna::hsm;

namespace {

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

std::vector<std::string> splitTabs(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string f; std::getline(in, f, '\t');) out.push_back(f);
    return out;
}

const PolicyDef* hsmRowByCapabilityName(const std::string& name) {
    for (const auto& d : hsmPolicyTable())
        if (d.capabilityName == name) return &d;
    return nullptr;
}

const PolicyDef* hsmRowByPolicyName(const std::string& name) {
    for (const auto& d : hsmPolicyTable())
        if (d.policyName == name) return &d;
    return nullptr;
}

// ch.17 `hsm showpolicies`, capability section, verbatim (sample unit sa7pw, fw 7.1.0).
const std::string kCh17Capabilities = R"(Enable PIN-based authentication	Allowed
Enable PED-based authentication	Disallowed
Performance level	15
Enable domestic mechanisms & key sizes	Allowed
Enable masking	Disallowed
Enable cloning	Allowed
Enable full (non-backup) functionality	Allowed
Enable non-FIPS algorithms	Allowed
Enable SO reset of partition PIN	Allowed
Enable network replication	Allowed
Enable Korean Algorithms	Disallowed
FIPS evaluated	Disallowed
Manufacturing Token	Disallowed
Enable forcing user PIN change	Allowed
Enable portable masking key	Allowed
Enable partition groups	Disallowed
Enable remote PED usage	Disallowed
HSM non-volatile storage space	33554432
Enable unmasking	Allowed
Maximum number of partitions	100
Enable Single Domain	Disallowed
Enable Unified PED Key	Disallowed
Enable MofN	Disallowed
Enable small form factor backup/restore	Disallowed
Enable Secure Trusted Channel	Allowed
Enable decommission on tamper	Allowed
Enable partition re-initialize	Disallowed
Enable low level math acceleration	Allowed
Enable Fast-Path	Disallowed
Allow Disabling Decommission	Allowed
Enable Tunnel Slot	Disallowed
Enable Controlled Tamper Recovery	Allowed
)";

// ch.17 `hsm showpolicies`, SO-changeable section, verbatim: Description Value Code Destructive.
const std::string kCh17Policies = R"(Allow cloning	On	7	Yes
Allow non-FIPS algorithms	On	12	Yes
SO can reset partition PIN	Off	15	Yes
Allow network replication	On	16	No
Force user PIN change after set/reset	On	21	No
Allow offboard storage	On	22	Yes
Allow unmasking	On	30	No
Current maximum number of partitions	100	33	No
Allow Secure Trusted Channel	Off	39	No
Decommission on tamper	Off	40	Yes
Allow low level math acceleration	On	43	No
Disable Decommission	Off	46	Yes
Do Controlled Tamper Recovery	On	48	No
)";

// ch.17 `partition showpolicies`, verbatim (capabilities then policies).
const std::string kCh17PartitionCapabilities = R"(    0: Enable private key cloning : 1
    1: Enable private key wrapping : 1
    2: Enable private key unwrapping : 1
    3: Enable private key masking : 0
    4: Enable secret key cloning : 1
    5: Enable secret key wrapping : 1
    6: Enable secret key unwrapping : 1
    7: Enable secret key masking : 0
   10: Enable multipurpose keys : 1
   11: Enable changing key attributes : 1
   15: Allow failed challenge responses : 1
   16: Enable operation without RSA blinding : 1
   17: Enable signing with non-local keys : 1
   18: Enable raw RSA operations : 1
   20: Max failed user logins allowed : 10
   21: Enable high availability recovery : 1
   22: Enable activation : 0
   23: Enable auto-activation : 0
   25: Minimum pin length (inverted: 255 - min) : 248
   26: Maximum pin length : 255
   28: Enable Key Management Functions : 1
   29: Enable RSA signing without confirmation : 1
   31: Enable private key unmasking : 1
   32: Enable secret key unmasking : 1
   33: Enable RSA PKCS mechanism : 1
   34: Enable CBC-PAD (un)wrap keys of any size : 1
   37: Enable Secure Trusted Channel : 1
   39: Enable Start/End Date Attributes : 1
)";
const std::string kCh17PartitionPolicies = R"(    0: Allow private key cloning : 1
    1: Allow private key wrapping : 0
    2: Allow private key unwrapping : 1
    3: Allow private key masking : 0
    4: Allow secret key cloning : 1
    5: Allow secret key wrapping : 1
    6: Allow secret key unwrapping : 1
    7: Allow secret key masking : 0
   10: Allow multipurpose keys : 1
   11: Allow changing key attributes : 1
15: Ignore failed challenge responses : 1
16: Operate without RSA blinding : 1
17: Allow signing with non-local keys : 1
18: Allow raw RSA operations : 1
20: Max failed user logins allowed : 10
21: Allow high availability recovery : 1
22: Allow activation : 0
23: Allow auto-activation : 0
25: Minimum pin length (inverted: 255 - min) : 248
26: Maximum pin length : 255
28: Allow Key Management Functions : 1
29: Perform RSA signing without confirmation : 1
31: Allow private key unmasking : 1
32: Allow secret key unmasking : 1
33: Allow RSA PKCS mechanism : 1
34: Allow CBC-PAD (un)wrap keys of any size : 1
37: Force Secure Trusted Channel : 0
39: Allow Start/End Date Attributes : 0
)";

struct ShowLine {
    std::uint32_t id;
    std::string name;
    std::uint32_t value;
};

std::vector<ShowLine> parsePartitionShow(const std::string& text) {
    std::vector<ShowLine> out;
    for (const auto& line : splitLines(text)) {
        const auto colon = line.find(':');
        const auto last = line.rfind(" : ");
        out.push_back({static_cast<std::uint32_t>(std::stoul(line.substr(0, colon))),
                       line.substr(colon + 2, last - colon - 2),
                       static_cast<std::uint32_t>(std::stoul(line.substr(last + 3)))});
    }
    return out;
}

template <typename F>
std::uint32_t codeOf(F&& f) {
    try {
        f();
    } catch (const luna::Error& e) {
        return e.code();
    }
    return luna::rc::OK;
}

// A fixture holding the factory state of a password-authenticated unit.
struct Factory {
    PolicyValues hsmCaps = defaultHsmCapabilities();
    PolicyValues hsm = defaultHsmPolicies();
    PolicyValues partCaps = defaultPartitionCapabilities(defaultHsmPolicies());
    PolicyValues part = defaultPartitionPolicies();
    DestructiveMap flags = defaultPartitionDestructiveFlags();

    PolicyChangeEffect changeHsm(std::uint32_t id, std::uint32_t value, PolicyChangeEffect* onRefusal = nullptr) {
        auto e = evaluateHsmPolicyChange(hsmCaps, hsm, id, value, onRefusal);
        hsm[id] = value;
        return e;
    }
    PolicyChangeEffect changePart(std::uint32_t id, std::uint32_t value) {
        auto e = evaluatePartitionPolicyChange(hsm, partCaps, part, flags, id, value);
        part[id] = value;
        return e;
    }
    std::uint32_t hsmCode(std::uint32_t id, std::uint32_t value) {
        return codeOf([&] { evaluateHsmPolicyChange(hsmCaps, hsm, id, value); });
    }
    std::uint32_t partCode(std::uint32_t id, std::uint32_t value) {
        return codeOf([&] { evaluatePartitionPolicyChange(hsm, partCaps, part, flags, id, value); });
    }
};

} // namespace

// --- HSM table ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(hsm_table_has_the_ch3_ids_in_order) {
    const std::vector<std::uint32_t> expected{0,  1,  2,  4,  6,  7,  9,  12, 15, 16, 17, 18, 19,
                                              21, 22, 23, 25, 27, 30, 33, 35, 36, 37, 38, 39, 40,
                                              42, 43, 45, 46, 47, 48, 49, 50, 51, 52, 53};
    std::vector<std::uint32_t> ids;
    for (const auto& d : hsmPolicyTable()) ids.push_back(d.id);
    BOOST_TEST(ids == expected, boost::test_tools::per_element());
    BOOST_TEST(findHsmPolicy(3) == nullptr);
    BOOST_TEST(findHsmPolicy(54) == nullptr);
    BOOST_REQUIRE(findHsmPolicy(46) != nullptr);
    BOOST_TEST(findHsmPolicy(46)->policyName == "Disable Decommission");
}

BOOST_AUTO_TEST_CASE(hsm_capabilities_match_ch17_showpolicies) {
    const auto caps = defaultHsmCapabilities();
    std::size_t seen = 0;
    for (const auto& line : splitLines(kCh17Capabilities)) {
        const auto f = splitTabs(line);
        BOOST_REQUIRE_EQUAL(f.size(), 2u);
        const PolicyDef* d = hsmRowByCapabilityName(f[0]);
        BOOST_REQUIRE_MESSAGE(d != nullptr, "no HSM row named '" << f[0] << "'");
        const std::uint32_t v = f[1] == "Allowed" ? 1 : f[1] == "Disallowed" ? 0 : std::stoul(f[1]);
        BOOST_TEST(d->capabilityDefault == v, f[0]);
        BOOST_TEST(caps.at(d->id) == v, f[0]);
        ++seen;
    }
    BOOST_TEST(seen == 32u);
}

BOOST_AUTO_TEST_CASE(hsm_policies_match_ch17_showpolicies) {
    const auto policies = defaultHsmPolicies();
    for (const auto& line : splitLines(kCh17Policies)) {
        const auto f = splitTabs(line);
        BOOST_REQUIRE_EQUAL(f.size(), 4u);
        const PolicyDef* d = hsmRowByPolicyName(f[0]);
        BOOST_REQUIRE_MESSAGE(d != nullptr, "no HSM policy named '" << f[0] << "'");
        BOOST_TEST(d->id == std::stoul(f[2]), f[0]);
        const std::uint32_t v = f[1] == "On" ? 1 : f[1] == "Off" ? 0 : std::stoul(f[1]);
        BOOST_TEST(d->policyDefault == v, f[0]);
        BOOST_TEST(policies.at(d->id) == v, f[0]);
        BOOST_TEST((d->offToOnDestructive || d->onToOffDestructive) == (f[3] == "Yes"), f[0]);
    }
}

BOOST_AUTO_TEST_CASE(hsm_destructiveness_follows_ch3_text) {
    struct Row { std::uint32_t id; bool offToOn; bool onToOff; };
    // ch.3: 7, 12, 22 OFF-to-ON; 15, 46 both; 40 ON-to-OFF; 39 not destructive (decision).
    for (const Row r : {Row{7, true, false}, Row{12, true, false}, Row{15, true, true}, Row{16, false, false},
                        Row{21, false, false}, Row{22, true, false}, Row{30, false, false}, Row{33, false, false},
                        Row{39, false, false}, Row{40, false, true}, Row{43, false, false}, Row{46, true, true},
                        Row{48, false, false}}) {
        const PolicyDef* d = findHsmPolicy(r.id);
        BOOST_REQUIRE(d != nullptr);
        BOOST_TEST(d->offToOnDestructive == r.offToOn, "policy " << r.id);
        BOOST_TEST(d->onToOffDestructive == r.onToOff, "policy " << r.id);
    }
}

BOOST_AUTO_TEST_CASE(hsm_capability_only_rows_have_no_policy) {
    for (std::uint32_t id : {0u, 1u, 2u, 4u, 9u, 18u, 19u, 27u, 45u}) {
        const PolicyDef* d = findHsmPolicy(id);
        BOOST_REQUIRE(d != nullptr);
        BOOST_TEST(d->policyName.empty(), "capability " << id);
        BOOST_TEST(!d->inTemplate);
        BOOST_TEST(!defaultHsmPolicies().contains(id));
    }
    BOOST_TEST(findHsmPolicy(2)->maxValue == 15u);   // 4 / 8 / 15 performance levels
    BOOST_TEST(findHsmPolicy(27)->capabilityDefault == 33554432u);
}

BOOST_AUTO_TEST_CASE(hsm_policy_names_and_template_membership) {
    // Names as the ch.3 factory template writes them; policies 17 and 49..53 are not in it.
    const std::vector<std::pair<std::uint32_t, std::string>> tmpl{
        {6, "Allow masking"}, {7, "Allow cloning"}, {12, "Allow non-FIPS algorithms"},
        {15, "SO can reset partition PIN"}, {16, "Allow network replication"},
        {21, "Force user PIN change after set/reset"}, {22, "Allow offboard storage"},
        {23, "Allow partition groups"}, {25, "Allow remote PED usage"}, {30, "Allow unmasking"},
        {33, "Current maximum number of partitions"}, {35, "Force Single Domain"}, {36, "Allow Unified PED Key"},
        {37, "Allow MofN"}, {38, "Allow small form factor backup/restore"}, {39, "Allow Secure Trusted Channel"},
        {40, "Decommission on tamper"}, {42, "Allow partition re-initialize"},
        {43, "Allow low level math acceleration"}, {46, "Disable Decommission"}, {47, "Allow Tunnel Slot"},
        {48, "Do Controlled Tamper Recovery"}};
    std::vector<std::uint32_t> inTemplate;
    for (const auto& d : hsmPolicyTable())
        if (d.inTemplate) inTemplate.push_back(d.id);
    BOOST_REQUIRE_EQUAL(inTemplate.size(), tmpl.size());
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        BOOST_TEST(inTemplate[i] == tmpl[i].first);
        BOOST_TEST(findHsmPolicy(tmpl[i].first)->policyName == tmpl[i].second);
    }
    BOOST_TEST(findHsmPolicy(17)->policyName == "Allow Korean algorithms");
    BOOST_TEST(findHsmPolicy(50)->policyName == "Allow Functionality Modules");
    BOOST_TEST(findHsmPolicy(53)->capabilityName == "Enable FM Cipher Engine Key ENcryption");
}

BOOST_AUTO_TEST_CASE(hsm_default_policies_are_the_factory_template_with_43_on_and_46_off) {
    const PolicyValues expected{{6, 0},  {7, 1},  {12, 1}, {15, 0}, {16, 1}, {17, 0}, {21, 1}, {22, 1},
                                {23, 0}, {25, 0}, {30, 1}, {33, 100}, {35, 0}, {36, 0}, {37, 0}, {38, 0},
                                {39, 0}, {40, 0}, {42, 0}, {43, 1}, {46, 0}, {47, 0}, {48, 1}, {49, 0},
                                {50, 0}, {51, 0}, {52, 0}, {53, 0}};
    BOOST_TEST(defaultHsmPolicies() == expected);
}

BOOST_AUTO_TEST_CASE(hsm_default_capabilities_complete) {
    const PolicyValues expected{{0, 1},  {1, 0},  {2, 15}, {4, 1},  {6, 0},  {7, 1},  {9, 1},  {12, 1},
                                {15, 1}, {16, 1}, {17, 0}, {18, 0}, {19, 0}, {21, 1}, {22, 1}, {23, 0},
                                {25, 0}, {27, 33554432}, {30, 1}, {33, 100}, {35, 0}, {36, 0}, {37, 0},
                                {38, 0}, {39, 1}, {40, 1}, {42, 0}, {43, 1}, {45, 0}, {46, 1}, {47, 0},
                                {48, 1}, {49, 1}, {50, 1}, {51, 1}, {52, 1}, {53, 1}};
    BOOST_TEST(defaultHsmCapabilities() == expected);
    const auto ped = defaultHsmCapabilities(AuthMethod::Ped);
    BOOST_TEST(ped.at(0) == 0u);
    BOOST_TEST(ped.at(1) == 1u);
    BOOST_TEST(ped.at(25) == 1u);   // remote PED always available on PED units
    BOOST_TEST(ped.at(37) == 1u);   // MofN only on PED units
}

// --- Partition table ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(partition_table_matches_ch17_showpolicies) {
    const auto caps = parsePartitionShow(kCh17PartitionCapabilities);
    const auto pols = parsePartitionShow(kCh17PartitionPolicies);
    const auto table = partitionPolicyTable();
    BOOST_REQUIRE_EQUAL(table.size(), 28u);
    BOOST_REQUIRE_EQUAL(caps.size(), table.size());
    BOOST_REQUIRE_EQUAL(pols.size(), table.size());
    const auto defCaps = defaultPartitionCapabilities(defaultHsmPolicies());
    const auto defPols = defaultPartitionPolicies();
    for (std::size_t i = 0; i < table.size(); ++i) {
        BOOST_TEST(table[i].id == caps[i].id);
        BOOST_TEST(table[i].capabilityName == caps[i].name);
        BOOST_TEST(table[i].capabilityDefault == caps[i].value, "capability " << caps[i].id);
        BOOST_TEST(defCaps.at(caps[i].id) == caps[i].value);
        BOOST_TEST(table[i].id == pols[i].id);
        BOOST_TEST(table[i].policyName == pols[i].name);
        BOOST_TEST(table[i].policyDefault == pols[i].value, "policy " << pols[i].id);
        BOOST_TEST(defPols.at(pols[i].id) == pols[i].value);
    }
}

BOOST_AUTO_TEST_CASE(partition_destructive_flags_are_the_template_defaults) {
    // ch.3 factory partition template "Off to on : On to off"; 37 (not in the template)
    // is On->Off per the ch.3 text; 39 follows the template (1:0).
    const std::vector<std::tuple<std::uint32_t, bool, bool>> expected{
        {0, 1, 0},  {1, 1, 0},  {2, 0, 0},  {3, 1, 0},  {4, 1, 0},  {5, 1, 0},  {6, 0, 0},
        {7, 1, 0},  {10, 1, 0}, {11, 1, 0}, {15, 1, 0}, {16, 1, 0}, {17, 0, 0}, {18, 1, 0},
        {20, 0, 0}, {21, 0, 0}, {22, 0, 0}, {23, 0, 0}, {25, 0, 0}, {26, 0, 0}, {28, 1, 0},
        {29, 1, 0}, {31, 0, 0}, {32, 0, 0}, {33, 1, 0}, {34, 1, 0}, {37, 0, 1}, {39, 1, 0}};
    const auto flags = defaultPartitionDestructiveFlags();
    BOOST_REQUIRE_EQUAL(flags.size(), expected.size());
    for (const auto& [id, offToOn, onToOff] : expected) {
        BOOST_TEST(flags.at(id).offToOn == offToOn, "policy " << id);
        BOOST_TEST(flags.at(id).onToOff == onToOff, "policy " << id);
        BOOST_TEST(findPartitionPolicy(id)->inTemplate == (id != 37));
    }
}

BOOST_AUTO_TEST_CASE(partition_capabilities_inherit_hsm_cloning_and_ped) {
    auto hsm = defaultHsmPolicies();
    hsm[7] = 0;
    const auto caps = defaultPartitionCapabilities(hsm);
    BOOST_TEST(caps.at(0) == 0u);
    BOOST_TEST(caps.at(4) == 0u);
    BOOST_TEST(caps.at(5) == 1u);
    const auto pol = defaultPartitionPolicies(hsm, caps);
    BOOST_TEST(pol.at(0) == 0u);
    BOOST_TEST(pol.at(4) == 0u);
    BOOST_TEST(pol.at(5) == 1u);

    const auto ped = defaultPartitionCapabilities(defaultHsmCapabilities(AuthMethod::Ped), defaultHsmPolicies());
    BOOST_TEST(ped.at(22) == 1u);
    BOOST_TEST(ped.at(23) == 1u);
    BOOST_TEST(defaultPartitionCapabilities(defaultHsmPolicies()).at(22) == 0u);
}

// --- HSM policy changes ------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(hsm_unknown_or_capability_only_id_is_refused, Factory) {
    BOOST_TEST(hsmCode(3, 1) == luna::rc::POLICY_ID_INVALID);
    BOOST_TEST(hsmCode(99, 0) == luna::rc::POLICY_ID_INVALID);
    BOOST_TEST(hsmCode(0, 1) == luna::rc::POLICY_ID_INVALID);   // PIN-based auth: capability only
    BOOST_TEST(hsmCode(27, 1) == luna::rc::POLICY_ID_INVALID);
}

BOOST_FIXTURE_TEST_CASE(hsm_value_limited_by_max_and_capability, Factory) {
    BOOST_TEST(hsmCode(7, 2) == luna::rc::POLICY_VALUE_INVALID);
    BOOST_TEST(hsmCode(33, 101) == luna::rc::POLICY_VALUE_INVALID);
    BOOST_TEST(hsmCode(6, 1) == luna::rc::POLICY_VALUE_INVALID);    // masking always disallowed
    BOOST_TEST(hsmCode(37, 1) == luna::rc::POLICY_VALUE_INVALID);   // MofN disallowed on password units
    BOOST_TEST(hsmCode(6, 0) == luna::rc::OK);
    hsmCaps[33] = 20;   // a licence for 20 partitions: policy <= capability
    BOOST_TEST(hsmCode(33, 21) == luna::rc::POLICY_VALUE_INVALID);
    BOOST_TEST(hsmCode(33, 20) == luna::rc::OK);
    hsmCaps.erase(12);   // a capability nobody supplied counts as disallowed
    BOOST_TEST(hsmCode(12, 1) == luna::rc::POLICY_VALUE_INVALID);
}

BOOST_FIXTURE_TEST_CASE(hsm_destructiveness_of_changes, Factory) {
    BOOST_TEST(!changeHsm(7, 0).destructive);   // cloning On->Off
    const auto cloningOn = changeHsm(7, 1);     // Off->On
    BOOST_TEST(cloningOn.destructive);
    BOOST_TEST(!cloningOn.zeroizeHsm);          // only policy 46 zeroizes
    BOOST_TEST(!changeHsm(12, 0).destructive);  // FIPS mode on
    BOOST_TEST(changeHsm(12, 1).destructive);
    BOOST_TEST(changeHsm(15, 1).destructive);
    BOOST_TEST(changeHsm(15, 0).destructive);
    BOOST_TEST(!changeHsm(16, 0).destructive);
    BOOST_TEST(!changeHsm(22, 0).destructive);
    BOOST_TEST(changeHsm(22, 1).destructive);
    BOOST_TEST(!changeHsm(33, 50).destructive);
    BOOST_TEST(!changeHsm(39, 1).destructive);
    BOOST_TEST(!changeHsm(39, 0).destructive);   // decision: disabling STC is not destructive
    BOOST_TEST(!changeHsm(40, 1).destructive);
    BOOST_TEST(changeHsm(40, 0).destructive);
    BOOST_TEST(!changeHsm(43, 0).destructive);
    BOOST_TEST(!changeHsm(48, 0).destructive);
}

BOOST_FIXTURE_TEST_CASE(hsm_same_value_is_not_destructive, Factory) {
    const auto e = changeHsm(7, 1);
    BOOST_TEST(!e.destructive);
    const auto z = changeHsm(46, 0);
    BOOST_TEST(!z.destructive);
    BOOST_TEST(!z.zeroizeHsm);
}

BOOST_FIXTURE_TEST_CASE(hsm_policy_46_zeroizes_both_ways, Factory) {
    auto on = changeHsm(46, 1);
    BOOST_TEST(on.destructive);
    BOOST_TEST(on.zeroizeHsm);
    auto off = changeHsm(46, 0);
    BOOST_TEST(off.destructive);
    BOOST_TEST(off.zeroizeHsm);
}

BOOST_FIXTURE_TEST_CASE(hsm_46_while_40_fails_dependencies_but_destroys_partitions, Factory) {
    changeHsm(40, 1);
    PolicyChangeEffect onRefusal;
    try {
        evaluateHsmPolicyChange(hsmCaps, hsm, 46, 1, &onRefusal);
        BOOST_FAIL("enabling 46 while 40 = 1 must be refused");
    } catch (const luna::Error& e) {
        BOOST_TEST(e.code() == luna::rc::CONFIG_FAILS_DEPENDENCIES);
        BOOST_TEST(e.name() == "CKR_CONFIG_FAILS_DEPENDENCIES");
    }
    BOOST_TEST(onRefusal.destructive);
    BOOST_TEST(!onRefusal.zeroizeHsm);
    // Without somewhere to report the effect the refusal is the same.
    BOOST_TEST(hsmCode(46, 1) == luna::rc::CONFIG_FAILS_DEPENDENCIES);
}

BOOST_FIXTURE_TEST_CASE(hsm_refusal_effect_is_cleared_for_other_refusals, Factory) {
    PolicyChangeEffect onRefusal{true, true};
    BOOST_TEST(codeOf([&] { evaluateHsmPolicyChange(hsmCaps, hsm, 6, 1, &onRefusal); }) ==
               luna::rc::POLICY_VALUE_INVALID);
    BOOST_TEST(!onRefusal.destructive);
    BOOST_TEST(!onRefusal.zeroizeHsm);
}

BOOST_FIXTURE_TEST_CASE(hsm_40_while_46_is_refused, Factory) {
    changeHsm(46, 1);
    PolicyChangeEffect onRefusal{true, true};
    BOOST_TEST(codeOf([&] { evaluateHsmPolicyChange(hsmCaps, hsm, 40, 1, &onRefusal); }) ==
               luna::rc::CONFIG_FAILS_DEPENDENCIES);
    BOOST_TEST(!onRefusal.destructive);   // 40 Off->On destroys nothing
    hsm[46] = 0;
    BOOST_TEST(hsmCode(40, 1) == luna::rc::OK);
}

// --- Partition policy changes ------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(partition_unknown_id_is_refused, Factory) {
    BOOST_TEST(partCode(8, 1) == luna::rc::POLICY_ID_INVALID);
    BOOST_TEST(partCode(9, 0) == luna::rc::POLICY_ID_INVALID);
    BOOST_TEST(partCode(40, 0) == luna::rc::POLICY_ID_INVALID);
}

BOOST_FIXTURE_TEST_CASE(partition_value_limited_by_max_and_capability, Factory) {
    BOOST_TEST(partCode(2, 2) == luna::rc::POLICY_VALUE_INVALID);
    BOOST_TEST(partCode(20, 256) == luna::rc::POLICY_VALUE_INVALID);
    BOOST_TEST(partCode(20, 11) == luna::rc::POLICY_VALUE_INVALID);   // capability 10
    BOOST_TEST(partCode(20, 3) == luna::rc::OK);                      // PSO may lower it
    BOOST_TEST(partCode(22, 1) == luna::rc::POLICY_VALUE_INVALID);    // activation: PED only
    BOOST_TEST(partCode(23, 1) == luna::rc::POLICY_VALUE_INVALID);
}

BOOST_FIXTURE_TEST_CASE(partition_masking_cannot_be_changed_by_pso, Factory) {
    partCaps[3] = 1;   // even a capability claiming otherwise does not help
    partCaps[7] = 1;
    BOOST_TEST(partCode(3, 1) == luna::rc::POLICY_VALUE_INVALID);
    BOOST_TEST(partCode(7, 1) == luna::rc::POLICY_VALUE_INVALID);
    BOOST_TEST(partCode(3, 0) == luna::rc::OK);
}

BOOST_FIXTURE_TEST_CASE(hsm_cloning_off_blocks_partition_cloning, Factory) {
    changePart(0, 0);
    changePart(4, 0);
    hsm[7] = 0;
    BOOST_TEST(partCode(0, 1) == luna::rc::POLICY_VALUE_INVALID);
    BOOST_TEST(partCode(4, 1) == luna::rc::POLICY_VALUE_INVALID);
    BOOST_TEST(partCode(5, 0) == luna::rc::OK);
    hsm[7] = 1;
    BOOST_TEST(partCode(0, 1) == luna::rc::OK);
    BOOST_TEST(partCode(4, 1) == luna::rc::OK);
}

BOOST_FIXTURE_TEST_CASE(partition_stc_needs_hsm_stc, Factory) {
    BOOST_TEST(partCode(37, 1) == luna::rc::POLICY_VALUE_INVALID);   // HSM 39 defaults Off
    hsm[39] = 1;
    BOOST_TEST(!changePart(37, 1).destructive);
    BOOST_TEST(changePart(37, 0).destructive);   // ch.3: ON-to-OFF
}

BOOST_FIXTURE_TEST_CASE(private_key_cloning_and_wrapping_are_exclusive, Factory) {
    // Default is Cloning mode (P0 = 1, P1 = 0).
    BOOST_TEST(partCode(1, 1) == luna::rc::CONFIG_FAILS_DEPENDENCIES);
    // ch.9: to Key Export mode, P0 = 0 first, then P1 = 1.
    BOOST_TEST(!changePart(0, 0).destructive);
    BOOST_TEST(changePart(1, 1).destructive);
    BOOST_TEST(partCode(0, 1) == luna::rc::CONFIG_FAILS_DEPENDENCIES);
    // Back to Cloning mode: P1 = 0, then P0 = 1.
    BOOST_TEST(!changePart(1, 0).destructive);
    BOOST_TEST(changePart(0, 1).destructive);
}

BOOST_FIXTURE_TEST_CASE(partition_destructiveness_uses_the_partition_flags, Factory) {
    BOOST_TEST(!changePart(10, 0).destructive);
    BOOST_TEST(changePart(10, 1).destructive);
    BOOST_TEST(!changePart(2, 0).destructive);
    BOOST_TEST(changePart(39, 1).destructive);   // template 39 = 1:0
    BOOST_TEST(!changePart(39, 0).destructive);
    flags[10] = {false, false};
    flags[2] = {false, true};
    BOOST_TEST(!changePart(10, 0).destructive);
    BOOST_TEST(!changePart(10, 1).destructive);
    BOOST_TEST(!changePart(2, 1).destructive);
    BOOST_TEST(changePart(2, 0).destructive);
    BOOST_TEST(!changePart(20, 5).destructive);   // numeric, flags 0:0
}

BOOST_FIXTURE_TEST_CASE(partition_policy_1_off_to_on_always_destructive, Factory) {
    flags[1] = {false, false};
    changePart(0, 0);
    BOOST_TEST(changePart(1, 1).destructive);
}

BOOST_FIXTURE_TEST_CASE(partition_same_value_is_not_destructive, Factory) {
    flags[0] = {true, true};
    BOOST_TEST(!changePart(0, 1).destructive);
    BOOST_TEST(!changePart(1, 0).destructive);
}

BOOST_FIXTURE_TEST_CASE(min_pin_length_inverted_encoding, Factory) {
    BOOST_TEST(minimumPinLength(part) == 8u);   // 256 - 248
    BOOST_TEST(maximumPinLength(part) == 255u);
    BOOST_TEST(minimumPinLength({}) == 8u);      // factory default when absent
    BOOST_TEST(changePart(25, 246).destructive == false);
    BOOST_TEST(minimumPinLength(part) == 10u);   // ch.3 example: 256 - 10 = 246
    // The minimum may only get stricter than the absolute 8: 249 would mean 7.
    BOOST_TEST(partCode(25, 249) == luna::rc::POLICY_VALUE_INVALID);
    BOOST_TEST(partCode(25, 248) == luna::rc::OK);
}

BOOST_FIXTURE_TEST_CASE(max_pin_length_stays_above_minimum, Factory) {
    BOOST_TEST(partCode(26, 256) == luna::rc::POLICY_VALUE_INVALID);
    BOOST_TEST(partCode(26, 8) == luna::rc::CONFIG_FAILS_DEPENDENCIES);   // == minimum 8
    BOOST_TEST(partCode(26, 9) == luna::rc::OK);
    changePart(26, 20);
    BOOST_TEST(maximumPinLength(part) == 20u);
    BOOST_TEST(partCode(25, 236) == luna::rc::CONFIG_FAILS_DEPENDENCIES);   // minimum 20
    BOOST_TEST(partCode(25, 237) == luna::rc::OK);                          // minimum 19
    BOOST_TEST(partCode(25, 0) == luna::rc::CONFIG_FAILS_DEPENDENCIES);     // minimum 256
}
