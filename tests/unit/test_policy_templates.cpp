#define BOOST_TEST_MODULE policy_templates
// Policy template export/parse against the ch.3 samples and each ch.3 failure case.
#include <boost/test/unit_test.hpp>

#include "hsm/policy.h"
#include "luna/errors.h"

#include <string>

using namespace luna::hsm;

namespace {

// ch.3 "HSM Policy Template Example", verbatim (factory defaults as the guide prints them).
const std::string kSeedHsmTemplate = R"TPL(# Policy template FW Version 7.1.0
# Field format - Policy ID:Policy Description:Policy Value
# Sourced from HSM: myLunaHSM, SN: 66331

6:"Allow masking":0
7:"Allow cloning":1
12:"Allow non-FIPS algorithms":1
15:"SO can reset partition PIN":0
16:"Allow network replication":1
21:"Force user PIN change after set/reset":1
22:"Allow offboard storage":1
23:"Allow partition groups":0
25:"Allow remote PED usage":0
30:"Allow unmasking":1
33:"Current maximum number of partitions":100
35:"Force Single Domain":0
36:"Allow Unified PED Key":0
37:"Allow MofN":0
38:"Allow small form factor backup/restore":0
39:"Allow Secure Trusted Channel":0
40:"Decommission on tamper":0
42:"Allow partition re-initialize":0
43:"Allow low level math acceleration":0
46:"Disable Decommission":1
47:"Allow Tunnel Slot":0
48:"Do Controlled Tamper Recovery":1
)TPL";

// ch.3 "Partition Policy Template Example", verbatim (the PDF wraps the field-format line).
const std::string kSeedPartitionTemplate = R"TPL(# Policy template FW Version 7.1.0
# Field format - Policy ID:Policy Description:Policy Value:Off to on destructive:On to off destructive
# Sourced from partition: myPartition1, SN: 154438865290

0:"Allow private key cloning":1:1:0
1:"Allow private key wrapping":0:1:0
2:"Allow private key unwrapping":1:0:0
3:"Allow private key masking":0:1:0
4:"Allow secret key cloning":1:1:0
5:"Allow secret key wrapping":1:1:0
6:"Allow secret key unwrapping":1:0:0
7:"Allow secret key masking":0:1:0
10:"Allow multipurpose keys":1:1:0
11:"Allow changing key attributes":1:1:0
15:"Ignore failed challenge responses":1:1:0
16:"Operate without RSA blinding":1:1:0
17:"Allow signing with non-local keys":1:0:0
18:"Allow raw RSA operations":1:1:0
20:"Max failed user logins allowed":10:0:0
21:"Allow high availability recovery":1:0:0
22:"Allow activation":0:0:0
23:"Allow auto-activation":0:0:0
25:"Minimum pin length (inverted 255 - min)":248:0:0
26:"Maximum pin length":255:0:0
28:"Allow Key Management Functions":1:1:0
29:"Perform RSA signing without confirmation":1:1:0
31:"Allow private key unmasking":1:0:0
32:"Allow secret key unmasking":1:0:0
33:"Allow RSA PKCS mechanism":1:1:0
34:"Allow CBC-PAD (un)wrap keys of any size":1:1:0
39:"Allow Start/End Date Attributes":0:1:0
)TPL";

const std::string kPartitionHeader =
    "# Policy template FW Version 7.1.0\n"
    "# Field format - Policy ID:Policy Description:Policy Value:Off to on destructive:On to off destructive\n";
const std::string kHsmHeader =
    "# Policy template FW Version 7.1.0\n"
    "# Field format - Policy ID:Policy Description:Policy Value\n";

std::string replaceLine(std::string text, const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    BOOST_REQUIRE(pos != std::string::npos);
    return text.replace(pos, from.size(), to);
}

// Parse, expecting TEMPLATE_INVALID; returns the detail.
template <typename F>
std::string templateError(F&& parse) {
    try {
        parse();
    } catch (const luna::Error& e) {
        BOOST_TEST(e.code() == luna::rc::TEMPLATE_INVALID);
        return e.detail();
    }
    BOOST_FAIL("the template was accepted");
    return {};
}

struct Unit {
    PolicyValues hsmCaps = defaultHsmCapabilities();
    PolicyValues hsm = defaultHsmPolicies();
    PolicyValues partCaps = defaultPartitionCapabilities(defaultHsmPolicies());

    PartitionTemplate parsePartition(const std::string& text) { return parsePartitionTemplate(text, hsm, partCaps); }
    std::string partitionError(const std::string& text) {
        return templateError([&] { parsePartition(text); });
    }
    std::string hsmError(const std::string& text) {
        return templateError([&] { parseHsmTemplate(text, hsmCaps); });
    }
};

} // namespace

// --- Export ------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(partition_export_of_factory_defaults_is_the_ch3_sample) {
    BOOST_TEST(exportPartitionTemplate(defaultPartitionPolicies(), defaultPartitionDestructiveFlags(), "myPartition1",
                                       "154438865290") == kSeedPartitionTemplate);
}

BOOST_AUTO_TEST_CASE(hsm_export_of_factory_defaults_is_the_ch3_sample_with_43_on_46_off) {
    std::string expected = replaceLine(kSeedHsmTemplate, "43:\"Allow low level math acceleration\":0",
                                       "43:\"Allow low level math acceleration\":1");
    expected = replaceLine(expected, "46:\"Disable Decommission\":1", "46:\"Disable Decommission\":0");
    BOOST_TEST(exportHsmTemplate(defaultHsmPolicies(), "myLunaHSM", "66331") == expected);
}

BOOST_AUTO_TEST_CASE(export_from_uninitialized_leaves_source_blank) {
    const auto hsm = exportHsmTemplate(defaultHsmPolicies(), "", "");
    BOOST_TEST(hsm.find("\n# Sourced from HSM:\n\n6:") != std::string::npos);
    const auto part = exportPartitionTemplate(defaultPartitionPolicies(), {}, "", "");
    BOOST_TEST(part.find("\n# Sourced from partition:\n\n0:") != std::string::npos);
    BOOST_TEST(exportHsmTemplate({}, "x", "1", "7.2.0").starts_with("# Policy template FW Version 7.2.0\n"));
}

// --- Round trips -------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(hsm_round_trip, Unit) {
    auto policies = defaultHsmPolicies();
    policies[7] = 0;
    policies[12] = 0;
    policies[33] = 42;
    policies[40] = 1;
    const auto parsed = parseHsmTemplate(exportHsmTemplate(policies, "myLunaHSM", "66331"), hsmCaps);
    BOOST_TEST(parsed.policies == policies);
}

BOOST_FIXTURE_TEST_CASE(partition_round_trip_keeps_values_and_flags, Unit) {
    auto policies = defaultPartitionPolicies();
    policies[0] = 0;
    policies[1] = 1;
    policies[20] = 5;
    policies[25] = 246;
    policies[26] = 64;
    auto flags = defaultPartitionDestructiveFlags();
    flags[0] = {false, false};
    flags[2] = {true, true};
    const auto parsed = parsePartition(exportPartitionTemplate(policies, flags, "p", "1"));
    BOOST_TEST(parsed.policies == policies);
    for (const auto& [id, f] : flags) {
        BOOST_TEST(parsed.flags.at(id).offToOn == f.offToOn, "policy " << id);
        BOOST_TEST(parsed.flags.at(id).onToOff == f.onToOff, "policy " << id);
    }
}

BOOST_FIXTURE_TEST_CASE(seed_samples_apply, Unit) {
    const auto hsmT = parseHsmTemplate(kSeedHsmTemplate, hsmCaps);
    BOOST_TEST(hsmT.policies.at(46) == 1u);   // the guide's sample disables decommission
    BOOST_TEST(hsmT.policies.at(43) == 0u);
    BOOST_TEST(hsmT.policies.at(33) == 100u);
    const auto partT = parsePartition(kSeedPartitionTemplate);
    BOOST_TEST(partT.policies == defaultPartitionPolicies());
    BOOST_TEST(partT.flags.at(1).offToOn);
    BOOST_TEST(partT.flags.at(37).onToOff);   // not in templates: keeps its factory flags
}

// --- Matching rules ----------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(policies_match_on_id_not_description, Unit) {
    const auto t = parseHsmTemplate(kHsmHeader + "7:\"anything at all\":0\n12:Allow non-FIPS algorithms:0\n", hsmCaps);
    BOOST_TEST(t.policies.at(7) == 0u);
    BOOST_TEST(t.policies.at(12) == 0u);
}

BOOST_FIXTURE_TEST_CASE(commented_or_deleted_lines_take_the_default, Unit) {
    // ch.9 Key Export mode, with everything else commented out or deleted.
    const auto t = parsePartition(kPartitionHeader +
                                  "#10:\"Allow multipurpose keys\":0:1:0\n"
                                  "0:\"Allow private key cloning\":0:1:0\n"
                                  "1:\"Allow private key wrapping\":1:1:0  \r\n");
    BOOST_TEST(t.policies.at(0) == 0u);
    BOOST_TEST(t.policies.at(1) == 1u);
    BOOST_TEST(t.policies.at(10) == 1u);
    BOOST_TEST(t.flags.at(10).offToOn);
    BOOST_TEST(t.policies.at(20) == 10u);
    BOOST_TEST(t.policies.size() == partitionPolicyTable().size());

    const auto h = parseHsmTemplate(kHsmHeader + "# 7:\"Allow cloning\":0\n", hsmCaps);
    BOOST_TEST(h.policies == defaultHsmPolicies());
}

BOOST_FIXTURE_TEST_CASE(omitted_cloning_policies_follow_hsm_cloning_off, Unit) {
    hsm[7] = 0;
    partCaps = defaultPartitionCapabilities(hsm);
    const auto t = parsePartition(kPartitionHeader);
    BOOST_TEST(t.policies.at(0) == 0u);
    BOOST_TEST(t.policies.at(4) == 0u);
}

// --- Failures ----------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(older_6x_templates_are_rejected, Unit) {
    auto v6 = replaceLine(kSeedPartitionTemplate, "FW Version 7.1.0", "FW Version 6.28.0");
    BOOST_TEST(partitionError(v6) ==
               "Policy templates from older Luna versions (6.x or earlier) cannot be applied to Luna 7.x HSMs "
               "or partitions.");
    auto hsm6 = replaceLine(kSeedHsmTemplate, "FW Version 7.1.0", "FW Version 6.10.9");
    BOOST_TEST(hsmError(hsm6).find("6.x") != std::string::npos);
    BOOST_TEST(partitionError("0:\"Allow private key cloning\":1:1:0\n").find("header is missing") !=
               std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(private_key_cloning_and_wrapping_both_on_fails, Unit) {
    const auto text = replaceLine(kSeedPartitionTemplate, "1:\"Allow private key wrapping\":0:1:0",
                                  "1:\"Allow private key wrapping\":1:1:0");
    BOOST_TEST(partitionError(text) ==
               "Partition policies 0 (Allow private key cloning) and 1 (Allow private key wrapping) cannot both "
               "be set to 1.\nNo initialization was performed.");
}

BOOST_FIXTURE_TEST_CASE(policy_1_off_to_on_flag_must_be_1, Unit) {
    const auto text = replaceLine(kSeedPartitionTemplate, "1:\"Allow private key wrapping\":0:1:0",
                                  "1:\"Allow private key wrapping\":0:0:0");
    BOOST_TEST(partitionError(text) ==
               "Partition policy 1 (Allow private key wrapping) must have Off to on destructive set to 1.\n"
               "No initialization was performed.");
}

BOOST_FIXTURE_TEST_CASE(values_above_capability_use_the_ch3_message, Unit) {
    auto text = replaceLine(kSeedPartitionTemplate, "3:\"Allow private key masking\":0:1:0",
                            "3:\"Allow private key masking\":1:1:0");
    text = replaceLine(text, "7:\"Allow secret key masking\":0:1:0", "7:\"Allow secret key masking\":1:1:0");
    text = replaceLine(text, "23:\"Allow auto-activation\":0:0:0", "23:\"Allow auto-activation\":1:0:0");
    BOOST_TEST(partitionError(text) ==
               "The following values from the PPT are not compatible with the current hsm capabilities:\n"
               "3: Allow private key masking: 1 (Capability: 0)\n"
               "7: Allow secret key masking: 1 (Capability: 0)\n"
               "23: Allow auto-activation: 1 (Capability: 0)\n"
               "No initialization was performed.");
}

BOOST_FIXTURE_TEST_CASE(out_of_range_values_fail, Unit) {
    BOOST_TEST(partitionError(kPartitionHeader + "20:\"Max failed user logins allowed\":300:0:0\n") ==
               "The following values from the PPT are not compatible with the current hsm capabilities:\n"
               "20: Max failed user logins allowed: 300 (Capability: 10)\n"
               "No initialization was performed.");
    BOOST_TEST(partitionError(kPartitionHeader + "2:\"Allow private key unwrapping\":2:0:0\n").find(
                   "2: Allow private key unwrapping: 2 (Capability: 1)") != std::string::npos);
    BOOST_TEST(partitionError(kPartitionHeader + "25:\"Minimum pin length\":249:0:0\n").find(
                   "(Capability: 248)") != std::string::npos);
    BOOST_TEST(partitionError(kPartitionHeader + "2:\"Allow private key unwrapping\":1:2:0\n").find(
                   "destructiveness must be 0 or 1") != std::string::npos);
    BOOST_TEST(partitionError(kPartitionHeader + "2:\"Allow private key unwrapping\":on:0:0\n").find(
                   "is not a number") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(partition_cloning_above_hsm_policy_fails, Unit) {
    hsm[7] = 0;
    BOOST_TEST(partitionError(kPartitionHeader + "4:\"Allow secret key cloning\":1:1:0\n").find(
                   "4: Allow secret key cloning: 1 (Capability: 0)") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(pin_lengths_must_leave_max_above_min, Unit) {
    const auto text = kPartitionHeader + "25:\"Minimum pin length\":236:0:0\n26:\"Maximum pin length\":20:0:0\n";
    BOOST_TEST(partitionError(text).find("policy 26") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(unsupported_ids_are_reported_and_init_fails, Unit) {
    BOOST_TEST(partitionError(kPartitionHeader + "9:\"Something\":1:0:0\n") ==
               "The following policies are not supported. Unsupported values will be ignored.\n"
               "9: Unsupported policy");
    // 37 exists on partitions but is never in a template (ch.3: templates and STC exclude each other).
    BOOST_TEST(partitionError(kPartitionHeader + "37:\"Force Secure Trusted Channel\":0:0:1\n") ==
               "The following policies are not supported. Unsupported values will be ignored.\n"
               "37: Unsupported policy");
    BOOST_TEST(hsmError(kHsmHeader + "17:\"Allow Korean algorithms\":0\n99:\"x\":0\n") ==
               "The following policies are not supported. Unsupported values will be ignored.\n"
               "17: Unsupported policy\n99: Unsupported policy");
    BOOST_TEST(hsmError(kHsmHeader + "27:\"storage\":0\n").find("27: Unsupported policy") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(hsm_template_value_checks, Unit) {
    BOOST_TEST(hsmError(kHsmHeader + "6:\"Allow masking\":1\n33:\"Current maximum number of partitions\":101\n") ==
               "The following values from the HPT are not compatible with the current hsm capabilities:\n"
               "6: Allow masking: 1 (Capability: 0)\n"
               "33: Current maximum number of partitions: 101 (Capability: 100)\n"
               "No initialization was performed.");
    const auto both =
        replaceLine(kSeedHsmTemplate, "40:\"Decommission on tamper\":0", "40:\"Decommission on tamper\":1");
    BOOST_TEST(hsmError(both) ==
               "HSM policies 40 (Decommission on tamper) and 46 (Disable Decommission) cannot both be set to 1.\n"
               "No initialization was performed.");
}

BOOST_FIXTURE_TEST_CASE(malformed_lines_are_rejected, Unit) {
    // HSM destructiveness cannot be edited: a partition-style line is malformed.
    BOOST_TEST(hsmError(kHsmHeader + "7:\"Allow cloning\":1:1:0\n").find("Line 3") != std::string::npos);
    BOOST_TEST(partitionError(kPartitionHeader + "0:\"Allow private key cloning\":1\n").find("Line 3") !=
               std::string::npos);
    BOOST_TEST(hsmError(kHsmHeader + "7:\"Allow cloning:1\n").find("unterminated") != std::string::npos);
    BOOST_TEST(hsmError(kHsmHeader + "7:\"Allow cloning\":1\n7:\"Allow cloning\":0\n").find("more than once") !=
               std::string::npos);
    BOOST_TEST(hsmError(kHsmHeader + "seven:\"Allow cloning\":1\n").find("Line 3") != std::string::npos);
}
