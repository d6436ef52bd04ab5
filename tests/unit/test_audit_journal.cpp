#define BOOST_TEST_MODULE audit_journal
// The HSM's audit buffer on disk (hsm/audit_journal.h): records come back in order across
// reopening and segment boundaries, acknowledged segments go, a torn end (power cut in the
// middle of a write) is cut back to whole records, and a record whose append returned
// survives a kill -9 of the writer at any moment.
#include "hsm/audit_journal.h"
#include "hsm_test_support.h"
#include "luna/audit_line.h"

#include <sys/wait.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <random>

using namespace luna::hsm;
using namespace luna::hsm::test;
namespace audit = luna::audit;

namespace {

std::string line(std::uint64_t seq) {
    std::array<std::uint8_t, 32> prev{};
    prev[0] = static_cast<std::uint8_t>(seq);   // tells records apart in the HMAC field
    std::array<std::uint8_t, 48> raw{};
    return audit::renderLine(seq, 1700000000 + static_cast<std::int64_t>(seq), "record " + std::to_string(seq), prev,
                             raw);
}

std::vector<std::string> lines(std::uint64_t first, std::uint64_t n) {
    std::vector<std::string> out;
    for (std::uint64_t s = first; s < first + n; ++s) out.push_back(line(s));
    return out;
}

std::size_t segmentFiles(const std::filesystem::path& dir) {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().filename().string().rfind("seg-", 0) == 0) ++n;
    return n;
}

std::filesystem::path newestSegment(const std::filesystem::path& dir) {
    std::filesystem::path best;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().filename().string().rfind("seg-", 0) == 0 && e.path() > best) best = e.path();
    return best;
}

// Whole lines still held by the staging files in `staging` (their size is fixed; emptied
// means zeroed).
std::size_t stagedLines(const std::filesystem::path& staging) {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(staging)) {
        std::ifstream f(e.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        for (std::size_t at = 0; at + audit::kLineBytes <= bytes.size(); at += audit::kLineBytes)
            if (audit::parseLine(std::string_view(bytes).substr(at, audit::kLineBytes))) ++n;
    }
    return n;
}

// A journal in `dir` holding records 1..n, closed again (so on the disk, staging empty).
void closedJournal(const std::filesystem::path& dir, std::uint64_t n, const std::filesystem::path& staging = {}) {
    AuditJournal j(dir, staging);
    j.start(1, {});
    if (n) j.append(lines(1, n));
}

} // namespace

BOOST_AUTO_TEST_CASE(records_come_back_in_order_across_segments_and_reopening) {
    TempDir t;
    const auto dir = t.path() / "buf";
    const auto n = AuditJournal::kSegmentRecords + 100;
    {
        AuditJournal j(dir);
        BOOST_CHECK(!j.opened());
        j.start(1, {});
        BOOST_CHECK_EQUAL(j.newestSeq(), 0u);
        BOOST_CHECK(!j.tip().line);
        auto all = lines(1, n);
        // In uneven batches, one crossing the segment boundary.
        std::vector<std::string> a(all.begin(), all.begin() + 7), b(all.begin() + 7, all.end());
        j.append(a);
        j.append(b);
        BOOST_CHECK_EQUAL(j.newestSeq(), n);
    }
    BOOST_CHECK_EQUAL(segmentFiles(dir), 2u);
    AuditJournal j(dir);
    BOOST_REQUIRE(j.opened());
    BOOST_CHECK_EQUAL(j.newestSeq(), n);
    BOOST_CHECK_EQUAL(*j.tip().line, line(n));
    auto got = j.read(0, static_cast<std::uint32_t>(n + 10));
    BOOST_REQUIRE_EQUAL(got.size(), n);
    for (std::uint64_t i = 0; i < n; ++i) {
        BOOST_CHECK_EQUAL(got[i].first, i + 1);
        if (got[i].second != line(i + 1)) BOOST_FAIL("record " << i + 1 << " differs");
    }
    auto mid = j.read(AuditJournal::kSegmentRecords - 2, 5);   // across the boundary
    BOOST_REQUIRE_EQUAL(mid.size(), 5u);
    BOOST_CHECK_EQUAL(mid.front().first, AuditJournal::kSegmentRecords - 1);
    BOOST_CHECK_EQUAL(mid.back().first, AuditJournal::kSegmentRecords + 3);
    j.append(lines(n + 1, 1));
    BOOST_CHECK_EQUAL(j.read(n, 10).size(), 1u);
}

BOOST_AUTO_TEST_CASE(acknowledged_segments_are_deleted_but_never_the_newest) {
    TempDir t;
    const auto dir = t.path() / "buf";
    AuditJournal j(dir);
    j.start(1, {});
    const auto n = 2 * AuditJournal::kSegmentRecords + 10;
    j.append(lines(1, n));
    j.waitFlushed(n);   // the segments hold what the flusher copied; cbsd acknowledges only that
    BOOST_CHECK_EQUAL(segmentFiles(dir), 3u);
    j.acknowledge(AuditJournal::kSegmentRecords - 1);   // the first segment is not all acknowledged
    BOOST_CHECK_EQUAL(segmentFiles(dir), 3u);
    j.acknowledge(AuditJournal::kSegmentRecords);
    BOOST_CHECK_EQUAL(segmentFiles(dir), 2u);
    BOOST_CHECK_EQUAL(j.oldestSeq(), AuditJournal::kSegmentRecords + 1);
    j.acknowledge(n - 5);
    BOOST_CHECK_EQUAL(segmentFiles(dir), 1u);   // the newest stays: it carries the chain
    BOOST_CHECK_EQUAL(*j.tip().line, line(n));
    j.acknowledge(n - 6);   // never backwards
    BOOST_CHECK_EQUAL(j.acknowledged(), n - 5);
}

// What cbsd does with OpenRecords: read records straight from the descriptor, one segment
// per call, and ask again after the last one it got until it has the newest.
BOOST_AUTO_TEST_CASE(open_records_hands_out_each_segment_to_read_from_the_file) {
    TempDir t;
    const auto dir = t.path() / "buf";
    AuditJournal j(dir);
    j.start(1, {});
    const auto n = AuditJournal::kSegmentRecords + 20;
    j.append(lines(1, n));
    j.waitFlushed(n);   // OpenRecords hands out what is on the disk
    auto readSpan = [](const AuditJournal::RecordSpan& s) {
        std::vector<std::string> out;
        for (auto seq = s.first; seq <= s.upTo; ++seq) {
            std::string l(audit::kLineBytes, '\0');
            const auto at = static_cast<off_t>(s.offset + (seq - s.first) * audit::kLineBytes);
            BOOST_REQUIRE_EQUAL(::pread(s.fd, l.data(), l.size(), at), static_cast<ssize_t>(l.size()));
            out.push_back(l);
        }
        ::close(s.fd);
        return out;
    };
    std::vector<std::string> got;
    std::uint64_t after = 5, calls = 0;
    for (;;) {
        const auto s = j.openRecords(after);
        BOOST_REQUIRE_GE(s.fd, 0);
        BOOST_CHECK_EQUAL(s.first, after + 1);
        BOOST_CHECK_EQUAL(s.newest, n);
        for (auto& l : readSpan(s)) got.push_back(l);
        ++calls;
        after = s.upTo;
        if (after >= s.newest) break;
    }
    BOOST_CHECK_EQUAL(calls, 2u);   // the rest of the first segment, then the second
    BOOST_REQUIRE_EQUAL(got.size(), n - 5);
    for (std::uint64_t i = 0; i < got.size(); ++i) BOOST_CHECK_EQUAL(got[i], line(6 + i));

    // Nothing new: an empty span (upTo < first) of the newest segment.
    auto none = j.openRecords(n);
    BOOST_CHECK_LT(none.upTo, none.first);
    ::close(none.fd);
    // A descriptor taken before cbsd acknowledged (and so deleted) its segment still reads it.
    auto early = j.openRecords(0);
    j.acknowledge(AuditJournal::kSegmentRecords);
    BOOST_CHECK_EQUAL(segmentFiles(dir), 1u);
    const auto kept = readSpan(early);
    BOOST_REQUIRE_EQUAL(kept.size(), AuditJournal::kSegmentRecords);
    BOOST_CHECK_EQUAL(kept.back(), line(AuditJournal::kSegmentRecords));
}

BOOST_AUTO_TEST_CASE(the_acknowledged_position_survives_reopening) {
    TempDir t;
    const auto dir = t.path() / "buf";
    {
        AuditJournal j(dir);
        j.start(1, {});
        BOOST_CHECK_EQUAL(j.acknowledged(), 0u);
        j.append(lines(1, 20));
        j.waitFlushed(20);   // cbsd acknowledges what it read from the disk
        j.acknowledge(12);
        BOOST_CHECK_EQUAL(j.acknowledged(), 12u);
        j.acknowledge(99);   // past the newest: only what exists
        BOOST_CHECK_EQUAL(j.acknowledged(), 20u);
    }
    {
        AuditJournal j(dir);
        BOOST_CHECK_EQUAL(j.acknowledged(), 20u);
    }
    // A damaged position (a power cut in the middle of replacing it) counts as nothing acknowledged.
    std::ofstream(dir / "acked") << "garbage";
    AuditJournal j(dir);
    BOOST_CHECK_EQUAL(j.acknowledged(), 0u);
}

BOOST_AUTO_TEST_CASE(an_empty_journal_keeps_where_the_chain_continues) {
    TempDir t;
    AuditJournal::Hmac h{};
    h.fill(0xab);
    {
        AuditJournal j(t.path() / "buf");
        j.start(42, h);
    }
    AuditJournal j(t.path() / "buf");
    BOOST_CHECK_EQUAL(j.newestSeq(), 41u);
    auto tip = j.tip();
    BOOST_CHECK(!tip.line);
    BOOST_CHECK(tip.base == h);
    BOOST_CHECK_THROW(j.append(lines(43, 1)), luna::Error);   // not the next sequence: refused below
}

BOOST_AUTO_TEST_CASE(a_torn_end_is_cut_back_to_whole_records) {
    TempDir t;
    const auto dir = t.path() / "buf";
    closedJournal(dir, 10);
    const auto seg = newestSegment(dir);
    const auto whole = std::filesystem::file_size(seg);
    {
        // Half a record, then (reopened) a record's worth of zeros: what a power cut can leave.
        std::ofstream f(seg, std::ios::binary | std::ios::app);
        f << line(11).substr(0, 200);
    }
    {
        AuditJournal j(dir);
        BOOST_CHECK_EQUAL(j.newestSeq(), 10u);
        BOOST_CHECK_EQUAL(std::filesystem::file_size(seg), whole);
    }
    {
        std::ofstream f(seg, std::ios::binary | std::ios::app);
        f << std::string(audit::kLineBytes, '\0');
    }
    AuditJournal j(dir);
    BOOST_CHECK_EQUAL(j.newestSeq(), 10u);
    j.append(lines(11, 2));
    auto got = j.read(9, 10);
    BOOST_REQUIRE_EQUAL(got.size(), 3u);
    BOOST_CHECK_EQUAL(got[1].second, line(11));
    BOOST_CHECK_EQUAL(got[2].first, 12u);
}

// A crash while a new segment is being made leaves its temporary file; a power cut right after
// the rename can leave the segment empty. Neither held a record: opening removes both.
BOOST_AUTO_TEST_CASE(an_interrupted_segment_creation_is_cleaned_up) {
    TempDir t;
    const auto dir = t.path() / "buf";
    closedJournal(dir, 5);
    std::ofstream(dir / "seg-00000000000000000006.new") << "LASEG1 0000";
    std::ofstream(dir / "seg-00000000000000000006.log");   // empty
    AuditJournal j(dir);
    BOOST_CHECK_EQUAL(j.newestSeq(), 5u);
    BOOST_CHECK_EQUAL(segmentFiles(dir), 1u);
    BOOST_CHECK(!std::filesystem::exists(dir / "seg-00000000000000000006.new"));
    j.append(lines(6, 1));
    BOOST_CHECK_EQUAL(j.read(5, 10).size(), 1u);
}

// The promise the data plane relies on: once append() returned, a crash of the process
// cannot take the record back (staged or copied, whatever moment the kill hits). A child appends and reports each sequence number; it is
// killed at a random moment; every reported number must be there, in order.
BOOST_AUTO_TEST_CASE(kill_9_after_append_returned_loses_nothing) {
    TempDir t;
    const auto dir = t.path() / "buf";
    closedJournal(dir, 0);
    std::mt19937 rng(12345);
    std::uint64_t reported = 0;
    for (int round = 0; round < 15; ++round) {
        int fds[2];
        BOOST_REQUIRE(::pipe(fds) == 0);
        const pid_t pid = ::fork();
        BOOST_REQUIRE(pid >= 0);
        if (pid == 0) {
            ::close(fds[0]);
            AuditJournal j(dir);
            for (std::uint64_t s = j.newestSeq() + 1;; ++s) {
                j.append(lines(s, 1 + s % 3));
                s += s % 3;
                if (::write(fds[1], &s, sizeof s) != sizeof s) ::_exit(1);
            }
        }
        ::close(fds[1]);
        ::usleep(std::uniform_int_distribution<int>(2000, 30000)(rng));
        ::kill(pid, SIGKILL);
        std::uint64_t s = 0;
        while (::read(fds[0], &s, sizeof s) == sizeof s) reported = std::max(reported, s);
        ::close(fds[0]);
        ::waitpid(pid, nullptr, 0);
        AuditJournal j(dir);
        BOOST_REQUIRE_GE(j.newestSeq(), reported);
        auto all = j.read(0, 1u << 30);
        BOOST_REQUIRE_EQUAL(all.size(), j.newestSeq());
        for (std::uint64_t i = 0; i < all.size(); ++i)
            if (all[i].first != i + 1 || all[i].second != line(i + 1)) BOOST_FAIL("record " << i + 1 << " lost or damaged");
    }
    BOOST_TEST_MESSAGE("records written across the kills: " << reported);
    BOOST_CHECK_GT(reported, 0u);
}

// More records at once than a staging file holds (an old buffer moved over): they go in
// turns, each waiting for the flusher to free room, and come back whole and in order.
BOOST_AUTO_TEST_CASE(an_append_larger_than_staging_waits_for_room) {
    TempDir t;
    AuditJournal j(t.path() / "buf");
    j.start(1, {});
    const auto n = 3 * AuditJournal::kSegmentRecords;
    BOOST_REQUIRE_GT(n * audit::kLineBytes, AuditJournal::kStagingBytes);
    j.append(lines(1, n));
    const auto all = j.read(0, 1u << 30);
    BOOST_REQUIRE_EQUAL(all.size(), n);
    for (std::uint64_t i = 0; i < n; i += 997) BOOST_CHECK_EQUAL(all[i].second, line(i + 1));
    BOOST_CHECK_EQUAL(all.back().second, line(n));
}

BOOST_AUTO_TEST_CASE(flushed_means_copied_from_staging_into_a_segment_on_disk) {
    TempDir t;
    const auto dir = t.path() / "buf", staging = t.path() / "run";
    AuditJournal j(dir, staging);
    j.start(1, {});
    j.append(lines(1, 3));
    j.waitFlushed(3);   // returns: the flusher copied and synced what was staged
    BOOST_CHECK_EQUAL(j.newestSeq(), 3u);
    BOOST_CHECK_EQUAL(std::filesystem::file_size(newestSegment(dir)), 93u + 3 * audit::kLineBytes);
    BOOST_CHECK_EQUAL(stagedLines(staging), 0u);   // emptied once the records were on the disk
}

// What a crash leaves in the staging files (records appended, not yet copied, maybe a line
// the flusher had copied already and half a line) is copied at the next open, once and in
// order; files of another journal in the staging directory are removed.
BOOST_AUTO_TEST_CASE(records_a_crash_left_in_staging_are_copied_at_the_next_open) {
    TempDir t;
    const auto dir = t.path() / "buf", staging = t.path() / "run";
    closedJournal(dir, 5, staging);
    std::string id;
    std::ifstream(dir / "id") >> id;
    BOOST_REQUIRE_EQUAL(id.size(), 16u);
    {
        std::ofstream a(staging / (id + ".A"), std::ios::binary);
        // 5 is on the disk already; 8 was cut by the crash just before its newline, then zeros.
        a << line(5) << line(7) << line(8).substr(0, audit::kLineBytes - 1) << std::string(2 * audit::kLineBytes + 1, '\0');
        std::ofstream b(staging / (id + ".B"), std::ios::binary);
        b << line(6);
        std::ofstream(staging / "0123456789abcdef.A", std::ios::binary) << line(6);
    }
    AuditJournal j(dir, staging);
    BOOST_CHECK_EQUAL(j.newestSeq(), 7u);
    const auto all = j.read(0, 100);
    BOOST_REQUIRE_EQUAL(all.size(), 7u);
    for (std::uint64_t i = 0; i < all.size(); ++i) BOOST_CHECK_EQUAL(all[i].second, line(i + 1));
    BOOST_CHECK(!std::filesystem::exists(staging / "0123456789abcdef.A"));
    BOOST_CHECK_EQUAL(stagedLines(staging), 0u);
    j.append(lines(8, 1));
    BOOST_CHECK_EQUAL(j.read(7, 10).size(), 1u);
}
