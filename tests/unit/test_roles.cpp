#define BOOST_TEST_MODULE roles
// Roles and failed-login outcomes against the seed: ch.21 (thresholds, lockouts, who
// resets whom), ch.1 (audit lockout, as decided: 3 tries then 30 s), ch.3 (HSM policies 15
// and 21, partition policies 20, 25, 26), ch.7 (SO password rules) and the session binding
// of logins.
#include "hsm_test_support.h"

#include <chrono>
#include <string>

using namespace luna::hsm;
using namespace luna::hsm::test;
namespace rc = luna::rc;

namespace {

const SessionId kAdmin = "admin";
constexpr std::string_view kWrong = "Wrong-Pin-99";

// An initialized HSM with one provisioned partition "p1" holding one private object.
struct OnePartition {
    explicit OnePartition(std::uint32_t hsmPolicy15 = 0) {
        initAndLogin(*env, kAdmin);
        // Policy 15 is destructive both ways: set before the partition exists.
        if (hsmPolicy15 != 0) env->changeHsmPolicy(kAdmin, 15, hsmPolicy15);
        env->createPartition(kAdmin, "p1", std::nullopt, false);
        provisionPartition(*env, "p1");
        env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin);
        handle = env->createObject("co", "p1", privateObject());
        env->endSession("co");
    }
    void failLogins(Role role, int n) {
        for (int i = 0; i < n; ++i)
            BOOST_CHECK_THROW(env->loginPartition("bad", "p1", role, kWrong), luna::Error);
    }
    void pso(const SessionId& s) { env->loginPartition(s, "p1", Role::PartitionSo, kPsoPin); }

    HsmEnv env;
    std::uint64_t handle = 0;
};

} // namespace

// ---- HSM SO: 3 bad logins zeroize (ch.21, ch.5) --------------------------------------------

BOOST_AUTO_TEST_SUITE(hsm_so)

BOOST_AUTO_TEST_CASE(three_bad_logins_zeroize_the_hsm) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    env->createPartition(kAdmin, "p1", std::nullopt, false);
    BOOST_TEST(env->info().soLoginAttemptsLeft == 3u);
    LUNA_CHECK_ERROR(env->loginSo("x", kWrong), rc::PIN_INCORRECT);
    BOOST_TEST(env->info().soLoginAttemptsLeft == 2u);
    LUNA_CHECK_ERROR(env->loginSo("x", kWrong), rc::PIN_INCORRECT);
    BOOST_TEST(env->info().soLoginAttemptsLeft == 1u);
    BOOST_TEST(env->info().status == "OK");
    LUNA_CHECK_ERROR(env->loginSo("x", kWrong), rc::SO_LOGIN_FAILURE_THRESHOLD);
    const auto i = env->info();
    BOOST_TEST(i.status == "Zeroized");
    BOOST_TEST(!i.initialized);
    BOOST_TEST(!i.manuallyZeroized);   // `hsm show` says "Manually Zeroized: No" for this one
    BOOST_TEST(i.partitionCount == 0u);
    BOOST_TEST(!env->soLoggedIn(kAdmin));   // the logged-in SO is gone with the role
    // hsm login is refused while zeroized, even with the old password (digest §5.5)
    LUNA_CHECK_ERROR(env->loginSo("x", kSoPassword), rc::HSM_ZEROIZED);
    // recovery: hard init, no login
    BOOST_TEST(env->init("x", "again", kSoPassword, kDomain));
    BOOST_TEST(env->info().soLoginAttemptsLeft == 3u);
}

BOOST_AUTO_TEST_CASE(a_success_resets_the_counter) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    LUNA_CHECK_ERROR(env->loginSo("x", kWrong), rc::PIN_INCORRECT);
    LUNA_CHECK_ERROR(env->loginSo("x", kWrong), rc::PIN_INCORRECT);
    BOOST_TEST(env->info().soLoginAttemptsLeft == 1u);
    env->loginSo("x", kSoPassword);
    BOOST_TEST(env->info().soLoginAttemptsLeft == 3u);
    LUNA_CHECK_ERROR(env->loginSo("y", kWrong), rc::PIN_INCORRECT);
    LUNA_CHECK_ERROR(env->loginSo("y", kWrong), rc::PIN_INCORRECT);
    BOOST_TEST(env->info().status == "OK");
}

BOOST_AUTO_TEST_CASE(counter_survives_a_restart) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    LUNA_CHECK_ERROR(env->loginSo("x", kWrong), rc::PIN_INCORRECT);
    LUNA_CHECK_ERROR(env->loginSo("x", kWrong), rc::PIN_INCORRECT);
    env.restart();
    BOOST_TEST(env->info().soLoginAttemptsLeft == 1u);
    BOOST_TEST(!env->soLoggedIn(kAdmin));   // logins do not survive a restart
    LUNA_CHECK_ERROR(env->loginSo("x", kWrong), rc::SO_LOGIN_FAILURE_THRESHOLD);
    BOOST_TEST(env->info().status == "Zeroized");
}

BOOST_AUTO_TEST_CASE(wrong_old_password_in_changepw_counts) {
    // digest acceptance 41: a wrong old password counts toward the 3-strike rule
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    LUNA_CHECK_ERROR(env->changeSoPassword(kWrong, "NewPassw0rd"), rc::PIN_INCORRECT);
    BOOST_TEST(env->info().soLoginAttemptsLeft == 2u);
    LUNA_CHECK_ERROR(env->loginSo("x", kWrong), rc::PIN_INCORRECT);
    LUNA_CHECK_ERROR(env->changeSoPassword(kWrong, "NewPassw0rd"), rc::SO_LOGIN_FAILURE_THRESHOLD);
    BOOST_TEST(env->info().status == "Zeroized");
}

BOOST_AUTO_TEST_CASE(change_password) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    LUNA_CHECK_ERROR(env->changeSoPassword(kSoPassword, "short"), rc::PIN_LEN_RANGE);
    env->changeSoPassword(kSoPassword, "NewPassw0rd");
    BOOST_TEST(!canLoginSo(*env, kSoPassword));
    BOOST_TEST(canLoginSo(*env, "NewPassw0rd"));
}

BOOST_AUTO_TEST_SUITE_END()

// ---- Partition SO: 10 bad logins zeroize the partition (ch.21) -----------------------------

BOOST_AUTO_TEST_CASE(ten_bad_pso_logins_zeroize_the_partition) {
    OnePartition f;
    f.env->createPartition(kAdmin, "p2", std::nullopt, false);
    provisionPartition(*f.env, "p2");
    BOOST_TEST(f.env->showPartition("p1").psoLoginAttemptsLeft == 10u);
    f.failLogins(Role::PartitionSo, 9);
    BOOST_TEST(f.env->showPartition("p1").psoLoginAttemptsLeft == 1u);
    BOOST_TEST(f.env->showPartition("p1").initialized);
    BOOST_TEST(f.env->showPartition("p1").objectCount == 1u);
    BOOST_CHECK_THROW(f.env->loginPartition("bad", "p1", Role::PartitionSo, kWrong), luna::Error);

    const auto p = f.env->showPartition("p1");
    BOOST_TEST(!p.initialized);
    BOOST_TEST(!p.coInitialized);
    BOOST_TEST(!p.cuInitialized);
    BOOST_TEST(p.objectCount == 0u);
    BOOST_TEST(p.label.empty());
    BOOST_TEST(f.env->listPartitions().size() == 2u);   // still listed
    for (Role r : {Role::PartitionSo, Role::CryptoOfficer, Role::CryptoUser})
        BOOST_TEST(!canLogin(*f.env, "p1", r, r == Role::PartitionSo ? kPsoPin : r == Role::CryptoOfficer ? kCoPin : kCuPin));
    // other partitions are unaffected (digest acceptance 34)
    BOOST_TEST(f.env->showPartition("p2").initialized);
    BOOST_TEST(canLogin(*f.env, "p2", Role::PartitionSo, kPsoPin));
    BOOST_TEST(f.env->info().status == "OK");
    // the partition can be initialized again without a login
    f.env->initPartition("fresh", "p1", "again", "NewPsoPin-01", kPartitionDomain);
    BOOST_TEST(canLogin(*f.env, "p1", Role::PartitionSo, "NewPsoPin-01"));
}

BOOST_AUTO_TEST_CASE(pso_counter_resets_on_success) {
    OnePartition f;
    f.failLogins(Role::PartitionSo, 9);
    BOOST_TEST(canLogin(*f.env, "p1", Role::PartitionSo, kPsoPin));
    BOOST_TEST(f.env->showPartition("p1").psoLoginAttemptsLeft == 10u);
    f.failLogins(Role::PartitionSo, 9);
    BOOST_TEST(f.env->showPartition("p1").initialized);
}

// ---- Crypto Officer lockout (partition policy 20, HSM policy 15) ----------------------------

BOOST_AUTO_TEST_SUITE(crypto_officer)

BOOST_AUTO_TEST_CASE(policy_15_off_locks_co_and_cu_permanently) {
    OnePartition f;   // HSM policy 15 = 0, the default
    f.failLogins(Role::CryptoOfficer, 9);
    BOOST_TEST(f.env->showPartition("p1").coLoginAttemptsLeft == 1u);
    BOOST_TEST(!f.env->showPartition("p1").coLocked);
    f.failLogins(Role::CryptoOfficer, 1);
    const auto p = f.env->showPartition("p1");
    BOOST_TEST(p.coLocked);
    BOOST_TEST(p.cuLocked);
    BOOST_TEST(p.coLoginAttemptsLeft == 0u);
    // the correct password no longer works (digest acceptance 26)
    LUNA_CHECK_ERROR(f.env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin), rc::PIN_LOCKED);
    LUNA_CHECK_ERROR(f.env->loginPartition("cu", "p1", Role::CryptoUser, kCuPin), rc::PIN_LOCKED);
    // the PSO cannot reset the CO
    f.pso("pso");
    BOOST_CHECK_THROW(f.env->resetRolePin("pso", "p1", Role::CryptoOfficer, "Reset-Pin-01"), luna::Error);
    LUNA_CHECK_ERROR(f.env->loginPartition("co", "p1", Role::CryptoOfficer, "Reset-Pin-01"), rc::PIN_LOCKED);
    LUNA_CHECK_ERROR(f.env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin), rc::PIN_LOCKED);
    // a restart does not lift it
    f.env.restart();
    LUNA_CHECK_ERROR(f.env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin), rc::PIN_LOCKED);
    // only a partition re-init recovers
    f.pso("pso");
    f.env->initPartition("pso", "p1", "again", kPsoPin, kPartitionDomain);
    BOOST_TEST(!f.env->showPartition("p1").coInitialized);
    BOOST_TEST(f.env->showPartition("p1").objectCount == 0u);
}

BOOST_AUTO_TEST_CASE(lowered_policy_20_locks_earlier) {
    OnePartition f;
    f.pso("pso");
    f.env->changePartitionPolicy("pso", "p1", 20, 3);
    f.env->endSession("pso");
    BOOST_TEST(f.env->showPartition("p1").coLoginAttemptsLeft == 3u);
    f.failLogins(Role::CryptoOfficer, 2);
    BOOST_TEST(!f.env->showPartition("p1").coLocked);
    f.failLogins(Role::CryptoOfficer, 1);
    BOOST_TEST(f.env->showPartition("p1").coLocked);
    LUNA_CHECK_ERROR(f.env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin), rc::PIN_LOCKED);
}

BOOST_AUTO_TEST_CASE(a_success_resets_the_co_counter) {
    OnePartition f;
    f.failLogins(Role::CryptoOfficer, 9);
    BOOST_TEST(canLogin(*f.env, "p1", Role::CryptoOfficer, kCoPin));
    BOOST_TEST(f.env->showPartition("p1").coLoginAttemptsLeft == 10u);
    f.failLogins(Role::CryptoOfficer, 9);
    BOOST_TEST(!f.env->showPartition("p1").coLocked);
}

BOOST_AUTO_TEST_CASE(co_counter_survives_a_restart) {
    OnePartition f;
    f.failLogins(Role::CryptoOfficer, 9);
    f.env.restart();
    BOOST_TEST(f.env->showPartition("p1").coLoginAttemptsLeft == 1u);
    f.failLogins(Role::CryptoOfficer, 1);
    LUNA_CHECK_ERROR(f.env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin), rc::PIN_LOCKED);
}

BOOST_AUTO_TEST_CASE(policy_15_on_lets_the_pso_reset_the_co_and_unlocks_the_cu) {
    OnePartition f(1);
    f.failLogins(Role::CryptoOfficer, 10);
    LUNA_CHECK_ERROR(f.env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin), rc::PIN_LOCKED);
    LUNA_CHECK_ERROR(f.env->loginPartition("cu", "p1", Role::CryptoUser, kCuPin), rc::PIN_LOCKED);
    // the CO cannot be reset by anyone but the PSO
    LUNA_CHECK_ERROR(f.env->resetRolePin("nobody", "p1", Role::CryptoOfficer, "Reset-Pin-01"), rc::USER_NOT_LOGGED_IN);
    f.pso("pso");
    f.env->resetRolePin("pso", "p1", Role::CryptoOfficer, "Reset-Pin-01");
    const auto p = f.env->showPartition("p1");
    BOOST_TEST(!p.coLocked);
    BOOST_TEST(!p.cuLocked);
    BOOST_TEST(p.coLoginAttemptsLeft == 10u);
    BOOST_TEST(!canLogin(*f.env, "p1", Role::CryptoOfficer, kCoPin));
    f.env->loginPartition("co", "p1", Role::CryptoOfficer, "Reset-Pin-01");
    // HSM policy 21 = 1: a reset credential must be changed before anything else (digest acceptance 33)
    LUNA_CHECK_ERROR(f.env->createObject("co", "p1", privateObject()), rc::PIN_EXPIRED);
    LUNA_CHECK_ERROR(f.env->resetRolePin("co", "p1", Role::CryptoUser, "CuReset-0001"), rc::PIN_EXPIRED);
    f.env->changeRolePin("co", "p1", "Reset-Pin-01", "Changed-Pin-1");
    BOOST_TEST(f.env->readObject("co", "p1", f.handle).size() == 2u);   // contents intact
    f.env->createObject("co", "p1", privateObject());
    // the CU, locked with the CO, works again with its own password
    BOOST_TEST(canLogin(*f.env, "p1", Role::CryptoUser, kCuPin));
}

BOOST_AUTO_TEST_SUITE_END()

// ---- Crypto User lockout: reset by the CO, not the PSO (ch.21) -------------------------------

BOOST_AUTO_TEST_CASE(cu_lockout_is_reset_by_the_co_not_the_pso) {
    OnePartition f;
    f.failLogins(Role::CryptoUser, 10);
    auto p = f.env->showPartition("p1");
    BOOST_TEST(p.cuLocked);
    BOOST_TEST(!p.coLocked);   // the CO is unaffected by the CU's failures
    LUNA_CHECK_ERROR(f.env->loginPartition("cu", "p1", Role::CryptoUser, kCuPin), rc::PIN_LOCKED);
    BOOST_TEST(canLogin(*f.env, "p1", Role::CryptoOfficer, kCoPin));

    f.pso("pso");
    BOOST_CHECK_THROW(f.env->resetRolePin("pso", "p1", Role::CryptoUser, "CuReset-0001"), luna::Error);
    LUNA_CHECK_ERROR(f.env->loginPartition("cu", "p1", Role::CryptoUser, "CuReset-0001"), rc::PIN_LOCKED);

    f.env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin);
    f.env->resetRolePin("co", "p1", Role::CryptoUser, "CuReset-0001");
    BOOST_TEST(!f.env->showPartition("p1").cuLocked);
    BOOST_TEST(!canLogin(*f.env, "p1", Role::CryptoUser, kCuPin));
    f.env->loginPartition("cu", "p1", Role::CryptoUser, "CuReset-0001");
    // policy 21: the reset CU must change its password first
    LUNA_CHECK_ERROR(f.env->createObject("cu", "p1", publicObject()), rc::PIN_EXPIRED);
    f.env->changeRolePin("cu", "p1", "CuReset-0001", "CuChanged-001");
    BOOST_TEST(f.env->readObject("cu", "p1", f.handle).size() == 2u);
}

// ---- Auditor (ch.1: 3 tries, then 30 s) --------------------------------------------------------

BOOST_AUTO_TEST_CASE(audit_lockout_and_timed_unlock) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    env->initAuditor("AuditPw-01", "auditDomain");
    BOOST_TEST(env->info().auditRoleInitialized);
    LUNA_CHECK_ERROR(env->loginAuditor("au", kWrong), rc::PIN_INCORRECT);
    LUNA_CHECK_ERROR(env->loginAuditor("au", kWrong), rc::PIN_INCORRECT);
    LUNA_CHECK_ERROR(env->loginAuditor("au", kWrong), rc::AUDIT_LOGIN_FAILURE_THRESHOLD);
    // locked: even the right password is refused while the timeout runs
    LUNA_CHECK_ERROR(env->loginAuditor("au", "AuditPw-01"), rc::AUDIT_LOGIN_TIMEOUT_IN_PROGRESS);
    env.clock.advance(std::chrono::seconds(29));
    LUNA_CHECK_ERROR(env->loginAuditor("au", "AuditPw-01"), rc::AUDIT_LOGIN_TIMEOUT_IN_PROGRESS);
    BOOST_TEST(!env->auditorLoggedIn("au"));
    // the HSM is unaffected
    BOOST_TEST(env->info().status == "OK");
    BOOST_TEST(env->soLoggedIn(kAdmin));
    env.clock.advance(std::chrono::seconds(1));
    env->loginAuditor("au", "AuditPw-01");
    BOOST_TEST(env->auditorLoggedIn("au"));
    // the counter starts again from zero
    LUNA_CHECK_ERROR(env->loginAuditor("au2", kWrong), rc::PIN_INCORRECT);
    LUNA_CHECK_ERROR(env->loginAuditor("au2", kWrong), rc::PIN_INCORRECT);
    env->loginAuditor("au2", "AuditPw-01");
}

BOOST_AUTO_TEST_CASE(audit_lockout_survives_a_restart) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    env->initAuditor("AuditPw-01", "auditDomain");
    for (int i = 0; i < 3; ++i) BOOST_CHECK_THROW(env->loginAuditor("au", kWrong), luna::Error);
    env.restart();
    LUNA_CHECK_ERROR(env->loginAuditor("au", "AuditPw-01"), rc::AUDIT_LOGIN_TIMEOUT_IN_PROGRESS);
    env.clock.advance(std::chrono::seconds(30));
    env->loginAuditor("au", "AuditPw-01");
    BOOST_TEST(env->auditorLoggedIn("au"));
}

// ---- HSM policy 21: forced change of a set or reset credential --------------------------------

BOOST_AUTO_TEST_SUITE(force_change)

BOOST_AUTO_TEST_CASE(new_co_must_change_its_password_before_creating_objects) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    env->createPartition(kAdmin, "p1", std::nullopt, false);
    env->initPartition("s", "p1", "lbl", kPsoPin, kPartitionDomain);
    env->loginPartition("s", "p1", Role::PartitionSo, kPsoPin);
    env->initRole("s", "p1", Role::CryptoOfficer, kCoInitialPin);
    env->endSession("s");
    const auto pub = env->createObject("anyone", "p1", publicObject());   // no login needed
    // the login with the given password works ...
    env->loginPartition("co", "p1", Role::CryptoOfficer, kCoInitialPin);
    // ... but nothing else until role changepw
    LUNA_CHECK_ERROR(env->readObject("co", "p1", pub), rc::PIN_EXPIRED);
    LUNA_CHECK_ERROR(env->listObjects("co", "p1"), rc::PIN_EXPIRED);
    LUNA_CHECK_ERROR(env->destroyObject("co", "p1", pub), rc::PIN_EXPIRED);
    LUNA_CHECK_ERROR(env->createObject("co", "p1", privateObject()), rc::PIN_EXPIRED);
    LUNA_CHECK_ERROR(env->createObject("co", "p1", publicObject()), rc::PIN_EXPIRED);
    LUNA_CHECK_ERROR(env->initRole("co", "p1", Role::CryptoUser, kCuInitialPin), rc::PIN_EXPIRED);
    BOOST_TEST(env->showPartition("p1").objectCount == 1u);
    env->changeRolePin("co", "p1", kCoInitialPin, kCoPin);
    env->createObject("co", "p1", privateObject());
    BOOST_TEST(env->listObjects("co", "p1").size() == 2u);
    env->initRole("co", "p1", Role::CryptoUser, kCuInitialPin);
}

BOOST_AUTO_TEST_CASE(with_policy_21_off_the_initial_password_keeps_working) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    BOOST_TEST(!env->changeHsmPolicy(kAdmin, 21, 0).destructive);
    env->createPartition(kAdmin, "p1", std::nullopt, false);
    env->initPartition("s", "p1", "lbl", kPsoPin, kPartitionDomain);
    env->loginPartition("s", "p1", Role::PartitionSo, kPsoPin);
    env->initRole("s", "p1", Role::CryptoOfficer, kCoInitialPin);
    env->endSession("s");
    env->loginPartition("co", "p1", Role::CryptoOfficer, kCoInitialPin);
    env->createObject("co", "p1", privateObject());
    BOOST_TEST(env->showPartition("p1").objectCount == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- who creates whom (ch.21) ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(pso_creates_the_co_and_co_creates_the_cu) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    env->createPartition(kAdmin, "p1", std::nullopt, false);
    env->initPartition("s", "p1", "lbl", kPsoPin, kPartitionDomain);
    // without a login, or as the HSM SO, nobody can create partition roles
    LUNA_CHECK_ERROR(env->initRole("s", "p1", Role::CryptoOfficer, kCoPin), rc::USER_NOT_LOGGED_IN);
    LUNA_CHECK_ERROR(env->initRole(kAdmin, "p1", Role::CryptoOfficer, kCoPin), rc::USER_NOT_LOGGED_IN);
    env->loginPartition("s", "p1", Role::PartitionSo, kPsoPin);
    BOOST_CHECK_THROW(env->initRole("s", "p1", Role::CryptoUser, kCuPin), luna::Error);
    BOOST_TEST(!env->showPartition("p1").cuInitialized);
    env->initRole("s", "p1", Role::CryptoOfficer, kCoPin);
    BOOST_TEST(env->showPartition("p1").coInitialized);
}

// ---- credential rules (ch.7, ch.3 policy 25/26) -------------------------------------------------

BOOST_AUTO_TEST_SUITE(credentials)

BOOST_AUTO_TEST_CASE(so_password_is_7_to_256_characters) {
    HsmEnv env;
    LUNA_CHECK_ERROR(env->init("s", "lbl", std::string(6, 'p'), kDomain), rc::PIN_LEN_RANGE);
    LUNA_CHECK_ERROR(env->init("s", "lbl", std::string(257, 'p'), kDomain), rc::PIN_LEN_RANGE);
    BOOST_TEST(env->init("s", "lbl", std::string(7, 'p'), kDomain));
    env->loginSo("s", std::string(7, 'p'));
    LUNA_CHECK_ERROR(env->changeSoPassword(std::string(7, 'p'), std::string(257, 'q')), rc::PIN_LEN_RANGE);
    env->changeSoPassword(std::string(7, 'p'), std::string(256, 'q'));
    BOOST_TEST(canLoginSo(*env, std::string(256, 'q')));
}

BOOST_AUTO_TEST_CASE(partition_pin_minimum_follows_policy_25) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    env->createPartition(kAdmin, "p1", std::nullopt, false);
    // default 248: minimum 256 - 248 = 8
    LUNA_CHECK_ERROR(env->initPartition("s", "p1", "lbl", std::string(7, 'a'), kPartitionDomain), rc::PIN_LEN_RANGE);
    BOOST_TEST(!env->showPartition("p1").initialized);
    env->initPartition("s", "p1", "lbl", "Pso-Pin8", kPartitionDomain);
    env->loginPartition("s", "p1", Role::PartitionSo, "Pso-Pin8");
    LUNA_CHECK_ERROR(env->initRole("s", "p1", Role::CryptoOfficer, std::string(7, 'c')), rc::PIN_LEN_RANGE);
    LUNA_CHECK_ERROR(env->initRole("s", "p1", Role::CryptoOfficer, std::string(256, 'c')), rc::PIN_LEN_RANGE);
    env->initRole("s", "p1", Role::CryptoOfficer, std::string(255, 'c'));
    // 250 would mean a minimum of 6: above the capability 248, refused (digest acceptance 30)
    BOOST_CHECK_THROW(env->changePartitionPolicy("s", "p1", 25, 250), luna::Error);
    // 246: minimum 10
    env->changePartitionPolicy("s", "p1", 25, 246);
    env->logoutPartition("s", "p1");
    env->loginPartition("s", "p1", Role::CryptoOfficer, std::string(255, 'c'));
    LUNA_CHECK_ERROR(env->changeRolePin("s", "p1", std::string(255, 'c'), std::string(9, 'c')), rc::PIN_LEN_RANGE);
    env->changeRolePin("s", "p1", std::string(255, 'c'), std::string(10, 'c'));
    LUNA_CHECK_ERROR(env->initRole("s", "p1", Role::CryptoUser, std::string(9, 'u')), rc::PIN_LEN_RANGE);
    env->initRole("s", "p1", Role::CryptoUser, std::string(10, 'u'));
    BOOST_TEST(env->showPartition("p1").cuInitialized);
    env->endSession("s");
    // policy 26 is the maximum; it must stay above the minimum (digest acceptance 30)
    env->loginPartition("s", "p1", Role::PartitionSo, "Pso-Pin8");
    BOOST_CHECK_THROW(env->changePartitionPolicy("s", "p1", 26, 10), luna::Error);
    env->changePartitionPolicy("s", "p1", 26, 20);
    LUNA_CHECK_ERROR(env->changeRolePin("s", "p1", "Pso-Pin8", std::string(21, 'p')), rc::PIN_LEN_RANGE);
    env->changeRolePin("s", "p1", "Pso-Pin8", std::string(20, 'p'));
    BOOST_TEST(canLogin(*env, "p1", Role::PartitionSo, std::string(20, 'p')));
}

BOOST_AUTO_TEST_CASE(partition_pin_uses_the_valid_character_set) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    env->createPartition(kAdmin, "p1", std::nullopt, false);
    LUNA_CHECK_ERROR(env->initPartition("s", "p1", "lbl", "Pso<Pin-01", kPartitionDomain), rc::PIN_INVALID);
    LUNA_CHECK_ERROR(env->initPartition("s", "p1", "lbl", kPsoPin, ""), rc::DOMAIN_INVALID);
    BOOST_TEST(!env->showPartition("p1").initialized);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- logins belong to a session -------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(sessions)

BOOST_AUTO_TEST_CASE(so_login_is_bound_to_its_session) {
    HsmEnv env;
    initAndLogin(*env, "a");
    BOOST_TEST(env->soLoggedIn("a"));
    BOOST_TEST(!env->soLoggedIn("b"));
    LUNA_CHECK_ERROR(env->createPartition("b", "p1", std::nullopt, false), rc::USER_NOT_LOGGED_IN);
    env->createPartition("a", "p1", std::nullopt, false);
    LUNA_CHECK_ERROR(env->loginSo("a", kSoPassword), rc::USER_ALREADY_LOGGED_IN);
    env->endSession("a");
    BOOST_TEST(!env->soLoggedIn("a"));
    LUNA_CHECK_ERROR(env->createPartition("a", "p2", std::nullopt, false), rc::USER_NOT_LOGGED_IN);
    env->loginSo("b", kSoPassword);
    env->logoutSo("b");
    BOOST_TEST(!env->soLoggedIn("b"));
    LUNA_CHECK_ERROR(env->logoutSo("b"), rc::USER_NOT_LOGGED_IN);
}

BOOST_AUTO_TEST_CASE(partition_login_is_bound_to_its_session) {
    OnePartition f;
    f.env->loginPartition("a", "p1", Role::CryptoOfficer, kCoPin);
    BOOST_TEST((f.env->partitionLogin("a", "p1") == Role::CryptoOfficer));
    BOOST_TEST(!f.env->partitionLogin("b", "p1").has_value());
    LUNA_CHECK_ERROR(f.env->createObject("b", "p1", privateObject()), rc::USER_NOT_LOGGED_IN);
    LUNA_CHECK_ERROR(f.env->readObject("b", "p1", f.handle), rc::OBJECT_HANDLE_INVALID);
    f.env->createObject("a", "p1", privateObject());
    // one role per session and partition
    LUNA_CHECK_ERROR(f.env->loginPartition("a", "p1", Role::CryptoUser, kCuPin), rc::USER_ANOTHER_ALREADY_LOGGED_IN);
    LUNA_CHECK_ERROR(f.env->loginPartition("a", "p1", Role::CryptoOfficer, kCoPin), rc::USER_ALREADY_LOGGED_IN);
    // another session may hold another role at the same time
    f.env->loginPartition("b", "p1", Role::CryptoUser, kCuPin);
    BOOST_TEST((f.env->partitionLogin("b", "p1") == Role::CryptoUser));
    f.env->endSession("a");
    BOOST_TEST(!f.env->partitionLogin("a", "p1").has_value());
    LUNA_CHECK_ERROR(f.env->createObject("a", "p1", privateObject()), rc::USER_NOT_LOGGED_IN);
    BOOST_TEST((f.env->partitionLogin("b", "p1") == Role::CryptoUser));
}

BOOST_AUTO_TEST_CASE(auditor_login_is_bound_to_its_session) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    env->initAuditor("AuditPw-01", "auditDomain");
    env->loginAuditor("au", "AuditPw-01");
    BOOST_TEST(env->auditorLoggedIn("au"));
    BOOST_TEST(!env->auditorLoggedIn(kAdmin));
    BOOST_TEST(!env->soLoggedIn("au"));
    env->endSession("au");
    BOOST_TEST(!env->auditorLoggedIn("au"));
    // decommission destroys the audit role, and with it its login
    env->loginAuditor("au", "AuditPw-01");
    env->decommission();
    BOOST_TEST(!env->auditorLoggedIn("au"));
    BOOST_TEST(!env->info().auditRoleInitialized);
}

BOOST_AUTO_TEST_CASE(the_hsm_so_cannot_log_in_to_a_partition_or_read_its_objects) {
    OnePartition f;
    LUNA_CHECK_ERROR(f.env->loginPartition(kAdmin, "p1", Role::HsmSo, kSoPassword), rc::USER_TYPE_INVALID);
    LUNA_CHECK_ERROR(f.env->readObject(kAdmin, "p1", f.handle), rc::OBJECT_HANDLE_INVALID);
    BOOST_TEST(f.env->listObjects(kAdmin, "p1").empty());
}

BOOST_AUTO_TEST_SUITE_END()
