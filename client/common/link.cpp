#include "link.h"

#include <p11-kit/pkcs11.h>

#include <cstring>

namespace luna::client {

namespace {
constexpr std::size_t kReadBuffer = proto::kHeaderBytes + proto::kMaxPayload + 16 * 1024;

std::uint32_t idOf(std::span<const std::uint8_t> header) {
    return (std::uint32_t(header[4]) << 24) | (std::uint32_t(header[5]) << 16) | (std::uint32_t(header[6]) << 8) |
           header[7];
}
} // namespace

Link::Link(std::unique_ptr<Channel> channel, std::chrono::milliseconds timeout)
    : channel_(std::move(channel)), timeout_(timeout), inbuf_(kReadBuffer) {}

bool Link::broken() const {
    std::lock_guard lock(mu_);
    return !dead_.empty();
}

proto::DecodedResponse Link::call(const proto::Request& request, std::chrono::milliseconds timeout) {
    std::uint32_t id = nextId_.fetch_add(1, std::memory_order_relaxed);
    if (id == 0) id = nextId_.fetch_add(1, std::memory_order_relaxed);
    const auto frame = proto::encodeRequest(id, request);
    const auto op = std::visit([](const auto& r) { return std::decay_t<decltype(r)>::op; }, request);

    Waiter w;
    {
        std::lock_guard lock(mu_);
        if (!dead_.empty()) throw Error(CKR_DEVICE_ERROR, "The link to the appliance is down: " + dead_);
        waiting_.emplace(id, &w);
    }
    try {
        channel_->write(frame);
    } catch (const std::exception& e) {
        std::lock_guard lock(mu_);
        waiting_.erase(id);
        fail(e.what());
        throw Error(CKR_DEVICE_ERROR, "The link to the appliance is down: " + dead_);
    }

    const auto deadline = Channel::Clock::now() + (timeout.count() > 0 ? timeout : timeout_);
    std::unique_lock lock(mu_);
    while (!w.done) {
        if (!dead_.empty()) {
            waiting_.erase(id);
            throw Error(CKR_DEVICE_ERROR, "The link to the appliance is down: " + dead_);
        }
        if (Channel::Clock::now() >= deadline) {
            waiting_.erase(id);
            if (!reading_) wakeNextReader();   // someone else must take over reading
            throw Error(vendor::CKR_TIMEOUT, "The appliance did not answer in time");
        }
        if (reading_) {
            w.cv.wait_until(lock, deadline);
            continue;
        }
        reading_ = true;
        lock.unlock();
        std::string err;
        std::vector<proto::Bytes> frames;
        try {
            frames = readFrames(deadline);
        } catch (const std::exception& e) {
            err = e.what();
        }
        lock.lock();
        reading_ = false;
        for (auto& f : frames) deliver(std::move(f));
        if (!err.empty()) fail(err);
        wakeNextReader();
    }
    if (!w.failure.empty()) throw Error(CKR_DEVICE_ERROR, w.failure);
    if (w.response.rv == 0 && w.response.op != op) throw Error(CKR_DEVICE_ERROR, "The appliance answered another operation");
    return std::move(w.response);
}

// Reads until at least one whole frame is in (or the deadline passes) and returns every whole
// frame; they are delivered under one lock.
std::vector<proto::Bytes> Link::readFrames(Channel::Clock::time_point deadline) {
    std::vector<proto::Bytes> frames;
    for (;;) {
        while (inHave_ >= proto::kHeaderBytes) {
            const auto header = proto::decodeHeader(std::span(inbuf_).first(proto::kHeaderBytes));   // throws: stream lost
            if (!header.response) throw proto::DecodeError(proto::Fault::BadKind, "the appliance sent a request");
            const std::size_t need = proto::kHeaderBytes + header.payloadLength;
            if (inHave_ < need) break;
            frames.emplace_back(inbuf_.begin(), inbuf_.begin() + static_cast<std::ptrdiff_t>(need));
            std::memmove(inbuf_.data(), inbuf_.data() + need, inHave_ - need);
            inHave_ -= need;
        }
        if (!frames.empty()) return frames;
        const auto n = channel_->read(std::span(inbuf_).subspan(inHave_), deadline);
        if (n == 0) return frames;   // the deadline passed; the caller decides
        inHave_ += n;
    }
}

void Link::deliver(proto::Bytes frame) {
    auto it = waiting_.find(idOf(frame));
    if (it == waiting_.end()) return;   // its caller gave up waiting
    Waiter* w = it->second;
    waiting_.erase(it);
    try {
        w->response = proto::decodeResponse(frame);
    } catch (const proto::DecodeError& e) {
        w->failure = std::string("The appliance's answer cannot be read: ") + e.what();
    }
    w->done = true;
    w->cv.notify_one();
}

void Link::fail(const std::string& why) {
    if (dead_.empty()) dead_ = why.empty() ? "connection lost" : why;
    for (auto& [id, w] : waiting_) w->cv.notify_one();
}

void Link::wakeNextReader() {
    for (auto& [id, w] : waiting_) {
        if (!w->done) {
            w->cv.notify_one();
            return;
        }
    }
}

} // namespace luna::client
