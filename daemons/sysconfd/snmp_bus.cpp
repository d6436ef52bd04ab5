#include "snmp_bus.h"

#include "luna/errors.h"

namespace luna::sysconfd {

SnmpBus::SnmpBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate, sysconf::SnmpManager& snmp)
    : AdaptorInterfaces(conn, objectPath), gate_(gate), snmp_(snmp) {
    registerAdaptor();
}

SnmpBus::~SnmpBus() { unregisterAdaptor(); }

std::tuple<bool, bool> SnmpBus::GetStatus() {
    return gate_.serve(getObject(), Request::SnmpStatus, "", [&](const Caller&) {
        auto s = snmp_.status();
        return std::make_tuple(s.running, s.enabled);
    });
}

void SnmpBus::Enable() { gate_.serve(getObject(), Request::SnmpEnable, "", [&](const Caller&) { snmp_.enable(); }); }

void SnmpBus::Disable() { gate_.serve(getObject(), Request::SnmpDisable, "", [&](const Caller&) { snmp_.disable(); }); }

std::vector<std::string> SnmpBus::ListUsers() {
    return gate_.serve(getObject(), Request::SnmpListUsers, "", [&](const Caller&) { return snmp_.users(); });
}

void SnmpBus::AddUser(const std::string& name, const std::string& authPassword, const std::string& authProtocol,
                      const std::string& privPassword, const std::string& privProtocol) {
    gate_.serve(getObject(), Request::SnmpAddUser, name.substr(0, 40), [&](const Caller&) {
        snmp_.addUser(name, authPassword, authProtocol, privPassword, privProtocol);
    });
}

void SnmpBus::DeleteUser(const std::string& name) {
    gate_.serve(getObject(), Request::SnmpDeleteUser, name.substr(0, 40), [&](const Caller&) { snmp_.deleteUser(name); });
}

void SnmpBus::ClearUsers() { gate_.serve(getObject(), Request::SnmpClearUsers, "", [&](const Caller&) { snmp_.clearUsers(); }); }

std::vector<sdbus::Struct<std::string, uint16_t, std::string, std::string, std::string>> SnmpBus::ListNotificationTargets() {
    return gate_.serve(getObject(), Request::SnmpListTargets, "", [&](const Caller&) {
        std::vector<sdbus::Struct<std::string, uint16_t, std::string, std::string, std::string>> out;
        for (const auto& t : snmp_.targets())
            out.emplace_back(t.address, t.port, t.engineId, t.secName, std::string(t.inform ? "inform" : "trap"));
        return out;
    });
}

void SnmpBus::AddNotificationTarget(const std::string& address, const uint16_t& port, const std::string& secName,
                                    const std::string& engineId, const std::string& notifyType,
                                    const std::string& authPassword, const std::string& authProtocol,
                                    const std::string& privPassword, const std::string& privProtocol) {
    gate_.serve(getObject(), Request::SnmpAddTarget, address.substr(0, 40) + ":" + std::to_string(port) + " " + secName.substr(0, 40),
                [&](const Caller&) {
                    if (notifyType != "trap" && notifyType != "inform" && !notifyType.empty())
                        throw Error(rc::CONFIG_VALUE_INVALID,
                                    "Invalid notification type '" + notifyType.substr(0, 32) + "': trap or inform");
                    snmp_.addTarget(address, port, secName, engineId, notifyType == "inform", authPassword, authProtocol,
                                    privPassword, privProtocol);
                });
}

uint32_t SnmpBus::DeleteNotificationTargets(const std::string& address, const uint16_t& port) {
    return gate_.serve(getObject(), Request::SnmpDeleteTargets, address.substr(0, 40) + ":" + std::to_string(port),
                       [&](const Caller&) { return static_cast<uint32_t>(snmp_.deleteTargets(address, port)); });
}

void SnmpBus::ClearNotificationTargets() {
    gate_.serve(getObject(), Request::SnmpClearTargets, "", [&](const Caller&) { snmp_.clearTargets(); });
}

std::tuple<bool, std::string, uint16_t, std::string, std::string, std::string, std::string> SnmpBus::GetTrapHost() {
    return gate_.serve(getObject(), Request::SnmpGetTrapHost, "", [&](const Caller&) {
        auto h = snmp_.trapHost();
        if (!h) return std::make_tuple(false, std::string(), uint16_t{0}, std::string(), std::string(), std::string(), std::string());
        return std::make_tuple(true, h->host, h->port, h->secName, h->engineId, h->authProtocol, h->privProtocol);
    });
}

void SnmpBus::SetTrapHost(const std::string& host, const std::string& secName, const std::string& engineId,
                          const std::string& authProtocol, const std::string& authPassword, const std::string& privProtocol,
                          const std::string& privPassword) {
    gate_.serve(getObject(), Request::SnmpSetTrapHost, host.substr(0, 64) + " " + secName.substr(0, 40), [&](const Caller&) {
        snmp_.setTrapHost(sysconf::makeTrapHost(host, secName, engineId, authProtocol, authPassword, privProtocol, privPassword));
    });
}

void SnmpBus::ClearTrapHost() {
    gate_.serve(getObject(), Request::SnmpClearTrapHost, "", [&](const Caller&) { snmp_.clearTrapHost(); });
}

std::tuple<bool, bool> SnmpBus::GetTrapStatus() {
    return gate_.serve(getObject(), Request::SnmpTrapStatus, "", [&](const Caller&) {
        auto s = snmp_.trapStatus();
        return std::make_tuple(s.running, s.enabled);
    });
}

void SnmpBus::EnableTrap() { gate_.serve(getObject(), Request::SnmpEnableTrap, "", [&](const Caller&) { snmp_.enableTrap(); }); }

void SnmpBus::DisableTrap() {
    gate_.serve(getObject(), Request::SnmpDisableTrap, "", [&](const Caller&) { snmp_.disableTrap(); });
}

void SnmpBus::TestTrap(const std::string& facility, const std::string& level, const std::string& process,
                       const std::string& message, const bool& pid) {
    gate_.serve(getObject(), Request::SnmpTestTrap, facility.substr(0, 16) + "." + level.substr(0, 16) + " " + process.substr(0, 32),
                [&](const Caller&) { snmp_.trapTest(facility, level, process, message, pid); });
}

} // namespace luna::sysconfd
