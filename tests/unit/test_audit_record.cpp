#define BOOST_TEST_MODULE audit_record
// The audit record of seed ch.1: the fixed-width line (byte layout, the guide's sample lines),
// the HMAC chain, verification that says where a log was modified, cut, or added to, the
// event-mask grammar of `audit config`, and the exported log secret.
#include "hsm/audit_record.h"
#include "hsm/audit_secret.h"
#include "hsm/audit_verify.h"
#include "luna/audit_config.h"
#include "luna/audit_line.h"
#include "luna/errors.h"

#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <ctime>

using namespace luna::hsm;
namespace audit = luna::audit;
namespace rc = luna::rc;

namespace {

std::int64_t utc(int y, int mo, int d, int h, int mi, int s) {
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return ::timegm(&tm);
}

const std::array<std::uint8_t, 32> kZero{};
const std::array<std::uint8_t, 48> kRaw{};

// A chain of n records under `secret`, as the HSM would write them.
std::vector<std::string> chain(std::span<const std::uint8_t> secret, int n, std::uint64_t firstSeq = 1) {
    std::vector<std::string> out;
    std::array<std::uint8_t, 32> prev{};
    for (int i = 0; i < n; ++i) {
        const auto seq = firstSeq + static_cast<std::uint64_t>(i);
        AuditMessage m{.serial = "150718", .origin = {1, 2147483651u, 2669}, .who = "SO", .object = "container",
                       .event = AuditEvent::CreateContainer, .rc = 0, .detail = "container=" + std::to_string(i),
                       .usingPin = true};
        auto line = audit::renderLine(seq, 1700000000 + i, auditText(m), prev, auditRaw(m, 1700000000 + i, seq));
        prev = auditChainHmac(secret, line, prev);
        out.push_back(line);
    }
    return out;
}

std::array<std::uint8_t, 32> hmacOf(std::span<const std::uint8_t> secret, const std::string& line,
                                    std::span<const std::uint8_t> prev) {
    return auditChainHmac(secret, line, prev);
}

AuditSuccessor successorAfter(std::span<const std::uint8_t> secret, const std::vector<std::string>& full) {
    // What the HSM keeps: the newest HMAC, as record (last + 1) would carry it.
    std::array<std::uint8_t, 32> prev{};
    for (const auto& l : full) prev = hmacOf(secret, l, prev);
    AuditSuccessor s;
    s.seq = audit::parseLine(full.back())->seq + 1;
    s.prevHmac = prev;
    s.where = "the HSM";
    return s;
}

const std::vector<std::uint8_t> kSecret(32, 0x42);

} // namespace

BOOST_AUTO_TEST_SUITE(line_format)

// ch.1's sample: "5,12/12/17 16:14:14,S/N 150718 session 1 Access 2147483651:2669 SO container
// operation LUNA_CREATE_CONTAINER returned RC_OK(0x00000000) container=20 (using PIN
// (entry=LUNA_ENTRY_DATA_AREA))" (the PDF wraps it after "LUNA_").
BOOST_AUTO_TEST_CASE(seed_sample_create_container) {
    const std::string expected =
        "S/N 150718 session 1 Access 2147483651:2669 SO container operation LUNA_CREATE_CONTAINER returned "
        "RC_OK(0x00000000) container=20 (using PIN (entry=LUNA_ENTRY_DATA_AREA))";
    AuditMessage m{.serial = "150718", .origin = {1, 2147483651u, 2669}, .who = "SO", .object = "container",
                   .event = AuditEvent::CreateContainer, .rc = 0, .detail = "container=20", .usingPin = true};
    BOOST_CHECK_EQUAL(auditText(m), expected);

    const auto t = utc(2012, 12, 17, 16, 14, 14);
    const auto line = audit::renderLine(5, t, auditText(m), kZero, auditRaw(m, t, 5));
    BOOST_CHECK_EQUAL(line.size(), 448u);
    BOOST_CHECK_EQUAL(line.substr(0, 10), "5         ");
    BOOST_CHECK_EQUAL(line.substr(11, 17), "12/12/17 16:14:14");
    BOOST_CHECK_EQUAL(line.substr(29, expected.size()), expected);
    auto parsed = audit::parseLine(line);
    BOOST_REQUIRE(parsed);
    BOOST_CHECK_EQUAL(audit::displayLine(*parsed), "5,12/12/17 16:14:14," + expected);
}

// The reference's `audit log tail` sample (17/02/28: the timestamp is YY/MM/DD).
BOOST_AUTO_TEST_CASE(reference_tail_sample) {
    AuditMessage m{.serial = "154438865286", .origin = {2, 2147483651u, 3}, .event = AuditEvent::CloseSession,
                   .rc = 0, .detail = "session handle 2"};
    const auto t = utc(2017, 2, 28, 2, 59, 56);
    const auto line = audit::renderLine(301176, t, auditText(m), kZero, auditRaw(m, t, 301176));
    auto parsed = audit::parseLine(line);
    BOOST_REQUIRE(parsed);
    BOOST_CHECK_EQUAL(audit::displayLine(*parsed),
                      "301176,17/02/28 02:59:56,S/N 154438865286 session 2 Access 2147483651:3 operation "
                      "LUNA_CLOSE_SESSION returned RC_OK(0x00000000) session handle 2");
}

BOOST_AUTO_TEST_CASE(field_offsets_and_widths) {
    auto lines = chain(kSecret, 3);
    for (const auto& l : lines) {
        BOOST_REQUIRE_EQUAL(l.size(), 448u);
        BOOST_CHECK_EQUAL(l[10], ',');
        BOOST_CHECK_EQUAL(l[28], ',');
        BOOST_CHECK_EQUAL(l[285], ',');
        BOOST_CHECK_EQUAL(l[350], ',');
        BOOST_CHECK_EQUAL(l[447], '\n');
        BOOST_CHECK_EQUAL(std::count(l.begin(), l.end(), ','), 4);
        for (std::size_t i = 286; i < 350; ++i) BOOST_CHECK(std::isxdigit(static_cast<unsigned char>(l[i])));
        for (std::size_t i = 351; i < 447; ++i) BOOST_CHECK(std::isxdigit(static_cast<unsigned char>(l[i])));
    }
    // The first record ever chains from 32 zero bytes: 64 '0' characters.
    BOOST_CHECK_EQUAL(lines[0].substr(286, 64), std::string(64, '0'));
}

BOOST_AUTO_TEST_CASE(failure_result_names_the_firmware_code) {
    BOOST_CHECK_EQUAL(auditResult(0), "RC_OK(0x00000000)");
    BOOST_CHECK_EQUAL(auditResult(rc::LOG_FULL), "LUNA_RET_LOG_FULL(0x80000D03)");
    BOOST_CHECK_EQUAL(auditResult(0x80010007), "CKR_ACCESS_DENIED(0x80010007)");
}

BOOST_AUTO_TEST_CASE(text_never_breaks_the_fields) {
    std::string hostile = "app, started^now\nnext\x01";
    hostile += std::string(400, 'x');
    auto line = audit::renderLine(7, 0, hostile, kZero, kRaw);
    BOOST_CHECK_EQUAL(line.size(), 448u);
    BOOST_CHECK_EQUAL(std::count(line.begin(), line.end(), ','), 4);
    BOOST_CHECK_EQUAL(std::count(line.begin(), line.end(), '^'), 0);
    BOOST_CHECK_EQUAL(std::count(line.begin(), line.end(), '\n'), 1);
    BOOST_CHECK(audit::parseLine(line));
}

BOOST_AUTO_TEST_CASE(the_sequence_field_alone) {
    BOOST_CHECK_EQUAL(audit::lineSequence(audit::renderLine(9876543210ULL, 0, "x", kZero, kRaw)), 9876543210ULL);
    BOOST_CHECK_EQUAL(audit::lineSequence(audit::renderLine(7, 0, "x", kZero, kRaw)), 7u);
    BOOST_CHECK_EQUAL(audit::lineSequence(std::string(448, '\0')), 0u);   // a zeroed slot
    BOOST_CHECK_EQUAL(audit::lineSequence("12x4      ,"), 0u);
}

BOOST_AUTO_TEST_CASE(malformed_lines_are_refused) {
    auto line = chain(kSecret, 1).front();
    BOOST_CHECK(audit::parseLine(line));
    BOOST_CHECK(audit::parseLine(line.substr(0, 447)));   // without its '\n'
    BOOST_CHECK(!audit::parseLine(line.substr(0, 446)));
    auto bad = line;
    bad[285] = ' ';
    BOOST_CHECK(!audit::parseLine(bad));
    bad = line;
    bad[300] = 'g';
    BOOST_CHECK(!audit::parseLine(bad));
    bad = line;
    bad[0] = 'x';
    BOOST_CHECK(!audit::parseLine(bad));
}

BOOST_AUTO_TEST_CASE(session_numbers) {
    BOOST_CHECK_EQUAL(auditSessionNumber(":1.42"), 42u);
    BOOST_CHECK_EQUAL(auditSessionNumber("dp/client/7"), 7u);
    BOOST_CHECK_EQUAL(auditSessionNumber(""), 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hmac_chain)

// H_n = HMAC-SHA256(secret, line_n without its HMAC field and '\n' || H_n-1), computed here
// with OpenSSL directly, independently of auditChainHmac.
// The keyed context the HSM reuses for its own records gives the same HMACs, record after record.
BOOST_AUTO_TEST_CASE(reused_keyed_context_matches) {
    auto lines = chain(kSecret, 6);
    AuditChainMac mac(kSecret);
    std::array<std::uint8_t, 32> prev{};
    for (const auto& l : lines) {
        const auto a = mac(l, prev), b = auditChainHmac(kSecret, l, prev);
        BOOST_CHECK(a == b);
        prev = a;
    }
    std::array<std::uint8_t, 32> other{};
    other.fill(1);
    BOOST_CHECK(AuditChainMac(other)(lines[0], {}) != mac(lines[0], {}));
}

BOOST_AUTO_TEST_CASE(each_record_carries_the_previous_hmac) {
    auto lines = chain(kSecret, 5);
    std::array<std::uint8_t, 32> prev{};
    for (const auto& l : lines) {
        BOOST_CHECK_EQUAL(l.substr(286, 64), audit::toHex(prev));
        std::string msg = l.substr(0, 286) + l.substr(351, 96);
        msg.append(reinterpret_cast<const char*>(prev.data()), prev.size());
        unsigned int len = 0;
        HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
             reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), prev.data(), &len);
        BOOST_CHECK_EQUAL(len, 32u);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(verification)

BOOST_AUTO_TEST_CASE(untouched_log_verifies) {
    auto lines = chain(kSecret, 10);
    auto r = verifyAuditLines(kSecret, lines, successorAfter(kSecret, lines));
    BOOST_CHECK(r.ok());
    BOOST_CHECK(r.tailChecked);
    BOOST_CHECK_EQUAL(r.firstSeq, 1u);
    BOOST_CHECK_EQUAL(r.lastSeq, 10u);
    // A run from the middle verifies too (its first record's HMAC field is taken as given).
    std::vector<std::string> middle(lines.begin() + 3, lines.begin() + 7);
    BOOST_CHECK(verifyAuditLines(kSecret, middle, std::nullopt).ok());
}

BOOST_AUTO_TEST_CASE(another_secret_fails_everywhere) {
    auto lines = chain(kSecret, 4);
    std::vector<std::uint8_t> other(32, 0x43);
    auto r = verifyAuditLines(other, lines, std::nullopt);
    BOOST_CHECK(!r.ok());
    BOOST_CHECK(r.problems.front().kind == AuditProblemKind::Modified);
    BOOST_CHECK_EQUAL(r.problems.front().line, 2u);
}

BOOST_AUTO_TEST_CASE(modification_is_located) {
    const auto full = chain(kSecret, 10);
    auto lines = full;
    lines[4][40] = lines[4][40] == 'X' ? 'Y' : 'X';   // record 5's text
    auto r = verifyAuditLines(kSecret, lines, successorAfter(kSecret, full));
    BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
    BOOST_CHECK(r.problems[0].kind == AuditProblemKind::Modified);
    BOOST_CHECK_EQUAL(r.problems[0].line, 5u);
    BOOST_CHECK_EQUAL(r.problems[0].seq, 5u);

    // A changed timestamp, sequence digit or raw byte is a modification as well.
    lines = full;
    lines[2][20] = lines[2][20] == '9' ? '8' : '9';
    r = verifyAuditLines(kSecret, lines, successorAfter(kSecret, full));
    BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
    BOOST_CHECK_EQUAL(r.problems[0].line, 3u);

    // Its previous-HMAC field changed too: still record 5.
    lines = full;
    lines[4][300] = lines[4][300] == 'a' ? 'b' : 'a';
    r = verifyAuditLines(kSecret, lines, successorAfter(kSecret, full));
    BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
    BOOST_CHECK(r.problems[0].kind == AuditProblemKind::Modified);
    BOOST_CHECK_EQUAL(r.problems[0].seq, 5u);

    // The newest record, checked against what the HSM keeps.
    lines = full;
    lines[9][40] = lines[9][40] == 'X' ? 'Y' : 'X';
    r = verifyAuditLines(kSecret, lines, successorAfter(kSecret, full));
    BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
    BOOST_CHECK(r.problems[0].kind == AuditProblemKind::Modified);
    BOOST_CHECK_EQUAL(r.problems[0].seq, 10u);
}

BOOST_AUTO_TEST_CASE(deletion_is_located) {
    const auto full = chain(kSecret, 10);
    auto lines = full;
    lines.erase(lines.begin() + 4, lines.begin() + 6);   // records 5 and 6
    auto r = verifyAuditLines(kSecret, lines, successorAfter(kSecret, full));
    BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
    BOOST_CHECK(r.problems[0].kind == AuditProblemKind::Deleted);
    BOOST_CHECK_EQUAL(r.problems[0].line, 5u);   // where record 7 now stands
    BOOST_CHECK_EQUAL(r.problems[0].seq, 7u);
    BOOST_CHECK_NE(r.problems[0].message.find("records 5 to 6"), std::string::npos);
}

BOOST_AUTO_TEST_CASE(insertion_is_located) {
    const auto full = chain(kSecret, 10);
    auto lines = full;
    // A forged record: a copy of record 3 with another text, put after record 6.
    auto forged = full[2];
    forged.replace(29, 12, "S/N 999999  ");
    lines.insert(lines.begin() + 6, forged);
    auto r = verifyAuditLines(kSecret, lines, successorAfter(kSecret, full));
    BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
    BOOST_CHECK(r.problems[0].kind == AuditProblemKind::Inserted);
    BOOST_CHECK_EQUAL(r.problems[0].line, 7u);

    // At the very end, caught by the HSM's newest HMAC.
    lines = full;
    lines.push_back(forged);
    r = verifyAuditLines(kSecret, lines, successorAfter(kSecret, full));
    BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
    BOOST_CHECK(r.problems[0].kind == AuditProblemKind::Inserted);
    BOOST_CHECK_EQUAL(r.problems[0].line, 11u);
}

BOOST_AUTO_TEST_CASE(truncation_is_located) {
    const auto full = chain(kSecret, 10);
    std::vector<std::string> lines(full.begin(), full.begin() + 7);
    auto r = verifyAuditLines(kSecret, lines, successorAfter(kSecret, full));
    BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
    BOOST_CHECK(r.problems[0].kind == AuditProblemKind::Truncated);
    BOOST_CHECK_EQUAL(r.problems[0].line, 7u);
    BOOST_CHECK_EQUAL(r.problems[0].seq, 7u);
    BOOST_CHECK_NE(r.problems[0].message.find("records 8 to 10"), std::string::npos);
    // Without a successor nothing can say the end is missing: that is why the HSM keeps
    // the newest HMAC.
    BOOST_CHECK(verifyAuditLines(kSecret, lines, std::nullopt).ok());
}

BOOST_AUTO_TEST_CASE(swapped_records_fail) {
    const auto full = chain(kSecret, 6);
    auto lines = full;
    std::swap(lines[2], lines[3]);
    BOOST_CHECK(!verifyAuditLines(kSecret, lines, successorAfter(kSecret, full)).ok());
}

BOOST_AUTO_TEST_CASE(malformed_line_is_reported_once) {
    const auto full = chain(kSecret, 6);
    auto lines = full;
    lines[3] = "garbage";
    auto r = verifyAuditLines(kSecret, lines, successorAfter(kSecret, full));
    BOOST_REQUIRE_EQUAL(r.problems.size(), 1u);
    BOOST_CHECK(r.problems[0].kind == AuditProblemKind::Malformed);
    BOOST_CHECK_EQUAL(r.problems[0].line, 4u);
}

BOOST_AUTO_TEST_CASE(first_record_must_chain_from_zero) {
    auto lines = chain(kSecret, 3, 2);   // records 2..4: fine from the middle
    BOOST_CHECK(verifyAuditLines(kSecret, lines, std::nullopt).ok());
    auto renumbered = chain(kSecret, 3);
    renumbered[0][300] = renumbered[0][300] == '1' ? '2' : '1';
    auto r = verifyAuditLines(kSecret, renumbered, std::nullopt);
    BOOST_CHECK(!r.ok());
    BOOST_CHECK(r.problems[0].kind == AuditProblemKind::FirstRecord);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(event_mask)

BOOST_AUTO_TEST_CASE(reference_examples) {
    using audit::Bit;
    BOOST_CHECK_EQUAL(audit::parseEventMask("all"), audit::kAllBits);
    BOOST_CHECK_EQUAL(audit::parseEventMask("none"), 0u);
    // "Log all command failures."
    BOOST_CHECK_EQUAL(audit::parseEventMask("failure"), audit::bit(Bit::Failure) | audit::kCategoryBits);
    // "Log all key usage requests, both success and failure."
    BOOST_CHECK_EQUAL(audit::parseEventMask("failure,success,asymmetric"),
                      audit::kOutcomeBits | audit::bit(Bit::Asymmetric));
    BOOST_CHECK_EQUAL(audit::parseEventMask("f,s,c"), audit::parseEventMask("failure,success,asymmetric"));
    BOOST_CHECK_EQUAL(audit::parseEventMask("S, M, K"),
                      audit::bit(Bit::Success) | audit::bit(Bit::Manage) | audit::bit(Bit::KeyManage));
}

BOOST_AUTO_TEST_CASE(bad_lists_are_refused) {
    for (auto v : {"access", "bogus", "none,f", "f,,s", ""}) {
        try {
            audit::parseEventMask(v);
            BOOST_ERROR("accepted '" << v << "'");
        } catch (const luna::Error& e) {
            BOOST_CHECK_EQUAL(e.code(), rc::ARGUMENTS_BAD);
        }
    }
}

BOOST_AUTO_TEST_CASE(descriptions_and_rotation) {
    BOOST_CHECK_EQUAL(audit::describeEventMask(audit::kAllBits), "Log everything");
    BOOST_CHECK_EQUAL(audit::describeEventMask(0), "Log critical events only");
    BOOST_CHECK_EQUAL(audit::describeEventMask(audit::parseEventMask("s,a,m")), "Log successes of: access, manage");
    BOOST_CHECK(audit::rotationFromName("hourly") == audit::Rotation::Hourly);
    BOOST_CHECK(audit::rotationFromName("D") == audit::Rotation::Daily);
    BOOST_CHECK(!audit::rotationFromName("yearly"));
    BOOST_CHECK_EQUAL(audit::eventWordHelp().front(), "[f]ailure: log command failures");
    BOOST_CHECK_EQUAL(audit::eventWordHelp()[5], "asymmetri[c]: asymmetric key usage (sig/ver)");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(log_secret)

BOOST_AUTO_TEST_CASE(same_domain_imports) {
    auto blob = wrapAuditSecret(kSecret, "auditDomain-1", "700123");
    auto un = unwrapAuditSecret(blob, "auditDomain-1");
    BOOST_CHECK(std::equal(un.secret.begin(), un.secret.end(), kSecret.begin(), kSecret.end()));
    BOOST_CHECK_EQUAL(un.sourceSerial, "700123");
}

BOOST_AUTO_TEST_CASE(other_domain_and_damage_are_refused) {
    auto blob = wrapAuditSecret(kSecret, "auditDomain-1", "700123");
    auto expectCode = [](auto fn, std::uint32_t code) {
        try {
            fn();
            BOOST_ERROR("accepted");
        } catch (const luna::Error& e) {
            BOOST_CHECK_EQUAL(e.code(), code);
        }
    };
    expectCode([&] { unwrapAuditSecret(blob, "auditDomain-2"); }, rc::WRAPPED_KEY_INVALID);
    auto damaged = blob;
    damaged.back() ^= 1;
    expectCode([&] { unwrapAuditSecret(damaged, "auditDomain-1"); }, rc::WRAPPED_KEY_INVALID);
    expectCode([&] { unwrapAuditSecret(blob, "auditDomain-1", 'D'); }, rc::WRAPPED_KEY_INVALID);
    std::vector<std::uint8_t> junk{'n', 'o', 'p', 'e', 0, 0};
    expectCode([&] { unwrapAuditSecret(junk, "auditDomain-1"); }, rc::ARGUMENTS_BAD);
}

BOOST_AUTO_TEST_SUITE_END()
