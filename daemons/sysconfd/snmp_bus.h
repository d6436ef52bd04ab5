// com.safenet.Luna.Snmp on sysconfd's object: LunaSH `sysconf snmp ...` (XML in lib/dbus/).
// Thin: every method is gate.serve(request row) around one SnmpManager call. Passwords are
// arguments only: never logged (the logged detail names the user or target).
#pragma once

#include "gatekeeper.h"

#include "sysconf/snmp_manager.h"

#include "snmp_adaptor.h"

namespace luna::sysconfd {

class SnmpBus final : public sdbus::AdaptorInterfaces<com::safenet::Luna::Snmp_adaptor> {
public:
    SnmpBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate, sysconf::SnmpManager& snmp);
    ~SnmpBus();

private:
    std::tuple<bool, bool> GetStatus() override;
    void Enable() override;
    void Disable() override;
    std::vector<std::string> ListUsers() override;
    void AddUser(const std::string& name, const std::string& authPassword, const std::string& authProtocol,
                 const std::string& privPassword, const std::string& privProtocol) override;
    void DeleteUser(const std::string& name) override;
    void ClearUsers() override;
    std::vector<sdbus::Struct<std::string, uint16_t, std::string, std::string, std::string>> ListNotificationTargets() override;
    void AddNotificationTarget(const std::string& address, const uint16_t& port, const std::string& secName,
                               const std::string& engineId, const std::string& notifyType, const std::string& authPassword,
                               const std::string& authProtocol, const std::string& privPassword,
                               const std::string& privProtocol) override;
    uint32_t DeleteNotificationTargets(const std::string& address, const uint16_t& port) override;
    void ClearNotificationTargets() override;
    std::tuple<bool, std::string, uint16_t, std::string, std::string, std::string, std::string> GetTrapHost() override;
    void SetTrapHost(const std::string& host, const std::string& secName, const std::string& engineId,
                     const std::string& authProtocol, const std::string& authPassword, const std::string& privProtocol,
                     const std::string& privPassword) override;
    void ClearTrapHost() override;
    std::tuple<bool, bool> GetTrapStatus() override;
    void EnableTrap() override;
    void DisableTrap() override;
    void TestTrap(const std::string& facility, const std::string& level, const std::string& process,
                  const std::string& message, const bool& pid) override;

    Gatekeeper& gate_;
    sysconf::SnmpManager& snmp_;
};

} // namespace luna::sysconfd
