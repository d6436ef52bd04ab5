#define BOOST_TEST_MODULE audit_log
// The HSM's audit log (seed ch.1) through the Hsm facade: critical events logged whatever the
// configuration, categories on failure/success, the chain and the newest HMAC, the buffer cbsd
// drains, log full, the log secret moving between HSMs of one audit domain, what survives
// zeroize and what factory reset and decommission destroy, and the Auditor/SO separation.
#include "dataplane_support.h"
#include "hsm_test_support.h"
#include "hsm/record.h"
#include "hsm/store.h"
#include "luna/audit_line.h"

#include <algorithm>
#include <atomic>
#include <thread>

using namespace luna::hsm;
using namespace luna::hsm::test;
namespace audit = luna::audit;
namespace rc = luna::rc;
namespace proto = luna::proto;

namespace {

const SessionId kSo = ":1.10";
const SessionId kAu = ":1.20";
constexpr std::string_view kAuditPw = "AuditPw-0001";
constexpr std::string_view kAuditDomain = "auditDomain-1";

std::vector<std::string> lines(Hsm& hsm, std::uint64_t after = 0) {
    std::vector<std::string> out;
    for (auto& [seq, line] : hsm.fetchAuditRecords(after, 100000)) out.push_back(line);
    return out;
}

std::vector<std::string> events(Hsm& hsm) {
    std::vector<std::string> out;
    for (const auto& l : lines(hsm)) {
        auto p = audit::parseLine(l);
        BOOST_REQUIRE(p);
        auto text = std::string(p->text);
        auto at = text.find("operation ");
        auto end = text.find(' ', at + 10);
        out.push_back(text.substr(at + 10, end - at - 10));
    }
    return out;
}

void auditorIn(Hsm& hsm, const SessionId& s = kAu) {
    hsm.initAuditor(kAuditPw, kAuditDomain);
    hsm.loginAuditor(s, kAuditPw);
}

// What cbsd does: takes the records (from the disk, once the journal's flusher put them
// there) and acknowledges them up to `upTo`.
void takeAndAcknowledge(Hsm& hsm, std::uint64_t upTo) {
    auto got = hsm.fetchAuditRecords(0, 1u << 20);
    BOOST_REQUIRE(!got.empty() && got.back().first >= upTo);
    hsm.acknowledgeAuditRecords(upTo);
}

// A sink that only watches: what the Hsm emits, independent of the log's configuration.
struct RecordingSink : AuditSink {
    void admit(AuditEvent) override { ++admits; }
    void record(const AuditMessage& m, bool) override { seen.push_back(m); }
    std::atomic<int> admits = 0;   // admit() is called without the Hsm's lock
    std::vector<AuditMessage> seen;
};

} // namespace

BOOST_AUTO_TEST_SUITE(critical_events)

// Default configuration: critical events only ("virtually no load").
BOOST_AUTO_TEST_CASE(logged_without_any_configuration) {
    HsmEnv env;
    env->zeroize(kSo);
    BOOST_REQUIRE(env->init(kSo, kLabel, kSoPassword, kDomain));   // SO creation
    env->loginSo(kSo, kSoPassword);
    env->createPartition(kSo, "p1", std::nullopt, false);
    env->logoutSo(kSo);
    env->initAuditor(kAuditPw, kAuditDomain);                       // Auditor creation
    env->factoryReset(kSo);
    env->decommission(kSo);
    auto ev = events(*env);
    const std::vector<std::string> expected{"LUNA_ZEROIZE", "LUNA_INIT_TOKEN", "LUNA_CREATE_AUDIT_CONTAINER",
                                            "LUNA_ZEROIZE", "LUNA_DECOMMISSION"};
    BOOST_CHECK_EQUAL_COLLECTIONS(ev.begin(), ev.end(), expected.begin(), expected.end());
}

BOOST_AUTO_TEST_CASE(sequence_and_chain_start) {
    HsmEnv env;
    env->zeroize();
    env->zeroize();
    auto l = lines(*env);
    BOOST_REQUIRE_EQUAL(l.size(), 2u);
    BOOST_CHECK_EQUAL(audit::parseLine(l[0])->seq, 1u);
    BOOST_CHECK_EQUAL(audit::parseLine(l[1])->seq, 2u);
    BOOST_CHECK_EQUAL(l[0].substr(286, 64), std::string(64, '0'));
    BOOST_CHECK_NE(l[1].substr(286, 64), std::string(64, '0'));
}

BOOST_AUTO_TEST_CASE(so_threshold_zeroization_is_logged) {
    HsmEnv env;
    initAndLogin(*env, kSo);
    for (int i = 0; i < 3; ++i) BOOST_CHECK_THROW(env->loginSo(":1.99", "Wrong-pw-1"), luna::Error);
    auto ev = events(*env);
    BOOST_CHECK_EQUAL(std::count(ev.begin(), ev.end(), "LUNA_ZEROIZE"), 1);
}

BOOST_AUTO_TEST_CASE(partition_record_names_the_container) {
    HsmEnv env;
    initAndLogin(*env, kSo);
    auditorIn(*env);
    env->setAuditSettings(kAu, audit::parseEventMask("s,m"), std::nullopt);
    auto serial = env->createPartition(kSo, "p1", std::nullopt, false);
    auto l = lines(*env);
    auto text = std::string(audit::parseLine(l.back())->text);
    const auto hsmSerial = env->info().serial;
    // ch.1: the partition serial is the HSM serial followed by the container number (3 digits).
    BOOST_CHECK_EQUAL(text, "S/N " + hsmSerial + " session 10 Access 0:0 SO container operation LUNA_CREATE_CONTAINER "
                            "returned RC_OK(0x00000000) container=1 (using PIN (entry=LUNA_ENTRY_DATA_AREA))");
    BOOST_CHECK_EQUAL(serial, hsmSerial + "001");
}

BOOST_AUTO_TEST_CASE(origin_comes_from_the_caller) {
    HsmEnv env;
    env->setSessionOrigin(":1.7", 2147483651u, 1001);
    env->zeroize(":1.7");
    auto text = std::string(audit::parseLine(lines(*env).back())->text);
    BOOST_CHECK_NE(text.find("session 7 Access 2147483651:1001 HSM operation LUNA_ZEROIZE"), std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(categories)

BOOST_AUTO_TEST_CASE(success_and_failure_are_separate) {
    HsmEnv env;
    initAndLogin(*env, kSo);
    auditorIn(*env);
    env->setAuditSettings(kAu, audit::parseEventMask("success,manage"), std::nullopt);
    const auto before = env->auditBuffer().newestSeq;
    env->createPartition(kSo, "p1", std::nullopt, false);
    BOOST_CHECK_THROW(env->createPartition(kSo, "p1", std::nullopt, false), luna::Error);   // duplicate
    env->loginSo(":1.11", kSoPassword);   // access: not configured
    auto l = lines(*env, before);
    BOOST_REQUIRE_EQUAL(l.size(), 1u);
    BOOST_CHECK_NE(l[0].find("LUNA_CREATE_CONTAINER returned RC_OK"), std::string::npos);

    env->setAuditSettings(kAu, audit::parseEventMask("failure,manage"), std::nullopt);
    const auto mid = env->auditBuffer().newestSeq;
    env->createPartition(kSo, "p2", std::nullopt, false);
    BOOST_CHECK_THROW(env->createPartition(kSo, "p2", std::nullopt, false), luna::Error);
    l = lines(*env, mid);
    BOOST_REQUIRE_EQUAL(l.size(), 1u);
    BOOST_CHECK_NE(l[0].find("LUNA_CREATE_CONTAINER returned CKR_OBJECT_ALREADY_EXISTS(0x8000006F)"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(key_management_and_access) {
    HsmEnv env;
    initAndLogin(*env, kSo);
    env->createPartition(kSo, "p1", std::nullopt, false);
    provisionPartition(*env, "p1");
    auditorIn(*env);
    env->setAuditSettings(kAu, audit::parseEventMask("s,f,k,a"), std::nullopt);
    const auto before = env->auditBuffer().newestSeq;
    env->loginPartition("co", "p1", Role::CryptoOfficer, kCoPin);
    auto h = env->createObject("co", "p1", privateObject());
    env->destroyObject("co", "p1", h);
    BOOST_CHECK_THROW(env->loginPartition("cu", "p1", Role::CryptoUser, "Wrong-pin-1"), luna::Error);
    std::vector<std::string> ev;
    for (const auto& l : lines(*env, before)) {
        auto text = std::string(audit::parseLine(l)->text);
        ev.push_back(text.substr(text.find("operation ") + 10, text.find(" returned") - text.find("operation ") - 10));
    }
    const std::vector<std::string> expected{"LUNA_LOGIN", "LUNA_CREATE_OBJECT", "LUNA_DESTROY_OBJECT", "LUNA_LOGIN"};
    BOOST_CHECK_EQUAL_COLLECTIONS(ev.begin(), ev.end(), expected.begin(), expected.end());
}

BOOST_AUTO_TEST_CASE(injected_sink_sees_every_outcome) {
    RecordingSink sink;
    HsmEnv env;
    auto cfg = env.config();
    cfg.auditSink = &sink;
    env.hsm.reset();
    env.hsm = std::make_unique<Hsm>(cfg);
    initAndLogin(*env, kSo);
    env->createPartition(kSo, "p1", std::nullopt, false);
    BOOST_CHECK_THROW(env->deletePartition(kSo, "nope"), luna::Error);
    BOOST_REQUIRE_EQUAL(sink.seen.size(), 4u);   // init, login, create, failed delete
    BOOST_CHECK(sink.seen[0].event == AuditEvent::InitToken);
    BOOST_CHECK(sink.seen[2].event == AuditEvent::CreateContainer);
    BOOST_CHECK_EQUAL(sink.seen[2].detail, "container=1");
    BOOST_CHECK_EQUAL(sink.seen[2].who, "SO");
    BOOST_CHECK(sink.seen[3].event == AuditEvent::DeleteContainer);
    BOOST_CHECK_EQUAL(sink.seen[3].rc, rc::PARTITION_NOT_FOUND);
    BOOST_CHECK_EQUAL(sink.admits.load(), 4);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(buffer_and_log_full)

BOOST_AUTO_TEST_CASE(fetch_acknowledge_and_restart) {
    HsmEnv env;
    for (int i = 0; i < 5; ++i) env->zeroize();
    BOOST_CHECK_EQUAL(env->auditBuffer().stored, 5u);
    takeAndAcknowledge(*env, 3);
    BOOST_CHECK_EQUAL(env->auditBuffer().stored, 2u);
    auto rest = env->fetchAuditRecords(0, 10);
    BOOST_REQUIRE_EQUAL(rest.size(), 2u);
    BOOST_CHECK_EQUAL(rest[0].first, 4u);
    BOOST_CHECK_EQUAL(env->fetchAuditRecords(4, 10).size(), 1u);
    env.restart();   // the buffer is in the store: a restart (or a crash) keeps it
    BOOST_CHECK_EQUAL(env->auditBuffer().stored, 2u);
    env->zeroize();
    BOOST_CHECK_EQUAL(env->auditBuffer().newestSeq, 6u);
    takeAndAcknowledge(*env, 6);
    BOOST_CHECK_EQUAL(env->auditBuffer().stored, 0u);
    BOOST_CHECK(env->fetchAuditRecords(0, 10).empty());
}

// hsmd --audit-sync-each: a command returns once its record is flushed, not only written.
BOOST_AUTO_TEST_CASE(sync_each_returns_after_the_flush) {
    HsmEnv env;
    auto cfg = env.config();
    cfg.auditSyncEach = true;
    env.hsm.reset();
    env.hsm = std::make_unique<Hsm>(cfg);
    for (int i = 0; i < 3; ++i) env->zeroize();
    BOOST_CHECK_EQUAL(env->auditBuffer().stored, 3u);
    env.restart();   // and the records are there for the next start
    BOOST_CHECK_EQUAL(lines(*env).size(), 3u);
}

// ch.1 LOG FULL: commands whose results must be logged fail with CKR_LOG_FULL, except
// factory reset, zeroize, login, logout, open/close session and get/set audit config.
BOOST_AUTO_TEST_CASE(full_log_refuses_what_must_be_logged) {
    HsmEnv env;
    auto cfg = env.config();
    cfg.auditCapacity = 6;
    env.hsm.reset();
    env.hsm = std::make_unique<Hsm>(cfg);
    initAndLogin(*env, kSo);
    auditorIn(*env);
    env->setAuditSettings(kAu, audit::kAllBits, std::nullopt);
    while (!env->auditBuffer().full()) env->auditSettings(kAu);
    LUNA_CHECK_ERROR(env->createPartition(kSo, "p1", std::nullopt, false), rc::LOG_FULL);
    BOOST_CHECK(env->listPartitions().empty());
    // The exceptions still work, and are still logged (past the nominal capacity).
    const auto newest = env->auditBuffer().newestSeq;
    env->logoutSo(kSo);
    env->loginSo(kSo, kSoPassword);
    env->setAuditSettings(kAu, audit::parseEventMask("f,a"), std::nullopt);
    BOOST_CHECK_GT(env->auditBuffer().newestSeq, newest);
    // Management is no longer logged: it runs again.
    env->createPartition(kSo, "p1", std::nullopt, false);
    env->setAuditSettings(kAu, audit::kAllBits, std::nullopt);
    LUNA_CHECK_ERROR(env->deletePartition(kSo, "p1"), rc::LOG_FULL);
    // cbsd drains the buffer: everything works again.
    takeAndAcknowledge(*env, env->auditBuffer().newestSeq);
    env->deletePartition(kSo, "p1");
    // Critical events that are not among the exceptions are refused as well.
    while (!env->auditBuffer().full()) env->auditSettings(kAu);
    LUNA_CHECK_ERROR(env->initAuditor(kAuditPw, kAuditDomain), rc::LOG_FULL);
    env->zeroize(kSo);   // proceeds
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(persistence)

// ch.1: configuration survives re-initialization, zeroize and tamper; factory reset and
// decommission remove the Auditor and the configuration. The chain itself continues.
BOOST_AUTO_TEST_CASE(zeroize_keeps_factory_reset_destroys) {
    HsmEnv env;
    initAndLogin(*env, kSo);
    auditorIn(*env);
    env->setAuditSettings(kAu, audit::parseEventMask("s,m"), audit::Rotation::Hourly);
    env->zeroize(kSo);
    BOOST_CHECK(env->info().auditRoleInitialized);
    env->loginAuditor(":1.21", kAuditPw);
    auto s = env->auditSettings(":1.21");
    BOOST_CHECK(s.configured);
    BOOST_CHECK_EQUAL(s.mask, audit::parseEventMask("s,m"));
    BOOST_CHECK(s.rotation == audit::Rotation::Hourly);
    env.restart();
    BOOST_CHECK(env->auditRotation() == audit::Rotation::Hourly);

    const auto seq = env->auditBuffer().newestSeq;
    env->factoryReset(kSo);
    BOOST_CHECK(!env->info().auditRoleInitialized);
    BOOST_CHECK(env->auditRotation() == audit::kDefaultRotation);
    LUNA_CHECK_ERROR(env->loginAuditor(kAu, kAuditPw), rc::LOG_AUDIT_NOT_INITIALIZED);
    BOOST_CHECK_EQUAL(env->auditBuffer().newestSeq, seq + 1);   // the factory reset's own record
}

BOOST_AUTO_TEST_CASE(decommission_destroys_the_auditor) {
    HsmEnv env;
    auditorIn(*env);
    env->setAuditSettings(kAu, audit::kAllBits, std::nullopt);
    env->decommission(kSo);
    BOOST_CHECK(!env->info().auditRoleInitialized);
    BOOST_CHECK(!env->auditorLoggedIn(kAu));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(separation)

BOOST_AUTO_TEST_CASE(so_configures_only_while_no_auditor_exists) {
    HsmEnv env;
    initAndLogin(*env, kSo);
    env->setAuditSettings(kSo, audit::parseEventMask("f,m"), std::nullopt);
    BOOST_CHECK_EQUAL(env->auditSettings(kSo).mask, audit::parseEventMask("f,m"));
    env->initAuditor(kAuditPw, kAuditDomain);
    LUNA_CHECK_ERROR(env->setAuditSettings(kSo, 0, std::nullopt), rc::USER_NOT_AUTHORIZED);
    LUNA_CHECK_ERROR(env->auditSettings(kSo), rc::USER_NOT_LOGGED_IN);
    LUNA_CHECK_ERROR(env->exportAuditSecret(kSo), rc::USER_NOT_LOGGED_IN);
    LUNA_CHECK_ERROR(env->verifyAuditLog(kSo, lines(*env), std::nullopt, false), rc::USER_NOT_LOGGED_IN);
    // Nobody else either.
    LUNA_CHECK_ERROR(env->setAuditSettings(":1.50", 0, std::nullopt), rc::USER_NOT_LOGGED_IN);
}

BOOST_AUTO_TEST_CASE(auditor_cannot_administer) {
    HsmEnv env;
    initAndLogin(*env, kSo);
    auditorIn(*env);
    LUNA_CHECK_ERROR(env->loginSo(kAu, kSoPassword), rc::USER_ANOTHER_ALREADY_LOGGED_IN);
    LUNA_CHECK_ERROR(env->createPartition(kAu, "p1", std::nullopt, false), rc::USER_NOT_LOGGED_IN);
    LUNA_CHECK_ERROR(env->changeHsmPolicy(kAu, 12, 1), rc::USER_NOT_LOGGED_IN);
    LUNA_CHECK_ERROR(env->loginAuditor(kSo, kAuditPw), rc::USER_ANOTHER_ALREADY_LOGGED_IN);
    env->zeroize();
    LUNA_CHECK_ERROR(env->init(kAu, kLabel, kSoPassword, kDomain), rc::USER_NOT_AUTHORIZED);
    // The Auditor's login survives zeroize (the role does).
    BOOST_CHECK(env->auditorLoggedIn(kAu));
}

BOOST_AUTO_TEST_CASE(auditor_logout_and_password) {
    HsmEnv env;
    auditorIn(*env);
    env->changeAuditorPassword(kAu, kAuditPw, "AuditPw-0002");
    env->logoutAuditor(kAu);
    LUNA_CHECK_ERROR(env->logoutAuditor(kAu), rc::USER_NOT_LOGGED_IN);
    LUNA_CHECK_ERROR(env->loginAuditor(kAu, kAuditPw), rc::PIN_INCORRECT);
    env->loginAuditor(kAu, "AuditPw-0002");
    LUNA_CHECK_ERROR(env->changeAuditorPassword(kAu, "Wrong-pw-01", "AuditPw-0003"), rc::PIN_INCORRECT);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(secret_and_verification)

BOOST_AUTO_TEST_CASE(own_log_verifies_and_truncation_is_caught) {
    HsmEnv env;
    initAndLogin(*env, kSo);
    auditorIn(*env);
    env->setAuditSettings(kAu, audit::kAllBits, std::nullopt);
    for (int i = 0; i < 5; ++i) env->createPartition(kSo, "p" + std::to_string(i), std::nullopt, false);
    auto all = lines(*env);
    takeAndAcknowledge(*env, env->auditBuffer().newestSeq);   // all on "disk"
    auto r = env->verifyAuditLog(kAu, all, std::nullopt, false);
    BOOST_CHECK(r.ok());
    BOOST_CHECK(r.tailChecked);

    // The newest records cut off: the newest HMAC the HSM keeps says so.
    std::vector<std::string> cut(all.begin(), all.end() - 2);
    r = env->verifyAuditLog(kAu, cut, std::nullopt, false);
    BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
    BOOST_CHECK(r.problems[0].kind == AuditProblemKind::Truncated);
    BOOST_CHECK_EQUAL(r.problems[0].line, cut.size());

    // Records still in the HSM's buffer continue the file: no false alarm.
    for (int i = 0; i < 3; ++i) env->auditSettings(kAu);
    BOOST_CHECK_GE(env->auditBuffer().stored, 3u);   // the verifications were logged too
    BOOST_CHECK(env->verifyAuditLog(kAu, all, std::nullopt, false).ok());

    // A rotated file: what follows it is the next file's first record.
    std::vector<std::string> first(all.begin(), all.begin() + 4);
    BOOST_CHECK(env->verifyAuditLog(kAu, first, all[4], false).ok());
    r = env->verifyAuditLog(kAu, first, all[5], false);   // record 5 cut from the end of the file
    BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
    BOOST_CHECK(r.problems[0].kind == AuditProblemKind::Truncated);
}

// An HSM whose buffer and chain tip were store keys (before the journal) moves them into the
// journal when it starts: the records come back, the chain continues and the log verifies.
BOOST_AUTO_TEST_CASE(a_buffer_kept_in_the_store_moves_to_the_journal) {
    HsmEnv env;
    initAndLogin(*env, kSo);
    auditorIn(*env);
    env->setAuditSettings(kAu, audit::kAllBits, std::nullopt);
    for (int i = 0; i < 3; ++i) env->createPartition(kSo, "p" + std::to_string(i), std::nullopt, false);
    const auto all = lines(*env);
    const auto newest = env->auditBuffer().newestSeq;
    BOOST_REQUIRE_EQUAL(all.size(), newest);
    env.hsm.reset();
    const auto state = env.dir.path() / "state";
    {
        // The old layout: records 2..newest buffered (1 acknowledged), the tip in auditlog/chain.
        Store st(state / "hsm.db");
        st.transaction([&] {
            for (std::uint64_t q = 2; q <= newest; ++q) {
                char key[24];
                std::snprintf(key, sizeof key, "%020llu", static_cast<unsigned long long>(q));
                st.put("auditbuf", key, luna::hsm::asBytes(std::string_view(all[q - 1])));
            }
            Record c;
            c.setU64("seq", newest);
            c.setU64("oldest", 2);
            c.setBytes("hmac", std::array<std::uint8_t, 32>{});   // unused while records are buffered
            st.put("auditlog", "chain", c.encode());
        });
    }
    std::filesystem::remove_all(state / "audit-buffer");   // with its acknowledged position
    env.restart();
    auto moved = env->fetchAuditRecords(0, 100000);
    BOOST_REQUIRE_EQUAL(moved.size(), newest - 1);
    BOOST_CHECK_EQUAL(moved.front().first, 2u);
    BOOST_CHECK_EQUAL(moved.back().second, all.back());
    env->loginAuditor(kAu, kAuditPw);   // logged: the chain continues from the moved tip
    auto whole = lines(*env);
    BOOST_CHECK_GT(whole.size(), moved.size());
    whole.insert(whole.begin(), all.front());
    auto r = env->verifyAuditLog(kAu, whole, std::nullopt, false);
    BOOST_CHECK(r.ok());
    env.hsm.reset();
    Store st(state / "hsm.db");
    BOOST_CHECK(st.list("auditbuf").empty());
    BOOST_CHECK(!st.get("auditlog", "chain"));
}

BOOST_AUTO_TEST_CASE(export_import_between_hsms_of_one_domain) {
    HsmEnv a, b, c;
    auditorIn(*a);
    auditorIn(*b);
    c->initAuditor(kAuditPw, "otherDomain-1");
    c->loginAuditor(kAu, kAuditPw);
    a->setAuditSettings(kAu, audit::kAllBits, std::nullopt);
    a->zeroize();
    b->zeroize();
    const auto aLog = lines(*a);
    const auto bLog = lines(*b);
    const auto aSerial = a->info().serial, bSerial = b->info().serial;

    // B cannot verify A's log with its own secret.
    BOOST_CHECK(!b->verifyAuditLog(kAu, aLog, std::nullopt, true).ok());
    auto blob = a->exportAuditSecret(kAu);
    LUNA_CHECK_ERROR(b->importAuditSecret(kAu, blob, aSerial, "123"), rc::ARGUMENTS_BAD);
    LUNA_CHECK_ERROR(b->importAuditSecret(kAu, blob, "123", bSerial), rc::ARGUMENTS_BAD);
    BOOST_CHECK_EQUAL(b->importAuditSecret(kAu, blob, aSerial, bSerial), aSerial);
    BOOST_CHECK(b->auditStatus(kAu).foreignSecret);
    BOOST_CHECK(b->verifyAuditLog(kAu, aLog, std::nullopt, true).ok());
    // ch.1's caution: now B's own logs do not verify...
    BOOST_CHECK(!b->verifyAuditLog(kAu, bLog, std::nullopt, false).ok());
    // ...but its own secret was never overwritten: records keep chaining under it, and
    // exporting and re-importing it restores verification of its own logs.
    b->zeroize();
    auto own = b->exportAuditSecret(kAu);
    b->importAuditSecret(kAu, own, bSerial, bSerial);
    BOOST_CHECK(!b->auditStatus(kAu).foreignSecret);
    BOOST_CHECK(b->verifyAuditLog(kAu, lines(*b), std::nullopt, false).ok());

    // Another audit domain is refused and changes nothing.
    LUNA_CHECK_ERROR(c->importAuditSecret(kAu, blob, aSerial, c->info().serial), rc::WRAPPED_KEY_INVALID);
    BOOST_CHECK(!c->auditStatus(kAu).foreignSecret);
}

BOOST_AUTO_TEST_CASE(verification_is_logged_and_needs_the_auditor) {
    HsmEnv env;
    auditorIn(*env);
    env->setAuditSettings(kAu, audit::parseEventMask("s,f,g"), std::nullopt);
    auto log = lines(*env);
    const auto before = env->auditBuffer().newestSeq;
    BOOST_CHECK(env->verifyAuditLog(kAu, log, std::nullopt, false).ok());
    auto l = lines(*env, before);
    BOOST_REQUIRE_EQUAL(l.size(), 1u);
    BOOST_CHECK_NE(l[0].find("LUNA_LOG_VERIFY returned RC_OK"), std::string::npos);
    env->logoutAuditor(kAu);
    LUNA_CHECK_ERROR(env->verifyAuditLog(kAu, log, std::nullopt, false), rc::USER_NOT_LOGGED_IN);
}

BOOST_AUTO_TEST_CASE(sync_moves_the_hsm_clock) {
    HsmEnv env;
    auditorIn(*env);
    const auto t0 = env->auditStatus(kAu).hsmTime;
    env->syncAuditClock(kAu, t0 + 3600);
    BOOST_CHECK_GE(env->auditStatus(kAu).hsmTime, t0 + 3600);
    env->zeroize();
    const auto last = lines(*env).back();
    auto p = audit::parseLine(last);
    BOOST_CHECK_EQUAL(std::string(p->timestamp), audit::formatTimestamp(env->auditStatus(kAu).hsmTime));
}

BOOST_AUTO_TEST_SUITE_END()

// The data plane's own commands (hsm/dp_audit.h): sessions, keys and usage, through the
// dispatcher hsmd calls.
BOOST_AUTO_TEST_SUITE(data_plane)

namespace {
struct AuditedDp : DpEnv {
    AuditedDp() {
        env->initAuditor(kAuditPw, kAuditDomain);
        env->loginAuditor(kAu, kAuditPw);
    }
    void configure(std::string_view events) { env->setAuditSettings(kAu, audit::parseEventMask(events), std::nullopt); }
    std::vector<std::string> newEvents(std::uint64_t after) {
        std::vector<std::string> out;
        for (const auto& l : lines(*env, after)) {
            auto at = l.find("operation ");
            out.push_back(l.substr(at + 10, l.find(' ', at + 10) - at - 10));
        }
        return out;
    }
    proto::ResponseBody run(proto::Request r) { return dp->dispatch(caller, r); }
    proto::Mechanism ecdsa() { return {CKM_ECDSA, proto::NoParams{}}; }
};
} // namespace

BOOST_AUTO_TEST_CASE(nothing_logged_unless_configured) {
    AuditedDp t;
    const auto before = t.env->auditBuffer().newestSeq;
    auto s = std::get<proto::HandleResp>(t.run(proto::OpenSessionReq{t.slot, CKF_SERIAL_SESSION | CKF_RW_SESSION})).handle;
    t.login(s, CKU_USER, kCoPin);
    auto pair = t.ec(s);
    t.run(proto::SignReq{s, bytesOf("data"), proto::OpInit{t.ecdsa(), pair.privateKey}});
    BOOST_CHECK_EQUAL(t.env->auditBuffer().newestSeq, before);
}

BOOST_AUTO_TEST_CASE(sessions_and_usage_when_configured) {
    AuditedDp t;
    t.configure("s,f,a,c,k");
    const auto before = t.env->auditBuffer().newestSeq;
    auto s = std::get<proto::HandleResp>(t.run(proto::OpenSessionReq{t.slot, CKF_SERIAL_SESSION | CKF_RW_SESSION})).handle;
    t.login(s, CKU_USER, kCoPin);
    auto pair = t.ec(s);
    t.run(proto::SignReq{s, bytesOf("data"), proto::OpInit{t.ecdsa(), pair.privateKey}});
    BOOST_CHECK_THROW(t.run(proto::SignReq{s, bytesOf("data"), proto::OpInit{t.ecdsa(), 999999}}), luna::Error);
    t.run(proto::CloseSessionReq{s});
    auto ev = t.newEvents(before);
    // LUNA_LOGIN and LUNA_LOGOUT (the last session closing) come from the Hsm; the key pair is
    // made through the handler directly (DpEnv), not the dispatcher, and is a session object.
    const std::vector<std::string> expected{"LUNA_OPEN_SESSION", "LUNA_LOGIN", "LUNA_SIGN_SINGLEPART",
                                            "LUNA_SIGN_SINGLEPART", "LUNA_LOGOUT", "LUNA_CLOSE_SESSION"};
    BOOST_CHECK_EQUAL_COLLECTIONS(ev.begin(), ev.end(), expected.begin(), expected.end());
    auto l = lines(*t.env, before);
    BOOST_CHECK_NE(l[3].find("LUNA_SIGN_SINGLEPART returned LUNA_RET_"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(first_usage_only) {
    AuditedDp t;
    auto s = t.coSession();
    auto a = t.ec(s), b = t.ec(s);
    t.configure("s,r");
    const auto before = t.env->auditBuffer().newestSeq;
    for (int i = 0; i < 20; ++i) t.run(proto::SignReq{s, bytesOf("data"), proto::OpInit{t.ecdsa(), a.privateKey}});
    BOOST_CHECK_EQUAL(t.env->auditBuffer().newestSeq - before, 1u);
    for (int i = 0; i < 5; ++i) t.run(proto::SignReq{s, bytesOf("data"), proto::OpInit{t.ecdsa(), b.privateKey}});
    BOOST_CHECK_EQUAL(t.env->auditBuffer().newestSeq - before, 2u);
}

// Group commit: records from threads signing at once share store transactions, and the log
// is still whole: every record there once, numbered without a gap, the chain verifies.
BOOST_AUTO_TEST_CASE(concurrent_records_commit_together_and_chain) {
    AuditedDp t;
    auto s0 = t.coSession();
    auto pair = t.ec(s0);
    t.configure("all");
    const auto before = t.env->auditBuffer().newestSeq;
    constexpr int kThreads = 4, kSigns = 50;
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
        threads.emplace_back([&] {
            auto s = std::get<proto::HandleResp>(t.run(proto::OpenSessionReq{t.slot, CKF_SERIAL_SESSION})).handle;
            for (int n = 0; n < kSigns; ++n)
                t.run(proto::SignReq{s, bytesOf("data"), proto::OpInit{t.ecdsa(), pair.privateKey}});
        });
    for (auto& th : threads) th.join();
    auto ev = t.newEvents(before);
    BOOST_CHECK_EQUAL(std::count(ev.begin(), ev.end(), "LUNA_SIGN_SINGLEPART"), kThreads * kSigns);
    BOOST_CHECK_EQUAL(std::count(ev.begin(), ev.end(), "LUNA_OPEN_SESSION"), kThreads);
    auto all = lines(*t.env);
    for (std::size_t i = 1; i < all.size(); ++i)
        BOOST_CHECK_EQUAL(audit::parseLine(all[i])->seq, audit::parseLine(all[i - 1])->seq + 1);
    // Each record carries its sequence number in the raw data's last 8 bytes too, and its
    // predecessor's HMAC: the leader fills both into lines the callers rendered.
    for (const auto& l : all) {
        auto p = audit::parseLine(l);
        char seqHex[17];
        std::snprintf(seqHex, sizeof seqHex, "%016llx", static_cast<unsigned long long>(p->seq));
        BOOST_CHECK_EQUAL(std::string(p->rawHex.substr(80)), seqHex);
    }
    BOOST_CHECK(t.env->verifyAuditLog(kAu, all, std::nullopt, false).ok());
}

BOOST_AUTO_TEST_CASE(full_log_stops_signing) {
    AuditedDp t;
    auto cfg = t.env.config();
    cfg.auditCapacity = 3;
    t.dp.reset();
    t.env.hsm.reset();
    t.env.hsm = std::make_unique<Hsm>(cfg);
    t.dp = std::make_unique<DataPlane>(*t.env, t.access);
    t.env->loginAuditor(kAu, kAuditPw);
    auto s = t.coSession();
    auto pair = t.ec(s);
    t.configure("s,c");
    while (!t.env->auditBuffer().full()) t.run(proto::SignReq{s, bytesOf("data"), proto::OpInit{t.ecdsa(), pair.privateKey}});
    try {
        t.run(proto::SignReq{s, bytesOf("data"), proto::OpInit{t.ecdsa(), pair.privateKey}});
        BOOST_ERROR("signed with a full log");
    } catch (const luna::Error& e) {
        BOOST_CHECK_EQUAL(e.code(), rc::LOG_FULL);
    }
    // Sessions still open and close (ch.1 exceptions); logging off lets signing run again.
    t.run(proto::OpenSessionReq{t.slot, CKF_SERIAL_SESSION});
    t.configure("none");
    t.run(proto::SignReq{s, bytesOf("data"), proto::OpInit{t.ecdsa(), pair.privateKey}});
}

BOOST_AUTO_TEST_SUITE_END()
