// ntlsd's side of hsmd's data socket: a few SOCK_SEQPACKET connections (`ntls threads
// -cmdprocessor`), each with a reader thread. TLS links are spread over them by link number
// (link % connections), and a link stays on its connection for life, because hsmd keeps a
// link's sessions per connection. Every datagram is one envelope (proto/codec.h).
//
// A dropped connection means hsmd lost the sessions of every link it carried: `lost` is told
// so the TLS side can close those links, and the connection is re-made (after `beforeConnect`,
// which pushes the client assignments to hsmd, succeeds) with a back-off.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <thread>
#include <vector>

#include "proto/wire.h"

namespace luna::ntls {

// What the TLS side needs from the HSM side (an interface, so tests can stand in for hsmd).
class Upstream {
public:
    virtual ~Upstream() = default;
    // One request frame of a link; false when the link's connection to hsmd is down.
    virtual bool send(std::uint64_t link, std::string_view client, std::span<const std::uint8_t> frame) = 0;
    virtual void closed(std::uint64_t link, std::string_view client) = 0;
    virtual unsigned connections() const = 0;   // a link is on connection link % connections()
};

class HsmLink final : public Upstream {
public:
    struct Hooks {
        std::function<void(std::uint64_t link, proto::Bytes frame)> deliver;
        std::function<void(unsigned index)> lost;   // connection `index` dropped after being up
        std::function<void()> beforeConnect;        // throws to retry later
    };

    HsmLink(std::filesystem::path socket, unsigned connections);
    ~HsmLink() override;
    HsmLink(const HsmLink&) = delete;
    HsmLink& operator=(const HsmLink&) = delete;

    void start(Hooks hooks);
    void stop();   // joins the readers; no hook runs after it returns

    bool send(std::uint64_t link, std::string_view client, std::span<const std::uint8_t> frame) override;
    void closed(std::uint64_t link, std::string_view client) override;
    unsigned connections() const override { return static_cast<unsigned>(conns_.size()); }
    unsigned connected() const;

private:
    struct Conn {
        std::mutex mu;   // guards fd and serializes sends
        int fd = -1;
        std::thread reader;
    };
    void run(unsigned index);
    int connectOnce(unsigned index);
    bool sendDatagram(unsigned index, const proto::Bytes& dgram);
    void pause(std::chrono::milliseconds d);

    std::filesystem::path socket_;
    std::vector<std::unique_ptr<Conn>> conns_;
    Hooks hooks_;
    std::atomic<bool> stopping_{false};
    std::mutex waitMu_;
    std::condition_variable waitCv_;
    std::atomic<int> faultsLogged_{0};
};

} // namespace luna::ntls
