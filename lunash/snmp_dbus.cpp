// SnmpService over D-Bus with the proxy generated from lib/dbus/com.safenet.Luna.Snmp.xml,
// on sysconfd's object.
#include "snmp_service.h"

#include "snmp_proxy.h"

#include "luna/errors.h"

#include <sdbus-c++/sdbus-c++.h>

namespace lunash {
namespace {

class Proxy final : public sdbus::ProxyInterfaces<com::safenet::Luna::Snmp_proxy> {
public:
    explicit Proxy(sdbus::IConnection& c)
        : sdbus::ProxyInterfaces<com::safenet::Luna::Snmp_proxy>(c, "com.safenet.Luna.Sysconf", "/com/safenet/Luna/Sysconf") {
        registerProxy();
    }
    ~Proxy() { unregisterProxy(); }
};

template <class Fn>
auto call(Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const sdbus::Error& e) {
        if (auto code = luna::codeFromDbusErrorName(e.getName())) throw luna::Error(*code, e.getMessage());
        throw luna::Error(luna::rc::DEVICE_ERROR,
                          "The appliance configuration service is not reachable (" + e.getMessage() + ")");
    }
}

class DbusSnmp final : public SnmpService {
public:
    DbusSnmp() : conn_(call([] { return sdbus::createSystemBusConnection(); })), p_(*conn_) {}

    std::pair<bool, bool> status() override {
        auto [r, e] = call([&] { return p_.GetStatus(); });
        return {r, e};
    }
    void enable() override { call([&] { p_.Enable(); }); }
    void disable() override { call([&] { p_.Disable(); }); }
    std::vector<std::string> users() override { return call([&] { return p_.ListUsers(); }); }
    void addUser(const std::string& n, const std::string& ap, const std::string& apr, const std::string& pp,
                 const std::string& ppr) override {
        call([&] { p_.AddUser(n, ap, apr, pp, ppr); });
    }
    void deleteUser(const std::string& n) override { call([&] { p_.DeleteUser(n); }); }
    void clearUsers() override { call([&] { p_.ClearUsers(); }); }
    std::vector<SnmpTarget> targets() override {
        std::vector<SnmpTarget> out;
        for (auto& t : call([&] { return p_.ListNotificationTargets(); }))
            out.push_back({t.get<0>(), t.get<1>(), t.get<2>(), t.get<3>(), t.get<4>()});
        return out;
    }
    void addTarget(const SnmpNewTarget& t) override {
        call([&] {
            p_.AddNotificationTarget(t.address, t.port, t.secName, t.engineId, t.notifyType, t.authPassword, t.authProtocol,
                                     t.privPassword, t.privProtocol);
        });
    }
    std::uint32_t deleteTargets(const std::string& a, std::uint16_t port) override {
        return call([&] { return p_.DeleteNotificationTargets(a, port); });
    }
    void clearTargets() override { call([&] { p_.ClearNotificationTargets(); }); }
    std::optional<SnmpTrapHost> trapHost() override {
        auto [ok, host, port, sec, eng, ap, pp] = call([&] { return p_.GetTrapHost(); });
        if (!ok) return std::nullopt;
        return SnmpTrapHost{host, port, sec, eng, ap, pp};
    }
    void setTrapHost(const SnmpTrapHostChange& h) override {
        call([&] { p_.SetTrapHost(h.host, h.secName, h.engineId, h.authProtocol, h.authPassword, h.privProtocol, h.privPassword); });
    }
    void clearTrapHost() override { call([&] { p_.ClearTrapHost(); }); }
    std::pair<bool, bool> trapStatus() override {
        auto [r, e] = call([&] { return p_.GetTrapStatus(); });
        return {r, e};
    }
    void enableTrap() override { call([&] { p_.EnableTrap(); }); }
    void disableTrap() override { call([&] { p_.DisableTrap(); }); }
    void testTrap(const std::string& f, const std::string& l, const std::string& p, const std::string& m, bool pid) override {
        call([&] { p_.TestTrap(f, l, p, m, pid); });
    }

private:
    std::unique_ptr<sdbus::IConnection> conn_;
    Proxy p_;
};

// Installed before main(): the executable's sessions talk to the real sysconfd.
[[maybe_unused]] const bool installed =
    (setSnmpConnector([] { return std::unique_ptr<SnmpService>(std::make_unique<DbusSnmp>()); }), true);

} // namespace
} // namespace lunash
