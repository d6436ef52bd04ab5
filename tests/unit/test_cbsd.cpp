#define BOOST_TEST_MODULE cbsd
// cbsd's files and cursors (seed ch.1, LunaSH `audit log`): naming, rotation at the size cap
// and on the schedule, recovery of a line cut by a crash, nothing lost or written twice across
// restarts, acknowledgement only after the records are on disk, syslog resent from disk.
#include "log_dir.h"
#include "recorder.h"
#include "state.h"
#include "syslog_out.h"

#include "luna/audit_line.h"
#include "temp_dir.h"

#include <boost/test/unit_test.hpp>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fstream>
#include <csignal>
#include <map>
#include <numeric>

using namespace luna::cbsd;
namespace audit = luna::audit;
namespace fs = std::filesystem;

namespace {

const std::array<std::uint8_t, 32> kPrev{};
const std::array<std::uint8_t, 48> kRaw{};

std::string record(std::uint64_t seq, std::int64_t t = 1700000000) {
    return audit::renderLine(seq, t, "S/N 123456 session 1 Access 0:0 operation LUNA_LOGIN returned RC_OK(0x00000000)",
                             kPrev, kRaw);
}

// hsmd's buffer: records stay until acknowledged.
struct FakeHsm : RecordSource {
    std::map<std::uint64_t, std::string> buffer;
    std::uint64_t acked = 0;
    std::vector<std::uint64_t> ackCalls;
    audit::Rotation rotation = audit::Rotation::Never;
    std::uint64_t newest = 0;
    void add(int n) {
        for (int i = 0; i < n; ++i) {
            ++newest;
            buffer[newest] = record(newest);
        }
    }
    Batch fetch(std::uint64_t after, std::uint32_t max) override {
        Batch b;
        b.rotation = rotation;
        for (auto it = buffer.upper_bound(after); it != buffer.end() && b.records.size() < max; ++it)
            b.records.emplace_back(it->first, it->second);
        return b;
    }
    void acknowledge(std::uint64_t upTo) override {
        ackCalls.push_back(upTo);
        acked = upTo;
        buffer.erase(buffer.begin(), buffer.upper_bound(upTo));
    }
};

// Every record on disk, in file order.
std::vector<std::uint64_t> onDisk(const LogDirectory& dir) {
    std::vector<std::uint64_t> seqs;
    auto files = dir.list();
    std::reverse(files.begin(), files.end());
    for (const auto& f : files) {
        auto content = dir.read(f.name);
        for (std::size_t off = 0; off < content.size(); off += audit::kLineBytes)
            seqs.push_back(audit::parseLine(content.substr(off, audit::kLineBytes))->seq);
    }
    return seqs;
}

struct Env {
    luna::test::TempDir tmp;
    fs::path logs() const { return tmp.path() / "logs"; }
    fs::path stateFile() const { return tmp.path() / "123456.state"; }
};

} // namespace

BOOST_AUTO_TEST_CASE(names_follow_the_reference) {
    Env env;
    LogDirectory dir(env.logs(), "123456");
    BOOST_CHECK_EQUAL(dir.recover(10), 0u);
    dir.append({record(1)}, 1700000000);
    dir.sync();
    auto files = dir.list();
    BOOST_REQUIRE_EQUAL(files.size(), 1u);
    BOOST_CHECK_EQUAL(files[0].name, "hsm_123456_0000000a.log");
    BOOST_CHECK(files[0].inProgress);
    BOOST_CHECK(fs::exists(env.logs() / "123456" / "hsm_123456_0000000a.log"));
    dir.rotate();
    files = dir.list();
    BOOST_CHECK_EQUAL(files[0].name, "ready_for_archive/hsm_123456_0000000a.log");
    BOOST_CHECK(!files[0].inProgress);
    BOOST_CHECK(dir.validName("ready_for_archive/hsm_123456_0000000a.log"));
    for (auto bad : {"../x.log", "hsm_123456_0000000a.log/..", "ready_for_archive/../../etc/passwd",
                     "hsm_999_0000000a.log", "hsm_123456_0000000A.log"})
        BOOST_CHECK_MESSAGE(!dir.validName(bad), bad);
    BOOST_CHECK_THROW(dir.read("../../etc/passwd"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(rotates_at_the_size_cap) {
    Env env;
    LogDirectory dir(env.logs(), "123456", 10 * audit::kLineBytes);
    dir.recover(1);
    std::vector<std::string> lines;
    for (int i = 1; i <= 25; ++i) lines.push_back(record(i));
    dir.append(lines, 1700000000);
    dir.sync();
    auto files = dir.list();
    BOOST_REQUIRE_EQUAL(files.size(), 3u);
    for (const auto& f : files) BOOST_CHECK_LE(f.size, 10 * audit::kLineBytes);
    BOOST_CHECK_EQUAL(files[0].size, 5 * audit::kLineBytes);
    BOOST_CHECK(files[0].inProgress);
    BOOST_CHECK_EQUAL(files[2].name, "ready_for_archive/hsm_123456_00000001.log");
    auto seqs = onDisk(dir);
    BOOST_REQUIRE_EQUAL(seqs.size(), 25u);
    for (std::size_t i = 0; i < seqs.size(); ++i) BOOST_CHECK_EQUAL(seqs[i], i + 1);
}

BOOST_AUTO_TEST_CASE(rotates_on_the_schedule_at_offset_zero) {
    const std::int64_t t = 1700000000;   // 2023-11-14 22:13:20 UTC, a Tuesday
    BOOST_CHECK_EQUAL(rotationPeriod(audit::Rotation::Hourly, t), rotationPeriod(audit::Rotation::Hourly, t - 800));
    BOOST_CHECK_NE(rotationPeriod(audit::Rotation::Hourly, t), rotationPeriod(audit::Rotation::Hourly, t - 801));
    BOOST_CHECK_NE(rotationPeriod(audit::Rotation::Daily, t), rotationPeriod(audit::Rotation::Daily, t + 6400));
    BOOST_CHECK_EQUAL(rotationPeriod(audit::Rotation::Weekly, t), rotationPeriod(audit::Rotation::Weekly, t - 86400));
    BOOST_CHECK_NE(rotationPeriod(audit::Rotation::Weekly, t), rotationPeriod(audit::Rotation::Weekly, t - 2 * 86400));
    BOOST_CHECK_NE(rotationPeriod(audit::Rotation::Monthly, t), rotationPeriod(audit::Rotation::Monthly, t + 17 * 86400));

    Env env;
    LogDirectory dir(env.logs(), "123456");
    dir.recover(1);
    dir.append({record(1, t)}, t);
    BOOST_CHECK(!dir.rotateIfDue(audit::Rotation::Hourly, t + 60));
    BOOST_CHECK(!dir.rotateIfDue(audit::Rotation::Never, t + 86400 * 40));
    BOOST_CHECK(!dir.rotateIfDue(audit::Rotation::Hourly, t + 2799));   // 22:59:59
    BOOST_CHECK(dir.rotateIfDue(audit::Rotation::Hourly, t + 2800));    // 23:00:00
    BOOST_CHECK(!dir.rotateIfDue(audit::Rotation::Hourly, t + 9000));   // nothing in progress
    BOOST_CHECK_EQUAL(dir.list().size(), 1u);
}

BOOST_AUTO_TEST_CASE(a_line_cut_by_a_crash_is_dropped) {
    Env env;
    {
        LogDirectory dir(env.logs(), "123456");
        dir.recover(1);
        dir.append({record(1), record(2)}, 1700000000);
        dir.sync();
    }
    auto file = env.logs() / "123456" / "hsm_123456_00000001.log";
    {
        std::ofstream out(file, std::ios::app | std::ios::binary);
        out << record(3).substr(0, 100);
    }
    LogDirectory dir(env.logs(), "123456");
    BOOST_CHECK_EQUAL(dir.recover(1), 2u);
    BOOST_CHECK_EQUAL(fs::file_size(file), 2 * audit::kLineBytes);
    dir.append({record(3)}, 1700000000);
    auto seqs = onDisk(dir);
    BOOST_CHECK_EQUAL(seqs.size(), 3u);
    BOOST_CHECK_EQUAL(seqs.back(), 3u);
}

BOOST_AUTO_TEST_CASE(acknowledges_only_what_is_on_disk) {
    Env env;
    LogDirectory dir(env.logs(), "123456", 4 * audit::kLineBytes);
    StateFile state(env.stateFile());
    SyslogOut syslog("");
    Recorder rec(dir, state, syslog, 3);
    rec.start();
    FakeHsm hsm;
    hsm.add(10);
    BOOST_CHECK_EQUAL(rec.drain(hsm), 10u);
    BOOST_CHECK(hsm.buffer.empty());
    BOOST_CHECK_EQUAL(hsm.acked, 10u);
    // Each acknowledgement follows the write of its batch.
    const std::vector<std::uint64_t> expected{3, 6, 9, 10};
    BOOST_CHECK_EQUAL_COLLECTIONS(hsm.ackCalls.begin(), hsm.ackCalls.end(), expected.begin(), expected.end());
    BOOST_CHECK_EQUAL(StateFile(env.stateFile()).load().written, 10u);
    BOOST_CHECK_EQUAL(rec.drain(hsm), 0u);
}

// A crash after the records reached the disk but before the cursor was saved or hsmd was
// told: at restart nothing is written twice, nothing is lost.
BOOST_AUTO_TEST_CASE(restart_after_unacknowledged_write) {
    Env env;
    FakeHsm hsm;
    hsm.add(7);
    {
        LogDirectory dir(env.logs(), "123456");
        dir.recover(1);
        std::vector<std::string> lines;
        for (auto& [seq, line] : hsm.buffer)
            if (seq <= 5) lines.push_back(line);
        dir.append(lines, 1700000000);
        dir.sync();   // on disk; cursor still 0, hsmd not told
    }
    LogDirectory dir(env.logs(), "123456");
    StateFile state(env.stateFile());
    SyslogOut syslog("");
    Recorder rec(dir, state, syslog);
    rec.start();
    BOOST_CHECK_EQUAL(rec.state().written, 5u);
    BOOST_CHECK_EQUAL(rec.drain(hsm), 2u);
    auto seqs = onDisk(dir);
    const std::vector<std::uint64_t> expected{1, 2, 3, 4, 5, 6, 7};
    BOOST_CHECK_EQUAL_COLLECTIONS(seqs.begin(), seqs.end(), expected.begin(), expected.end());
    BOOST_CHECK(hsm.buffer.empty());
}

BOOST_AUTO_TEST_CASE(clear_keeps_the_cursor_and_never_reuses_names) {
    Env env;
    LogDirectory dir(env.logs(), "123456");
    StateFile state(env.stateFile());
    SyslogOut syslog("");
    Recorder rec(dir, state, syslog);
    rec.start();
    FakeHsm hsm;
    hsm.add(3);
    rec.drain(hsm);
    rec.rotate();
    hsm.add(2);
    rec.drain(hsm);
    BOOST_CHECK_EQUAL(rec.list().size(), 2u);
    rec.clear();
    BOOST_CHECK(rec.list().empty());
    hsm.add(1);
    rec.drain(hsm);
    auto files = rec.list();
    BOOST_REQUIRE_EQUAL(files.size(), 1u);
    BOOST_CHECK_EQUAL(files[0].name, "hsm_123456_00000003.log");
    BOOST_CHECK_EQUAL(onDisk(dir).front(), 6u);
}

// The record reaches syslog as "<158>... cbsd[pid]: <SN>^<record>": rsyslog's
// %msg:F,94:2% gives back the 447 characters of the record.
BOOST_AUTO_TEST_CASE(syslog_message_and_resend) {
    auto msg = SyslogOut::format("cbsd", 42, 1700000000, "123456", record(9));
    BOOST_CHECK(msg.starts_with("<158>"));
    auto caret = msg.find('^');
    BOOST_REQUIRE_NE(caret, std::string::npos);
    BOOST_CHECK_EQUAL(msg.find('^', caret + 1), std::string::npos);
    BOOST_CHECK_EQUAL(msg.substr(caret + 1), record(9).substr(0, 447));
    BOOST_CHECK_NE(msg.find("cbsd[42]: 123456^"), std::string::npos);

    Env env;
    const auto sock = env.tmp.path() / "log.sock";
    int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, sock.c_str());
    // No syslog listening yet: the records are written, syslog lags behind.
    LogDirectory dir(env.logs(), "123456");
    StateFile state(env.stateFile());
    FakeHsm hsm;
    hsm.add(4);
    {
        SyslogOut syslog(sock.string());
        Recorder rec(dir, state, syslog);
        rec.start();
        rec.drain(hsm);
        BOOST_CHECK_EQUAL(rec.state().written, 4u);
        BOOST_CHECK_EQUAL(rec.state().syslogged, 0u);
    }
    BOOST_REQUIRE_EQUAL(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    LogDirectory dir2(env.logs(), "123456");
    SyslogOut syslog(sock.string());
    Recorder rec(dir2, state, syslog);
    rec.start();   // resends from disk
    BOOST_CHECK_EQUAL(rec.state().syslogged, 4u);
    char buf[1024];
    for (int i = 1; i <= 4; ++i) {
        auto n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        BOOST_REQUIRE_GT(n, 0);
        std::string m(buf, static_cast<std::size_t>(n));
        BOOST_CHECK_EQUAL(m.substr(m.find('^') + 1), record(i).substr(0, 447));
    }
    ::close(fd);
}

BOOST_AUTO_TEST_CASE(records_after_a_cursor_from_disk) {
    Env env;
    LogDirectory dir(env.logs(), "123456", 3 * audit::kLineBytes);
    dir.recover(1);
    std::vector<std::string> lines;
    for (int i = 1; i <= 8; ++i) lines.push_back(record(i));
    dir.append(lines, 1700000000);
    auto recs = dir.recordsAfter(4, 3);
    BOOST_REQUIRE_EQUAL(recs.size(), 3u);
    BOOST_CHECK_EQUAL(recs[0].first, 5u);
    BOOST_CHECK_EQUAL(recs[2].first, 7u);
    BOOST_CHECK(dir.recordsAfter(8, 10).empty());
}

// Disk full (here: a file size limit): the records stay in the HSM's buffer, no part of a
// record is left on disk, and once there is room they are written once, in order.
BOOST_AUTO_TEST_CASE(disk_full_keeps_records_in_the_hsm) {
    Env env;
    LogDirectory dir(env.logs(), "123456", 100 * audit::kLineBytes);
    StateFile state(env.stateFile());
    SyslogOut syslog("");
    Recorder rec(dir, state, syslog, 4);
    rec.start();
    FakeHsm hsm;
    hsm.add(3);
    rec.drain(hsm);

    struct rlimit old {};
    ::getrlimit(RLIMIT_FSIZE, &old);
    auto* oldHandler = ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim = old;
    lim.rlim_cur = 5 * audit::kLineBytes + 100;   // room for two more records and a bit
    ::setrlimit(RLIMIT_FSIZE, &lim);
    hsm.add(6);
    BOOST_CHECK_THROW(rec.drain(hsm), std::exception);
    ::setrlimit(RLIMIT_FSIZE, &old);
    ::signal(SIGXFSZ, oldHandler);

    auto seqs = onDisk(dir);
    BOOST_CHECK_EQUAL(seqs.size() * audit::kLineBytes, fs::file_size(env.logs() / "123456" / "hsm_123456_00000001.log"));
    BOOST_CHECK_EQUAL(hsm.acked, seqs.size());   // nothing acknowledged that is not on disk
    BOOST_CHECK(!hsm.buffer.empty());
    rec.drain(hsm);
    seqs = onDisk(dir);
    std::vector<std::uint64_t> expected(9);
    std::iota(expected.begin(), expected.end(), 1);
    BOOST_CHECK_EQUAL_COLLECTIONS(seqs.begin(), seqs.end(), expected.begin(), expected.end());
    BOOST_CHECK(hsm.buffer.empty());
}

// ch.1: deleting the file in progress made the real appliance log into the unlinked file
// until a restart. cbsd notices and starts a new file with the next record.
BOOST_AUTO_TEST_CASE(deleted_file_in_progress_is_replaced) {
    Env env;
    LogDirectory dir(env.logs(), "123456");
    StateFile state(env.stateFile());
    SyslogOut syslog("");
    Recorder rec(dir, state, syslog);
    rec.start();
    FakeHsm hsm;
    hsm.add(2);
    rec.drain(hsm);
    fs::remove(env.logs() / "123456" / "hsm_123456_00000001.log");
    hsm.add(2);
    rec.drain(hsm);
    auto seqs = onDisk(dir);
    const std::vector<std::uint64_t> expected{3, 4};
    BOOST_CHECK_EQUAL_COLLECTIONS(seqs.begin(), seqs.end(), expected.begin(), expected.end());
    BOOST_CHECK(fs::exists(env.logs() / "123456" / "hsm_123456_00000002.log"));
}
