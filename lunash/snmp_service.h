// What the `sysconf snmp ...` commands need from sysconfd (com.safenet.Luna.Snmp), as a small
// interface: snmp_dbus.cpp implements it over D-Bus, unit tests install a fake. Refusals
// arrive as luna::Error with sysconfd's CKR and sentence. The session's one connection is
// made on first use through the installed connector, as for the platform commands.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lunash {

struct SnmpTarget {
    std::string address;
    std::uint16_t port = 162;
    std::string engineId, secName, notifyType;
};

struct SnmpNewTarget {
    std::string address, secName, engineId, notifyType, authPassword, authProtocol, privPassword, privProtocol;
    std::uint16_t port = 162;
};

struct SnmpTrapHost {
    std::string host;
    std::uint16_t port = 162;
    std::string secName, engineId, authProtocol, privProtocol;
};

struct SnmpTrapHostChange {
    std::string host, secName, engineId, authProtocol, authPassword, privProtocol, privPassword;
};

class SnmpService {
public:
    virtual ~SnmpService() = default;
    virtual std::pair<bool, bool> status() = 0;   // (running, enabled)
    virtual void enable() = 0;
    virtual void disable() = 0;
    virtual std::vector<std::string> users() = 0;
    virtual void addUser(const std::string& name, const std::string& authPassword, const std::string& authProtocol,
                         const std::string& privPassword, const std::string& privProtocol) = 0;
    virtual void deleteUser(const std::string& name) = 0;
    virtual void clearUsers() = 0;
    virtual std::vector<SnmpTarget> targets() = 0;
    virtual void addTarget(const SnmpNewTarget& t) = 0;
    virtual std::uint32_t deleteTargets(const std::string& address, std::uint16_t port) = 0;
    virtual void clearTargets() = 0;
    virtual std::optional<SnmpTrapHost> trapHost() = 0;
    virtual void setTrapHost(const SnmpTrapHostChange& h) = 0;
    virtual void clearTrapHost() = 0;
    virtual std::pair<bool, bool> trapStatus() = 0;   // (running, enabled)
    virtual void enableTrap() = 0;
    virtual void disableTrap() = 0;
    virtual void testTrap(const std::string& facility, const std::string& level, const std::string& process,
                          const std::string& message, bool pid) = 0;
};

using SnmpConnector = std::function<std::unique_ptr<SnmpService>()>;

// The session's connection, made on first use; CKR_DEVICE_ERROR if no connector is installed.
SnmpService& snmpService();
void setSnmpConnector(SnmpConnector connector);

} // namespace lunash
