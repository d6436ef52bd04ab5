#include "server_connection.h"

#include "vendor.h"

namespace luna::client {

namespace {
constexpr auto kRetryDelay = std::chrono::seconds(1);
constexpr const char* kSoftware = "luna-client 0.1";
} // namespace

ServerConnection::ServerConnection(ServerEntry entry, Connector connector, std::chrono::milliseconds timeout)
    : entry_(std::move(entry)), connector_(std::move(connector)), timeout_(timeout) {}

std::shared_ptr<Link> ServerConnection::link() {
    std::lock_guard lock(mu_);
    if (link_ && !link_->broken()) return link_;
    link_.reset();
    const auto now = std::chrono::steady_clock::now();
    if (now < retryAfter_)
        throw Error(vendor::CKR_UNABLE_TO_CONNECT, lastError_.empty() ? "The appliance is unreachable" : lastError_);
    try {
        auto fresh = std::make_shared<Link>(connector_(entry_), timeout_);
        hello_ = fresh->ok(proto::HelloReq{proto::kVersion, kSoftware});
        link_ = std::move(fresh);
        lastError_.clear();
        return link_;
    } catch (const Error& e) {
        lastError_ = e.what();
        retryAfter_ = std::chrono::steady_clock::now() + kRetryDelay;
        throw;
    } catch (const std::exception& e) {
        lastError_ = e.what();
        retryAfter_ = std::chrono::steady_clock::now() + kRetryDelay;
        throw Error(vendor::CKR_UNABLE_TO_CONNECT, lastError_);
    }
}

proto::HelloResp ServerConnection::hello() const {
    std::lock_guard lock(mu_);
    return hello_;
}

std::string ServerConnection::lastError() const {
    std::lock_guard lock(mu_);
    return lastError_;
}

} // namespace luna::client
