// One appliance of the configuration (ServerNameNN): its current link, opened on first use
// and again after the old one failed. Sessions keep the Link they were opened on, so a
// reconnect never hands an old session handle to a new link.
#pragma once

#include "link.h"

#include <chrono>
#include <memory>
#include <mutex>

namespace luna::client {

class ServerConnection {
public:
    ServerConnection(ServerEntry entry, Connector connector, std::chrono::milliseconds timeout);

    // The live link, connecting first when there is none or the last one broke. Throws
    // luna::Error (CKR_UNABLE_TO_CONNECT, or what the appliance answered to Hello). After a
    // failed attempt the next one waits a second, so a dead server does not slow every call.
    std::shared_ptr<Link> link();
    const ServerEntry& entry() const { return entry_; }
    // The appliance's Hello answer (model, firmware, serial); empty before the first link.
    proto::HelloResp hello() const;
    // Why the last connection attempt failed ("" after a success).
    std::string lastError() const;

private:
    ServerEntry entry_;
    Connector connector_;
    std::chrono::milliseconds timeout_;
    mutable std::mutex mu_;
    std::shared_ptr<Link> link_;
    proto::HelloResp hello_;
    std::string lastError_;
    std::chrono::steady_clock::time_point retryAfter_{};
};

} // namespace luna::client
