// A byte stream to one appliance: the Network Trust Link in the product (tls_channel.h), an
// in-process HSM in the unit tests. Link (link.h) puts frames on it.
#pragma once

#include "client_config.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

namespace luna::client {

class Channel {
public:
    using Clock = std::chrono::steady_clock;
    virtual ~Channel() = default;
    // Sends all of `data`. Safe to call from several threads at once and while another
    // thread is in read(); throws luna::Error when the link is gone.
    virtual void write(std::span<const std::uint8_t> data) = 0;
    // Reads at least one byte, or returns 0 when `deadline` passes first; one reader at a
    // time. Throws luna::Error when the link is gone.
    virtual std::size_t read(std::span<std::uint8_t> buffer, Clock::time_point deadline) = 0;
};

// Opens the channel to one configured server; throws luna::Error when it cannot.
using Connector = std::function<std::unique_ptr<Channel>(const ServerEntry&)>;

} // namespace luna::client
