#include "hsm_link.h"

#include "proto/codec.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace luna::ntls {
namespace {
constexpr int kMaxLoggedFaults = 20;
}

HsmLink::HsmLink(std::filesystem::path socket, unsigned connections) : socket_(std::move(socket)) {
    if (connections == 0) connections = 1;
    for (unsigned i = 0; i < connections; ++i) conns_.push_back(std::make_unique<Conn>());
}

HsmLink::~HsmLink() { stop(); }

void HsmLink::start(Hooks hooks) {
    hooks_ = std::move(hooks);
    for (unsigned i = 0; i < conns_.size(); ++i) conns_[i]->reader = std::thread([this, i] { run(i); });
}

void HsmLink::stop() {
    stopping_ = true;
    {
        std::lock_guard lock(waitMu_);
    }
    waitCv_.notify_all();
    for (auto& c : conns_) {
        {
            std::lock_guard lock(c->mu);
            if (c->fd >= 0) ::shutdown(c->fd, SHUT_RDWR);
        }
        if (c->reader.joinable()) c->reader.join();
    }
}

unsigned HsmLink::connected() const {
    unsigned n = 0;
    for (const auto& c : conns_) {
        std::lock_guard lock(c->mu);
        n += c->fd >= 0;
    }
    return n;
}

void HsmLink::pause(std::chrono::milliseconds d) {
    std::unique_lock lock(waitMu_);
    waitCv_.wait_for(lock, d, [this] { return stopping_.load(); });
}

int HsmLink::connectOnce(unsigned index) {
    if (hooks_.beforeConnect) hooks_.beforeConnect();
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const auto path = socket_.string();
    if (path.size() >= sizeof addr.sun_path) throw std::runtime_error("data socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        const std::string err = std::strerror(errno);
        ::close(fd);
        throw std::runtime_error("cannot connect to hsmd at " + path + ": " + err);
    }
    (void)index;
    return fd;
}

void HsmLink::run(unsigned index) {
    auto& conn = *conns_[index];
    std::vector<std::uint8_t> buf(proto::kMaxEnvelopeBytes + 1);
    auto backoff = std::chrono::milliseconds(200);
    std::string lastError;
    while (!stopping_) {
        int fd = -1;
        try {
            fd = connectOnce(index);
        } catch (const std::exception& e) {
            // Say it once per cause, not at every retry.
            if (index == 0 && lastError != e.what()) syslog(LOG_WARNING, "hsmd: %s (retrying)", e.what());
            lastError = e.what();
            pause(backoff);
            backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
            continue;
        }
        {
            std::lock_guard lock(conn.mu);
            conn.fd = fd;
        }
        if (index == 0 && !lastError.empty()) syslog(LOG_INFO, "hsmd: connected to the data socket again");
        lastError.clear();
        backoff = std::chrono::milliseconds(200);
        if (stopping_) ::shutdown(fd, SHUT_RDWR);
        for (;;) {
            const ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_TRUNC);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            try {
                if (static_cast<std::size_t>(n) > proto::kMaxEnvelopeBytes)
                    throw proto::DecodeError(proto::Fault::TooLarge, "oversized datagram");
                auto env = proto::decodeEnvelope({buf.data(), static_cast<std::size_t>(n)});
                if (env.kind == proto::EnvelopeKind::Frame)
                    hooks_.deliver(env.link, proto::Bytes(env.frame.begin(), env.frame.end()));
            } catch (const proto::DecodeError& e) {
                if (faultsLogged_++ < kMaxLoggedFaults)
                    syslog(LOG_ERR, "hsmd: dropped a malformed datagram from hsmd (%s)", e.what());
            }
        }
        {
            std::lock_guard lock(conn.mu);
            ::close(conn.fd);
            conn.fd = -1;
        }
        if (stopping_) break;
        syslog(LOG_WARNING, "hsmd: data socket connection %u closed; its links lost their HSM sessions", index);
        hooks_.lost(index);
        pause(std::chrono::milliseconds(100));
    }
}

bool HsmLink::sendDatagram(unsigned index, const proto::Bytes& dgram) {
    auto& conn = *conns_[index];
    std::lock_guard lock(conn.mu);
    if (conn.fd < 0) return false;
    for (;;) {
        if (::send(conn.fd, dgram.data(), dgram.size(), MSG_NOSIGNAL) >= 0) return true;
        if (errno == EINTR) continue;
        return false;   // the reader sees the end and reports it
    }
}

bool HsmLink::send(std::uint64_t link, std::string_view client, std::span<const std::uint8_t> frame) {
    return sendDatagram(static_cast<unsigned>(link % conns_.size()),
                        proto::encodeEnvelope(proto::EnvelopeKind::Frame, link, client, frame));
}

void HsmLink::closed(std::uint64_t link, std::string_view client) {
    sendDatagram(static_cast<unsigned>(link % conns_.size()),
                 proto::encodeEnvelope(proto::EnvelopeKind::LinkClosed, link, client));
}

} // namespace luna::ntls
