// roundtrip-floor: what the data plane's topology costs on this machine with no crypto and no
// protocol in it (issue 4, "Speed"; tools/bench-compare prints it as the "floor").
//
//   roundtrip-floor [-t SECONDS] [-n THREADS] [-s BYTES] [-tls] [-handoff | -team]
//
// Three processes, the same shape as client -> ntlsd -> hsmd:
//   client  THREADS threads, each with its own loopback TCP connection (TLS 1.3 with -tls),
//           sending a BYTES request and waiting for its BYTES answer, again and again;
//   relay   like ntlsd: one epoll thread reads every connection and forwards each request as
//           one datagram (8-byte link number + request) on a unix SOCK_SEQPACKET socket; one
//           reader thread receives the answers and writes each to its connection;
//   server  like hsmd: one reader thread receives each datagram and sends it back (with
//           -handoff it hands it to a worker thread that sends it, as hsmd does with requests
//           measured long).
// It prints one line: round trips per second and the CPU time (user + system) each process
// spends per round trip, measured over the last SECONDS after 1 s of warm-up. Every process
// is one of ours: what it says is a floor for this path, whatever the code in it.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace {

struct Options {
    double seconds = 5;
    int threads = 2;
    std::size_t bytes = 128;
    bool tls = false;
    bool handoff = false;
    bool team = false;
};

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "roundtrip-floor: %s: %s\n", what.c_str(), std::strerror(errno));
    ERR_print_errors_fp(stderr);
    std::_Exit(1);
}

// The relay and the server never stop on their own (main kills them): anything that makes
// them stop is worth a line on stderr.
[[noreturn]] void quit(const char* who, const char* what, SSL* ssl = nullptr, int rc = 0) {
    const int err = errno;
    std::fprintf(stderr, "roundtrip-floor %s: %s (errno %d %s, ssl error %d)\n", who, what, err, std::strerror(err),
                 ssl ? SSL_get_error(ssl, rc) : 0);
    ERR_print_errors_fp(stderr);
    std::_Exit(3);
}

bool sendAll(int fd, const std::uint8_t* p, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

bool recvAll(int fd, std::uint8_t* p, std::size_t n) {
    while (n > 0) {
        const ssize_t r = ::recv(fd, p, n, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

void noDelay(int fd) {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// ---- TLS: a throw-away P-256 key and self-signed certificate; TLS 1.3 as ntlsd speaks it ----

SSL_CTX* serverContext() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    if (!key || !cert) die("cannot make a key");
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("floor"), -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(cert));
    X509_set_pubkey(cert, key);
    if (X509_sign(cert, key, EVP_sha256()) <= 0) die("cannot sign the certificate");
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_read_ahead(ctx, 1);
    if (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1) die("cannot use the key");
    X509_free(cert);
    EVP_PKEY_free(key);
    return ctx;
}

SSL_CTX* clientContext() {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_read_ahead(ctx, 1);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);   // no authentication is measured here
    return ctx;
}

// ---- server (hsmd's place) ----

// -team: every thread of a small team waits in epoll_wait (EPOLLEXCLUSIVE: the kernel wakes one
// per datagram), receives under a mutex (the order of arrival) and answers itself.
[[noreturn]] void runTeamServer(int fd) {
    std::mutex readMu;
    auto member = [&] {
        const int ep = ::epoll_create1(0);
        epoll_event e{};
        e.events = EPOLLIN | EPOLLEXCLUSIVE;
        ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
        std::vector<std::uint8_t> buf(100000);
        for (;;) {
            epoll_event ev;
            if (::epoll_wait(ep, &ev, 1, -1) < 0) continue;
            ssize_t n;
            {
                std::lock_guard lock(readMu);
                n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
            }
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (n <= 0) quit("server", "recv");
            ::send(fd, buf.data(), static_cast<std::size_t>(n), MSG_NOSIGNAL);
        }
    };
    std::vector<std::thread> team;
    for (int i = 0; i < 3; ++i) team.emplace_back(member);
    for (auto& t : team) t.join();
    std::_Exit(0);
}

[[noreturn]] void runServer(int fd, bool handoff) {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::vector<std::uint8_t>> jobs;
    std::vector<std::thread> workers;
    if (handoff)
        for (int i = 0; i < 2; ++i)
            workers.emplace_back([&] {
                for (;;) {
                    std::vector<std::uint8_t> job;
                    {
                        std::unique_lock lock(mu);
                        cv.wait(lock, [&] { return !jobs.empty(); });
                        job = std::move(jobs.front());
                        jobs.pop_front();
                    }
                    ::send(fd, job.data(), job.size(), MSG_NOSIGNAL);
                }
            });
    std::vector<std::uint8_t> buf(100000);
    for (;;) {
        const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) quit("server", "recv");
        if (!handoff) {
            ::send(fd, buf.data(), static_cast<std::size_t>(n), MSG_NOSIGNAL);
            continue;
        }
        {
            std::lock_guard lock(mu);
            jobs.emplace_back(buf.begin(), buf.begin() + n);
        }
        cv.notify_one();
    }
}

// ---- relay (ntlsd's place) ----

struct RelayConn {
    int fd = -1;
    SSL* ssl = nullptr;
    std::mutex io;                  // the SSL object: the loop reads, the answer reader writes
    std::vector<std::uint8_t> in;   // the loop's alone
};

[[noreturn]] void runRelay(int listenFd, int up, const Options& o) {
    SSL_CTX* ctx = o.tls ? serverContext() : nullptr;
    std::vector<RelayConn> conns(static_cast<std::size_t>(o.threads));
    for (auto& c : conns) {
        c.fd = ::accept(listenFd, nullptr, nullptr);
        if (c.fd < 0) die("accept");
        noDelay(c.fd);
        if (ctx) {
            c.ssl = SSL_new(ctx);
            SSL_set_fd(c.ssl, c.fd);
            if (SSL_accept(c.ssl) != 1) die("TLS accept");
        }
    }
    // Answers: written by the thread that received them, as ntlsd does.
    std::thread reader([&] {
        std::vector<std::uint8_t> buf(100000);
        for (;;) {
            const ssize_t n = ::recv(up, buf.data(), buf.size(), 0);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 8) quit("relay", "recv from the server");
            std::uint64_t link;
            std::memcpy(&link, buf.data(), 8);
            auto& c = conns.at(link);
            std::lock_guard lock(c.io);
            const auto* p = buf.data() + 8;
            const auto len = static_cast<std::size_t>(n) - 8;
            if (c.ssl) {
                ERR_clear_error();
                const int w = SSL_write(c.ssl, p, static_cast<int>(len));
                if (w <= 0) quit("relay", "SSL_write", c.ssl, w);
            } else if (!sendAll(c.fd, p, len)) {
                quit("relay", "send");
            }
        }
    });
    const int ep = ::epoll_create1(0);
    for (std::size_t i = 0; i < conns.size(); ++i) {
        ::fcntl(conns[i].fd, F_SETFL, O_NONBLOCK);
        epoll_event e{};
        e.events = EPOLLIN;
        e.data.u64 = i;
        ::epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &e);
    }
    std::vector<std::uint8_t> buf(16384), dgram;
    epoll_event events[64];
    auto serve = [&](std::uint64_t link) {
        auto& c = conns[link];
        // As ntlsd does: read until OpenSSL holds nothing more (read-ahead may have taken two
        // records off the socket, and epoll would not say so again).
        for (bool more = true; more;) {
            ssize_t got;
            int err = 0;
            {
                std::lock_guard lock(c.io);
                ERR_clear_error();
                got = c.ssl ? SSL_read(c.ssl, buf.data(), static_cast<int>(buf.size()))
                            : ::recv(c.fd, buf.data(), buf.size(), 0);
                if (got <= 0 && c.ssl) err = SSL_get_error(c.ssl, static_cast<int>(got));
                more = got > 0 && c.ssl && SSL_has_pending(c.ssl) == 1;
            }
            if (c.ssl && got <= 0 && err == SSL_ERROR_WANT_READ) break;
            if (!c.ssl && got < 0 && (errno == EAGAIN || errno == EINTR)) break;
            if (got <= 0) quit("relay", c.ssl ? "SSL_read" : "recv");
            c.in.insert(c.in.end(), buf.begin(), buf.begin() + got);
            std::size_t off = 0;
            while (c.in.size() - off >= o.bytes) {   // fixed-size requests: the framing costs nothing
                dgram.resize(8 + o.bytes);
                std::memcpy(dgram.data(), &link, 8);
                std::memcpy(dgram.data() + 8, c.in.data() + off, o.bytes);
                if (::send(up, dgram.data(), dgram.size(), MSG_NOSIGNAL) < 0) quit("relay", "send to the server");
                off += o.bytes;
            }
            c.in.erase(c.in.begin(), c.in.begin() + static_cast<std::ptrdiff_t>(off));
        }
    };
    // A TLS 1.3 client sends its first request right behind its Finished: SSL_accept may have
    // read it already (read-ahead), and epoll will not report it. Look at every link once.
    for (std::uint64_t link = 0; link < conns.size(); ++link) serve(link);
    for (;;) {
        const int n = ::epoll_wait(ep, events, 64, -1);
        for (int i = 0; i < n; ++i) serve(events[i].data.u64);
    }
}

// ---- client (multitoken's place) and the measurement ----

double cpuSeconds(pid_t pid) {   // pid 0: this process
    clockid_t id = CLOCK_PROCESS_CPUTIME_ID;
    if (pid != 0 && clock_getcpuclockid(pid, &id) != 0) die("clock_getcpuclockid");
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> const char* {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "roundtrip-floor: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "-t") o.seconds = std::atof(next());
        else if (a == "-n") o.threads = std::atoi(next());
        else if (a == "-s") o.bytes = static_cast<std::size_t>(std::atol(next()));
        else if (a == "-tls") o.tls = true;
        else if (a == "-handoff") o.handoff = true;
        else if (a == "-team") o.team = true;
        else {
            std::fprintf(stderr, "usage: roundtrip-floor [-t SECONDS] [-n THREADS] [-s BYTES] [-tls] [-handoff | -team]\n");
            std::exit(2);
        }
    }
    if (o.seconds <= 0 || o.threads < 1 || o.threads > 256 || o.bytes < 1 || o.bytes > 65536) {
        std::fprintf(stderr, "roundtrip-floor: out of range\n");
        std::exit(2);
    }
    return o;
}

} // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    ::signal(SIGPIPE, SIG_IGN);

    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) die("socketpair");
    const int listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof addr;
    if (::bind(listenFd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listenFd, 256) != 0 ||
        ::getsockname(listenFd, reinterpret_cast<sockaddr*>(&addr), &alen) != 0)
        die("listen on loopback");

    const pid_t server = ::fork();
    if (server == 0) {
        ::close(pair[0]);
        ::close(listenFd);
        if (o.team) runTeamServer(pair[1]);
        runServer(pair[1], o.handoff);
    }
    const pid_t relay = ::fork();
    if (relay == 0) {
        ::close(pair[1]);
        runRelay(listenFd, pair[0], o);
    }
    ::close(pair[0]);
    ::close(pair[1]);
    ::close(listenFd);

    SSL_CTX* ctx = o.tls ? clientContext() : nullptr;
    std::atomic<int> phase{0};   // 0 warm-up, 1 measuring, 2 stop
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(o.threads) * 8, 0);   // 64 bytes apart
    std::vector<std::thread> clients;
    std::atomic<bool> failed{false};
    std::atomic<int> done{0};   // client threads that stopped
    for (int t = 0; t < o.threads; ++t) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("connect");
        noDelay(fd);
        SSL* ssl = nullptr;
        if (ctx) {
            ssl = SSL_new(ctx);
            SSL_set_fd(ssl, fd);
            if (SSL_connect(ssl) != 1) die("TLS connect");
        }
        clients.emplace_back([&, fd, ssl, slot = static_cast<std::size_t>(t) * 8] {
            std::vector<std::uint8_t> req(o.bytes, 0x5a), ans(o.bytes);
            while (phase.load(std::memory_order_relaxed) < 2) {
                bool ok;
                if (ssl) {
                    ok = SSL_write(ssl, req.data(), static_cast<int>(req.size())) > 0;
                    std::size_t got = 0;
                    while (ok && got < ans.size()) {
                        const int r = SSL_read(ssl, ans.data() + got, static_cast<int>(ans.size() - got));
                        ok = r > 0;
                        if (ok) got += static_cast<std::size_t>(r);
                    }
                } else {
                    ok = sendAll(fd, req.data(), req.size()) && recvAll(fd, ans.data(), ans.size());
                }
                if (!ok) {
                    std::fprintf(stderr, "roundtrip-floor client: a round trip failed (errno %d %s)\n", errno, std::strerror(errno));
                    ERR_print_errors_fp(stderr);
                    failed = true;
                    break;
                }
                if (phase.load(std::memory_order_relaxed) == 1) ++counts[slot];
            }
            ++done;
        });
    }

    std::this_thread::sleep_for(std::chrono::seconds(1));
    const double c0 = cpuSeconds(0), r0 = cpuSeconds(relay), s0 = cpuSeconds(server);
    const auto w0 = std::chrono::steady_clock::now();
    phase = 1;
    std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
    phase = 2;
    const auto w1 = std::chrono::steady_clock::now();
    const double c1 = cpuSeconds(0), r1 = cpuSeconds(relay), s1 = cpuSeconds(server);
    // The clients stop after their current round trip. One that waits longer than a few
    // seconds lost its answer (it happened while the relay missed requests sent behind a TLS
    // Finished): the numbers are not worth printing, and a benchmark script must not hang.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (done.load() < o.threads && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::kill(relay, SIGKILL);
    ::kill(server, SIGKILL);
    ::waitpid(relay, nullptr, 0);
    ::waitpid(server, nullptr, 0);
    if (failed || done.load() < o.threads) {
        std::fprintf(stderr, "roundtrip-floor: a round trip %s\n", failed ? "failed" : "never came back");
        std::_Exit(1);
    }
    for (auto& t : clients) t.join();

    std::uint64_t ops = 0;
    for (int t = 0; t < o.threads; ++t) ops += counts[static_cast<std::size_t>(t) * 8];
    const double secs = std::chrono::duration<double>(w1 - w0).count();
    const double per = ops ? 1e6 / static_cast<double>(ops) : 0;
    const double cc = (c1 - c0) * per, rc = (r1 - r0) * per, sc = (s1 - s0) * per;
    std::printf("RESULT transport=%s threads=%d bytes=%zu handoff=%d team=%d ops=%llu rt_per_s=%.1f client_cpu_us=%.1f "
                "relay_cpu_us=%.1f server_cpu_us=%.1f total_cpu_us=%.1f\n",
                o.tls ? "tls13" : "tcp", o.threads, o.bytes, o.handoff ? 1 : 0, o.team ? 1 : 0, static_cast<unsigned long long>(ops),
                static_cast<double>(ops) / secs, cc, rc, sc, cc + rc + sc);
    return 0;
}
