// What the audit commands need: hsmd's com.safenet.Luna.Audit (the Auditor's HSM role, the
// log secret, verification) and cbsd's com.safenet.Luna.AuditLogs (the log files). The D-Bus
// implementation (audit_dbus.cpp) shares the session's one bus connection with HsmService, so
// the Auditor's login lasts as long as the session; unit tests use a fake. Refusals arrive as
// luna::Error with the CKR the daemon named.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lunash {

struct AuditStatus {
    std::string serial;
    bool roleInitialized = false, loggedIn = false, daemonSeen = false, configured = false, foreignSecret = false;
    std::uint32_t eventMask = 0;
    std::string rotation;
    std::uint64_t stored = 0, newest = 0, capacity = 0;
    std::int64_t hsmTime = 0;
};

struct AuditProblem {
    std::string kind;
    std::uint32_t line = 0;
    std::uint64_t seq = 0;
    std::string message;
};

struct AuditVerifyResult {
    std::uint64_t first = 0, last = 0;
    std::uint32_t count = 0;
    bool tailChecked = false;
    std::vector<AuditProblem> problems;
};

struct AuditLogFile {
    std::string name;          // "hsm_<SN>_<n>.log" or "ready_for_archive/hsm_<SN>_<n>.log"
    bool inProgress = false;
    std::uint64_t size = 0;
    std::int64_t mtime = 0;
};

// A remote host cbsd delivers records to over RELP, and how far it has got.
struct AuditRelpHost {
    std::string host;
    std::uint16_t port = 0;
    std::string state;               // connecting, sending, up to date, unreachable
    std::uint64_t acknowledged = 0;  // newest sequence number the host acknowledged
    std::uint64_t behind = 0;        // records on disk it has not acknowledged
    std::string error;
};

class AuditService {
public:
    virtual ~AuditService() = default;
    // hsmd
    virtual void init(const std::string& password, const std::string& domain) = 0;
    virtual void login(const std::string& password) = 0;
    virtual void logout() = 0;
    virtual void changePassword(const std::string& oldPassword, const std::string& newPassword) = 0;
    virtual AuditStatus status() = 0;
    virtual void setConfig(std::optional<std::uint32_t> eventMask, const std::string& rotation) = 0;
    virtual void sync(std::int64_t hostTime) = 0;
    virtual std::pair<std::string, std::vector<std::uint8_t>> exportSecret() = 0;
    virtual void importSecret(const std::vector<std::uint8_t>& blob, const std::string& serialSource,
                              const std::string& serialTarget) = 0;
    virtual AuditVerifyResult verify(const std::vector<std::string>& records, const std::string& successor,
                                     bool external) = 0;
    // cbsd
    virtual std::pair<std::string, std::vector<AuditLogFile>> listLogs() = 0;   // serial, files newest first
    virtual std::string readLog(const std::string& name) = 0;
    virtual void clearLogs() = 0;
    virtual std::vector<AuditRelpHost> relpHosts() = 0;
    virtual void addRelpHost(const std::string& host, std::uint16_t port) = 0;
    virtual void deleteRelpHost(const std::string& host) = 0;
    virtual void clearRelpHosts() = 0;
};

} // namespace lunash
