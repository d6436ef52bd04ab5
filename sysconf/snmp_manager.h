// LunaSH `sysconf snmp ...` on Net-SNMP's snmpd and the Luna SNMP trap agent (lsta).
//
// Every change follows one discipline: the new snmpd.conf (and, for users, the new
// persistent store) is checked by snmpd itself (SnmpdCheck: a trial snmpd on private
// sockets) before anything is in place; both files are then replaced atomically; a running
// snmpd is restarted and must come back, or the previous files are put back, snmpd is
// restarted on them and the change is refused (CKR_CONFIG_ACTIVATION_FAILED). User changes
// stop snmpd before the store is read, because snmpd rewrites the store when it stops
// (snmp_usm_store.h).
#pragma once

#include "services/service_control.h"
#include "sysconf/lsta_config.h"
#include "sysconf/snmp_config.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace luna::sysconf {

struct SnmpPaths {
    std::filesystem::path snmpdConf;    // <etc>/snmp/snmpd.conf (root 0600: it holds keys)
    std::filesystem::path usmStore;     // /var/lib/snmp/snmpd.conf, snmpd's persistent store
    std::filesystem::path lstaConf;     // <etc>/luna/lsta.conf
    std::filesystem::path scratchDir;   // root-only: the trial snmpd's files
    std::string lstaGroup = "luna-lsta";
};

// snmpd's own verdict on a candidate configuration and store; throws CKR_CONFIG_VALUE_INVALID
// with snmpd's complaint.
class SnmpdCheck {
public:
    virtual ~SnmpdCheck() = default;
    virtual void check(const SnmpSettings& settings, const std::string& store) = 0;
};

// Runs `snmpd -f -C -c <candidate>,<store>` with the agent and AgentX sockets moved into a
// private scratch directory, waits until it listens (or exits), kills it (SIGKILL: it saves
// nothing) and refuses on any "line N: Error/Warning" it logged about the files.
class TrialSnmpd final : public SnmpdCheck {
public:
    TrialSnmpd(std::filesystem::path scratchDir, SnmpAgentSettings agent, std::string snmpd = "/usr/sbin/snmpd")
        : scratch_(std::move(scratchDir)), agent_(std::move(agent)), snmpd_(std::move(snmpd)) {}
    void check(const SnmpSettings& settings, const std::string& store) override;

private:
    std::filesystem::path scratch_;
    SnmpAgentSettings agent_;
    std::string snmpd_;
};

class SnmpManager {
public:
    static constexpr std::string_view kSnmpdUnit = "snmpd.service";
    static constexpr std::string_view kLstaUnit = "luna-lsta.service";

    // `log`: writes one syslog record (facility, level, tag, with pid, message) for `trap
    // test`; the default runs logger(1).
    using LogWriter = std::function<void(const std::string& facility, const std::string& level, const std::string& tag,
                                         bool pid, const std::string& message)>;

    SnmpManager(SnmpPaths paths, SnmpAgentSettings agent, services::ServiceControl& services, SnmpdCheck& check,
                LogWriter log = {});

    struct Status {
        bool running = false, enabled = false;
    };
    Status status();
    void enable();
    void disable();

    std::vector<std::string> users() const;
    void addUser(const std::string& name, const std::string& authPassword, const std::string& authProtocol,
                 const std::string& privPassword, const std::string& privProtocol);
    void deleteUser(const std::string& name);
    void clearUsers();

    std::vector<NotificationTarget> targets() const;
    void addTarget(const std::string& address, std::uint16_t port, const std::string& secName,
                   const std::string& engineId, bool inform, const std::string& authPassword,
                   const std::string& authProtocol, const std::string& privPassword, const std::string& privProtocol);
    std::size_t deleteTargets(const std::string& address, std::uint16_t port);
    void clearTargets();

    std::optional<TrapHost> trapHost() const;
    void setTrapHost(const TrapHost& host);
    void clearTrapHost();
    Status trapStatus();
    void enableTrap();
    void disableTrap();
    // `sysconf snmp trap test`: a record "***TEST : <message>" (.lt/.gt become < and >).
    void trapTest(const std::string& facility, const std::string& level, const std::string& process,
                  const std::string& message, bool pid);

private:
    // The discipline above; `store` maps the current store to the new one (users only).
    void change(const SnmpSettings& next, const std::function<std::string(const std::string&)>& store, bool start);

    SnmpPaths paths_;
    SnmpAgentSettings agent_;
    services::ServiceControl& services_;
    SnmpdCheck& check_;
    LogWriter log_;
};

} // namespace luna::sysconf
