// The read-only network commands (reference "network show", "network route show"): what the
// appliance's interfaces, name servers and routes are, read from the kernel (/sys, getifaddrs,
// /proc/net) and from the real route tool. Changing the network is not offered here.
#include "commands/groups.h"
#include "commands/proc_list.h"

#include "shell.h"
#include "tools.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace lunash {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> resolvConf(const std::string& key) {
    std::ifstream in("/etc/resolv.conf");
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) {
        std::istringstream w(line);
        std::string k, v;
        if (w >> k && k == key)
            while (w >> v) out.push_back(v);
    }
    return out;
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
    return s;
}

struct Iface {
    std::string name, hw, protocol = "IPv4", method = "unknown";
    std::vector<std::pair<std::string, std::string>> addresses;   // (address/prefix, mask)
    std::string gateway;
    bool up = false, link = false;
};

int prefixOf(const sockaddr* mask) {
    int bits = 0;
    if (mask->sa_family == AF_INET) {
        bits = __builtin_popcount(reinterpret_cast<const sockaddr_in*>(mask)->sin_addr.s_addr);
    } else if (mask->sa_family == AF_INET6) {
        for (auto b : reinterpret_cast<const sockaddr_in6*>(mask)->sin6_addr.s6_addr) bits += __builtin_popcount(b);
    }
    return bits;
}

std::string text(const sockaddr* a) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (a->sa_family == AF_INET) ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(a)->sin_addr, buf, sizeof buf);
    else if (a->sa_family == AF_INET6) ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr, buf, sizeof buf);
    return buf;
}

// ifupdown's "iface eth0 inet dhcp|static" lines, when the appliance uses them.
std::map<std::string, std::string> configuredMethods() {
    std::map<std::string, std::string> m;
    std::ifstream in("/etc/network/interfaces");
    for (std::string line; std::getline(in, line);) {
        std::istringstream w(line);
        std::string iface, name, family, method;
        if (w >> iface >> name >> family >> method && iface == "iface") {
            method[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(method[0])));
            m[name] = method == "Dhcp" ? "DHCP" : method;
        }
    }
    return m;
}

std::map<std::string, std::string> defaultGateways() {
    std::map<std::string, std::string> gw;
    std::ifstream in("/proc/net/route");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        std::istringstream w(line);
        std::string iface, dest, gate;
        if (!(w >> iface >> dest >> gate) || dest != "00000000") continue;
        in_addr a{};
        a.s_addr = static_cast<in_addr_t>(std::stoul(gate, nullptr, 16));
        char buf[INET_ADDRSTRLEN];
        ::inet_ntop(AF_INET, &a, buf, sizeof buf);
        gw.emplace(iface, buf);
    }
    return gw;
}

std::vector<Iface> interfaces() {
    std::map<std::string, Iface> byName;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/sys/class/net", ec)) {
        const auto name = e.path().filename().string();
        if (name == "lo") continue;
        Iface i;
        i.name = name;
        i.hw = readFirstLine(e.path() / "address");
        for (auto& c : i.hw) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        i.up = readFirstLine(e.path() / "operstate") == "up";
        i.link = readFirstLine(e.path() / "carrier") == "1";
        byName.emplace(name, i);
    }
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) == 0) {
        for (auto* a = list; a; a = a->ifa_next) {
            if (!a->ifa_addr || !byName.count(a->ifa_name)) continue;
            if (a->ifa_addr->sa_family != AF_INET && a->ifa_addr->sa_family != AF_INET6) continue;
            auto& i = byName[a->ifa_name];
            const int prefix = a->ifa_netmask ? prefixOf(a->ifa_netmask) : 0;
            i.addresses.emplace_back(text(a->ifa_addr) + "/" + std::to_string(prefix),
                                     a->ifa_netmask ? text(a->ifa_netmask) : "");
            if (a->ifa_addr->sa_family == AF_INET6 && i.addresses.size() == 1) i.protocol = "IPv6";
        }
        ::freeifaddrs(list);
    }
    auto methods = configuredMethods();
    auto gateways = defaultGateways();
    std::vector<Iface> out;
    for (auto& [name, i] : byName) {
        if (methods.count(name)) i.method = methods[name];
        if (gateways.count(name)) i.gateway = gateways[name];
        out.push_back(i);
    }
    return out;
}

// route's own output starts with its heading ("Kernel IP routing table"), as the reference
// shows it once.
void routes(Context& ctx) {
    struct Table {
        std::vector<std::string> argv;
        const char* heading;
    };
    for (const auto& t : {Table{{"route", "-n"}, "Kernel IP routing table"},
                          Table{{"route", "-A", "inet6", "-n"}, "Kernel IPv6 routing table"}}) {
        auto r = runTool(t.argv);
        ctx.out.line();
        if (r.status == 0) {
            ctx.out.stream() << r.text;
        } else {
            ctx.out.line(t.heading);
            ctx.out.line("(route is not available on this appliance)");
        }
    }
}

void show(Context& ctx, const Args& args) {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    ctx.out.line();
    ctx.out.line("    Hostname         : " + std::string(host));
    ctx.out.line("    Name Server(s)   : " + join(resolvConf("nameserver")));
    ctx.out.line("    Search Domain(s) : " + join(resolvConf("search")));
    ctx.out.line();
    ctx.out.line("Interface settings and status");
    const auto ifs = interfaces();
    for (const auto& i : ifs) {
        const std::string n = " (" + i.name + ")";
        auto f = [&](const std::string& label, const std::string& value) {
            ctx.out.line("    " + padRight(label + n, 38) + " : " + value);
        };
        ctx.out.line();
        f("HW Address", i.hw);
        if (i.addresses.empty()) {
            f("IP Address", "");
            f("Mask", "");
        }
        for (const auto& [addr, mask] : i.addresses) {
            f("IP Address", addr);
            f("Mask", mask);
        }
        f("Gateway", i.gateway);
        f("IP Protocol", i.protocol);
        f("Protocol", i.method);
        f("Activated", i.up ? "Yes" : "No");
        f("Link detected", i.link ? "Yes" : "No");
    }
    routes(ctx);
    if (!args.has("verbose")) return;
    ctx.out.line();
    ctx.out.line("Device and Connection Details");
    for (const auto& i : ifs) {
        ctx.out.line("================================= " + i.name + " =========================================");
        ctx.out.line("BOOT PROTOCOL:                          " + i.method);
        auto r = runTool({"ethtool", i.name});
        if (r.status == 0) ctx.out.stream() << r.text;
    }
}

void routeShow(Context& ctx, const Args&) {
    ctx.out.line();
    ctx.out.line("Manually configured routes");
    routes(ctx);
}

} // namespace

void registerNetworkCommands(CommandTable& t) {
    t.addGroup({{"network"}, "ne", "View the network settings of the appliance."});
    t.addGroup({{"network", "route"}, "r", "View the network routes of the appliance."});
    t.add({.path = {"network", "route", "show"}, .shortForm = "s", .roles = kAdminOperatorMonitor,
           .help = "Display the current network route configuration.", .handler = routeShow});
    t.add({.path = {"network", "show"}, .shortForm = "s",
           .args = {{.name = "verbose", .shortForm = "v", .kind = ArgKind::Flag,
                     .help = "Display additional capability and configuration information for each network device."}},
           // The audit group's section grants the audit user network show (and ping).
           .roles = kAdminOperatorMonitor | Role::Audit, .help = "Display the current network configuration.",
           .handler = show});
}

} // namespace lunash
