// The NTLS server: a listener (acceptor thread) and `ntls threads -datapath` event loops.
// Each loop owns its connections outright (SSL objects are touched by one thread only): it
// runs the non-blocking TLS handshake under the `ntls timer` deadline, admits a client by its
// pinned certificate (and source address with ipcheck), then cuts the TLS byte stream into
// frames, checks them, and forwards them upstream to hsmd with the link's number. Answers
// from hsmd are written by the thread that received them from hsmd (no hop through the
// loop: one wake-up less per request); a connection's SSL object is used under its own
// lock, so the loop and that thread never touch it at once. Everything else about a
// connection (its state, closing it) stays with its loop.
//
// One link's garbage never touches another: a header that cannot be read closes that link, a
// payload that does not decode is answered by request id (docs/ntls.md, "Bad input").
#pragma once

#include "hsm_link.h"
#include "registry.h"
#include "tls_context.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace luna::ntls {

struct ServerConfig {
    std::string listenOverride;     // ntlsd --listen: an address that wins over `ntls bind`
    std::uint16_t port = 1792;
    unsigned datapathThreads = 5;
    unsigned keepIdle = 10, keepInterval = 10, keepProbes = 2;
    unsigned timeout = 20;          // handshake deadline, seconds (live: setTimeout)
    bool ipCheck = true;            // live: setIpCheck
};

struct ServerStats {
    bool listening = false;
    std::string boundAddress, boundDevice;
    std::uint32_t links = 0, clients = 0;
    std::uint64_t successful = 0, failed = 0;
    std::uint64_t malformed = 0;   // frames refused as bad input on open links
};

class TlsServer {
public:
    TlsServer(Registry& registry, Upstream& upstream, ServerConfig config);
    ~TlsServer();
    TlsServer(const TlsServer&) = delete;
    TlsServer& operator=(const TlsServer&) = delete;

    // The context new handshakes use (start, and `sysconf regencert`).
    void setContext(SslCtxPtr ctx);
    void setTimeout(unsigned seconds) { timeout_ = seconds; }
    void setIpCheck(bool on) { ipCheck_ = on; }
    // Called (from any thread) whenever a counter or the listener changed.
    void onChange(std::function<void()> fn) { changed_ = std::move(fn); }

    // Listens on the override, else on the device's address; a device without an address
    // falls back to all devices at start, and keeps the current binding on restart.
    // Returns the address now bound; throws std::runtime_error if nothing could be bound.
    std::string start(const std::string& device, bool ipv6);
    std::string restartListener(const std::string& device, bool ipv6);
    void stop();

    void deliver(std::uint64_t link, proto::Bytes frame);   // an answer from hsmd
    void upstreamLost(unsigned index);                                    // hsmd connection dropped
    void closeClient(const std::string& name);                            // client deleted

    ServerStats stats() const;
    void resetCounters();

private:
    class Loop;
    struct Conn;
    friend class Loop;

    void acceptLoop(int fd);
    std::string bindAddress(const std::string& device, bool ipv6, bool fallBack) const;
    std::string openAndAccept(const std::string& address);
    void stopAcceptor();
    std::string admit(Conn& c, X509* leaf, int verifyError);
    bool sourceAllowed(const Client& client, const std::string& peerIp) const;
    void opened(Conn& c);
    void closing(Conn& c);
    void notify() {
        if (changed_) changed_();
    }

    Registry& registry_;
    Upstream& upstream_;
    ServerConfig config_;
    std::atomic<unsigned> timeout_;
    std::atomic<bool> ipCheck_;
    std::function<void()> changed_;

    mutable std::mutex ctxMu_;
    SslCtxPtr ctx_;

    mutable std::mutex listenMu_;   // start/restart/stop of the listener
    int listenFd_ = -1;
    std::thread acceptor_;
    std::string bound_;
    std::atomic<unsigned> nextLoop_{0};

    std::vector<std::unique_ptr<Loop>> loops_;
    std::atomic<std::uint64_t> nextLink_{1};
    std::atomic<std::uint64_t> successful_{0}, failed_{0}, malformed_{0};
    mutable std::mutex statsMu_;
    std::unordered_map<std::uint64_t, std::shared_ptr<Conn>> linkConns_;   // every open link
    std::map<std::string, unsigned> clientLinks_;         // open links per client
};

} // namespace luna::ntls
