// For the client tests only: an appliance inside the test process. A real HSM core and its
// data plane (hsm/data_plane.h) behind a client::Channel that speaks the same frames as the
// TLS link: bytes in, frames decoded, dispatched on worker threads (so answers come back out
// of order across sessions, as over ntlsd), frames encoded, bytes out. The PKCS#11 module,
// lunacm and the benchmark's core run over it unchanged; this transport is never in the .so.
#pragma once

#include "../unit/hsm_test_support.h"

#include "client/common/channel.h"
#include "hsm/data_plane.h"
#include "proto/codec.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace luna::client::test {

struct AllowAll final : hsm::PartitionAccess {
    bool allowed(std::string_view, std::uint64_t) const override { return true; }
};

class InProcessChannel final : public Channel {
public:
    InProcessChannel(hsm::DataPlane& dp, hsm::Caller caller, std::function<void(proto::Op)> onRequest)
        : dp_(dp), caller_(std::move(caller)), onRequest_(std::move(onRequest)) {
        for (int i = 0; i < 2; ++i) workers_.emplace_back([this] { work(); });
    }
    ~InProcessChannel() override {
        {
            std::lock_guard lock(mu_);
            stop_ = true;
        }
        jobsCv_.notify_all();
        for (auto& t : workers_) t.join();
        dp_.closeLink(caller_);
    }

    // Makes the link fail the way a dropped TCP connection does.
    void breakLink() {
        std::lock_guard lock(mu_);
        broken_ = true;
        outCv_.notify_all();
    }

    void write(std::span<const std::uint8_t> data) override {
        std::lock_guard lock(mu_);
        if (broken_) throw Error(CKR_DEVICE_ERROR, "link broken by the test");
        in_.insert(in_.end(), data.begin(), data.end());
        while (in_.size() >= proto::kHeaderBytes) {
            const auto h = proto::decodeHeader(std::span(in_).first(proto::kHeaderBytes));
            const std::size_t need = proto::kHeaderBytes + h.payloadLength;
            if (in_.size() < need) break;
            jobs_.emplace_back(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(need));
            in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(need));
            jobsCv_.notify_one();
        }
    }

    std::size_t read(std::span<std::uint8_t> buffer, Clock::time_point deadline) override {
        std::unique_lock lock(mu_);
        if (!outCv_.wait_until(lock, deadline, [&] { return broken_ || !out_.empty(); })) return 0;
        if (broken_) throw Error(CKR_DEVICE_ERROR, "link broken by the test");
        const auto n = std::min(buffer.size(), out_.size());
        std::copy_n(out_.begin(), n, buffer.begin());
        out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(n));
        return n;
    }

private:
    void work() {
        for (;;) {
            proto::Bytes frame;
            {
                std::unique_lock lock(mu_);
                jobsCv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
                if (stop_) return;
                frame = std::move(jobs_.front());
                jobs_.pop_front();
            }
            auto answer = execute(frame);
            std::lock_guard lock(mu_);
            out_.insert(out_.end(), answer.begin(), answer.end());
            outCv_.notify_all();
        }
    }

    // What hsmd's data socket does with one frame (daemons/hsmd/data_socket.cpp).
    proto::Bytes execute(const proto::Bytes& frame) {
        proto::DecodedRequest req;
        try {
            req = proto::decodeRequest(frame);
        } catch (const proto::DecodeError& e) {
            const auto h = proto::decodeHeader(std::span(frame).first(proto::kHeaderBytes));
            return proto::encodeResponse(h.requestId, static_cast<proto::Op>(h.op), CKR_ARGUMENTS_BAD, e.what(), {});
        }
        const auto op = std::visit([](const auto& r) { return r.op; }, req.request);
        if (onRequest_) onRequest_(op);
        std::uint32_t rv = CKR_OK;
        std::string detail;
        proto::ResponseBody body;
        try {
            body = dp_.dispatch(caller_, req.request);
        } catch (const Error& e) {
            rv = e.code();
            detail = e.what();
        } catch (const std::exception& e) {
            rv = CKR_DEVICE_ERROR;
            detail = e.what();
        }
        return proto::encodeResponse(req.requestId, op, rv, detail, body);
    }

    hsm::DataPlane& dp_;
    hsm::Caller caller_;
    std::function<void(proto::Op)> onRequest_;
    std::mutex mu_;
    std::condition_variable jobsCv_, outCv_;
    std::deque<proto::Bytes> jobs_;
    std::vector<std::uint8_t> in_, out_;
    bool stop_ = false, broken_ = false;
    std::vector<std::thread> workers_;
};

// One HSM with `partitions` provisioned partitions (PSO, CO, CU with the test PINs of
// hsm_test_support.h), and a connector that gives every connection its own link number.
class InProcessAppliance {
public:
    explicit InProcessAppliance(int partitions = 1, hsm::DataPlaneConfig config = {}) {
        hsm::test::initAndLogin(*env_, "so");
        for (int i = 0; i < partitions; ++i) {
            serials.push_back(std::stoull(env_->createPartition("so", "par" + std::to_string(i), std::nullopt, false)));
            hsm::test::provisionPartition(*env_, std::to_string(serials.back()));
        }
        dp_ = std::make_unique<hsm::DataPlane>(*env_, access_, config);
    }

    Connector connector(std::string client = "client1") {
        return [this, client](const ServerEntry&) -> std::unique_ptr<Channel> {
            if (down) throw Error(0x8000001F, "the in-process appliance is down");
            auto ch = std::make_unique<InProcessChannel>(*dp_, hsm::Caller{client, ++links_},
                                                         [this](proto::Op op) { count(op); });
            last = ch.get();
            return ch;
        };
    }

    std::size_t requests(proto::Op op) {
        std::lock_guard lock(mu_);
        return counts_[op];
    }
    void resetCounts() {
        std::lock_guard lock(mu_);
        counts_.clear();
    }
    hsm::Hsm& hsm() { return *env_; }

    std::vector<std::uint64_t> serials;
    InProcessChannel* last = nullptr;   // the newest link's channel
    std::atomic<bool> down{false};

private:
    void count(proto::Op op) {
        std::lock_guard lock(mu_);
        ++counts_[op];
    }
    hsm::test::HsmEnv env_;
    AllowAll access_;
    std::unique_ptr<hsm::DataPlane> dp_;
    std::atomic<std::uint64_t> links_{0};
    std::mutex mu_;
    std::map<proto::Op, std::size_t> counts_;
};

} // namespace luna::client::test
