// cbsd: the HSM callback service's audit side (seed ch.1). Takes audit records from hsmd's
// buffer, writes and rotates the log files, hands each record to syslog (local3) and
// acknowledges it only once it is on disk; serves the files to the audit role over D-Bus.
// Tiny on purpose: options, the pieces, a worker thread, wait for a signal.
#include "logs_bus.h"
#include "recorder.h"

#include "luna/appliance_roles.h"
#include "luna/audit_line.h"

#include "audit_proxy.h"

#include <sdbus-c++/sdbus-c++.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <getopt.h>
#include <unistd.h>
#include <syslog.h>
#include <stdexcept>
#include <thread>

namespace {

using namespace luna;

constexpr const char* kHsmObject = "/com/safenet/Luna/Hsm";
constexpr const char* kAuditObject = "/com/safenet/Luna/Audit";

struct Options {
    std::filesystem::path logDir = "/var/log/luna/audit";
    std::filesystem::path stateDir;
    std::string roles = "/etc/luna/roles";
    std::string hsmBusName = "com.safenet.Luna.Hsm";
    std::string busName = "com.safenet.Luna.Cbs";
    std::uint64_t maxFileBytes = cbsd::kDefaultMaxFileBytes;
    unsigned pollMs = 2000;
    std::uint32_t batch = 4096;   // one segment of the HSM's buffer
    std::string syslogSocket = "/dev/log";
    unsigned relpRetryMs = 1000;
};

void usage() {
    std::fprintf(stderr,
                 "usage: cbsd --state-dir DIR [--log-dir DIR] [--roles FILE] [--hsm-bus-name NAME] [--bus-name NAME]\n"
                 "            [--max-file-bytes N] [--poll-interval MS] [--batch N] [--syslog-socket PATH|none]\n"
                 "            [--relp-retry MS]\n");
}

unsigned long long number(const char* opt, const char* v) {
    char* end = nullptr;
    errno = 0;
    auto n = std::strtoull(v, &end, 10);
    if (errno || !*v || *end) {
        std::fprintf(stderr, "cbsd: %s needs a number, not '%s'\n", opt, v);
        std::exit(2);
    }
    return n;
}

constexpr auto kMinRound = std::chrono::milliseconds(50);

// Calls to hsmd's com.safenet.Luna.Audit from the worker thread, on its own connection.
class AuditCalls final : public sdbus::ProxyInterfaces<com::safenet::Luna::Audit_proxy> {
public:
    AuditCalls(sdbus::IConnection& c, const std::string& dest) : ProxyInterfaces(c, dest, kAuditObject) {
        registerProxy();
    }
    ~AuditCalls() { unregisterProxy(); }

private:
    void onRecordsAvailable(const uint64_t&) override {}
};

// RecordsAvailable on the event-loop connection: wakes the worker.
class AuditSignals final : public sdbus::ProxyInterfaces<com::safenet::Luna::Audit_proxy> {
public:
    AuditSignals(sdbus::IConnection& c, const std::string& dest, std::function<void()> wake)
        : ProxyInterfaces(c, dest, kAuditObject), wake_(std::move(wake)) {
        registerProxy();
    }
    ~AuditSignals() { unregisterProxy(); }

private:
    void onRecordsAvailable(const uint64_t&) override { wake_(); }
    std::function<void()> wake_;
};

// Records first .. first + n - 1 from byte `offset` of `fd`, each checked to be a whole line
// with its own sequence number before it goes anywhere.
void readLines(int fd, std::uint64_t first, std::uint64_t offset, std::uint64_t n, cbsd::RecordSource::Batch& b) {
    std::string bytes(n * audit::kLineBytes, '\0');
    std::size_t got = 0;
    while (got < bytes.size()) {
        const auto r = ::pread(fd, bytes.data() + got, bytes.size() - got, static_cast<off_t>(offset + got));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) throw std::runtime_error(std::string("cannot read the HSM's audit buffer: ") + std::strerror(errno));
        if (r == 0) throw std::runtime_error("the HSM's audit buffer ends before record " + std::to_string(first + got / audit::kLineBytes));
        got += static_cast<std::size_t>(r);
    }
    b.records.reserve(b.records.size() + n);
    for (std::uint64_t i = 0; i < n; ++i) {
        const std::string_view line(bytes.data() + i * audit::kLineBytes, audit::kLineBytes);
        const auto seq = audit::lineSequence(line);
        if (seq != first + i || line.back() != '\n')
            throw std::runtime_error("record " + std::to_string(first + i) + " in the HSM's audit buffer is damaged");
        b.records.emplace_back(seq, std::string(line));
    }
}

class HsmdSource final : public cbsd::RecordSource {
public:
    explicit HsmdSource(AuditCalls& calls) : calls_(calls) {}
    // The records are read from the buffer's file through the descriptor hsmd hands over,
    // one file per call, until `max` or the newest.
    Batch fetch(std::uint64_t after, std::uint32_t max) override {
        Batch b;
        while (b.records.size() < max) {
            auto [fd, first, offset, upTo, newest, rotation] = calls_.OpenRecords(after);
            b.rotation = audit::rotationFromName(rotation).value_or(audit::kDefaultRotation);
            if (upTo < first) break;
            if (first != after + 1 && after >= first)
                throw std::runtime_error("hsmd named records from " + std::to_string(first) + " after " + std::to_string(after));
            const auto n = std::min<std::uint64_t>(upTo - first + 1, max - b.records.size());
            readLines(fd.get(), first, offset, n, b);
            after = first + n - 1;
            if (after >= newest) break;
        }
        return b;
    }
    void acknowledge(std::uint64_t upTo) override { calls_.Acknowledge(upTo); }

private:
    AuditCalls& calls_;
};

std::string hsmSerial(sdbus::IConnection& conn, const std::string& dest) {
    auto proxy = sdbus::createProxy(conn, dest, kHsmObject);
    sdbus::Variant v;
    proxy->callMethod("Get")
        .onInterface("org.freedesktop.DBus.Properties")
        .withArguments(std::string("com.safenet.Luna.Hsm"), std::string("SerialNumber"))
        .storeResultsTo(v);
    return v.get<std::string>();
}

// Waits up to `ms` for a signal; true if one came (and says which).
bool waitSignal(const sigset_t& sigs, unsigned ms, int& sig) {
    timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000L};
    sig = ::sigtimedwait(&sigs, nullptr, &ts);
    return sig > 0;
}

} // namespace

int main(int argc, char** argv) {
    Options o;
    bool logDirGiven = false;
    static const option opts[] = {
        {"log-dir", required_argument, nullptr, 'L'},      {"state-dir", required_argument, nullptr, 's'},
        {"roles", required_argument, nullptr, 'r'},        {"hsm-bus-name", required_argument, nullptr, 'H'},
        {"bus-name", required_argument, nullptr, 'b'},     {"max-file-bytes", required_argument, nullptr, 'm'},
        {"poll-interval", required_argument, nullptr, 'p'}, {"batch", required_argument, nullptr, 'n'},
        {"syslog-socket", required_argument, nullptr, 'S'}, {"relp-retry", required_argument, nullptr, 'R'},
        {"help", no_argument, nullptr, 'h'},
        {nullptr, 0, nullptr, 0},
    };
    for (int c; (c = getopt_long(argc, argv, "", opts, nullptr)) != -1;) {
        switch (c) {
        case 'L': o.logDir = optarg, logDirGiven = true; break;
        case 's': o.stateDir = optarg; break;
        case 'r': o.roles = optarg; break;
        case 'H': o.hsmBusName = optarg; break;
        case 'b': o.busName = optarg; break;
        case 'm': o.maxFileBytes = number("--max-file-bytes", optarg); break;
        case 'p': o.pollMs = static_cast<unsigned>(number("--poll-interval", optarg)); break;
        case 'n': o.batch = static_cast<std::uint32_t>(number("--batch", optarg)); break;
        case 'S': o.syslogSocket = std::strcmp(optarg, "none") == 0 ? "" : optarg; break;
        case 'R': o.relpRetryMs = static_cast<unsigned>(number("--relp-retry", optarg)); break;
        case 'h': usage(); return 0;
        default: usage(); return 2;
        }
    }
    if (o.stateDir.empty())
        if (const char* sd = std::getenv("STATE_DIRECTORY")) o.stateDir = sd;   // systemd StateDirectory=
    if (!logDirGiven)
        if (const char* ld = std::getenv("LOGS_DIRECTORY")) o.logDir = ld;      // systemd LogsDirectory=
    if (o.stateDir.empty() || optind != argc || o.pollMs < 10 || o.batch == 0) {
        usage();
        return 2;
    }
    openlog("cbsd", LOG_PID, LOG_DAEMON);
    std::signal(SIGPIPE, SIG_IGN);   // a RELP server that goes away is an error to handle, not a death

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

    try {
        luna::RoleMap roles(o.roles);
        auto conn = sdbus::createSystemBusConnection();
        auto callConn = sdbus::createSystemBusConnection();
        callConn->setMethodCallTimeout(30'000'000);   // µs

        // The log directory is named by the HSM's serial number: wait for hsmd.
        std::string serial;
        for (int sig = 0;;) {
            try {
                serial = hsmSerial(*callConn, o.hsmBusName);
                break;
            } catch (const sdbus::Error& e) {
                syslog(LOG_NOTICE, "waiting for hsmd (%s)", e.getName().c_str());
            }
            if (waitSignal(sigs, o.pollMs, sig) && sig != SIGHUP) return 0;
        }

        cbsd::LogDirectory dir(o.logDir, serial, o.maxFileBytes);
        cbsd::StateFile state(o.stateDir / (serial + ".state"));
        cbsd::SyslogOut syslogOut(o.syslogSocket);
        cbsd::Recorder recorder(dir, state, syslogOut, o.batch);
        recorder.start();
        cbsd::RemoteHosts remotes(recorder, serial, o.stateDir, o.relpRetryMs);
        remotes.start();
        recorder.onWritten([&] { remotes.wakeAll(); });

        std::mutex mu;
        std::condition_variable cv;
        bool wake = true, stop = false;
        auto poke = [&] {
            {
                std::lock_guard lock(mu);
                wake = true;
            }
            cv.notify_one();
        };
        AuditCalls calls(*callConn, o.hsmBusName);
        HsmdSource source(calls);
        AuditSignals signals(*conn, o.hsmBusName, poke);
        cbsd::LogsBus bus(*conn, recorder, remotes, roles);
        conn->requestName(o.busName);
        conn->enterEventLoopAsync();

        std::thread worker([&] {
            std::string lastError;
            std::unique_lock lock(mu);
            while (!stop) {
                cv.wait_for(lock, std::chrono::milliseconds(o.pollMs), [&] { return wake || stop; });
                if (stop) break;
                wake = false;
                lock.unlock();
                std::size_t got = 0;
                try {
                    got = recorder.drain(source);
                    if (!lastError.empty()) syslog(LOG_INFO, "fetching audit records from hsmd again");
                    lastError.clear();
                } catch (const std::exception& e) {
                    // hsmd away, or the disk refused: the records stay in the HSM's buffer.
                    if (lastError != e.what()) syslog(LOG_WARNING, "audit records not written: %s", e.what());
                    lastError = e.what();
                }
                try {
                    recorder.tick(static_cast<std::int64_t>(std::time(nullptr)));
                } catch (const std::exception& e) {
                    syslog(LOG_WARNING, "audit log rotation failed: %s", e.what());
                }
                lock.lock();
                // Under load, one round per kMinRound at most: a round costs two fsyncs and a
                // cursor save whatever its size, and competes with the signing for the CPUs.
                // The records wait in the HSM's buffer meanwhile, where no crash loses them.
                if (got) cv.wait_for(lock, kMinRound, [&] { return stop; });
            }
        });

        sd_notify(0, "READY=1\nSTATUS=writing audit logs");
        syslog(LOG_INFO, "serving %s; audit logs of HSM %s in %s", o.busName.c_str(), serial.c_str(),
               dir.directory().c_str());
        int sig = 0;
        while (::sigwait(&sigs, &sig) == 0 && sig == SIGHUP) poke();
        sd_notify(0, "STOPPING=1");
        {
            std::lock_guard lock(mu);
            stop = true;
        }
        cv.notify_one();
        worker.join();
        conn->leaveEventLoop();
        syslog(LOG_INFO, "stopping on signal %d", sig);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cbsd: %s\n", e.what());
        syslog(LOG_ERR, "%s", e.what());
        return 1;
    }
    return 0;
}
