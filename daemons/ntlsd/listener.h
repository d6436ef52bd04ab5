// Where NTLS listens: `ntls bind <device>` names a network device (or all); the address is
// looked up when the listener (re)starts. A device without an address leaves the listener
// where it was (the reference: the binding applies once the device is up and NTLS restarts).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace luna::ntls {

// "0.0.0.0" / "::" for all; the device's first IPv4 (IPv6 with ipv6) address; nullopt when the
// device does not exist or has no such address.
std::optional<std::string> addressOfDevice(const std::string& device, bool ipv6);
// The device an address belongs to ("" if none, "all" for a wildcard).
std::string deviceOfAddress(const std::string& address);

// A listening TCP socket (non-blocking accepts are the caller's); throws std::runtime_error.
int openListener(const std::string& address, std::uint16_t port);

} // namespace luna::ntls
