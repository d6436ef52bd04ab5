// Drives hsmd for the SNMP tests: runs its commands in order on ONE bus connection, because
// the HSM SO login lasts as long as the connection that made it (busctl cannot do that).
//
//   hsm-driver CMD [ARGS...] [-- CMD [ARGS...]]...
//     init LABEL SO-PASSWORD DOMAIN | login PASSWORD | create NAME | delete PARTITION
//     change-policy ID VALUE | get PROPERTY | partitions | policies
// Prints one line per result; on a D-Bus error prints "ERROR <name>: <message>", exits 1.
#include "hsm_proxy.h"
#include "partitions_proxy.h"

#include <sdbus-c++/sdbus-c++.h>

#include <iostream>
#include <string>
#include <vector>

namespace {

class Hsmd final : public sdbus::ProxyInterfaces<com::safenet::Luna::Hsm_proxy, com::safenet::Luna::Partitions_proxy> {
public:
    explicit Hsmd(sdbus::IConnection& c) : ProxyInterfaces(c, "com.safenet.Luna.Hsm", "/com/safenet/Luna/Hsm") {
        registerProxy();
    }
    ~Hsmd() { unregisterProxy(); }
    Hsmd(const Hsmd&) = delete;
    Hsmd& operator=(const Hsmd&) = delete;
    sdbus::Variant property(const std::string& name) {
        return getProxy().getProperty(name).onInterface(Hsm_proxy::INTERFACE_NAME);
    }
};

void print(const sdbus::Variant& v) {
    const std::string t = v.peekValueType();
    if (t == "s") std::cout << v.get<std::string>() << '\n';
    else if (t == "b") std::cout << (v.get<bool>() ? "true" : "false") << '\n';
    else if (t == "u") std::cout << v.get<std::uint32_t>() << '\n';
    else if (t == "t") std::cout << v.get<std::uint64_t>() << '\n';
    else std::cout << '<' << t << ">\n";
}

bool run(Hsmd& h, const std::vector<std::string>& a) {
    const std::string& cmd = a.at(0);
    const std::size_t n = a.size() - 1;
    if (cmd == "init" && n == 3) std::cout << "hardInit=" << h.Init(a[1], a[2], a[3]) << '\n';
    else if (cmd == "login" && n == 1) h.Login(a[1]);
    else if (cmd == "create" && n == 1) std::cout << h.Create(a[1], 0, false) << '\n';
    else if (cmd == "delete" && n == 1) h.Delete(a[1]);
    else if (cmd == "change-policy" && n == 2)
        std::cout << "destructive=" << h.ChangePolicy(std::stoul(a[1]), std::stoul(a[2])) << '\n';
    else if (cmd == "get" && n == 1) print(h.property(a[1]));
    else if (cmd == "partitions" && n == 0)
        for (const auto& p : h.List())
            std::cout << p.get<0>() << ' ' << p.get<1>() << ' ' << p.get<2>() << ' ' << p.get<3>() << ' '
                      << p.get<4>() << ' ' << p.get<5>() << '\n';
    else if (cmd == "policies" && n == 0)
        for (const auto& p : h.Hsm_proxy::GetPolicies())
            std::cout << p.get<0>() << ' ' << p.get<2>() << ' ' << p.get<4>() << '\n';
    else return false;
    return true;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::vector<std::string>> script(1);
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--") script.emplace_back();
        else script.back().emplace_back(argv[i]);
    }
    try {
        auto bus = sdbus::createSystemBusConnection();
        Hsmd hsmd(*bus);
        for (const auto& line : script) {
            if (line.empty() || !run(hsmd, line)) {
                std::cerr << "usage: hsm-driver CMD [ARGS...] [-- CMD [ARGS...]]...\n";
                return 2;
            }
        }
    } catch (const sdbus::Error& e) {
        std::cout << "ERROR " << e.getName() << ": " << e.getMessage() << std::endl;
        return 1;
    }
    return 0;
}
