// One Network Trust Link: many threads and sessions share it, each request carries an id and
// answers are matched by id (docs/data-plane-protocol.md). No reader thread of its own: the
// callers take turns reading (leader/follower), so an answer usually wakes nobody else and a
// library loaded into a process adds no thread to it.
//
// A dead link stays dead: every waiting and later call fails with CKR_DEVICE_ERROR, and the
// owner (ServerConnection) opens a new one.
#pragma once

#include "channel.h"

#include "proto/codec.h"
#include "luna/errors.h"
#include "vendor.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <unordered_map>

namespace luna::client {

class Link {
public:
    Link(std::unique_ptr<Channel> channel, std::chrono::milliseconds timeout);
    Link(const Link&) = delete;
    Link& operator=(const Link&) = delete;

    // Sends `request` and waits for its answer (timeout 0: the link's). Throws luna::Error
    // CKR_DEVICE_ERROR when the link fails, CKR_TIMEOUT when no answer comes in time.
    proto::DecodedResponse call(const proto::Request& request, std::chrono::milliseconds timeout = {});

    // The answer's body, or luna::Error(rv, detail) for a refusal.
    template <class Req>
    typename Req::Response ok(const Req& request, std::chrono::milliseconds timeout = {}) {
        auto r = call(proto::Request(request), timeout);
        if (r.rv != 0) throw Error(r.rv, r.detail);
        return std::get<typename Req::Response>(std::move(r.body));
    }

    bool broken() const;

private:
    struct Waiter {
        std::condition_variable cv;
        bool done = false;
        proto::DecodedResponse response;
        std::string failure;          // set instead of response for an answer we could not read
    };

    std::vector<proto::Bytes> readFrames(Channel::Clock::time_point deadline);   // the leader, without mu_
    void deliver(proto::Bytes frame);                     // with mu_
    void fail(const std::string& why);                    // with mu_
    void wakeNextReader();                                // with mu_

    std::unique_ptr<Channel> channel_;
    std::chrono::milliseconds timeout_;
    std::atomic<std::uint32_t> nextId_{1};

    mutable std::mutex mu_;
    std::unordered_map<std::uint32_t, Waiter*> waiting_;
    bool reading_ = false;
    std::string dead_;                // why the link died; empty while it lives

    // The leader's read state (touched only by the thread holding the reading_ token).
    proto::Bytes inbuf_;
    std::size_t inHave_ = 0;
};

} // namespace luna::client
