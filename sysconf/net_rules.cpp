#include "sysconf/net_rules.h"

#include "luna/errors.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace luna::sysconf {

bool isIpv4Address(std::string_view text) {
    if (text.empty() || text.size() > 15) return false;
    in_addr a{};
    return ::inet_pton(AF_INET, std::string(text).c_str(), &a) == 1;
}

bool isIpv6Address(std::string_view text) {
    if (text.empty() || text.size() > 45 || text.find(':') == std::string_view::npos) return false;
    in6_addr a{};
    return ::inet_pton(AF_INET6, std::string(text).c_str(), &a) == 1;
}

bool isHostName(std::string_view text) {
    if (text.empty() || text.size() > 253) return false;
    if (text.back() == '.') text.remove_suffix(1);   // a fully qualified name may end in a dot
    std::string_view last;
    while (!text.empty()) {
        auto dot = text.find('.');
        auto label = text.substr(0, dot);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (char c : label)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
        last = label;
        if (dot == std::string_view::npos) break;
        text.remove_prefix(dot + 1);
        if (text.empty()) return false;   // "a..b" or a trailing second dot
    }
    return !std::all_of(last.begin(), last.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string checkHost(std::string_view text) {
    if (isIpv4Address(text) || isIpv6Address(text) || isHostName(text)) return std::string(text);
    std::string shown(text.substr(0, 80));
    for (auto& c : shown)
        if (!std::isprint(static_cast<unsigned char>(c))) c = '?';
    throw Error(rc::CONFIG_VALUE_INVALID, "'" + shown + "' is not a valid host name or IP address");
}

std::uint16_t checkPort(std::int64_t port) {
    if (port < 1 || port > 65535)
        throw Error(rc::CONFIG_VALUE_INVALID, "Port " + std::to_string(port) + " is out of range (1-65535)");
    return static_cast<std::uint16_t>(port);
}

} // namespace luna::sysconf
