// How long a kind of request takes to run, learnt from the requests hsmd ran: the data
// socket's reader thread runs a request itself (no hand-over to a worker thread, one
// wake-up less) only when requests of its kind have been short, so a long one (an RSA
// private-key operation, a key generation, a login's KDF) never holds up the requests behind
// it on the same connection. A kind is the operation with the mechanism and key it starts,
// when it names them; kinds share slots of a small table (a collision only blends two
// estimates). Every slot starts as "long": a kind runs on a worker until measured short.
#pragma once

#include "proto/messages.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <variant>

namespace luna::hsmd {

class CostEstimate {
public:
    static constexpr std::uint32_t kShortMicros = 50;   // at most this: run on the reader

    CostEstimate() {
        for (auto& s : slots_) s.store(kUnknownMicros, std::memory_order_relaxed);
    }

    static std::size_t kindOf(const proto::Request& r) {
        return std::visit([](const auto& req) { return slotOf(static_cast<std::uint64_t>(req.op), mechanismOf(req), keyOf(req)); },
                          r);
    }

    bool isShort(std::size_t kind) const { return slots_[kind].load(std::memory_order_relaxed) <= kShortMicros; }

    // An exponentially weighted mean (1/8 per sample); races between threads lose a sample at worst.
    void record(std::size_t kind, std::chrono::microseconds took) {
        const auto sample = static_cast<std::int64_t>(std::min<std::int64_t>(took.count(), kUnknownMicros));
        const auto old = static_cast<std::int64_t>(slots_[kind].load(std::memory_order_relaxed));
        slots_[kind].store(static_cast<std::uint32_t>(old + (sample - old) / 8), std::memory_order_relaxed);
    }

private:
    static constexpr std::uint32_t kUnknownMicros = 1000;
    static constexpr std::size_t kSlots = 1024;

    template <class Req>
    static std::uint64_t mechanismOf(const Req& req) {
        if constexpr (requires { req.mechanism.type; }) return req.mechanism.type;
        else if constexpr (requires { req.init->mechanism.type; }) return req.init ? req.init->mechanism.type : ~0ULL;
        else if constexpr (requires { req.init->type; }) return req.init ? req.init->type : ~0ULL;
        else return ~0ULL;
    }
    template <class Req>
    static std::uint64_t keyOf(const Req& req) {
        if constexpr (requires { req.key; }) return req.key;
        else if constexpr (requires { req.init->key; }) return req.init ? req.init->key : 0;
        else return 0;
    }
    static std::size_t slotOf(std::uint64_t op, std::uint64_t mech, std::uint64_t key) {
        std::uint64_t h = op * 0x9E3779B97F4A7C15ULL;
        h ^= (mech + 0x632BE59BD9B4E019ULL) * 0xC2B2AE3D27D4EB4FULL;
        h ^= (key + 0x165667B19E3779F9ULL) * 0x94D049BB133111EBULL;
        return static_cast<std::size_t>((h ^ (h >> 29)) % kSlots);
    }

    std::array<std::atomic<std::uint32_t>, kSlots> slots_;
};

} // namespace luna::hsmd
