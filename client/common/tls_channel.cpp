#include "tls_channel.h"

#include "vendor.h"

#include "luna/errors.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <p11-kit/pkcs11.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace luna::client {

namespace {

using Clock = Channel::Clock;
constexpr auto kHandshakeTimeout = std::chrono::seconds(20);   // hard-coded in the real client (ch.10)

std::string sslReason() {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out.empty() ? std::string("no further detail") : out;
}

int msUntil(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 60'000));
}

// Waits for `events` on fd until the deadline; false when it passed.
bool waitFor(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int r = ::poll(&p, 1, msUntil(deadline));
        if (r > 0) return true;
        if (r == 0) {
            if (Clock::now() >= deadline) return false;
            continue;
        }
        if (errno != EINTR) return false;
    }
}

// A socket BIO that writes with MSG_NOSIGNAL: a library must not get its host process killed
// by SIGPIPE when the appliance closes the link, nor change the process's signal handling.
int bioWrite(BIO* b, const char* data, size_t len, size_t* written) {
    const int fd = static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(b)));
    BIO_clear_retry_flags(b);
    const ssize_t n = ::send(fd, data, len, MSG_NOSIGNAL);
    if (n >= 0) {
        *written = static_cast<size_t>(n);
        return 1;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_write(b);
    return 0;
}

int bioRead(BIO* b, char* data, size_t len, size_t* got) {
    const int fd = static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(b)));
    BIO_clear_retry_flags(b);
    const ssize_t n = ::recv(fd, data, len, 0);
    if (n > 0) {
        *got = static_cast<size_t>(n);
        return 1;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) BIO_set_retry_read(b);
    return 0;
}

long bioCtrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }

BIO_METHOD* socketMethod() {
    static BIO_METHOD* m = [] {
        BIO_METHOD* meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "luna ntls socket");
        BIO_meth_set_write_ex(meth, bioWrite);
        BIO_meth_set_read_ex(meth, bioRead);
        BIO_meth_set_ctrl(meth, bioCtrl);
        return meth;
    }();
    return m;
}

// Matches the configured server name against the certificate: DNS or IP subject alternative
// name, or the common name (appliance certificates made with an IP address carry it there).
bool namesServer(X509* cert, const std::string& server) {
    if (X509_check_host(cert, server.c_str(), server.size(), 0, nullptr) == 1) return true;
    if (X509_check_ip_asc(cert, server.c_str(), 0) == 1) return true;
    char cn[256] = {};
    const int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
    return n > 0 && std::string(cn, static_cast<std::size_t>(n)) == server;
}

class TlsChannel final : public Channel {
public:
    TlsChannel(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
    ~TlsChannel() override {
        {
            std::lock_guard lock(sslMu_);
            SSL_shutdown(ssl_);   // best effort close_notify; never waits
            SSL_free(ssl_);
        }
        ::close(fd_);
    }

    void write(std::span<const std::uint8_t> data) override {
        std::lock_guard writer(writeMu_);   // one frame at a time, and SSL_write retries see the same buffer
        std::size_t off = 0;
        while (off < data.size()) {
            std::size_t n = 0;
            int rc, err;
            {
                std::lock_guard lock(sslMu_);
                ERR_clear_error();
                rc = SSL_write_ex(ssl_, data.data() + off, data.size() - off, &n);
                err = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl_, rc);
            }
            if (rc == 1) {
                off += n;
                continue;
            }
            const auto until = Clock::now() + std::chrono::seconds(30);
            if (err == SSL_ERROR_WANT_WRITE) {
                if (!waitFor(fd_, POLLOUT, until)) throw Error(CKR_DEVICE_ERROR, "The link to the appliance stalled");
            } else if (err == SSL_ERROR_WANT_READ) {
                waitFor(fd_, POLLIN, Clock::now() + std::chrono::milliseconds(1));
            } else {
                throw Error(CKR_DEVICE_ERROR, "Sending to the appliance failed: " + sslReason());
            }
        }
    }

    std::size_t read(std::span<std::uint8_t> buffer, Clock::time_point deadline) override {
        // An answer is rarely there the moment the reader comes (it is a round trip away):
        // wait for the socket first unless OpenSSL holds bytes already, rather than a recv
        // that says EAGAIN, a poll, and the recv again.
        bool buffered = false;
        {
            std::lock_guard lock(sslMu_);
            buffered = SSL_has_pending(ssl_) == 1;
        }
        if (!buffered && !waitFor(fd_, POLLIN, deadline)) return 0;
        for (;;) {
            std::size_t n = 0;
            int rc, err;
            {
                std::lock_guard lock(sslMu_);
                ERR_clear_error();
                rc = SSL_read_ex(ssl_, buffer.data(), buffer.size(), &n);
                err = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl_, rc);
            }
            if (rc == 1) return n;
            if (err == SSL_ERROR_WANT_READ) {
                if (!waitFor(fd_, POLLIN, deadline)) return 0;
            } else if (err == SSL_ERROR_WANT_WRITE) {
                if (!waitFor(fd_, POLLOUT, deadline)) return 0;
            } else if (err == SSL_ERROR_ZERO_RETURN) {
                throw Error(CKR_DEVICE_ERROR, "The appliance closed the link");
            } else {
                const std::string why = err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0
                                            ? "the connection was reset" : sslReason();
                throw Error(CKR_DEVICE_ERROR, "Reading from the appliance failed: " + why);
            }
        }
    }

private:
    int fd_;
    SSL* ssl_;
    std::mutex sslMu_;     // every SSL_* call: OpenSSL does not allow one SSL in two threads at once
    std::mutex writeMu_;
};

int connectTcp(const ServerEntry& server, bool keepAlive, Clock::time_point deadline) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = AF_UNSPEC;
    addrinfo* res = nullptr;
    const auto port = std::to_string(server.port);
    if (int rc = ::getaddrinfo(server.name.c_str(), port.c_str(), &hints, &res); rc != 0)
        throw Error(vendor::CKR_UNABLE_TO_CONNECT, "Cannot resolve " + server.name + ": " + gai_strerror(rc));
    std::string why = "no address";
    for (auto* ai = res; ai; ai = ai->ai_next) {
        const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS && waitFor(fd, POLLOUT, deadline)) {
            int soerr = 0;
            socklen_t len = sizeof soerr;
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
            rc = soerr == 0 ? 0 : -1;
            errno = soerr ? soerr : ETIMEDOUT;
        } else if (rc != 0 && errno == EINPROGRESS) {
            errno = ETIMEDOUT;
        }
        if (rc == 0) {
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (keepAlive) ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
            ::freeaddrinfo(res);
            return fd;
        }
        why = std::strerror(errno);
        ::close(fd);
    }
    ::freeaddrinfo(res);
    throw Error(vendor::CKR_UNABLE_TO_CONNECT,
                "Cannot connect to " + server.name + ":" + std::to_string(server.port) + ": " + why);
}

} // namespace

struct TlsConnector::Impl {
    SSL_CTX* ctx = nullptr;
    bool keepAlive = true;
    ~Impl() { SSL_CTX_free(ctx); }
};

TlsConnector::TlsConnector(const ClientConfig& config) : impl_(std::make_unique<Impl>()) {
    impl_->keepAlive = config.tcpKeepAlive;
    auto fail = [](const std::string& what) { throw Error(CKR_GENERAL_ERROR, what + ": " + sslReason()); };
    if (config.caFile.empty() || config.certFile.empty() || config.keyFile.empty())
        throw Error(CKR_GENERAL_ERROR,
                    "The configuration names no ServerCAFile, ClientCertFile or ClientPrivKeyFile (vtl createCert, vtl addServer)");
    impl_->ctx = SSL_CTX_new(TLS_client_method());
    if (!impl_->ctx) fail("Cannot create the TLS context");
    SSL_CTX_set_min_proto_version(impl_->ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(impl_->ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_cipher_list(impl_->ctx, "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL");
    SSL_CTX_set_mode(impl_->ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    // Read what the socket has, not a record header then its body: one recv per answer.
    SSL_CTX_set_read_ahead(impl_->ctx, 1);
    if (SSL_CTX_load_verify_locations(impl_->ctx, config.caFile.c_str(), nullptr) != 1)
        fail("Cannot read the server CA file " + config.caFile);
    // The CA file holds the appliances' own certificates (server.pem): trust them as anchors
    // even though they are not CA certificates.
    X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(impl_->ctx), X509_V_FLAG_PARTIAL_CHAIN);
    SSL_CTX_set_verify(impl_->ctx, SSL_VERIFY_PEER, nullptr);
    if (SSL_CTX_use_certificate_chain_file(impl_->ctx, config.certFile.c_str()) != 1)
        fail("Cannot read the client certificate " + config.certFile);
    if (SSL_CTX_use_PrivateKey_file(impl_->ctx, config.keyFile.c_str(), SSL_FILETYPE_PEM) != 1)
        fail("Cannot read the client private key " + config.keyFile);
    if (SSL_CTX_check_private_key(impl_->ctx) != 1) fail("The client key does not match the client certificate");
}

TlsConnector::~TlsConnector() = default;

std::unique_ptr<Channel> TlsConnector::connect(const ServerEntry& server) const {
    const auto deadline = Clock::now() + kHandshakeTimeout;
    const int fd = connectTcp(server, impl_->keepAlive, deadline);
    SSL* ssl = SSL_new(impl_->ctx);
    BIO* bio = ssl ? BIO_new(socketMethod()) : nullptr;
    if (!bio) {
        SSL_free(ssl);
        ::close(fd);
        throw Error(CKR_HOST_MEMORY, "Cannot set up TLS");
    }
    BIO_set_data(bio, reinterpret_cast<void*>(static_cast<intptr_t>(fd)));
    BIO_set_init(bio, 1);
    SSL_set_bio(ssl, bio, bio);
    SSL_set_tlsext_host_name(ssl, server.name.c_str());
    auto refuse = [&](const std::string& why) {
        SSL_free(ssl);
        ::close(fd);
        throw Error(vendor::CKR_UNABLE_TO_CONNECT, "TLS with " + server.name + " failed: " + why);
    };
    for (;;) {
        ERR_clear_error();
        const int rc = SSL_connect(ssl);
        if (rc == 1) break;
        const int err = SSL_get_error(ssl, rc);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
            if (!waitFor(fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline))
                refuse("Error during SSL Connect (RC_OPERATION_TIMED_OUT)");
            continue;
        }
        const long verify = SSL_get_verify_result(ssl);
        refuse(verify != X509_V_OK ? std::string("the server certificate is not trusted: ") +
                                         X509_verify_cert_error_string(verify)
                                   : sslReason());
    }
    X509* peer = SSL_get1_peer_certificate(ssl);
    const bool named = peer && namesServer(peer, server.name);
    X509_free(peer);
    if (!named) refuse("the server certificate does not name " + server.name);
    return std::make_unique<TlsChannel>(fd, ssl);
}

Connector tlsConnector(const ClientConfig& config) {
    // Built at the first connection, so a certificate that is missing now is reported as the
    // reason its appliance cannot be reached, and found once vtl has made it.
    struct Lazy {
        std::mutex mu;
        ClientConfig config;
        std::shared_ptr<TlsConnector> tls;
    };
    auto lazy = std::make_shared<Lazy>();
    lazy->config = config;
    return [lazy](const ServerEntry& s) {
        std::shared_ptr<TlsConnector> tls;
        {
            std::lock_guard lock(lazy->mu);
            if (!lazy->tls) lazy->tls = std::make_shared<TlsConnector>(lazy->config);
            tls = lazy->tls;
        }
        return tls->connect(s);
    };
}

} // namespace luna::client
