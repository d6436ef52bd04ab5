#include "tls_server.h"

#include "listener.h"
#include "tls_loop.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace luna::ntls {
namespace {

std::string peerAddress(const sockaddr_storage& ss) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (ss.ss_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(ss).sin_addr, buf, sizeof buf);
        return buf;
    }
    const auto& a6 = reinterpret_cast<const sockaddr_in6&>(ss).sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&a6)) {
        inet_ntop(AF_INET, &a6.s6_addr[12], buf, sizeof buf);
        return buf;
    }
    inet_ntop(AF_INET6, &a6, buf, sizeof buf);
    return buf;
}

// One textual form per address, so "::ffff:10.0.0.1" and "10.0.0.1" compare equal.
std::string canonical(const std::string& ip) {
    sockaddr_storage ss{};
    if (inet_pton(AF_INET, ip.c_str(), &reinterpret_cast<sockaddr_in&>(ss).sin_addr) == 1) {
        ss.ss_family = AF_INET;
        return peerAddress(ss);
    }
    if (inet_pton(AF_INET6, ip.c_str(), &reinterpret_cast<sockaddr_in6&>(ss).sin6_addr) == 1) {
        ss.ss_family = AF_INET6;
        return peerAddress(ss);
    }
    return ip;
}

void setKeepAlive(int fd, const ServerConfig& c) {
    const int one = 1, idle = static_cast<int>(c.keepIdle), intvl = static_cast<int>(c.keepInterval),
              cnt = static_cast<int>(c.keepProbes);
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

} // namespace

TlsServer::TlsServer(Registry& registry, Upstream& upstream, ServerConfig config)
    : registry_(registry), upstream_(upstream), config_(std::move(config)), timeout_(config_.timeout),
      ipCheck_(config_.ipCheck) {}

TlsServer::~TlsServer() { stop(); }

void TlsServer::setContext(SslCtxPtr ctx) {
    std::lock_guard lock(ctxMu_);
    ctx_ = std::move(ctx);
}

std::string TlsServer::bindAddress(const std::string& device, bool ipv6, bool fallBack) const {
    if (!config_.listenOverride.empty()) return config_.listenOverride;
    if (auto a = addressOfDevice(device, ipv6)) return *a;
    if (!fallBack) return {};
    syslog(LOG_WARNING, "NTLS: %s has no address; listening on all devices until it has one and NTLS restarts",
           device.c_str());
    return ipv6 ? "::" : "0.0.0.0";
}

std::string TlsServer::start(const std::string& device, bool ipv6) {
    {
        std::lock_guard lock(ctxMu_);
        if (!ctx_) throw std::runtime_error("no server certificate");
    }
    if (loops_.empty())
        for (unsigned i = 0; i < std::max(1u, config_.datapathThreads); ++i) loops_.push_back(std::make_unique<Loop>(*this));
    std::lock_guard lock(listenMu_);
    return openAndAccept(bindAddress(device, ipv6, true));
}

std::string TlsServer::restartListener(const std::string& device, bool ipv6) {
    std::lock_guard lock(listenMu_);
    const auto address = bindAddress(device, ipv6, false);
    if (address.empty()) {
        syslog(LOG_NOTICE, "NTLS: %s is not active; keeping the binding to %s", device.c_str(), bound_.c_str());
        return bound_;
    }
    const auto previous = bound_;
    stopAcceptor();
    try {
        return openAndAccept(address);
    } catch (const std::exception& e) {
        syslog(LOG_ERR, "NTLS: %s; back on %s", e.what(), previous.c_str());
        if (!previous.empty()) openAndAccept(previous);
        throw;
    }
}

std::string TlsServer::openAndAccept(const std::string& address) {
    const int fd = openListener(address, config_.port);
    listenFd_ = fd;
    bound_ = address;
    acceptor_ = std::thread([this, fd] { acceptLoop(fd); });
    syslog(LOG_INFO, "NTLS: listening on %s port %u", address.c_str(), static_cast<unsigned>(config_.port));
    notify();
    return address;
}

void TlsServer::stopAcceptor() {
    if (listenFd_ < 0) return;
    ::shutdown(listenFd_, SHUT_RDWR);
    if (acceptor_.joinable()) acceptor_.join();
    ::close(listenFd_);
    listenFd_ = -1;
    bound_.clear();
}

void TlsServer::stop() {
    {
        std::lock_guard lock(listenMu_);
        stopAcceptor();
    }
    loops_.clear();   // each loop closes its links (telling hsmd) and joins
}

void TlsServer::acceptLoop(int listenFd) {
    for (;;) {
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        const int fd = ::accept4(listenFd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                syslog(LOG_ERR, "NTLS: accept: %s", std::strerror(errno));
                ::usleep(100000);
                continue;
            }
            return;   // the listener was shut down
        }
        setKeepAlive(fd, config_);
        auto& loop = *loops_[nextLoop_++ % loops_.size()];
        loop.post([fd, peer = peerAddress(ss)](Loop& l) { l.adopt(fd, peer); });
    }
}

// The verify callback's question, on the loop thread during the handshake.
std::string TlsServer::admit(Conn& c, X509* leaf, int verifyError) {
    if (verifyError != X509_V_OK) {
        c.refusal = std::string("client certificate rejected: ") + X509_verify_cert_error_string(verifyError);
        return c.refusal;
    }
    auto client = registry_.byPin(sha256Pin(leaf));
    if (!client) {
        c.refusal = "the client certificate is not registered (fingerprint " + sha1Fingerprint(leaf) + ")";
        return c.refusal;
    }
    if (ipCheck_ && !sourceAllowed(*client, c.peerIp)) {
        c.refusal = "client '" + client->name + "' may not connect from " + c.peerIp + " (ntls ipcheck is enabled)";
        return c.refusal;
    }
    c.client = client->name;
    return {};
}

bool TlsServer::sourceAllowed(const Client& client, const std::string& peerIp) const {
    const auto peer = canonical(peerIp);
    if (!client.ip.empty()) return canonical(client.ip) == peer;
    if (!client.mappedIp.empty()) return canonical(client.mappedIp) == peer;
    // Registered by hostname and not mapped: what the name resolves to now.
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    if (getaddrinfo(client.hostname.c_str(), nullptr, &hints, &list) != 0) return false;
    bool ok = false;
    for (auto* a = list; a && !ok; a = a->ai_next) {
        sockaddr_storage ss{};
        std::memcpy(&ss, a->ai_addr, std::min<std::size_t>(a->ai_addrlen, sizeof ss));
        ok = peerAddress(ss) == peer;
    }
    freeaddrinfo(list);
    return ok;
}

void TlsServer::opened(Conn& c) {
    ++successful_;
    {
        std::lock_guard lock(statsMu_);
        linkConns_[c.link] = c.shared_from_this();
        ++clientLinks_[c.client];
    }
    syslog(LOG_INFO, "NTLS: client '%s' connected from %s (link %llu, %s, %s)", c.client.c_str(), c.peerIp.c_str(),
           static_cast<unsigned long long>(c.link), SSL_get_version(c.ssl), SSL_get_cipher_name(c.ssl));
    notify();
}

void TlsServer::closing(Conn& c) {
    {
        std::lock_guard lock(statsMu_);
        linkConns_.erase(c.link);
        if (auto it = clientLinks_.find(c.client); it != clientLinks_.end() && --it->second == 0) clientLinks_.erase(it);
    }
    upstream_.closed(c.link, c.client);
    notify();
}

// On the hsmd reader's thread: the answer goes out on the link here and now (Loop::send
// takes the connection's lock); only a failure is handed to the loop.
void TlsServer::deliver(std::uint64_t link, proto::Bytes frame) {
    std::shared_ptr<Conn> c;
    {
        std::lock_guard lock(statsMu_);
        if (auto it = linkConns_.find(link); it != linkConns_.end()) c = it->second;
    }
    if (!c) return;   // the link closed while hsmd answered
    c->loop->send(*c, std::move(frame));
}

void TlsServer::upstreamLost(unsigned index) {
    const unsigned n = upstream_.connections();
    for (auto& loop : loops_)
        loop->post([index, n](Loop& l) {
            l.finishIf([&](const Conn& c) { return c.state == Conn::State::Open && c.link % n == index; },
                       "hsmd's connection for this link was lost");
        });
}

void TlsServer::closeClient(const std::string& name) {
    for (auto& loop : loops_)
        loop->post([name](Loop& l) { l.finishIf([&](const Conn& c) { return c.client == name; }, "the client was deleted"); });
}

ServerStats TlsServer::stats() const {
    ServerStats s;
    {
        std::lock_guard lock(statsMu_);
        s.links = static_cast<std::uint32_t>(linkConns_.size());
        s.clients = static_cast<std::uint32_t>(clientLinks_.size());
    }
    s.successful = successful_;
    s.failed = failed_;
    s.malformed = malformed_;
    std::lock_guard lock(listenMu_);
    s.listening = listenFd_ >= 0;
    s.boundAddress = bound_;
    s.boundDevice = config_.listenOverride.empty() ? deviceOfAddress(bound_) : "";
    return s;
}

void TlsServer::resetCounters() {
    successful_ = 0;
    failed_ = 0;
    malformed_ = 0;
    notify();
}

} // namespace luna::ntls
