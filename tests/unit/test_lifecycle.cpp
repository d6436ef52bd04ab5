#define BOOST_TEST_MODULE lifecycle
// HSM lifecycle against the seed: status strings (ch.8), hard and soft init (ch.7), and
// the table of what each destructive action erases or keeps (ch.5, ch.13; digest
// req-03 §5.3), plus the HSM's identity.
#include "hsm_test_support.h"

#include "hsm/policy.h"

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

using namespace luna::hsm;
using namespace luna::hsm::test;
namespace rc = luna::rc;

namespace {

const SessionId kAdmin = "admin";

std::map<std::uint32_t, std::uint32_t> policyValues(const Hsm& hsm) {
    std::map<std::uint32_t, std::uint32_t> out;
    for (const auto& row : hsm.hsmPolicies())
        if (!row.def->policyName.empty()) out[row.def->id] = row.value;
    return out;
}

} // namespace

// ---- status strings (ch.8) -----------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(status)

BOOST_AUTO_TEST_CASE(first_boot_is_zeroized_and_not_in_transport_mode) {
    HsmEnv env;
    const auto i = env->info();
    BOOST_TEST(i.status == "Zeroized");
    BOOST_TEST(!i.initialized);
    BOOST_TEST(!i.transportMode);
    BOOST_TEST(!i.decommissioned);
    BOOST_TEST(!i.manuallyZeroized);
    BOOST_TEST(i.label == "no label");
    BOOST_TEST(i.partitionCount == 0u);
}

BOOST_AUTO_TEST_CASE(ok_after_init) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    const auto i = env->info();
    BOOST_TEST(i.status == "OK");
    BOOST_TEST(i.initialized);
    BOOST_TEST(i.label == std::string(kLabel));
    BOOST_TEST(i.soLoginAttemptsLeft == 3u);
}

BOOST_AUTO_TEST_CASE(decommissioned_after_decommission_and_ok_after_hard_init) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    env->decommission();
    auto i = env->info();
    BOOST_TEST(i.status == "Decommissioned");
    BOOST_TEST(i.decommissioned);
    BOOST_TEST(!i.initialized);
    LUNA_CHECK_ERROR(env->loginSo("s", kSoPassword), rc::HSM_ZEROIZED);
    // Decommissioned -> hard init (ch.8 recovery column), no login needed.
    BOOST_TEST(env->init("fresh", "rebuilt", "NewPassw0rd", "newDomain"));
    i = env->info();
    BOOST_TEST(i.status == "OK");
    BOOST_TEST(!i.decommissioned);
}

BOOST_AUTO_TEST_CASE(zeroized_after_zeroize) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    env->zeroize();
    const auto i = env->info();
    BOOST_TEST(i.status == "Zeroized");
    BOOST_TEST(i.manuallyZeroized);
    BOOST_TEST(i.label == "no label");
    BOOST_TEST(!env->soLoggedIn(kAdmin));
}

BOOST_AUTO_TEST_CASE(zeroized_after_factory_reset_even_from_decommissioned) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    env->factoryReset();
    BOOST_TEST(env->info().status == "Zeroized");
    BOOST_TEST(!env->info().manuallyZeroized);

    initAndLogin(*env, kAdmin);
    env->decommission();
    BOOST_REQUIRE(env->info().status == "Decommissioned");
    env->factoryReset();
    BOOST_TEST(env->info().status == "Zeroized");
    BOOST_TEST(!env->info().decommissioned);
}

BOOST_AUTO_TEST_CASE(status_survives_a_restart) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    env.restart();
    BOOST_TEST(env->info().status == "OK");
    env->decommission();
    env.restart();
    BOOST_TEST(env->info().status == "Decommissioned");
}

BOOST_AUTO_TEST_SUITE_END()

// ---- hard and soft init (ch.7) ---------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(init)

BOOST_AUTO_TEST_CASE(hard_init_needs_no_login) {
    HsmEnv env;
    BOOST_TEST(!env->soLoggedIn("nobody"));
    BOOST_TEST(env->init("nobody", kLabel, kSoPassword, kDomain) == true);
    BOOST_TEST(env->info().status == "OK");
    BOOST_TEST(canLoginSo(*env, kSoPassword));
}

struct BadInit {
    std::string what;
    std::string label;
    std::string password;
    std::string domain;
    std::uint32_t code;
};

BOOST_AUTO_TEST_CASE(hard_init_validates_and_leaves_the_hsm_unchanged) {
    const std::vector<BadInit> cases = {
        {"empty label", "", "Passw0rd", "dom", rc::LABEL_INVALID},
        {"33-character label", std::string(33, 'L'), "Passw0rd", "dom", rc::LABEL_INVALID},
        {"label with a leading space", " label", "Passw0rd", "dom", rc::LABEL_INVALID},
        {"6-character password", "lbl", "Passw0", "dom", rc::PIN_LEN_RANGE},
        {"257-character password", "lbl", std::string(257, 'p'), "dom", rc::PIN_LEN_RANGE},
        {"password with '&'", "lbl", "Pass&word", "dom", rc::PIN_INVALID},
        {"password with '<'", "lbl", "Pass<word", "dom", rc::PIN_INVALID},
        {"empty domain", "lbl", "Passw0rd", "", rc::DOMAIN_INVALID},
        {"129-character domain", "lbl", "Passw0rd", std::string(129, 'd'), rc::DOMAIN_INVALID},
        {"domain with ';'", "lbl", "Passw0rd", "dom;ain", rc::DOMAIN_INVALID},
    };
    HsmEnv env;
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.what) {
            LUNA_CHECK_ERROR(env->init("s", c.label, c.password, c.domain), c.code);
            const auto i = env->info();
            BOOST_TEST(i.status == "Zeroized");
            BOOST_TEST(!i.initialized);
            BOOST_TEST(i.label == "no label");
            LUNA_CHECK_ERROR(env->loginSo("s", c.password), rc::HSM_ZEROIZED);
        }
    }
}

BOOST_AUTO_TEST_CASE(hard_init_accepts_the_limits) {
    {
        HsmEnv env;
        BOOST_TEST(env->init("s", std::string(32, 'L'), "Pass-7c", "d"));
        BOOST_TEST(canLoginSo(*env, "Pass-7c"));
    }
    {
        HsmEnv env;
        const std::string longPw(256, 'p');
        BOOST_TEST(env->init("s", "x", longPw, std::string(128, 'd')));
        BOOST_TEST(canLoginSo(*env, longPw));
    }
    {   // every character of the seed's valid set, space included
        HsmEnv env;
        const std::string all = " !#$%'+,-./0123456789:=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[^_abcdefghijklmnopqrstuvwxyz}~";
        BOOST_TEST(env->init("s", "x", all, all.substr(0, 128)));
        BOOST_TEST(canLoginSo(*env, all));
    }
}

BOOST_AUTO_TEST_CASE(soft_init_requires_the_so_login_and_changes_nothing_without_it) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    env->createPartition(kAdmin, "p1", std::nullopt, false);
    LUNA_CHECK_ERROR(env->init("other", "newLabel", kSoPassword, kDomain), rc::USER_NOT_LOGGED_IN);
    BOOST_TEST(env->info().label == std::string(kLabel));
    BOOST_TEST(env->listPartitions().size() == 1u);
}

BOOST_AUTO_TEST_CASE(soft_init_keeps_so_and_destroys_partitions) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    env->createPartition(kAdmin, "p1", std::nullopt, false);
    env->createPartition(kAdmin, "p2", std::nullopt, false);
    provisionPartition(*env, "p1");
    env->createObject("pub", "p1", publicObject());

    BOOST_TEST(env->init(kAdmin, "newLabel", kSoPassword, kDomain) == false);
    const auto i = env->info();
    BOOST_TEST(i.status == "OK");
    BOOST_TEST(i.label == "newLabel");
    BOOST_TEST(i.partitionCount == 0u);
    BOOST_TEST(env->listPartitions().empty());
    BOOST_TEST(canLoginSo(*env, kSoPassword));
    // the partition name is free again, with nothing left in it
    env->createPartition(kAdmin, "p1", std::nullopt, false);
    BOOST_TEST(env->showPartition("p1").objectCount == 0u);
    BOOST_TEST(!env->showPartition("p1").initialized);
}

BOOST_AUTO_TEST_CASE(soft_init_validates_the_label) {
    HsmEnv env;
    initAndLogin(*env, kAdmin);
    env->createPartition(kAdmin, "p1", std::nullopt, false);
    LUNA_CHECK_ERROR(env->init(kAdmin, " lead", kSoPassword, kDomain), rc::LABEL_INVALID);
    BOOST_TEST(env->info().label == std::string(kLabel));
    BOOST_TEST(env->listPartitions().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- what each destructive action erases or keeps (digest req-03 §5.3) -------------------

namespace {

// D = destroyed, K = kept, R = reset to defaults, N = replaced by a new value.
enum class Cell { D, K, R, N, Mixed };

std::ostream& operator<<(std::ostream& os, Cell c) {
    switch (c) {
    case Cell::D: return os << 'D';
    case Cell::K: return os << 'K';
    case Cell::R: return os << 'R';
    case Cell::N: return os << 'N';
    case Cell::Mixed: return os << "mixed";
    }
    return os;
}

constexpr std::string_view kAuditPassword = "AuditPw-01";
constexpr std::string_view kNewLabel = "relabelled";
constexpr std::string_view kNewSoPassword = "NewSoPassw0rd";
constexpr std::string_view kNewPsoPin = "NewPsoPin-01";

// The fully populated HSM each row starts from: non-default HSM policies (12, 15, 16 and
// 39 changed before any partition exists, since 15 is destructive), an audit role, two
// provisioned partitions each holding a private and a public object. In p1 the PSO turned
// partition policy 4 off beforehand, so turning it on again is a destructive change.
struct Populated {
    Populated() {
        initAndLogin(*env, kAdmin);
        env->changeHsmPolicy(kAdmin, 12, 0);
        env->changeHsmPolicy(kAdmin, 15, 1);
        env->changeHsmPolicy(kAdmin, 16, 0);
        env->changeHsmPolicy(kAdmin, 39, 1);
        env->initAuditor(kAuditPassword, "auditDomain");
        for (const std::string p : {"p1", "p2"}) {
            env->createPartition(kAdmin, p, std::nullopt, false);
            provisionPartition(*env, p);
        }
        const SessionId pso = "pso";
        env->loginPartition(pso, "p1", Role::PartitionSo, kPsoPin);
        env->changePartitionPolicy(pso, "p1", 4, 0);
        env->endSession(pso);
        for (const std::string p : {"p1", "p2"}) {
            const SessionId co = "co-" + p;
            env->loginPartition(co, p, Role::CryptoOfficer, kCoPin);
            env->createObject(co, p, privateObject());
            env->createObject(co, p, publicObject());
            env->endSession(co);
        }
        policies = policyValues(*env);
        BOOST_REQUIRE(policies != defaults());
        BOOST_REQUIRE(policies.at(39) == 1u);
    }

    // Factory HSM policies as the HSM reports them after a factory reset.
    std::map<std::uint32_t, std::uint32_t> defaults() const {
        std::map<std::uint32_t, std::uint32_t> out;
        auto d = defaultHsmPolicies();
        for (const auto& def : hsmPolicyTable())
            if (!def.policyName.empty()) out[def.id] = d.count(def.id) ? d.at(def.id) : def.policyDefault;
        out[33] = std::min(out[33], env.licensed);
        return out;
    }

    HsmEnv env;
    std::map<std::uint32_t, std::uint32_t> policies;   // as populated, before the action
};

struct Observed {
    Cell partition;        // p1 and its objects
    Cell otherPartition;   // p2 and its objects
    Cell partitionRoles;   // p1's PSO, CO, CU
    Cell hsmSo;
    Cell domain;
    Cell auditRole;
    Cell hsmPolicies;      // every policy but 39
    Cell policy39;
    Cell label;
    std::string status;
};

Cell partitionCell(Hsm& hsm, const std::string& ref) {
    bool exists = false;
    for (const auto& p : hsm.listPartitions()) exists |= p.name == ref;
    if (!exists) return Cell::D;
    const auto objects = hsm.showPartition(ref).objectCount;
    if (objects == 0) return Cell::D;
    if (objects != 2) return Cell::Mixed;
    // both objects still readable by their owner
    const SessionId co = "observer-co";
    if (!canLogin(hsm, ref, Role::CryptoOfficer, kCoPin)) return Cell::K;   // roles are another column
    hsm.loginPartition(co, ref, Role::CryptoOfficer, kCoPin);
    const auto handles = hsm.listObjects(co, ref);
    hsm.endSession(co);
    return handles.size() == 2 ? Cell::K : Cell::Mixed;
}

Cell partitionRolesCell(Hsm& hsm, const std::string& ref) {
    bool exists = false;
    for (const auto& p : hsm.listPartitions()) exists |= p.name == ref;
    if (!exists) return Cell::D;
    const auto info = hsm.showPartition(ref);
    const bool pso = info.initialized && canLogin(hsm, ref, Role::PartitionSo, kPsoPin);
    const bool co = info.coInitialized && canLogin(hsm, ref, Role::CryptoOfficer, kCoPin);
    const bool cu = info.cuInitialized && canLogin(hsm, ref, Role::CryptoUser, kCuPin);
    if (pso && co && cu) return Cell::K;
    if (!pso && !co && !cu && !info.coInitialized && !info.cuInitialized) return Cell::D;
    return Cell::Mixed;
}

Observed observe(Populated& f) {
    Hsm& hsm = *f.env;
    Observed o{};
    o.partition = partitionCell(hsm, "p1");
    o.otherPartition = partitionCell(hsm, "p2");
    o.partitionRoles = partitionRolesCell(hsm, "p1");

    const auto info = hsm.info();
    o.status = info.status;
    if (!info.initialized) {
        o.hsmSo = Cell::D;
        o.domain = Cell::D;
    } else {
        const bool oldSo = canLoginSo(hsm, kSoPassword);
        const bool newSo = canLoginSo(hsm, kNewSoPassword);
        o.hsmSo = oldSo && !newSo ? Cell::K : newSo && !oldSo ? Cell::N : Cell::Mixed;
        // The core has no way to read the cloning domain back (it is only used by cloning,
        // which is not there yet). It lives and dies with the HSM SO: kept while the HSM
        // stays initialized under the same SO, replaced only by a hard init.
        o.domain = o.hsmSo;
    }

    if (!info.auditRoleInitialized) {
        o.auditRole = Cell::D;
    } else {
        const SessionId au = "observer-audit";
        try {
            hsm.loginAuditor(au, kAuditPassword);
            o.auditRole = hsm.auditorLoggedIn(au) ? Cell::K : Cell::Mixed;
        } catch (const luna::Error&) {
            o.auditRole = Cell::Mixed;
        }
        hsm.endSession(au);
    }

    auto now = policyValues(hsm);
    o.policy39 = now.at(39) == 1 ? Cell::K : Cell::R;
    auto withoutStc = [](auto m) {
        m.erase(39);
        return m;
    };
    if (withoutStc(now) == withoutStc(f.policies)) o.hsmPolicies = Cell::K;
    else if (withoutStc(now) == withoutStc(f.defaults())) o.hsmPolicies = Cell::R;
    else o.hsmPolicies = Cell::Mixed;

    o.label = info.label == kLabel ? Cell::K : info.label == "no label" ? Cell::D
                                           : info.label == kNewLabel  ? Cell::N
                                                                      : Cell::Mixed;
    return o;
}

struct EffectsRow {
    std::string_view action;
    std::function<void(Populated&)> act;
    // The row of the digest's table, in Observed's column order.
    Cell partition, otherPartition, partitionRoles, hsmSo, domain, auditRole, hsmPolicies, policy39, label;
    std::string_view status;
};

using enum Cell;

// Column "HSM policies (K + new value)": the action's own change is applied to the expected
// set before comparing. Policy 39 is its own column: HSM zeroization disables it (ch.15,
// LunaSH `hsm zeroize`), whatever zeroizes the HSM; nothing else touches it.
// Audit config is not a column: the core has no audit configuration yet (digest §5.3 says it
// follows the audit role in every row).
const std::vector<EffectsRow>& effectsTable() {
    static const std::vector<EffectsRow> rows = {
        {"destructive HSM policy change (12 Off->On)",
         [](Populated& f) {
             BOOST_TEST(f.env->changeHsmPolicy(kAdmin, 12, 1).destructive);
             f.policies[12] = 1;
             BOOST_TEST(f.env->soLoggedIn(kAdmin));   // ch.3 acceptance: the SO stays logged in
         },
         D, D, D, K, K, K, K, K, K, "OK"},
        {"HSM policy 46 change",
         [](Populated& f) {
             BOOST_TEST(f.env->changeHsmPolicy(kAdmin, 46, 1).zeroizeHsm);
             f.policies[46] = 1;
         },
         D, D, D, D, D, K, K, R, D, "Zeroized"},
        {"hsm zeroize", [](Populated& f) { f.env->zeroize(); }, D, D, D, D, D, K, K, R, D, "Zeroized"},
        {"3 bad HSM SO logins",
         [](Populated& f) {
             for (int i = 0; i < 3; ++i)
                 try {
                     f.env->loginSo("attacker", "WrongPassw0rd");
                 } catch (const luna::Error&) {
                 }
         },
         D, D, D, D, D, K, K, R, D, "Zeroized"},
        {"decommission", [](Populated& f) { f.env->decommission(); }, D, D, D, D, D, D, K, R, D, "Decommissioned"},
        {"factory reset", [](Populated& f) { f.env->factoryReset(); }, D, D, D, D, D, D, R, R, D, "Zeroized"},
        // A hard init only happens on a zeroized HSM: the row is zeroize then hard init, so 39 is
        // reset by the zeroize.
        {"hard init (after zeroize)",
         [](Populated& f) {
             f.env->zeroize();
             BOOST_TEST(f.env->init("installer", kNewLabel, kNewSoPassword, "newDomain"));
         },
         D, D, D, N, N, K, K, R, N, "OK"},
        {"soft init",
         [](Populated& f) { BOOST_TEST(!f.env->init(kAdmin, kNewLabel, kSoPassword, kDomain)); },
         D, D, D, K, K, K, K, K, N, "OK"},
        {"partition init (re-init of p1 by its PSO)",
         [](Populated& f) {
             const SessionId pso = "pso";
             f.env->loginPartition(pso, "p1", Role::PartitionSo, kPsoPin);
             f.env->initPartition(pso, "p1", "again", kNewPsoPin, kPartitionDomain);
             f.env->endSession(pso);
         },
         D, K, D, K, K, K, K, K, K, "OK"},
        {"destructive partition policy change (p1 policy 4 Off->On)",
         [](Populated& f) {
             const SessionId pso = "pso";
             f.env->loginPartition(pso, "p1", Role::PartitionSo, kPsoPin);
             BOOST_TEST(f.env->changePartitionPolicy(pso, "p1", 4, 1).destructive);
             f.env->endSession(pso);
         },
         D, K, K, K, K, K, K, K, K, "OK"},
    };
    return rows;
}

} // namespace

BOOST_AUTO_TEST_SUITE(effects_table)

BOOST_AUTO_TEST_CASE(populated_hsm_observes_as_all_kept) {
    // The observation itself must be able to tell K from D: on the untouched HSM every cell is K.
    Populated f;
    const auto o = observe(f);
    BOOST_TEST(o.partition == K);
    BOOST_TEST(o.otherPartition == K);
    BOOST_TEST(o.partitionRoles == K);
    BOOST_TEST(o.hsmSo == K);
    BOOST_TEST(o.domain == K);
    BOOST_TEST(o.auditRole == K);
    BOOST_TEST(o.hsmPolicies == K);
    BOOST_TEST(o.policy39 == K);
    BOOST_TEST(o.label == K);
    BOOST_TEST(o.status == "OK");
}

BOOST_AUTO_TEST_CASE(each_action_erases_and_keeps_what_the_seed_says) {
    for (const auto& row : effectsTable()) {
        BOOST_TEST_CONTEXT("action: " << row.action) {
            Populated f;
            row.act(f);
            const auto o = observe(f);
            BOOST_TEST(o.partition == row.partition, "partitions + objects");
            BOOST_TEST(o.otherPartition == row.otherPartition, "the other partition");
            BOOST_TEST(o.partitionRoles == row.partitionRoles, "partition roles");
            BOOST_TEST(o.hsmSo == row.hsmSo, "HSM SO");
            BOOST_TEST(o.domain == row.domain, "domain");
            BOOST_TEST(o.auditRole == row.auditRole, "audit role");
            BOOST_TEST(o.hsmPolicies == row.hsmPolicies, "HSM policies");
            BOOST_TEST(o.policy39 == row.policy39, "HSM policy 39");
            BOOST_TEST(o.label == row.label, "label");
            BOOST_TEST(o.status == row.status, "status");
            // Survives a power cycle: nothing comes back, nothing further is lost.
            f.env.restart();
            const auto again = observe(f);
            BOOST_TEST(again.partition == row.partition, "partitions + objects after restart");
            BOOST_TEST(again.partitionRoles == row.partitionRoles, "partition roles after restart");
            BOOST_TEST(again.hsmSo == row.hsmSo, "HSM SO after restart");
            BOOST_TEST(again.auditRole == row.auditRole, "audit role after restart");
            BOOST_TEST(again.hsmPolicies == row.hsmPolicies, "HSM policies after restart");
            BOOST_TEST(again.status == row.status, "status after restart");
        }
    }
}

BOOST_AUTO_TEST_CASE(failed_policy_46_enable_with_40_on_still_destroys_partitions) {
    // Digest §5.3 row "policy 46 change (incl. failed enable with 40=1: partitions D)".
    Populated f;
    // 40 is On->Off destructive only: turning it on keeps the partitions.
    f.env->changeHsmPolicy(kAdmin, 40, 1);
    BOOST_REQUIRE(f.env->listPartitions().size() == 2u);
    LUNA_CHECK_ERROR(f.env->changeHsmPolicy(kAdmin, 46, 1), rc::CONFIG_FAILS_DEPENDENCIES);
    BOOST_TEST(f.env->listPartitions().empty());
    const auto i = f.env->info();
    BOOST_TEST(i.status == "OK");
    BOOST_TEST(policyValues(*f.env).at(46) == 0u);
    BOOST_TEST(canLoginSo(*f.env, kSoPassword));
}

BOOST_AUTO_TEST_SUITE_END()

// ---- identity -------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(serial_survives_restart_zeroize_and_factory_reset) {
    HsmEnv env;
    const auto serial = env->info().serial;
    BOOST_TEST(serial.size() == 6u);
    BOOST_TEST(serial.find_first_not_of("0123456789") == std::string::npos);
    env.restart();
    BOOST_TEST(env->info().serial == serial);
    initAndLogin(*env, kAdmin);
    BOOST_TEST(env->info().serial == serial);
    env->zeroize();
    BOOST_TEST(env->info().serial == serial);
    env->factoryReset();
    env.restart();
    BOOST_TEST(env->info().serial == serial);
}

BOOST_AUTO_TEST_CASE(two_devices_have_different_serials_and_partition_serials_extend_the_hsm_serial) {
    HsmEnv a;
    HsmEnv b;
    BOOST_TEST(a->info().serial != b->info().serial);
    initAndLogin(*a, kAdmin);
    const auto ps = a->createPartition(kAdmin, "p1", std::nullopt, false);
    BOOST_TEST(ps.rfind(a->info().serial, 0) == 0u);
    BOOST_TEST(ps.size() == a->info().serial.size() + 3);
}

BOOST_AUTO_TEST_CASE(model_is_marked_simulated) {
    HsmEnv env;
    const auto i = env->info();
    BOOST_TEST(i.model.find("(simulated)") != std::string::npos);
    BOOST_TEST(!i.firmware.empty());
    BOOST_TEST(i.authMethod == "Password");
}
