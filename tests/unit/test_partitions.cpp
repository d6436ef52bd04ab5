#define BOOST_TEST_MODULE partitions
// Partitions against the seed's ch.10 (digest req-10 §1.1, §3.1, §3.2): sizes and the HSM's
// storage accounting, the licence limit, create/resize/rename/delete, names, the "four
// equal partitions" recipe, and who may create, read and destroy objects.
#include "hsm_test_support.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

using namespace luna::hsm;
using namespace luna::hsm::test;
namespace rc = luna::rc;

namespace {

const SessionId kAdmin = "admin";

struct Initialized {
    explicit Initialized(std::uint32_t licensed = 20, std::uint64_t storage = 33554432) : env(licensed, storage) {
        initAndLogin(*env, kAdmin);
    }
    std::string create(const std::string& name, std::optional<std::uint64_t> size = std::nullopt) {
        return env->createPartition(kAdmin, name, size, false);
    }
    HsmInfo info() { return env->info(); }
    HsmEnv env;
};

std::uint64_t defaultShare(std::uint64_t storage, std::uint32_t licensed) {
    return storage / licensed - kPartitionOverheadBytes;
}

} // namespace

// ---- sizes and storage accounting (ch.10, digest §3.1) ------------------------------------------

BOOST_AUTO_TEST_SUITE(sizes)

BOOST_AUTO_TEST_CASE(default_size_is_an_equal_share_of_storage) {
    Initialized f;
    const auto i0 = f.info();
    BOOST_TEST(i0.storageTotal == 33554432u);
    BOOST_TEST(i0.storageUsed == 0u);
    BOOST_TEST(i0.storageFree == 33554432u);
    BOOST_TEST(i0.partitionCount == 0u);
    BOOST_TEST(i0.maxPartitions == 20u);

    f.create("p1");
    const auto p = f.env->showPartition("p1");
    BOOST_TEST(p.totalBytes == 1668505u);   // 33554432 / 20 - 9216
    BOOST_TEST(p.usedBytes == 0u);
    BOOST_TEST(p.freeBytes() == p.totalBytes);
    BOOST_TEST(p.objectCount == 0u);
    const auto i1 = f.info();
    BOOST_TEST(i1.partitionCount == 1u);
    BOOST_TEST(i1.storageUsed == p.totalBytes + kPartitionOverheadBytes);
    BOOST_TEST(i1.storageFree == i1.storageTotal - i1.storageUsed);
}

BOOST_AUTO_TEST_CASE(default_share_follows_the_licence_and_storage) {
    // ch.10's example: 16 MB over 10 licences
    Initialized f(10, 16777216);
    f.create("p1");
    BOOST_TEST(f.env->showPartition("p1").totalBytes == defaultShare(16777216, 10));
    // the default allotment lets every licensed partition be created
    for (int n = 2; n <= 10; ++n) f.create("p" + std::to_string(n));
    BOOST_TEST(f.info().partitionCount == 10u);
    BOOST_TEST(f.info().storageFree < 10u);
}

BOOST_AUTO_TEST_CASE(create_with_a_size) {
    Initialized f;
    f.create("p1", 100000);
    BOOST_TEST(f.env->showPartition("p1").totalBytes == 100000u);
    f.create("p2", 250000);
    const auto i = f.info();
    BOOST_TEST(i.storageUsed == 100000u + 250000u + 2 * kPartitionOverheadBytes);
    BOOST_TEST(i.storageFree == 33554432u - i.storageUsed);
    LUNA_CHECK_ERROR(f.create("p3", 0), rc::SIZE_INVALID);
    LUNA_CHECK_ERROR(f.env->createPartition(kAdmin, "p3", 1000, true), rc::ARGUMENTS_BAD);
    BOOST_TEST(f.info().partitionCount == 2u);
}

BOOST_AUTO_TEST_CASE(create_with_all_free_storage) {
    Initialized f;
    f.create("p1");
    const auto freeBefore = f.info().storageFree;
    f.env->createPartition(kAdmin, "p2", std::nullopt, true);
    BOOST_TEST(f.env->showPartition("p2").totalBytes == freeBefore - kPartitionOverheadBytes);
    BOOST_TEST(f.info().storageFree == 0u);
    // nothing more fits (digest acceptance 3)
    LUNA_CHECK_ERROR(f.create("p3"), rc::HSM_STORAGE_FULL);
    LUNA_CHECK_ERROR(f.create("p3", 1), rc::HSM_STORAGE_FULL);
    LUNA_CHECK_ERROR(f.env->createPartition(kAdmin, "p3", std::nullopt, true), rc::HSM_STORAGE_FULL);
    BOOST_TEST(f.info().partitionCount == 2u);
}

BOOST_AUTO_TEST_CASE(too_large_is_storage_full_and_an_exact_fit_works) {
    Initialized f;
    const auto room = f.info().storageFree - kPartitionOverheadBytes;
    LUNA_CHECK_ERROR(f.create("big", room + 1), rc::HSM_STORAGE_FULL);
    BOOST_TEST(f.info().partitionCount == 0u);
    f.create("big", room);
    BOOST_TEST(f.info().storageFree == 0u);
}

BOOST_AUTO_TEST_CASE(a_default_partition_that_no_longer_fits_is_refused) {
    Initialized f;
    const auto room = f.info().storageFree - kPartitionOverheadBytes;
    f.create("most", room - defaultShare(33554432, 20));   // leaves less than a default share + overhead
    LUNA_CHECK_ERROR(f.create("p2"), rc::HSM_STORAGE_FULL);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- licence (capability / policy 33) ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(licence_limits_the_number_of_partitions) {
    Initialized f(3);
    BOOST_TEST(f.info().licensedPartitions == 3u);
    BOOST_TEST(f.info().maxPartitions == 3u);
    for (const std::string p : {"p1", "p2", "p3"}) f.create(p);
    LUNA_CHECK_ERROR(f.create("p4", 1000), rc::TOO_MANY_CONTAINERS);
    BOOST_TEST(f.info().partitionCount == 3u);
    // deleting one frees a licence
    f.env->deletePartition(kAdmin, "p2");
    f.create("p4", 1000);
    BOOST_TEST(f.info().partitionCount == 3u);
}

BOOST_AUTO_TEST_CASE(hsm_policy_33_lowers_the_maximum_below_the_licence) {
    Initialized f(5);
    BOOST_CHECK_THROW(f.env->changeHsmPolicy(kAdmin, 33, 6), luna::Error);   // above the licence
    f.env->changeHsmPolicy(kAdmin, 33, 2);
    BOOST_TEST(f.info().maxPartitions == 2u);
    BOOST_TEST(f.info().licensedPartitions == 5u);
    f.create("p1", 1000);
    f.create("p2", 1000);
    LUNA_CHECK_ERROR(f.create("p3", 1000), rc::TOO_MANY_CONTAINERS);
}

BOOST_AUTO_TEST_CASE(licence_must_be_1_to_100) {
    TempDir dir;
    ManualClock clock;
    for (std::uint32_t bad : {0u, 101u}) {
        BOOST_TEST_CONTEXT("licence " << bad) {
            HsmConfig c{.stateDir = dir.path() / "s", .kdfIterations = 1000, .licensedPartitions = bad, .clock = &clock};
            LUNA_CHECK_ERROR(Hsm{c}, rc::ARGUMENTS_BAD);
        }
    }
}

// ---- who manages partitions --------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(partition_management_needs_the_hsm_so) {
    Initialized f;
    f.create("p1");
    const SessionId other = "other";
    LUNA_CHECK_ERROR(f.env->createPartition(other, "p2", std::nullopt, false), rc::USER_NOT_LOGGED_IN);
    LUNA_CHECK_ERROR(f.env->deletePartition(other, "p1"), rc::USER_NOT_LOGGED_IN);
    LUNA_CHECK_ERROR(f.env->resizePartition(other, "p1", 1000, false), rc::USER_NOT_LOGGED_IN);
    LUNA_CHECK_ERROR(f.env->renamePartition(other, "p1", "q1"), rc::USER_NOT_LOGGED_IN);
    // listing needs no login (ch.10 lists before hsm login)
    BOOST_TEST(f.env->listPartitions().size() == 1u);
    BOOST_TEST(f.env->showPartition("p1").name == "p1");
}

BOOST_AUTO_TEST_CASE(a_zeroized_hsm_has_no_partitions_to_manage) {
    HsmEnv env;
    LUNA_CHECK_ERROR(env->createPartition(kAdmin, "p1", std::nullopt, false), rc::HSM_ZEROIZED);
}

// ---- names and references ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(names_are_validated) {
    Initialized f;
    for (const std::string& bad : {std::string(), std::string(33, 'n'), std::string("has space"), std::string("a/b"),
                                  std::string("semi;colon"), std::string("12345")}) {
        BOOST_TEST_CONTEXT("name '" << bad << "'") {
            LUNA_CHECK_ERROR(f.create(bad, 1000), rc::PARTITION_NAME_INVALID);
        }
    }
    BOOST_TEST(f.info().partitionCount == 0u);
    f.create(std::string(32, 'n'), 1000);
    f.create("a_b-c.D9", 1000);
    LUNA_CHECK_ERROR(f.create("a_b-c.D9", 1000), rc::OBJECT_ALREADY_EXISTS);
    BOOST_TEST(f.info().partitionCount == 2u);
}

BOOST_AUTO_TEST_CASE(a_partition_is_named_by_name_or_serial) {
    Initialized f;
    const auto serial = f.create("p1", 1000);
    BOOST_TEST(serial.find_first_not_of("0123456789") == std::string::npos);
    BOOST_TEST(f.env->showPartition(serial).name == "p1");
    BOOST_TEST(f.env->showPartition("p1").serial == serial);
    f.env->resizePartition(kAdmin, serial, 2000, false);
    BOOST_TEST(f.env->showPartition("p1").totalBytes == 2000u);
    LUNA_CHECK_ERROR(f.env->showPartition("nope"), rc::PARTITION_NOT_FOUND);
    f.env->deletePartition(kAdmin, serial);
    BOOST_TEST(f.env->listPartitions().empty());
}

BOOST_AUTO_TEST_CASE(rename_keeps_serial_and_contents_and_names_stay_unique) {
    Initialized f;
    const auto s1 = f.create("p1");
    f.create("p2");
    provisionPartition(*f.env, "p1");
    f.env->createObject("x", "p1", publicObject());
    LUNA_CHECK_ERROR(f.env->renamePartition(kAdmin, "p1", "p2"), rc::OBJECT_ALREADY_EXISTS);
    LUNA_CHECK_ERROR(f.env->renamePartition(kAdmin, "p1", "bad name"), rc::PARTITION_NAME_INVALID);
    LUNA_CHECK_ERROR(f.env->renamePartition(kAdmin, "nope", "q"), rc::PARTITION_NOT_FOUND);
    f.env->renamePartition(kAdmin, "p1", "renamed");
    LUNA_CHECK_ERROR(f.env->showPartition("p1"), rc::PARTITION_NOT_FOUND);
    const auto p = f.env->showPartition("renamed");
    BOOST_TEST(p.serial == s1);
    BOOST_TEST(p.objectCount == 1u);
    BOOST_TEST(p.initialized);
    BOOST_TEST(canLogin(*f.env, "renamed", Role::CryptoOfficer, kCoPin));
    // renaming to its own name is no conflict; the old name is free again
    f.env->renamePartition(kAdmin, "renamed", "renamed");
    f.create("p1", 1000);
}

BOOST_AUTO_TEST_CASE(delete_returns_storage_and_a_recreated_partition_is_new) {
    Initialized f;
    f.create("p1");
    const auto s2 = f.create("p2");
    provisionPartition(*f.env, "p2");
    f.env->createObject("x", "p2", publicObject());
    const auto freeWithTwo = f.info().storageFree;
    f.env->deletePartition(kAdmin, "p2");
    BOOST_TEST(f.info().partitionCount == 1u);
    BOOST_TEST(f.info().storageFree == freeWithTwo + defaultShare(33554432, 20) + kPartitionOverheadBytes);
    LUNA_CHECK_ERROR(f.env->showPartition("p2"), rc::PARTITION_NOT_FOUND);
    LUNA_CHECK_ERROR(f.env->deletePartition(kAdmin, "p2"), rc::PARTITION_NOT_FOUND);
    // digest acceptance 7: recreating "p2" yields a new serial and no objects
    const auto again = f.create("p2");
    BOOST_TEST(again != s2);
    const auto p = f.env->showPartition("p2");
    BOOST_TEST(p.objectCount == 0u);
    BOOST_TEST(!p.initialized);
    BOOST_TEST(!p.coInitialized);
}

BOOST_AUTO_TEST_CASE(serials_are_unique) {
    Initialized f(20);
    std::set<std::string> serials;
    for (int n = 1; n <= 20; ++n) serials.insert(f.create("p" + std::to_string(n), 1000));
    BOOST_TEST(serials.size() == 20u);
}

// ---- resize ----------------------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(resize)

struct WithObjects : Initialized {
    WithObjects() {
        create("p1", 100000);
        provisionPartition(*env, "p1");
        env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin);
        for (int i = 0; i < 3; ++i) handles.push_back(env->createObject("co", "p1", privateObject(1000)));
        used = env->showPartition("p1").usedBytes;
        BOOST_REQUIRE(used >= 3000u);
    }
    std::vector<std::uint64_t> handles;
    std::uint64_t used = 0;
};

BOOST_FIXTURE_TEST_CASE(never_below_used_bytes, WithObjects) {
    BOOST_CHECK_THROW(env->resizePartition(kAdmin, "p1", used - 1, false), luna::Error);
    BOOST_TEST(env->showPartition("p1").totalBytes == 100000u);
    env->resizePartition(kAdmin, "p1", used, false);
    const auto p = env->showPartition("p1");
    BOOST_TEST(p.totalBytes == used);
    BOOST_TEST(p.freeBytes() == 0u);
    BOOST_TEST(p.objectCount == 3u);
    for (auto h : handles) BOOST_TEST(env->readObject("co", "p1", h).size() == 2u);
    // full now: the next object does not fit
    LUNA_CHECK_ERROR(env->createObject("co", "p1", privateObject(1000)), rc::CONTAINER_OBJECT_STORAGE_FULL);
    BOOST_TEST(info().storageUsed == used + kPartitionOverheadBytes);
}

BOOST_FIXTURE_TEST_CASE(never_above_free_storage, WithObjects) {
    const auto room = info().storageFree + 100000;
    LUNA_CHECK_ERROR(env->resizePartition(kAdmin, "p1", room + 1, false), rc::HSM_STORAGE_FULL);
    BOOST_TEST(env->showPartition("p1").totalBytes == 100000u);
    env->resizePartition(kAdmin, "p1", room, false);
    BOOST_TEST(env->showPartition("p1").totalBytes == room);
    BOOST_TEST(info().storageFree == 0u);
    BOOST_TEST(env->showPartition("p1").objectCount == 3u);
}

BOOST_FIXTURE_TEST_CASE(all_free_storage_and_argument_rules, WithObjects) {
    create("p2", 5000);
    const auto freeBefore = info().storageFree;
    env->resizePartition(kAdmin, "p1", std::nullopt, true);
    BOOST_TEST(env->showPartition("p1").totalBytes == 100000u + freeBefore);
    BOOST_TEST(info().storageFree == 0u);
    BOOST_TEST(env->showPartition("p2").totalBytes == 5000u);
    // -size xor -allfreestorage (ch.10)
    LUNA_CHECK_ERROR(env->resizePartition(kAdmin, "p1", std::nullopt, false), rc::ARGUMENTS_BAD);
    LUNA_CHECK_ERROR(env->resizePartition(kAdmin, "p1", 1000, true), rc::ARGUMENTS_BAD);
    LUNA_CHECK_ERROR(env->resizePartition(kAdmin, "p1", 0, false), rc::SIZE_INVALID);
    // shrinking gives the storage back
    env->resizePartition(kAdmin, "p1", 100000, false);
    BOOST_TEST(info().storageFree == freeBefore);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- ch.10: four equal partitions using all storage ------------------------------------------------

BOOST_AUTO_TEST_CASE(four_equal_partitions_recipe) {
    Initialized f(20);
    std::vector<std::string> small;
    // 1. create 20 partitions (the maximum allowed), each of X bytes
    for (int n = 1; n <= 20; ++n) {
        small.push_back("p" + std::to_string(n));
        f.create(small.back());
    }
    LUNA_CHECK_ERROR(f.create("p21", 1000), rc::TOO_MANY_CONTAINERS);
    const auto x = f.env->showPartition("p1").totalBytes;
    BOOST_TEST(x == defaultShare(33554432, 20));
    std::vector<std::string> large;
    // 2-9. four times: delete four small partitions, resize one small one to all free storage
    for (int round = 0; round < 4; ++round) {
        for (int d = 0; d < 4; ++d) {
            f.env->deletePartition(kAdmin, small.back());
            small.pop_back();
        }
        f.env->resizePartition(kAdmin, small.back(), std::nullopt, true);
        large.push_back(small.back());
        small.pop_back();
        BOOST_TEST(f.info().storageFree == 0u);
        BOOST_TEST(small.size() == static_cast<std::size_t>(15 - 5 * round));
    }
    BOOST_TEST(small.empty());
    const auto parts = f.env->listPartitions();
    BOOST_REQUIRE(parts.size() == 4u);
    std::vector<std::uint64_t> totals;
    for (const auto& p : parts) totals.push_back(p.totalBytes);
    const auto [lo, hi] = std::minmax_element(totals.begin(), totals.end());
    // "a few bytes left over, or one partition slightly larger" (ch.10)
    BOOST_TEST(*hi - *lo <= 20u);
    BOOST_TEST(*lo >= 5 * x + 4 * kPartitionOverheadBytes);
    BOOST_TEST(f.info().storageFree == 0u);
    BOOST_TEST(f.info().storageUsed == f.info().storageTotal);
}

// ---- objects: ownership (ch.10, digest §3.2) and storage -------------------------------------------

BOOST_AUTO_TEST_SUITE(objects)

struct Provisioned : Initialized {
    Provisioned() {
        create("p1");
        provisionPartition(*env, "p1");
    }
};

BOOST_FIXTURE_TEST_CASE(public_objects_need_no_login, Provisioned) {
    const auto h = env->createObject("anon", "p1", publicObject());
    BOOST_TEST(env->listObjects("anon", "p1") == std::vector<std::uint64_t>{h});
    const auto attrs = env->readObject("anon", "p1", h);
    BOOST_TEST((attrs.at(kCkaValue) == Bytes(16, 0x5a)));
    env->destroyObject("anon", "p1", h);
    BOOST_TEST(env->showPartition("p1").objectCount == 0u);
    LUNA_CHECK_ERROR(env->readObject("anon", "p1", h), rc::OBJECT_HANDLE_INVALID);
}

BOOST_FIXTURE_TEST_CASE(private_objects_need_the_crypto_officer, Provisioned) {
    LUNA_CHECK_ERROR(env->createObject("anon", "p1", privateObject()), rc::USER_NOT_LOGGED_IN);
    // CKA_PRIVATE defaults to true (PKCS#11)
    LUNA_CHECK_ERROR(env->createObject("anon", "p1", Attributes{{kCkaValue, Bytes{1, 2, 3}}}), rc::USER_NOT_LOGGED_IN);
    BOOST_TEST(env->showPartition("p1").objectCount == 0u);

    env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin);
    const auto priv = env->createObject("co", "p1", privateObject());
    const auto pub = env->createObject("co", "p1", publicObject());
    BOOST_TEST(env->listObjects("co", "p1").size() == 2u);
    // without a login only the public object is visible
    BOOST_TEST(env->listObjects("anon", "p1") == std::vector<std::uint64_t>{pub});
    LUNA_CHECK_ERROR(env->readObject("anon", "p1", priv), rc::OBJECT_HANDLE_INVALID);
    BOOST_CHECK_THROW(env->destroyObject("anon", "p1", priv), luna::Error);
    BOOST_TEST(env->showPartition("p1").objectCount == 2u);
    env->destroyObject("co", "p1", priv);
    BOOST_TEST(env->showPartition("p1").objectCount == 1u);
}

BOOST_FIXTURE_TEST_CASE(crypto_user_reads_but_does_not_create_or_destroy_private_objects, Provisioned) {
    env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin);
    const auto priv = env->createObject("co", "p1", privateObject());
    env->loginPartition("cu", "p1", Role::CryptoUser, kCuPin);
    BOOST_TEST((env->readObject("cu", "p1", priv).at(kCkaValue) == Bytes(16, 0xa5)));
    BOOST_TEST(env->listObjects("cu", "p1").size() == 1u);
    LUNA_CHECK_ERROR(env->createObject("cu", "p1", privateObject()), rc::USER_NOT_AUTHORIZED);
    LUNA_CHECK_ERROR(env->destroyObject("cu", "p1", priv), rc::USER_NOT_AUTHORIZED);
    // public objects are fine for the CU
    const auto pub = env->createObject("cu", "p1", publicObject());
    env->destroyObject("cu", "p1", pub);
    BOOST_TEST(env->showPartition("p1").objectCount == 1u);
}

BOOST_FIXTURE_TEST_CASE(the_partition_so_is_no_crypto_officer, Provisioned) {
    env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin);
    const auto priv = env->createObject("co", "p1", privateObject());
    env->loginPartition("pso", "p1", Role::PartitionSo, kPsoPin);
    BOOST_CHECK_THROW(env->createObject("pso", "p1", privateObject()), luna::Error);
    BOOST_CHECK_THROW(env->readObject("pso", "p1", priv), luna::Error);
    BOOST_CHECK_THROW(env->destroyObject("pso", "p1", priv), luna::Error);
    BOOST_TEST(env->showPartition("p1").objectCount == 1u);
}

BOOST_FIXTURE_TEST_CASE(an_uninitialized_partition_takes_no_objects, Initialized) {
    create("p1");
    LUNA_CHECK_ERROR(env->createObject("anon", "p1", publicObject()), rc::USER_PIN_NOT_INITIALIZED);
}

BOOST_FIXTURE_TEST_CASE(objects_use_partition_storage_not_hsm_storage, Provisioned) {
    const auto hsmUsed = info().storageUsed;
    env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin);
    const auto a = env->createObject("co", "p1", privateObject(1000));
    const auto afterOne = env->showPartition("p1");
    BOOST_TEST(afterOne.objectCount == 1u);
    BOOST_TEST(afterOne.usedBytes >= 1000u);
    BOOST_TEST(afterOne.freeBytes() == afterOne.totalBytes - afterOne.usedBytes);
    env->createObject("co", "p1", privateObject(5000));
    const auto afterTwo = env->showPartition("p1");
    BOOST_TEST(afterTwo.objectCount == 2u);
    BOOST_TEST(afterTwo.usedBytes >= afterOne.usedBytes + 5000u);
    BOOST_TEST(afterTwo.totalBytes == afterOne.totalBytes);
    BOOST_TEST(info().storageUsed == hsmUsed);   // the partition's allotment is fixed
    env->destroyObject("co", "p1", a);
    BOOST_TEST(env->showPartition("p1").usedBytes == afterTwo.usedBytes - afterOne.usedBytes);
}

BOOST_FIXTURE_TEST_CASE(a_full_partition_refuses_objects, Initialized) {
    create("small", 4000);
    provisionPartition(*env, "small");
    env->loginPartition("co", "small", Role::CryptoOfficer, kCoPin);
    LUNA_CHECK_ERROR(env->createObject("co", "small", privateObject(5000)), rc::CONTAINER_OBJECT_STORAGE_FULL);
    BOOST_TEST(env->showPartition("small").objectCount == 0u);
    int made = 0;
    try {
        for (; made < 100; ++made) env->createObject("co", "small", privateObject(500));
        BOOST_ERROR("4000 bytes took 100 objects of 500 bytes");
    } catch (const luna::Error& e) {
        BOOST_TEST(e.code() == rc::CONTAINER_OBJECT_STORAGE_FULL);
    }
    const auto p = env->showPartition("small");
    BOOST_TEST(made >= 1);
    BOOST_TEST(p.objectCount == static_cast<std::uint32_t>(made));
    BOOST_TEST(p.usedBytes <= p.totalBytes);
    BOOST_TEST(p.usedBytes >= 500u * static_cast<std::uint64_t>(made));
}

BOOST_FIXTURE_TEST_CASE(objects_survive_a_restart, Provisioned) {
    env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin);
    const auto h = env->createObject("co", "p1", privateObject());
    env.restart();
    BOOST_TEST(env->showPartition("p1").objectCount == 1u);
    LUNA_CHECK_ERROR(env->readObject("co", "p1", h), rc::OBJECT_HANDLE_INVALID);   // the login did not survive
    env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin);
    BOOST_TEST((env->readObject("co", "p1", h).at(kCkaValue) == Bytes(16, 0xa5)));
}

BOOST_AUTO_TEST_SUITE_END()
