#define BOOST_TEST_MODULE init_templates
// Policy templates applied at init (ch.3): an HSM template at hard init, a partition
// template at partition init; a bad template changes nothing. And a new partition's
// policies never start above what its HSM allows.
#include "hsm_test_support.h"

#include "hsm/policy.h"

using namespace luna::hsm;
using namespace luna::hsm::test;
namespace rc = luna::rc;

namespace {
std::uint32_t hsmPolicy(const Hsm& hsm, std::uint32_t id) {
    for (const auto& r : hsm.hsmPolicies())
        if (r.def->id == id) return r.value;
    BOOST_FAIL("no HSM policy " << id);
    return 0;
}
std::uint32_t partitionPolicy(const Hsm& hsm, const std::string& ref, std::uint32_t id) {
    for (const auto& r : hsm.partitionPolicies(ref))
        if (r.def->id == id) return r.value;
    BOOST_FAIL("no partition policy " << id);
    return 0;
}
} // namespace

BOOST_AUTO_TEST_CASE(hard_init_applies_an_exported_and_edited_hsm_template) {
    HsmEnv env;
    std::string tmpl = env->exportHsmTemplate();
    // Edit as an admin would: FIPS mode (12 = 0) and SO reset of partition PIN (15 = 1).
    auto edit = [&](std::string_view from, std::string_view to) {
        auto at = tmpl.find(from);
        BOOST_REQUIRE_MESSAGE(at != std::string::npos, "template lacks " << from);
        tmpl.replace(at, from.size(), to);
    };
    edit("12:\"Allow non-FIPS algorithms\":1", "12:\"Allow non-FIPS algorithms\":0");
    edit("15:\"SO can reset partition PIN\":0", "15:\"SO can reset partition PIN\":1");
    BOOST_TEST(env->init("a", kLabel, kSoPassword, kDomain, std::string_view(tmpl)));
    BOOST_TEST(hsmPolicy(*env, 12) == 0u);
    BOOST_TEST(hsmPolicy(*env, 15) == 1u);
    BOOST_TEST(env->info().fipsMode);
    BOOST_TEST(hsmPolicy(*env, 7) == 1u);   // untouched lines keep their factory values
}

BOOST_AUTO_TEST_CASE(a_bad_hsm_template_leaves_the_hsm_zeroized) {
    HsmEnv env;
    std::string tmpl = env->exportHsmTemplate();
    tmpl += "33:\"Current maximum number of partitions\":101\n";   // above capability
    LUNA_CHECK_ERROR(env->init("a", kLabel, kSoPassword, kDomain, std::string_view(tmpl)), rc::TEMPLATE_INVALID);
    BOOST_TEST(env->info().status == "Zeroized");
    LUNA_CHECK_ERROR(env->init("a", kLabel, kSoPassword, kDomain, std::string_view("not a template")),
                     rc::TEMPLATE_INVALID);
    BOOST_TEST(!env->info().initialized);
}

BOOST_AUTO_TEST_CASE(partition_init_applies_a_partition_template) {
    HsmEnv env;
    initAndLogin(*env, "so");
    auto serial = env->createPartition("so", "p1", std::nullopt, false);
    std::string tmpl = env->exportPartitionTemplate(serial);
    // Key Export mode (ch.9): cloning off, wrapping on.
    auto set = [&](std::string_view from, std::string_view to) {
        auto at = tmpl.find(from);
        BOOST_REQUIRE_MESSAGE(at != std::string::npos, "template lacks " << from);
        tmpl.replace(at, from.size(), to);
    };
    set("0:\"Allow private key cloning\":1", "0:\"Allow private key cloning\":0");
    set("1:\"Allow private key wrapping\":0", "1:\"Allow private key wrapping\":1");
    env->initPartition("po", serial, "p1label", kPsoPin, kPartitionDomain, std::string_view(tmpl));
    BOOST_TEST(partitionPolicy(*env, serial, 0) == 0u);
    BOOST_TEST(partitionPolicy(*env, serial, 1) == 1u);
    BOOST_TEST(env->showPartition(serial).initialized);
}

BOOST_AUTO_TEST_CASE(a_bad_partition_template_leaves_the_partition_uninitialized) {
    HsmEnv env;
    initAndLogin(*env, "so");
    auto serial = env->createPartition("so", "p1", std::nullopt, false);
    std::string tmpl = env->exportPartitionTemplate(serial);
    auto at = tmpl.find("1:\"Allow private key wrapping\":0");
    BOOST_REQUIRE(at != std::string::npos);
    tmpl.replace(at, 32, "1:\"Allow private key wrapping\":1");   // with 0 = 1 too: P0 = P1 = 1
    BOOST_CHECK_THROW(env->initPartition("po", serial, "p1label", kPsoPin, kPartitionDomain, std::string_view(tmpl)),
                      luna::Error);
    BOOST_TEST(!env->showPartition(serial).initialized);
}

BOOST_AUTO_TEST_CASE(new_partitions_start_no_higher_than_the_hsm_allows) {
    HsmEnv env;
    initAndLogin(*env, "so");
    env->changeHsmPolicy("so", 7, 0);   // no cloning on this HSM (destructive: no partitions yet)
    auto serial = env->createPartition("so", "p1", std::nullopt, false);
    BOOST_TEST(partitionPolicy(*env, serial, 0) == 0u);   // private key cloning
    BOOST_TEST(partitionPolicy(*env, serial, 4) == 0u);   // secret key cloning
    BOOST_TEST(partitionPolicy(*env, serial, 5) == 1u);   // wrapping unaffected
}
