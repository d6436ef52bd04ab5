// Internals of TlsServer shared by tls_server.cpp (listener, routing, counters) and
// tls_loop.cpp (one event loop: handshakes, frames, writes). Not for other includes.
#pragma once

#include "tls_server.h"

#include "proto/codec.h"

#include <chrono>
#include <set>

namespace luna::ntls {

// A connection belongs to its loop; once open, hsmd's reader threads may also write answers to
// it (TlsServer::deliver). `io` guards the SSL object and the fields marked so; the loop is the
// only writer of the rest, and the only one that closes.
struct TlsServer::Conn final : PeerCheck, std::enable_shared_from_this<TlsServer::Conn> {
    enum class State { Handshake, Open };

    TlsServer* server = nullptr;
    Loop* loop = nullptr;
    int fd = -1;
    SSL* ssl = nullptr;
    std::string peerIp;
    State state = State::Handshake;
    std::chrono::steady_clock::time_point deadline;
    std::uint64_t link = 0;
    std::string client;       // the registered client, once admitted
    std::string refusal;      // why admit() refused, for the log
    std::mutex io;            // the SSL object, dead (written), closing, wantOut, out, outOff
    bool dead = false;        // reaped by the loop after the current event
    bool closing = false;     // a write failed; the loop is told to finish the link
    bool wantOut = false;     // EPOLLOUT registered
    proto::Bytes in;          // the loop's alone
    proto::Bytes out;   // PINs pass through both: wiped when released
    std::size_t outOff = 0;
    std::atomic<int> faultsLogged{0};

    std::string admit(X509* leaf, int verifyError) override { return server->admit(*this, leaf, verifyError); }
    ~Conn() override;
};

class TlsServer::Loop {
public:
    explicit Loop(TlsServer& server);
    ~Loop();
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    // Runs `job` on the loop's thread.
    void post(std::function<void(Loop&)> job);
    void adopt(int fd, std::string peerIp);
    void send(Conn& c, proto::Bytes frame);   // any thread
    void finish(Conn& c, const std::string& why);   // close an open link or a handshake
    template <class Pred>
    void finishIf(Pred pred, const std::string& why) {
        for (auto& [_, c] : conns_)
            if (!c->dead && pred(*c)) finish(*c, why);
    }
    Conn* byLink(std::uint64_t link) {
        auto it = links_.find(link);
        return it == links_.end() ? nullptr : it->second;
    }

private:
    void run();
    void handle(Conn& c, std::uint32_t events);
    void handshake(Conn& c);
    void readAll(Conn& c);
    void onFrame(Conn& c, std::span<const std::uint8_t> frame, const proto::FrameHeader& h);
    void answer(Conn& c, const proto::FrameHeader& h, std::uint32_t rv, const std::string& detail);
    void flush(Conn& c);
    std::string flushLocked(Conn& c);            // with c.io; a failure to finish the link with
    void finishSoon(Conn& c, const std::string& why);   // finish, from the loop's thread or any other
    void wantOut(Conn& c, bool on);              // with c.io (or before the link is open)
    void refuse(Conn& c, const std::string& why);
    void expireHandshakes();
    int nextTimeout() const;
    void reap();
    void fault(Conn& c, const std::string& what);
    void badFrame() {   // counted for MalformedFrames
        ++server_.malformed_;
        server_.notify();
    }

    TlsServer& server_;
    int ep_ = -1, ev_ = -1;
    std::mutex mu_;
    std::vector<std::function<void(Loop&)>> inbox_;
    bool stopping_ = false;
    std::map<int, std::shared_ptr<Conn>> conns_;
    std::unordered_map<std::uint64_t, Conn*> links_;
    std::set<Conn*> handshaking_;
    std::thread thread_;
};

} // namespace luna::ntls
