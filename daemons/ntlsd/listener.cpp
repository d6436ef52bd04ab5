#include "listener.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace luna::ntls {
namespace {

std::string textOf(const sockaddr* sa) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
    return buf;
}

template <class Fn>
void eachAddress(Fn&& fn) {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return;
    for (auto* a = list; a; a = a->ifa_next)
        if (a->ifa_addr && (a->ifa_flags & IFF_UP) && fn(*a)) break;
    freeifaddrs(list);
}

} // namespace

std::optional<std::string> addressOfDevice(const std::string& device, bool ipv6) {
    if (device == "all") return std::string(ipv6 ? "::" : "0.0.0.0");
    std::optional<std::string> found;
    const int family = ipv6 ? AF_INET6 : AF_INET;
    eachAddress([&](const ifaddrs& a) {
        if (device != a.ifa_name || a.ifa_addr->sa_family != family) return false;
        found = textOf(a.ifa_addr);
        return true;
    });
    // A device with only an IPv6 address binds to that (the reference: -ipv6 is only needed with "all").
    if (!found && !ipv6) {
        eachAddress([&](const ifaddrs& a) {
            if (device != a.ifa_name || a.ifa_addr->sa_family != AF_INET6) return false;
            found = textOf(a.ifa_addr);
            return true;
        });
    }
    return found;
}

std::string deviceOfAddress(const std::string& address) {
    if (address == "0.0.0.0" || address == "::") return "all";
    std::string device;
    eachAddress([&](const ifaddrs& a) {
        if (textOf(a.ifa_addr) != address) return false;
        device = a.ifa_name;
        return true;
    });
    return device;
}

int openListener(const std::string& address, std::uint16_t port) {
    sockaddr_storage ss{};
    socklen_t len = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        len = sizeof *v4;
    } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        len = sizeof *v6;
    } else {
        throw std::runtime_error("'" + address + "' is not an IP address");
    }
    const int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ss.ss_family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd, 128) != 0) {
        const std::string err = std::strerror(errno);
        ::close(fd);
        throw std::runtime_error("cannot listen on " + address + " port " + std::to_string(port) + ": " + err);
    }
    return fd;
}

} // namespace luna::ntls
