// How sysconfd reads the network names an admin types (remote log hosts, NTP servers): an
// IPv4 or IPv6 address or a DNS host name, and a port. Pure functions; each refusal is a
// CKR_CONFIG_VALUE_INVALID whose sentence lunash prints.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace luna::sysconf {

bool isIpv4Address(std::string_view text);
bool isIpv6Address(std::string_view text);
// RFC 1123: at most 253 characters, labels of 1-63 letters, digits and dashes that neither
// start nor end with a dash; the last label is not all digits (so "300.1.1.1" is no name).
bool isHostName(std::string_view text);

// The host as given (an address or a name), or CKR_CONFIG_VALUE_INVALID:
// "'<text>' is not a valid host name or IP address".
std::string checkHost(std::string_view text);

// 1-65535, or CKR_CONFIG_VALUE_INVALID ("Port <n> is out of range (1-65535)"). Port 0 is
// refused although the reference prints "0-65535": nothing listens on it.
std::uint16_t checkPort(std::int64_t port);

} // namespace luna::sysconf
