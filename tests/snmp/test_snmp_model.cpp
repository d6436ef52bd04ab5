// The SNMP view of a snapshot (daemons/snmp/mib_model.h), without an agent or a bus.
#define BOOST_TEST_MODULE snmp_model
#include <boost/test/unit_test.hpp>

#include "mib_model.h"

#include <algorithm>
#include <set>

#include <ostream>

namespace luna::snmp {
std::ostream& operator<<(std::ostream& os, const Value& v) {
    if (v.syntax == Syntax::OctetString) return os << '"' << v.text << '"';
    return os << "syntax " << static_cast<int>(v.syntax) << ": " << v.signedNumber();
}
} // namespace luna::snmp

using namespace luna::snmp;

namespace {

const TableDef& table(std::string_view name) {
    for (const auto& t : tables())
        if (t.name == name) return t;
    throw std::runtime_error("no table " + std::string(name));
}

Value scalar(std::string_view name, const Snapshot& s) {
    for (const auto& d : scalars())
        if (d.name == name) return d.value(s);
    throw std::runtime_error("no scalar " + std::string(name));
}

Snapshot sample() {
    Snapshot s;
    s.softwareVersion = "7.2.0-test";
    HsmState h;
    h.serial = "66331";
    h.label = "sa7pw";
    h.model = "Luna K7";
    h.firmware = "7.2.0";
    h.authenticationMethod = "Password";
    h.maxPartitions = 20;
    h.partitionCount = 2;
    h.storageTotal = 33554432;
    h.storageUsed = 1000;
    h.storageFree = 33553432;
    h.soLoginAttemptsLeft = 3;
    h.policiesKnown = true;
    h.policies = {{2, "Performance level", 15, "", 0},
                  {7, "Enable cloning", 1, "Allow cloning", 1},
                  {25, "Enable remote PED usage", 0, "Allow remote PED usage", 0},
                  {33, "Maximum number of partitions", 100, "Current maximum number of partitions", 100}};
    PartitionState p{"66331008", "part1", "", 3, 5000, 1000, 4000, {{22, "Enable activation", 1, "Allow activation", 1},
                                                                    {25, "Minimum pin length (inverted: 255 - min)", 248,
                                                                     "Minimum pin length (inverted: 255 - min)", 248}}};
    h.partitions = {p};
    s.hsm = h;
    return s;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_table_and_scalar_has_a_distinct_oid_under_the_published_arcs) {
    std::set<Oid> seen;
    for (const auto& t : tables()) {
        BOOST_TEST(seen.insert(t.oid).second);
        BOOST_TEST(t.indexSyntax.size() == t.indexMaxLength.size());
    }
    for (const auto& s : scalars()) BOOST_TEST(seen.insert(s.oid).second);
    BOOST_TEST(tables().size() == 7u);
    BOOST_TEST(scalars().size() == 10u);
    const Oid requests{1, 3, 6, 1, 4, 1, 12383, 3, 1, 1, 1};
    const Oid hsmTable{1, 3, 6, 1, 4, 1, 23629, 1, 5, 1, 2};
    BOOST_TEST((scalars()[0].oid == requests));
    BOOST_TEST((table("hsmTable").oid == hsmTable));
}

BOOST_AUTO_TEST_CASE(no_hsm_means_empty_hsm_tables_and_zero_counters) {
    Snapshot s;
    for (const auto& t : tables()) BOOST_TEST(validRows(t, s).empty());
    BOOST_TEST(scalar("hsmOperationRequests", s) == Value::counter64(0));
    BOOST_TEST(scalar("ntlsOperStatus", s) == Value::integer(mib::kNtlsNotRunning));
    BOOST_TEST(scalar("hsmCriticalEvents", s) == Value::counter64(0));
}

BOOST_AUTO_TEST_CASE(hsm_row_maps_the_daemon_state) {
    const auto rows = validRows(table("hsmTable"), sample());
    BOOST_TEST_REQUIRE(rows.size() == 1u);
    const auto& c = rows[0].columns;
    BOOST_TEST_REQUIRE(c.size() == 21u);
    BOOST_TEST(rows[0].index[0].text == "66331");
    BOOST_TEST(c[2].text == "sa7pw");
    BOOST_TEST(c[4] == Value::integer(mib::kAuthPassword));
    BOOST_TEST(c[5] == Value::integer(mib::kRpvNotSupported));   // capability 25 (remote PED) is off
    BOOST_TEST(c[6] == Value::integer(mib::kFalse));
    BOOST_TEST(c[7] == Value::integer(15));
    BOOST_TEST(c[11] == Value::unsigned32(20));
    BOOST_TEST(c[13] == Value::unsigned32(18));
    BOOST_TEST(c[14] == Value::integer(mib::kBackupCloning));
    BOOST_TEST(c[15] == Value::counter32(3));
    BOOST_TEST(c[16] == Value::integer(mib::kAuditNo));
}

BOOST_AUTO_TEST_CASE(rpv_backup_and_free_partitions_edge_cases) {
    Snapshot s = sample();
    s.hsm->authenticationMethod = "PED Keys";
    s.hsm->policies[2].capabilityValue = 1;   // remote PED allowed
    s.hsm->rpvInitialized = true;
    s.hsm->policies[1].policyValue = 0;       // cloning not allowed by policy
    s.hsm->partitionCount = 25;               // more than the maximum: free stays 0
    auto c = validRows(table("hsmTable"), s)[0].columns;
    BOOST_TEST(c[4] == Value::integer(mib::kAuthPed));
    BOOST_TEST(c[5] == Value::integer(mib::kRpvInitialized));
    BOOST_TEST(c[14] == Value::integer(mib::kBackupNone));
    BOOST_TEST(c[13] == Value::unsigned32(0));
    s.hsm->policiesKnown = false;
    c = validRows(table("hsmTable"), s)[0].columns;
    BOOST_TEST(c[14] == Value::integer(mib::kBackupUnknown));
}

BOOST_AUTO_TEST_CASE(policy_rows_are_typed_and_rendered_as_showpolicies) {
    const auto rows = validRows(table("hsmPolicyTable"), sample());
    // 4 capabilities, 3 of which have a policy.
    BOOST_TEST_REQUIRE(rows.size() == 7u);
    auto find = [&](std::int64_t type, std::uint32_t id) {
        return *std::ranges::find_if(rows, [&](const Row& r) {
            return r.columns[0] == Value::integer(type) && r.columns[1] == Value::unsigned32(id);
        });
    };
    BOOST_TEST(find(mib::kCapability, 7).columns[3].text == "Allowed");
    BOOST_TEST(find(mib::kPolicy, 7).columns[3].text == "On");
    BOOST_TEST(find(mib::kCapability, 25).columns[3].text == "Disallowed");
    BOOST_TEST(find(mib::kCapability, 2).columns[3].text == "15");
    BOOST_TEST(find(mib::kPolicy, 33).columns[3].text == "100");
    BOOST_TEST(find(mib::kPolicy, 33).index.size() == 3u);
}

BOOST_AUTO_TEST_CASE(partition_rows_and_their_policies) {
    const auto parts = validRows(table("hsmPartitionTable"), sample());
    BOOST_TEST_REQUIRE(parts.size() == 1u);
    BOOST_TEST(parts[0].columns[1].text == "part1");                    // no label yet: the name
    BOOST_TEST(parts[0].columns[2] == Value::integer(mib::kTrue));      // policy 22 on
    BOOST_TEST(parts[0].columns[6] == Value::unsigned32(3));
    const auto pol = validRows(table("hsmPartitionPolicyTable"), sample());
    BOOST_TEST(pol.size() == 4u);
    BOOST_TEST(pol[1].columns[3].text == "248");
    BOOST_TEST(pol[1].index.size() == 4u);
}

BOOST_AUTO_TEST_CASE(licenses_derived_until_hsmd_publishes_them) {
    Snapshot s = sample();
    auto rows = validRows(table("hsmLicenseTable"), s);
    BOOST_TEST(rows.size() == 4u);   // base, partitions (100), performance (15), cloning
    BOOST_TEST(rows[1].columns[1].text == "Maximum 100 partitions");
    s.hsm->licenses = std::vector<LicenseState>{{"621000046-002", "Maximum 100 partitions"}};
    rows = validRows(table("hsmLicenseTable"), s);
    BOOST_TEST_REQUIRE(rows.size() == 1u);
    BOOST_TEST(rows[0].index[1].text == "621000046-002");
}

BOOST_AUTO_TEST_CASE(overlong_or_empty_index_strings_are_left_out) {
    Snapshot s = sample();
    s.clients = {{"client-a", "10.0.0.1", {{"66331", "66331008"}}},
                 {std::string(65, 'x'), "10.0.0.2", {}},
                 {"", "10.0.0.3", {}}};
    std::size_t dropped = 0;
    const auto rows = validRows(table("hsmClientRegistrationTable"), s, &dropped);
    BOOST_TEST(rows.size() == 1u);
    BOOST_TEST(dropped == 2u);
    BOOST_TEST(rows[0].columns[2] == Value::integer(mib::kFalse));             // no HTL in 7.x
    BOOST_TEST(rows[0].columns[3] == Value::integer(mib::kOttNotProvisioned));
    BOOST_TEST(validRows(table("hsmClientPartitionAssignmentTable"), s).size() == 1u);
}

BOOST_AUTO_TEST_CASE(values_clamp_to_32_bits_where_the_mib_says_so) {
    BOOST_TEST(Value::unsigned32(1ull << 40).number == 0xffffffffu);
    BOOST_TEST(Value::counter64(1ull << 40).number == 1ull << 40);
    BOOST_TEST(Value::integer(-1).signedNumber() == -1);
}
