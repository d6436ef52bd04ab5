// The store's promise: a SIGKILL at any point of a write loses no committed transaction
// and never leaves the store unreadable. A child commits numbered transactions and
// reports each one after COMMIT returns; the parent kills it at random moments, reopens
// the store, and checks that every reported transaction is there, whole.
#define BOOST_TEST_MODULE store
#include <boost/test/unit_test.hpp>

#include "hsm/hsm.h"
#include "hsm/store.h"
#include "luna/errors.h"
#include "temp_dir.h"

#include <csignal>
#include <fcntl.h>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

using luna::hsm::Bytes;
using luna::hsm::Store;

namespace {
Bytes valueFor(std::uint32_t i) {
    std::mt19937 gen(i);
    Bytes v(512 + i % 3000);
    for (auto& b : v) b = static_cast<std::uint8_t>(gen());
    return v;
}

std::string keyFor(std::uint32_t i) { return "k" + std::to_string(i); }

[[noreturn]] void writer(const std::filesystem::path& db, std::uint32_t first, int ackFd) {
    Store store(db);
    for (std::uint32_t i = first;; ++i) {
        store.transaction([&] {
            store.put("data", keyFor(i), valueFor(i));
            Bytes last(4);
            for (int j = 0; j < 4; ++j) last[j] = static_cast<std::uint8_t>(i >> (8 * j));
            store.put("meta", "last", last);
            if (i % 7 == 0) store.erase("data", keyFor(i - 3));   // deletes are writes too
        });
        if (::write(ackFd, &i, sizeof i) != sizeof i) _exit(3);
    }
}
} // namespace

BOOST_AUTO_TEST_CASE(transaction_is_all_or_nothing) {
    luna::test::TempDir dir;
    Store store(dir.path() / "s.db");
    store.put("a", "x", Bytes{1});
    BOOST_CHECK_THROW(store.transaction([&] {
        store.put("a", "x", Bytes{2});
        store.put("a", "y", Bytes{3});
        throw luna::Error(luna::rc::GENERAL_ERROR, "abort");
    }),
                      luna::Error);
    BOOST_TEST((store.get("a", "x") == Bytes{1}));
    BOOST_TEST(!store.get("a", "y").has_value());
}

BOOST_AUTO_TEST_CASE(garbage_file_is_reported_not_used) {
    luna::test::TempDir dir;
    {
        std::ofstream f(dir.path() / "s.db", std::ios::binary);
        f << std::string(8192, 'x');
    }
    BOOST_CHECK_THROW(Store(dir.path() / "s.db"), luna::Error);
}

BOOST_AUTO_TEST_CASE(sigkill_during_writes_loses_no_committed_transaction) {
    luna::test::TempDir dir;
    const auto db = dir.path() / "store.db";
    std::mt19937 rng(12345);
    std::uint32_t next = 1;
    std::set<std::uint32_t> acknowledged;
    int kills = 0;
    for (int round = 0; round < 40; ++round) {
        int fds[2];
        BOOST_REQUIRE(::pipe(fds) == 0);
        pid_t pid = ::fork();
        BOOST_REQUIRE(pid >= 0);
        if (pid == 0) {
            ::close(fds[0]);
            writer(db, next, fds[1]);
        }
        ::close(fds[1]);
        ::usleep(2000 + rng() % 60000);
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        kills += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
        std::uint32_t i;
        while (::read(fds[0], &i, sizeof i) == sizeof i) acknowledged.insert(i);
        ::close(fds[0]);

        Store store(db);   // must open: integrity check inside
        auto lastBytes = store.get("meta", "last");
        std::uint32_t last = 0;
        if (lastBytes)
            for (int j = 3; j >= 0; --j) last = (last << 8) | (*lastBytes)[j];
        for (std::uint32_t a : acknowledged) {
            BOOST_TEST_REQUIRE(last >= a, "round " << round << ": committed transaction " << a << " lost");
            const bool deletedLater = ((a + 3) % 7 == 0) && (a + 3) <= last;
            auto v = store.get("data", keyFor(a));
            if (deletedLater) {
                BOOST_TEST(!v.has_value());
            } else {
                BOOST_TEST_REQUIRE(v.has_value(), "round " << round << ": value " << a << " missing");
                BOOST_TEST_REQUIRE((*v == valueFor(a)), "round " << round << ": value " << a << " torn");
            }
        }
        next = last + 1;
    }
    BOOST_TEST(kills == 40);
    BOOST_TEST(acknowledged.size() > 40u);   // the writer made progress between kills
}

// The same through the HSM facade: kill a process that creates and deletes partitions,
// initializes and zeroizes; the HSM must always reopen with a consistent status.
BOOST_AUTO_TEST_CASE(sigkill_during_hsm_operations_leaves_a_usable_hsm) {
    luna::test::TempDir dir;
    luna::hsm::HsmConfig cfg;
    cfg.stateDir = dir.path();
    cfg.kdfIterations = 1000;
    std::mt19937 rng(777);
    for (int round = 0; round < 25; ++round) {
        pid_t pid = ::fork();
        BOOST_REQUIRE(pid >= 0);
        if (pid == 0) {
            try {
                luna::hsm::Hsm hsm(cfg);
                for (int n = 0;; ++n) {
                    if (!hsm.info().initialized) hsm.init("s", "crashlab", "Passw0rd!", "dom");
                    hsm.loginSo("s", "Passw0rd!");
                    auto name = "r" + std::to_string(round) + "p" + std::to_string(n);
                    hsm.createPartition("s", name, std::nullopt, false);
                    if (n % 2 || hsm.info().partitionCount >= 10) hsm.deletePartition("s", name);
                    if (n % 5 == 4) hsm.zeroize();
                    else hsm.logoutSo("s");
                }
            } catch (const std::exception& e) {
                std::fprintf(stderr, "writer: %s\n", e.what());
                _exit(4);
            }
        }
        ::usleep(5000 + rng() % 80000);
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        BOOST_TEST_REQUIRE(WIFSIGNALED(status), "writer failed by itself in round " << round);
        luna::hsm::Hsm hsm(cfg);
        auto info = hsm.info();
        BOOST_TEST((info.status == "OK" || info.status == "Zeroized"));
        if (info.status == "Zeroized") BOOST_TEST(hsm.listPartitions().empty());
        else {
            BOOST_CHECK_NO_THROW(hsm.loginSo("check", "Passw0rd!"));
            BOOST_TEST(info.partitionCount == hsm.listPartitions().size());
        }
    }
}
