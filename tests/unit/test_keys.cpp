// Key destruction is real: objects are encrypted at rest, every sealed blob is bound to
// its identity, and after a zeroize nothing in the state directory holds the KEK, a
// partition key, an object's ciphertext or its plaintext.
#define BOOST_TEST_MODULE keys
#include <boost/test/unit_test.hpp>

#include "hsm/crypto.h"
#include "hsm/hsm.h"
#include "hsm/keyring.h"
#include "hsm/store.h"
#include "luna/errors.h"
#include "temp_dir.h"

using namespace luna::hsm;

namespace {
constexpr std::uint32_t CKA_PRIVATE = 0x2;
constexpr std::uint32_t CKA_VALUE = 0x11;
constexpr std::uint32_t CKA_LABEL = 0x3;

bool anyFileContains(const std::filesystem::path& dir, std::span<const std::uint8_t> needle) {
    const std::string n(needle.begin(), needle.end());
    for (const auto& [path, content] : luna::test::readAllFiles(dir))
        if (content.find(n) != std::string::npos) return true;
    return false;
}

struct Populated {
    luna::test::TempDir dir;
    HsmConfig cfg;
    std::unique_ptr<Hsm> hsm;
    std::string serial;
    Bytes secret = crypto::randomBytes(32);
    std::uint64_t handle = 0;

    Populated() {
        cfg.stateDir = dir.path();
        cfg.kdfIterations = 1000;
        hsm = std::make_unique<Hsm>(cfg);
        hsm->init("so", "keylab", "Passw0rd!", "domain-1");
        hsm->loginSo("so", "Passw0rd!");
        serial = hsm->createPartition("so", "p1", std::nullopt, false);
        hsm->initPartition("po", serial, "p1label", "PartitionSO-1", "pdomain");
        hsm->loginPartition("po", serial, Role::PartitionSo, "PartitionSO-1");
        hsm->initRole("po", serial, Role::CryptoOfficer, "CryptoOff-1");
        hsm->loginPartition("co", serial, Role::CryptoOfficer, "CryptoOff-1");
        hsm->changeRolePin("co", serial, "CryptoOff-1", "CryptoOff-2");   // policy 21: must change first
        Attributes attrs{{CKA_PRIVATE, Bytes{1}}, {CKA_VALUE, secret}, {CKA_LABEL, Bytes{'k', 'e', 'y'}}};
        handle = hsm->createObject("co", serial, attrs);
    }
};
} // namespace

BOOST_AUTO_TEST_CASE(object_values_are_encrypted_at_rest) {
    Populated p;
    BOOST_TEST(p.hsm->readObject("co", p.serial, p.handle).at(CKA_VALUE) == p.secret);
    BOOST_TEST(!anyFileContains(p.dir.path(), p.secret));
}

BOOST_AUTO_TEST_CASE(zeroize_leaves_no_key_material_in_the_state_directory) {
    Populated p;
    // What an attacker with the disk would look for: the sealed KEK, the sealed partition
    // key, the object's ciphertext (all of which the device root could open) and the plaintext.
    std::vector<Bytes> needles;
    {
        Store peek(p.dir.path() / "hsm.db");
        for (auto& [k, v] : peek.list("keys")) needles.push_back(v);
        for (auto& [k, v] : peek.list("object/" + p.serial)) needles.push_back(v);
        for (auto& [k, v] : peek.list("cred")) needles.push_back(v);
    }
    BOOST_TEST_REQUIRE(needles.size() >= 4u);
    for (const auto& n : needles) BOOST_TEST_REQUIRE(anyFileContains(p.dir.path(), n));   // the probe works

    p.hsm->zeroize();
    for (const auto& n : needles) BOOST_TEST(!anyFileContains(p.dir.path(), n));
    BOOST_TEST(!anyFileContains(p.dir.path(), p.secret));

    p.hsm.reset();   // and a restart finds a zeroized HSM with nothing to open
    Hsm again(p.cfg);
    BOOST_TEST(again.info().status == "Zeroized");
    BOOST_TEST(again.listPartitions().empty());
    BOOST_CHECK_THROW(again.loginSo("so", "Passw0rd!"), luna::Error);
}

BOOST_AUTO_TEST_CASE(partition_delete_destroys_its_key_and_objects) {
    Populated p;
    std::vector<Bytes> needles;
    {
        Store peek(p.dir.path() / "hsm.db");
        needles.push_back(*peek.get("keys", "partition/" + p.serial));
        for (auto& [k, v] : peek.list("object/" + p.serial)) needles.push_back(v);
    }
    p.hsm->deletePartition("so", p.serial);
    for (const auto& n : needles) BOOST_TEST(!anyFileContains(p.dir.path(), n));
}

BOOST_AUTO_TEST_CASE(sealed_blobs_are_bound_to_their_identity) {
    luna::test::TempDir dir;
    Store store(dir.path() / "k.db");
    Keyring keys(store, dir.path() / "root.key");
    keys.createKek();
    keys.createPartitionKey(1001);
    keys.createPartitionKey(1002);
    const Bytes plain{1, 2, 3, 4};
    auto blob = keys.sealUnderPartition(1001, "object/1001/7", plain);
    BOOST_TEST((keys.openUnderPartition(1001, "object/1001/7", blob) == SecureBytes(plain.begin(), plain.end())));
    // moved to another handle or another partition: refused
    BOOST_CHECK_THROW(keys.openUnderPartition(1001, "object/1001/8", blob), luna::Error);
    BOOST_CHECK_THROW(keys.openUnderPartition(1002, "object/1001/7", blob), luna::Error);
    // one flipped bit: refused
    blob[blob.size() / 2] ^= 0x01;
    BOOST_CHECK_THROW(keys.openUnderPartition(1001, "object/1001/7", blob), luna::Error);
}

BOOST_AUTO_TEST_CASE(a_new_kek_cannot_open_the_old_kek_secrets) {
    luna::test::TempDir dir;
    Store store(dir.path() / "k.db");
    Keyring keys(store, dir.path() / "root.key");
    keys.createKek();
    auto blob = keys.sealUnderKek("hsm/domain", Bytes{9, 9, 9});
    keys.destroyKek();
    BOOST_CHECK_THROW(keys.openUnderKek("hsm/domain", blob), luna::Error);   // no KEK at all
    keys.createKek();
    BOOST_CHECK_THROW(keys.openUnderKek("hsm/domain", blob), luna::Error);   // a different KEK
}

BOOST_AUTO_TEST_CASE(device_root_survives_restart_so_the_kek_reopens) {
    luna::test::TempDir dir;
    Bytes blob;
    {
        Store store(dir.path() / "k.db");
        Keyring keys(store, dir.path() / "root.key");
        keys.createKek();
        blob = keys.sealUnderKek("x", Bytes{5});
    }
    Store store(dir.path() / "k.db");
    Keyring keys(store, dir.path() / "root.key");
    BOOST_TEST(keys.hasKek());
    BOOST_TEST(keys.openUnderKek("x", blob).size() == 1u);
}
