// A tiny data-plane client for the tests: one SOCK_SEQPACKET connection to hsmd, shared by
// any number of threads; responses are matched to callers by request id, the way ntlsd
// multiplexes links over its connection.
#pragma once

#include "proto/codec.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace luna::test {

class DpClient {
public:
    explicit DpClient(const std::string& path) {
        fd_ = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            throw std::runtime_error("cannot connect to " + path);
        reader_ = std::thread([this] { readLoop(); });
    }
    ~DpClient() {
        ::shutdown(fd_, SHUT_RDWR);
        reader_.join();
        ::close(fd_);
    }

    // Sends a request on `link` as `client` and waits for its answer.
    proto::DecodedResponse call(std::uint64_t link, const std::string& client, const proto::Request& req) {
        const auto id = nextId_++;
        return sendAndWait(id, proto::encodeEnvelope(proto::EnvelopeKind::Frame, link, client, proto::encodeRequest(id, req)));
    }
    // Sends raw bytes as the frame of an envelope; waits for the answer to `id`.
    proto::DecodedResponse callRaw(std::uint64_t link, const std::string& client, std::uint32_t id, const proto::Bytes& frame) {
        return sendAndWait(id, proto::encodeEnvelope(proto::EnvelopeKind::Frame, link, client, frame));
    }
    void sendDatagram(std::span<const std::uint8_t> d) { ::send(fd_, d.data(), d.size(), MSG_NOSIGNAL); }
    void closeLink(std::uint64_t link, const std::string& client) {
        auto e = proto::encodeEnvelope(proto::EnvelopeKind::LinkClosed, link, client);
        sendDatagram(e);
    }
    std::size_t unexpected() const { return unexpected_; }

    template <class Req>
    typename Req::Response ok(std::uint64_t link, const std::string& client, const Req& req) {
        auto r = call(link, client, req);
        if (r.rv != 0) throw std::runtime_error(std::string(proto::opName(Req::op)) + " failed: " + std::to_string(r.rv) + " " + r.detail);
        return std::get<typename Req::Response>(r.body);
    }

private:
    proto::DecodedResponse sendAndWait(std::uint32_t id, const proto::Bytes& dgram) {
        std::future<proto::DecodedResponse> f;
        {
            std::lock_guard lock(mu_);
            f = waiting_[id].get_future();
        }
        if (::send(fd_, dgram.data(), dgram.size(), MSG_NOSIGNAL) < 0) throw std::runtime_error("send failed");
        if (f.wait_for(std::chrono::seconds(60)) != std::future_status::ready) throw std::runtime_error("no answer from hsmd");
        return f.get();
    }

    void readLoop() {
        std::vector<std::uint8_t> buf(proto::kMaxEnvelopeBytes);
        for (;;) {
            const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
            if (n <= 0) break;
            try {
                auto env = proto::decodeEnvelope({buf.data(), static_cast<std::size_t>(n)});
                auto resp = proto::decodeResponse(env.frame);
                std::lock_guard lock(mu_);
                auto it = waiting_.find(resp.requestId);
                if (it == waiting_.end()) {
                    ++unexpected_;
                    continue;
                }
                it->second.set_value(std::move(resp));
                waiting_.erase(it);
            } catch (const proto::DecodeError&) {
                ++unexpected_;
            }
        }
        std::lock_guard lock(mu_);
        for (auto& [_, p] : waiting_) p.set_exception(std::make_exception_ptr(std::runtime_error("connection closed")));
        waiting_.clear();
    }

    int fd_ = -1;
    std::thread reader_;
    std::mutex mu_;
    std::map<std::uint32_t, std::promise<proto::DecodedResponse>> waiting_;
    std::atomic<std::uint32_t> nextId_{1};
    std::atomic<std::size_t> unexpected_{0};
};

} // namespace luna::test
