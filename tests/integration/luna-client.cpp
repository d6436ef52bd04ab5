// A scripted hsmd client for the integration tests. It runs its commands in order on ONE bus
// connection, which busctl cannot do: the HSM SO login lives exactly as long as the
// connection that made it, and the tests need to log in and then act in the same session.
//
//   luna-client [--bus-name NAME] CMD [ARGS...] [-- CMD [ARGS...]]...
//
// Each command prints its result on one line. On a D-Bus error the client prints
// "ERROR <error name>: <message>" and exits 1 without running the rest.
#include "hsm_proxy.h"
#include "partitions_proxy.h"

#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace {

constexpr const char* objectPath = "/com/safenet/Luna/Hsm";

class HsmClient final
    : public sdbus::ProxyInterfaces<com::safenet::Luna::Hsm_proxy,
                                    com::safenet::Luna::Partitions_proxy> {
public:
    HsmClient(sdbus::IConnection& connection, std::string destination)
        : ProxyInterfaces(connection, std::move(destination), objectPath)
    {
        registerProxy();
    }
    ~HsmClient() { unregisterProxy(); }
    HsmClient(const HsmClient&) = delete;
    HsmClient& operator=(const HsmClient&) = delete;

    sdbus::Variant property(const std::string& interface, const std::string& name)
    {
        return getProxy().getProperty(name).onInterface(interface);
    }
};

using Args = std::vector<std::string>;

struct Command {
    std::size_t arity;
    const char* usage;
    std::function<void(sdbus::IConnection&, HsmClient&, const Args&)> run;
};

const char* boolText(bool b) { return b ? "true" : "false"; }

std::uint64_t toU64(const std::string& s) { return std::stoull(s, nullptr, 0); }

void printVariant(const sdbus::Variant& v)
{
    const std::string type = v.peekValueType();
    if (type == "s") std::cout << v.get<std::string>() << '\n';
    else if (type == "b") std::cout << boolText(v.get<bool>()) << '\n';
    else if (type == "u") std::cout << v.get<std::uint32_t>() << '\n';
    else if (type == "t") std::cout << v.get<std::uint64_t>() << '\n';
    else std::cout << "<" << type << ">\n";
}

const std::map<std::string, Command>& commands()
{
    using C = HsmClient;
    using Hsm = com::safenet::Luna::Hsm_proxy;
    static const std::map<std::string, Command> table{
        {"init", {3, "init LABEL SO-PASSWORD DOMAIN",
                  [](auto&, C& c, const Args& a) {
                      const bool hard = c.Init(a[0], a[1], a[2]);
                      std::cout << "hardInit=" << boolText(hard) << '\n';
                  }}},
        {"login", {1, "login PASSWORD", [](auto&, C& c, const Args& a) { c.Login(a[0]); }}},
        {"logout", {0, "logout", [](auto&, C& c, const Args&) { c.Logout(); }}},
        {"login-state", {0, "login-state",
                         [](auto&, C& c, const Args&) { std::cout << boolText(c.GetLoginState()) << '\n'; }}},
        {"change-policy", {2, "change-policy ID VALUE",
                           [](auto&, C& c, const Args& a) {
                               const bool destructive = c.ChangePolicy(static_cast<std::uint32_t>(toU64(a[0])),
                                                                       static_cast<std::uint32_t>(toU64(a[1])));
                               std::cout << "destructive=" << boolText(destructive) << '\n';
                           }}},
        {"policies", {0, "policies",
                      [](auto&, C& c, const Args&) {
                          for (const auto& p : c.Hsm::GetPolicies())
                              std::cout << p.get<0>() << ' ' << p.get<1>() << '=' << p.get<2>() << ' '
                                        << p.get<3>() << '=' << p.get<4>() << '\n';
                      }}},
        {"create", {2, "create NAME SIZE (0 = default share)",
                    [](auto&, C& c, const Args& a) { std::cout << c.Create(a[0], toU64(a[1]), false) << '\n'; }}},
        {"delete", {1, "delete PARTITION", [](auto&, C& c, const Args& a) { c.Delete(a[0]); }}},
        {"list", {0, "list",
                  [](auto&, C& c, const Args&) {
                      for (const auto& p : c.List())
                          std::cout << p.get<0>() << ' ' << p.get<1>() << ' ' << p.get<2>() << ' ' << p.get<3>()
                                    << ' ' << p.get<4>() << ' ' << p.get<5>() << '\n';
                  }}},
        {"get", {1, "get PROPERTY (of com.safenet.Luna.Hsm)",
                 [](auto&, C& c, const Args& a) { printVariant(c.property(Hsm::INTERFACE_NAME, a[0])); }}},
        {"own", {1, "own BUS-NAME (request a well-known name; tests the bus policy)",
                 [](sdbus::IConnection& bus, C&, const Args& a) {
                     bus.requestName(a[0]);
                     std::cout << "owned " << a[0] << '\n';
                 }}},
    };
    return table;
}

int usage()
{
    std::cerr << "usage: luna-client [--bus-name NAME] CMD [ARGS...] [-- CMD [ARGS...]]...\ncommands:\n";
    for (const auto& [name, cmd] : commands()) std::cerr << "  " << cmd.usage << '\n';
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    std::span<char*> rest(argv + 1, static_cast<std::size_t>(argc - 1));
    std::string busName = "com.safenet.Luna.Hsm";
    if (rest.size() >= 2 && std::string(rest[0]) == "--bus-name") {
        busName = rest[1];
        rest = rest.subspan(2);
    }
    std::vector<Args> script(1);
    for (const char* word : rest) {
        if (std::string(word) == "--") script.emplace_back();
        else script.back().emplace_back(word);
    }
    for (const auto& line : script) {
        const auto it = line.empty() ? commands().end() : commands().find(line[0]);
        if (it == commands().end() || line.size() - 1 != it->second.arity) return usage();
    }

    try {
        auto bus = sdbus::createSystemBusConnection();
        HsmClient client(*bus, busName);
        for (const auto& line : script) {
            const Args args(line.begin() + 1, line.end());
            commands().at(line[0]).run(*bus, client, args);
        }
    } catch (const sdbus::Error& e) {
        std::cout << "ERROR " << e.getName() << ": " << e.getMessage() << std::endl;
        return 1;
    } catch (const std::exception& e) {
        std::cout << "ERROR " << e.what() << std::endl;
        return 1;
    }
    return 0;
}
