#include "data_socket.h"

#include <chrono>

#include "luna/errors.h"

#include <p11-kit/pkcs11.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

namespace luna::hsmd {

namespace {
constexpr int kMaxLoggedFaults = 20;   // per connection, so a flood cannot fill the journal

template <class T>
concept HasSession = requires(const T& t) { t.session; };

std::optional<std::uint64_t> sessionOf(const proto::Request& r) {
    return std::visit([](const auto& req) -> std::optional<std::uint64_t> {
        if constexpr (HasSession<std::decay_t<decltype(req)>>) return req.session;
        else return std::nullopt;
    }, r);
}
} // namespace

struct DataSocket::Conn {
    std::uint64_t id = 0;
    int fd = -1;
    uid_t uid = 0;
    std::mutex writeMu;
    std::mutex linkMu;
    std::map<std::pair<std::uint64_t, std::string>, std::uint64_t> links;   // (wire link, client) -> unique link
    int faultsLogged = 0;
    ~Conn() {
        if (fd >= 0) ::close(fd);
    }
};

DataSocket::DataSocket(hsm::DataPlane& dp, unsigned threads, DataSocketConfig config)
    : dp_(dp), config_(std::move(config)), work_(std::make_unique<WorkQueue>(threads)) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const auto path = config_.path.string();
    if (path.size() >= sizeof addr.sun_path) throw std::runtime_error("data socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    listenFd_ = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (listenFd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    ::unlink(path.c_str());
    if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listenFd_, 64) != 0) {
        const std::string err = std::strerror(errno);
        ::close(listenFd_);
        throw std::runtime_error("cannot listen on " + path + ": " + err);
    }
    // The peer-credential check is the gate; the mode only keeps other users from trying.
    ::chmod(path.c_str(), 0666);
    acceptor_ = std::thread([this] { acceptLoop(); });
}

DataSocket::~DataSocket() {
    stopping_ = true;
    ::shutdown(listenFd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listenFd_);
    ::unlink(config_.path.c_str());
    {
        std::lock_guard lock(connMu_);
        for (auto& [_, c] : conns_) ::shutdown(c->fd, SHUT_RDWR);
    }
    for (auto& t : readers_) t.join();
    work_.reset();   // runs what is still queued (link closes) while this object is whole
}

void DataSocket::acceptLoop() {
    while (!stopping_) {
        const int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return;   // shut down
        }
        ucred cred{};
        socklen_t len = sizeof cred;
        if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
            (cred.uid != 0 && !config_.allowedUids.count(cred.uid))) {
            ++counters_.refusedPeers;
            syslog(LOG_WARNING, "data plane: refused a connection from uid %u pid %d (only root and ntlsd may connect)",
                   static_cast<unsigned>(cred.uid), static_cast<int>(cred.pid));
            ::close(fd);
            continue;
        }
        auto conn = std::make_shared<Conn>();
        conn->fd = fd;
        conn->uid = cred.uid;
        ++counters_.connections;
        std::lock_guard lock(connMu_);
        conn->id = nextConn_++;
        conns_[conn->id] = conn;
        readers_.emplace_back([this, conn] { serve(conn); });
    }
}

void DataSocket::serve(std::shared_ptr<Conn> conn) {
    std::vector<std::uint8_t> buf(proto::kMaxEnvelopeBytes + 1);
    for (;;) {
        const ssize_t n = ::recv(conn->fd, buf.data(), buf.size(), MSG_TRUNC);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (static_cast<std::size_t>(n) > proto::kMaxEnvelopeBytes) {
            ++counters_.malformed;
            if (conn->faultsLogged++ < kMaxLoggedFaults)
                syslog(LOG_WARNING, "data plane: connection %llu sent an oversized datagram (%zd bytes)",
                       static_cast<unsigned long long>(conn->id), n);
            continue;
        }
        onDatagram(conn, {buf.data(), static_cast<std::size_t>(n)});
    }
    // The connection is gone: so is every link it carried.
    std::map<std::pair<std::uint64_t, std::string>, std::uint64_t> links;
    {
        std::lock_guard lock(conn->linkMu);
        links.swap(conn->links);
    }
    for (const auto& [key, unique] : links) {
        hsm::Caller caller{key.second, unique};
        post(nullptr, [this, caller] { dp_.closeLink(caller); });
    }
    std::lock_guard lock(connMu_);
    conns_.erase(conn->id);
}

void DataSocket::onDatagram(const std::shared_ptr<Conn>& conn, std::span<const std::uint8_t> dgram) {
    proto::Envelope env;
    proto::FrameHeader header;
    try {
        env = proto::decodeEnvelope(dgram);
        if (env.kind == proto::EnvelopeKind::Frame) header = proto::decodeHeader(env.frame);
    } catch (const proto::DecodeError& e) {
        ++counters_.malformed;
        if (conn->faultsLogged++ < kMaxLoggedFaults)
            syslog(LOG_WARNING, "data plane: dropped a malformed datagram on connection %llu (%s: %s)",
                   static_cast<unsigned long long>(conn->id), std::string(proto::faultName(e.fault())).c_str(), e.what());
        return;
    }
    std::uint64_t unique = 0;
    {
        std::lock_guard lock(conn->linkMu);
        const auto key = std::make_pair(env.link, env.client);
        if (env.kind == proto::EnvelopeKind::LinkClosed) {
            auto it = conn->links.find(key);
            if (it == conn->links.end()) return;
            hsm::Caller caller{env.client, it->second};
            conn->links.erase(it);
            const StrandKey strand{conn->id, env.link, 0};
            post(&strand, [this, caller] { dp_.closeLink(caller); });
            return;
        }
        auto [it, added] = conn->links.emplace(key, 0);
        if (added) it->second = nextLink_++;
        unique = it->second;
    }
    proto::Request request;
    try {
        if (env.frame.size() - proto::kHeaderBytes != header.payloadLength)
            throw proto::DecodeError(proto::Fault::LengthMismatch, "payload length differs from the header");
        request = proto::decodeRequestPayload(header, env.frame.subspan(proto::kHeaderBytes));
    } catch (const proto::DecodeError& e) {
        ++counters_.malformed;
        if (conn->faultsLogged++ < kMaxLoggedFaults)
            syslog(LOG_WARNING, "data plane: refused request %u from client '%s' (%s: %s)", header.requestId,
                   env.client.c_str(), std::string(proto::faultName(e.fault())).c_str(), e.what());
        const std::uint32_t rv = e.fault() == proto::Fault::UnknownOp ? CKR_FUNCTION_NOT_SUPPORTED : CKR_ARGUMENTS_BAD;
        refuse(*conn, env.link, env.client, header.requestId, header.op, rv,
               std::string("malformed request (") + std::string(proto::faultName(e.fault())) + ")");
        return;
    }
    ++counters_.requests;
    const auto session = sessionOf(request);
    const StrandKey strand{conn->id, env.link, session.value_or(0)};
    hsm::Caller caller{env.client, unique};
    const std::size_t kind = CostEstimate::kindOf(request);
    if (costs_.isShort(kind)) {
        // Short: run it here, in order with the session's queued requests (only when none are
        // queued; otherwise it joins them on the workers).
        auto job = [&] { execute(conn, caller, env.link, env.client, header.requestId, std::move(request), kind); };
        if (!session) {
            job();
            return;
        }
        bool idle = false;
        {
            std::lock_guard lock(strandMu_);
            idle = strands_.try_emplace(strand).second;
        }
        if (idle) {
            job();
            finishStrand(strand);
            return;
        }
    }
    post(session ? &strand : nullptr,
         [this, conn, caller, link = env.link, client = env.client, id = header.requestId, kind,
          req = std::make_shared<proto::Request>(std::move(request))]() mutable {
             execute(conn, caller, link, client, id, std::move(*req), kind);
         });
}

void DataSocket::execute(const std::shared_ptr<Conn>& conn, hsm::Caller caller, std::uint64_t wireLink, std::string client,
                         std::uint32_t requestId, proto::Request request, std::size_t kind) {
    const auto op = std::visit([](const auto& r) { return r.op; }, request);
    std::uint32_t rv = CKR_OK;
    std::string detail;
    proto::ResponseBody body;
    const auto started = std::chrono::steady_clock::now();
    try {
        body = dp_.dispatch(caller, request);
    } catch (const Error& e) {
        rv = e.code();
        detail = e.what();
    } catch (const std::exception& e) {
        rv = CKR_DEVICE_ERROR;
        detail = e.what();
        syslog(LOG_ERR, "data plane: %s failed: %s", std::string(proto::opName(op)).c_str(), e.what());
    }
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    counters_.busyMicros += static_cast<std::uint64_t>(took.count());
    costs_.record(kind, took);
    if (rv != CKR_OK) ++counters_.errors;
    proto::Bytes frame;
    try {
        frame = proto::encodeResponse(requestId, op, rv, detail, body);
    } catch (const proto::DecodeError&) {
        frame = proto::encodeResponse(requestId, op, CKR_DEVICE_ERROR, "the response exceeds the protocol's frame limit", {});
    }
    send(*conn, wireLink, client, frame);
}

void DataSocket::refuse(Conn& conn, std::uint64_t link, const std::string& client, std::uint32_t requestId,
                        std::uint16_t op, std::uint32_t rv, const std::string& detail) {
    send(conn, link, client, proto::encodeResponse(requestId, static_cast<proto::Op>(op), rv, detail, {}));
}

void DataSocket::send(Conn& conn, std::uint64_t link, const std::string& client, const proto::Bytes& frame) {
    auto dgram = proto::encodeEnvelope(proto::EnvelopeKind::Frame, link, client, frame);
    std::lock_guard lock(conn.writeMu);
    if (::send(conn.fd, dgram.data(), dgram.size(), MSG_NOSIGNAL) < 0 && errno != EPIPE && errno != ECONNRESET)
        syslog(LOG_WARNING, "data plane: cannot answer connection %llu: %s", static_cast<unsigned long long>(conn.id),
               std::strerror(errno));
}

// ---- strands: one session's requests in order, different sessions in parallel -------------------

void DataSocket::post(const StrandKey* key, std::function<void()> job) {
    if (!key) {
        work_->post(std::move(job));
        return;
    }
    {
        std::lock_guard lock(strandMu_);
        auto [it, idle] = strands_.try_emplace(*key);
        if (!idle) {
            it->second.push_back(std::move(job));
            return;
        }
    }
    work_->post([this, k = *key, j = std::move(job)]() mutable { runStrand(k, std::move(j)); });
}

void DataSocket::runStrand(StrandKey key, std::function<void()> job) {
    job();
    finishStrand(key);
}

void DataSocket::finishStrand(const StrandKey& key) {
    std::function<void()> next;
    {
        std::lock_guard lock(strandMu_);
        auto it = strands_.find(key);
        if (it->second.empty()) {
            strands_.erase(it);
            return;
        }
        next = std::move(it->second.front());
        it->second.pop_front();
    }
    work_->post([this, key, n = std::move(next)]() mutable { runStrand(key, std::move(n)); });
}

} // namespace luna::hsmd
