#include "tls_loop.h"

#include "luna/errors.h"

#include <openssl/err.h>
#include <p11-kit/pkcs11.h>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <syslog.h>
#include <unistd.h>

#include <climits>
#include <cstring>

namespace luna::ntls {
namespace {

constexpr int kMaxLoggedFaults = 10;                   // per link, so a flood cannot fill the log
constexpr std::size_t kMaxPendingOut = 64u << 20;      // answers a client does not read

template <class T>
concept HasSlot = requires(const T& t) { t.slot; };

std::optional<std::uint64_t> slotOf(const proto::Request& r) {
    return std::visit([](const auto& req) -> std::optional<std::uint64_t> {
        if constexpr (HasSlot<std::decay_t<decltype(req)>>) return req.slot;
        else return std::nullopt;
    }, r);
}

std::string sslReason() {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        if (!out.empty()) out += "; ";
        const char* r = ERR_reason_error_string(e);
        out += r ? r : "error " + std::to_string(ERR_GET_REASON(e));
    }
    return out;
}

} // namespace

TlsServer::Conn::~Conn() {
    if (ssl) SSL_free(ssl);
    if (fd >= 0) ::close(fd);
}

TlsServer::Loop::Loop(TlsServer& server) : server_(server) {
    ep_ = ::epoll_create1(EPOLL_CLOEXEC);
    ev_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (ep_ < 0 || ev_ < 0) throw std::runtime_error(std::string("epoll: ") + std::strerror(errno));
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.fd = ev_;
    ::epoll_ctl(ep_, EPOLL_CTL_ADD, ev_, &e);
    thread_ = std::thread([this] { run(); });
}

TlsServer::Loop::~Loop() {
    post([](Loop& l) { l.stopping_ = true; });
    thread_.join();
    ::close(ev_);
    ::close(ep_);
}

void TlsServer::Loop::post(std::function<void(Loop&)> job) {
    {
        std::lock_guard lock(mu_);
        inbox_.push_back(std::move(job));
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(ev_, &one, sizeof one);
}

void TlsServer::Loop::run() {
    epoll_event events[64];
    while (!stopping_) {
        const int n = ::epoll_wait(ep_, events, 64, nextTimeout());
        for (int i = 0; i < n; ++i) {
            if (events[i].data.fd == ev_) {
                std::uint64_t v;
                [[maybe_unused]] auto r = ::read(ev_, &v, sizeof v);
                std::vector<std::function<void(Loop&)>> jobs;
                {
                    std::lock_guard lock(mu_);
                    jobs.swap(inbox_);
                }
                for (auto& j : jobs) j(*this);
                continue;
            }
            auto it = conns_.find(events[i].data.fd);
            if (it != conns_.end() && !it->second->dead) handle(*it->second, events[i].events);
        }
        expireHandshakes();
        reap();
    }
    for (auto& [_, c] : conns_)
        if (!c->dead) finish(*c, "ntlsd is stopping");
    reap();
}

int TlsServer::Loop::nextTimeout() const {
    if (handshaking_.empty()) return -1;
    auto first = std::chrono::steady_clock::time_point::max();
    for (const auto* c : handshaking_) first = std::min(first, c->deadline);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(first - std::chrono::steady_clock::now()).count();
    return static_cast<int>(std::clamp<long long>(ms + 1, 0, 1000));
}

void TlsServer::Loop::expireHandshakes() {
    const auto now = std::chrono::steady_clock::now();
    std::vector<Conn*> late;
    for (auto* c : handshaking_)
        if (c->deadline <= now) late.push_back(c);
    for (auto* c : late) {
        syslog(LOG_WARNING, "Error during SSL Connect (RC_OPERATION_TIMED_OUT): %s did not finish the TLS handshake in %u s",
               c->peerIp.c_str(), server_.timeout_.load());
        refuse(*c, "");
    }
}

void TlsServer::Loop::reap() {
    for (auto it = conns_.begin(); it != conns_.end();) {
        if (it->second->dead) {
            handshaking_.erase(it->second.get());
            // An answer being written may hold the connection a moment longer: leave the
            // epoll set now; the last owner's destructor closes the socket.
            ::epoll_ctl(ep_, EPOLL_CTL_DEL, it->first, nullptr);
            it = conns_.erase(it);
        } else {
            ++it;
        }
    }
}

void TlsServer::Loop::adopt(int fd, std::string peerIp) {
    SslCtxPtr ctx;
    {
        std::lock_guard lock(server_.ctxMu_);
        ctx = server_.ctx_;
    }
    auto c = std::make_shared<Conn>();
    c->server = &server_;
    c->loop = this;
    c->fd = fd;
    c->peerIp = std::move(peerIp);
    c->ssl = SSL_new(ctx.get());
    c->deadline = std::chrono::steady_clock::now() + std::chrono::seconds(server_.timeout_.load());
    if (!c->ssl || SSL_set_fd(c->ssl, fd) != 1) {
        syslog(LOG_ERR, "NTLS: cannot set up TLS for %s: %s", c->peerIp.c_str(), sslReason().c_str());
        ++server_.failed_;
        server_.notify();
        return;   // ~Conn closes fd
    }
    SSL_set_accept_state(c->ssl);
    SSL_set_ex_data(c->ssl, peerCheckIndex(), static_cast<PeerCheck*>(c.get()));
    epoll_event e{};
    e.events = EPOLLIN | EPOLLRDHUP;
    e.data.fd = fd;
    if (::epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &e) != 0) {
        ++server_.failed_;
        server_.notify();
        return;
    }
    handshaking_.insert(c.get());
    conns_[fd] = std::move(c);
}

void TlsServer::Loop::handle(Conn& c, std::uint32_t events) {
    if (c.state == Conn::State::Handshake) {
        handshake(c);
        if (c.dead || c.state != Conn::State::Open) return;
        events |= EPOLLIN;   // TLS 1.3 clients may have sent requests with their Finished
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) readAll(c);
    if (!c.dead) flush(c);
}

void TlsServer::Loop::handshake(Conn& c) {
    int r = 0, err = 0;
    {
        std::lock_guard lock(c.io);   // nobody else knows the connection yet; kept for the rule
        ERR_clear_error();
        r = SSL_do_handshake(c.ssl);
        if (r != 1) err = SSL_get_error(c.ssl, r);
    }
    if (r == 1) {
        handshaking_.erase(&c);
        if (c.client.empty()) {   // cannot happen: verify admits only registered clients
            refuse(c, "no client certificate was admitted");
            return;
        }
        c.state = Conn::State::Open;
        c.link = server_.nextLink_++;
        links_[c.link] = &c;
        server_.opened(c);
        return;
    }
    switch (err) {
    case SSL_ERROR_WANT_READ: wantOut(c, false); return;
    case SSL_ERROR_WANT_WRITE: wantOut(c, true); return;
    case SSL_ERROR_ZERO_RETURN: refuse(c, "the client closed the connection during the TLS handshake"); return;
    case SSL_ERROR_SYSCALL: {
        const auto why = sslReason();
        refuse(c, !c.refusal.empty() ? c.refusal
                  : why.empty()      ? "the client closed the connection during the TLS handshake"
                                     : why);
        return;
    }
    default: {
        const auto why = sslReason();
        refuse(c, !c.refusal.empty() ? c.refusal : why);
        return;
    }
    }
}

// A connection that never became a link: counted as failed, logged as the reference's
// "Error on SSL accept" (the timeout has its own line, written by the caller).
void TlsServer::Loop::refuse(Conn& c, const std::string& why) {
    if (!why.empty()) syslog(LOG_WARNING, "Error on SSL accept from %s: %s", c.peerIp.c_str(), why.c_str());
    ++server_.failed_;
    handshaking_.erase(&c);
    c.dead = true;
    server_.notify();
}

void TlsServer::Loop::finish(Conn& c, const std::string& why) {
    if (c.dead) return;
    if (c.state == Conn::State::Handshake) {
        handshaking_.erase(&c);
        c.dead = true;
        return;
    }
    {
        std::lock_guard lock(c.io);
        ERR_clear_error();
        SSL_shutdown(c.ssl);   // best effort close_notify; the socket closes either way
        ERR_clear_error();
        c.dead = true;
    }
    links_.erase(c.link);
    syslog(LOG_INFO, "NTLS: client '%s' link %llu from %s closed (%s)", c.client.c_str(),
           static_cast<unsigned long long>(c.link), c.peerIp.c_str(), why.c_str());
    server_.closing(c);
}

void TlsServer::Loop::fault(Conn& c, const std::string& what) {
    if (c.faultsLogged++ < kMaxLoggedFaults)
        syslog(LOG_WARNING, "NTLS: client '%s' link %llu: %s", c.client.c_str(), static_cast<unsigned long long>(c.link),
               what.c_str());
}

void TlsServer::Loop::readAll(Conn& c) {
    std::uint8_t buf[16384];
    for (;;) {
        int n = 0, err = 0;
        {
            std::lock_guard lock(c.io);
            ERR_clear_error();
            n = SSL_read(c.ssl, buf, sizeof buf);
            if (n <= 0) {
                err = SSL_get_error(c.ssl, n);
                if (err == SSL_ERROR_WANT_WRITE) wantOut(c, true);
            }
        }
        if (n <= 0) {
            switch (err) {
            case SSL_ERROR_WANT_READ: return;
            case SSL_ERROR_WANT_WRITE: return;
            case SSL_ERROR_ZERO_RETURN: finish(c, "closed by the client"); return;
            default: {
                const auto why = sslReason();
                finish(c, why.empty() ? "connection lost" : why);
                return;
            }
            }
        }
        c.in.insert(c.in.end(), buf, buf + n);
        std::size_t off = 0;
        while (c.in.size() - off >= proto::kHeaderBytes) {
            proto::FrameHeader h;
            try {
                h = proto::decodeHeader(std::span(c.in).subspan(off, proto::kHeaderBytes));
            } catch (const proto::DecodeError& e) {
                // The stream cannot be cut into frames any more: this link ends, no other.
                badFrame();
                fault(c, std::string("unreadable frame header (") + std::string(proto::faultName(e.fault())) + ": " +
                             e.what() + "); closing the link");
                finish(c, "unreadable frame header");
                return;
            }
            const std::size_t total = proto::kHeaderBytes + h.payloadLength;
            if (c.in.size() - off < total) break;
            onFrame(c, std::span(c.in).subspan(off, total), h);
            if (c.dead) return;
            off += total;
        }
        c.in.erase(c.in.begin(), c.in.begin() + static_cast<std::ptrdiff_t>(off));
        // Nothing buffered in OpenSSL: the socket is drained as far as this event goes, and
        // (level-triggered) epoll reports it again when more comes; no read that would only
        // say EAGAIN.
        bool more = false;
        {
            std::lock_guard lock(c.io);
            more = SSL_has_pending(c.ssl) == 1;
        }
        if (!more) return;
    }
}

void TlsServer::Loop::answer(Conn& c, const proto::FrameHeader& h, std::uint32_t rv, const std::string& detail) {
    send(c, proto::encodeResponse(h.requestId, static_cast<proto::Op>(h.op), rv, detail, {}));
}

void TlsServer::Loop::onFrame(Conn& c, std::span<const std::uint8_t> frame, const proto::FrameHeader& h) {
    if (h.response) {
        badFrame();
        fault(c, "sent a response frame (request " + std::to_string(h.requestId) + ")");
        answer(c, h, CKR_ARGUMENTS_BAD, "A client sends requests, not responses");
        return;
    }
    proto::Request request;
    try {
        request = proto::decodeRequestPayload(h, frame.subspan(proto::kHeaderBytes));
    } catch (const proto::DecodeError& e) {
        badFrame();
        fault(c, "malformed request " + std::to_string(h.requestId) + " (" + std::string(proto::faultName(e.fault())) +
                     ": " + e.what() + ")");
        answer(c, h, e.fault() == proto::Fault::UnknownOp ? CKR_FUNCTION_NOT_SUPPORTED : CKR_ARGUMENTS_BAD,
               "malformed request (" + std::string(proto::faultName(e.fault())) + ")");
        return;
    }
    if (auto slot = slotOf(request); slot && !server_.registry_.assigned(c.client, *slot)) {
        answer(c, h, CKR_SLOT_ID_INVALID, "The partition is not assigned to this client");
        return;
    }
    if (!server_.upstream_.send(c.link, c.client, frame)) answer(c, h, CKR_DEVICE_ERROR, "The HSM is not reachable");
}

void TlsServer::Loop::send(Conn& c, proto::Bytes frame) {
    std::string failure;
    {
        std::lock_guard lock(c.io);
        if (c.dead || c.closing || c.state != Conn::State::Open) return;
        if (c.out.size() - c.outOff + frame.size() > kMaxPendingOut) {
            fault(c, "does not read its answers; closing the link");
            failure = "too many unread answers";
        } else {
            if (c.out.empty()) c.out = std::move(frame);
            else c.out.insert(c.out.end(), frame.begin(), frame.end());
            failure = flushLocked(c);
        }
        if (!failure.empty()) c.closing = true;
    }
    if (!failure.empty()) finishSoon(c, failure);
}

void TlsServer::Loop::flush(Conn& c) {
    std::string failure;
    {
        std::lock_guard lock(c.io);
        if (c.dead || c.closing) return;
        failure = flushLocked(c);
        if (!failure.empty()) c.closing = true;
    }
    if (!failure.empty()) finish(c, failure);
}

std::string TlsServer::Loop::flushLocked(Conn& c) {
    while (c.outOff < c.out.size()) {
        ERR_clear_error();
        const int n = SSL_write(c.ssl, c.out.data() + c.outOff,
                                static_cast<int>(std::min<std::size_t>(c.out.size() - c.outOff, INT_MAX)));
        if (n > 0) {
            c.outOff += static_cast<std::size_t>(n);
            continue;
        }
        switch (SSL_get_error(c.ssl, n)) {
        case SSL_ERROR_WANT_WRITE: wantOut(c, true); return {};
        case SSL_ERROR_WANT_READ: return {};   // readable later; flush runs after every event
        default: return "write failed: " + sslReason();
        }
    }
    c.out.clear();
    c.outOff = 0;
    wantOut(c, false);
    return {};
}

void TlsServer::Loop::finishSoon(Conn& c, const std::string& why) {
    if (std::this_thread::get_id() == thread_.get_id()) {
        finish(c, why);
        return;
    }
    post([link = c.link, why](Loop& l) {
        if (Conn* x = l.byLink(link)) l.finish(*x, why);
    });
}

void TlsServer::Loop::wantOut(Conn& c, bool on) {
    if (c.wantOut == on) return;
    c.wantOut = on;
    epoll_event e{};
    e.events = EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0u);
    e.data.fd = c.fd;
    ::epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &e);
}

} // namespace luna::ntls
