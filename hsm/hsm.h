// The HSM: the one object that owns the store and the key hierarchy and enforces the
// seed's lifecycle (ch.5, 7, 8, 13), policies (ch.3), roles and failed-login outcomes
// (ch.21) and partitions (ch.10). Thread-safe: every public call takes the HSM lock.
//
// Role logins belong to a SessionId: the owner of a login (a D-Bus connection, later an
// NTLS session). endSession() drops every login the session holds.
#pragma once

#include "hsm/audit_log.h"
#include "hsm/clock.h"
#include "hsm/keyring.h"
#include "hsm/policy.h"
#include "hsm/record.h"
#include "hsm/roles.h"
#include "hsm/store.h"
#include "luna/errors.h"

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace luna::hsm {

using SessionId = std::string;

struct HsmConfig {
    std::filesystem::path stateDir;
    std::uint32_t kdfIterations = 100000;     // PBKDF2 rounds for role credentials
    std::uint32_t licensedPartitions = 20;    // capability 33; at most 100
    std::uint64_t storageBytes = 33554432;    // capability 27
    Clock* clock = nullptr;                   // nullptr: the system clock
    AuditSink* auditSink = nullptr;           // nullptr: the HSM's own audit log (hsm/audit_log.h)
    std::uint64_t auditCapacity = kDefaultAuditCapacity;   // records the HSM buffers for cbsd
    bool auditSyncEach = false;   // a command returns once its record is on the disk, not only written
    // Where audit records wait for the disk (hsm/audit_journal.h); a tmpfs directory that
    // outlives hsmd (/run/luna-hsm/audit-staging). Empty: beside the buffer, in stateDir.
    std::filesystem::path auditStagingDir = {};
};

inline constexpr std::uint64_t kPartitionOverheadBytes = 9216;   // ~9 KB per partition (ch.10)
inline constexpr std::uint32_t kMaxLicensedPartitions = 100;
inline constexpr std::string_view kFirmwareVersion = "7.2.0";

struct HsmInfo {
    std::string status;             // ch.8 spelling
    std::string label;              // "no label" when not initialized
    std::string serial;
    std::string model;
    std::string partNumber;
    std::string firmware;
    std::string authMethod;
    bool initialized = false;
    bool manuallyZeroized = false;
    bool decommissioned = false;
    bool transportMode = false;
    bool tampered = false;
    bool auditRoleInitialized = false;
    bool rpvInitialized = false;
    bool fipsMode = false;
    std::uint32_t soLoginAttemptsLeft = 0;
    std::uint32_t maxPartitions = 0;
    std::uint32_t licensedPartitions = 0;
    std::uint32_t partitionCount = 0;
    std::uint64_t storageTotal = 0;
    std::uint64_t storageUsed = 0;
    std::uint64_t storageFree = 0;
};

struct PartitionInfo {
    std::string serial;
    std::string name;
    std::string label;               // set at partition init ("" before)
    bool initialized = false;        // Partition SO exists
    bool coInitialized = false;
    bool cuInitialized = false;
    bool coLocked = false;
    bool cuLocked = false;
    std::uint32_t psoLoginAttemptsLeft = 0;
    std::uint32_t coLoginAttemptsLeft = 0;
    std::uint32_t cuLoginAttemptsLeft = 0;
    std::uint32_t objectCount = 0;
    std::uint64_t totalBytes = 0;
    std::uint64_t usedBytes = 0;
    std::uint64_t freeBytes() const { return totalBytes - usedBytes; }
};

struct PolicyRow {
    const PolicyDef* def;
    std::uint32_t capability;
    std::uint32_t value;
    DestructiveFlags destructive;
};

// An object: typed attributes (PKCS#11 attribute type -> value bytes). Secret values are
// only ever stored sealed under the partition key.
using Attributes = std::map<std::uint32_t, Bytes>;

// What a command adds to its audit record (hsm_audit.cpp).
struct AuditNote {
    std::string who = {};         // default: the session's HSM role
    std::string object = {};
    std::string detail = {};
    bool usingPin = false;
    std::uint32_t container = 0;
    std::uint64_t value = 0;
};

class Hsm {
public:
    explicit Hsm(HsmConfig config);
    ~Hsm();

    // --- identity and status -------------------------------------------------------
    HsmInfo info() const;

    // --- lifecycle (ch.5, 7, 13) ---------------------------------------------------
    // Hard init when not initialized (no login), soft init when initialized (needs the
    // session's HSM SO login; keeps SO and domain, destroys partitions). Returns true for
    // a hard init.
    // policyTemplate: an HSM policy template (ch.3 format) applied as part of the init;
    // its '#' or missing lines take factory values. Validated before anything changes.
    bool init(const SessionId& s, std::string_view label, std::string_view soPassword, std::string_view domain,
              std::optional<std::string_view> policyTemplate = std::nullopt);
    // `s`: who asked, for the audit record (these need no HSM login).
    void zeroize(const SessionId& s = {});
    void factoryReset(const SessionId& s = {});
    void decommission(const SessionId& s = {});

    // --- HSM SO ----------------------------------------------------------------------
    void loginSo(const SessionId& s, std::string_view password);
    void logoutSo(const SessionId& s);
    bool soLoggedIn(const SessionId& s) const;
    void changeSoPassword(std::string_view oldPassword, std::string_view newPassword);
    void endSession(const SessionId& s);

    // --- Auditor (ch.1 lockout: 3 tries, 30 s) ---------------------------------------
    void initAuditor(std::string_view password, std::string_view domain);
    void loginAuditor(const SessionId& s, std::string_view password);
    bool auditorLoggedIn(const SessionId& s) const;
    void logoutAuditor(const SessionId& s);
    void changeAuditorPassword(const SessionId& s, std::string_view oldPassword, std::string_view newPassword);

    // --- audit logging (ch.1; hsm_audit.cpp) ------------------------------------------
    // While the Auditor exists only the Auditor configures logging and handles the log
    // secret; before, the HSM SO may configure it. The Auditor administers nothing else.
    struct AuditStatus {
        std::string serial;
        bool roleInitialized = false;
        bool loggedIn = false;              // the session holds the Auditor login
        bool daemonSeen = false;            // cbsd fetched records in the last minute
        AuditSettings settings;             // reported only to the Auditor
        AuditBufferState buffer;
        std::int64_t hsmTime = 0;
        bool foreignSecret = false;         // verifying with an imported secret
    };
    AuditStatus auditStatus(const SessionId& s);
    AuditSettings auditSettings(const SessionId& s);   // LUNA_LOG_GET_CONFIG
    void setAuditSettings(const SessionId& s, std::optional<std::uint32_t> mask, std::optional<audit::Rotation> rotation);
    void syncAuditClock(const SessionId& s, std::int64_t hostUnixSeconds);
    Bytes exportAuditSecret(const SessionId& s);
    // sourceSerial/targetSerial as `audit secret import` gives them; both are checked.
    std::string importAuditSecret(const SessionId& s, std::span<const std::uint8_t> blob, std::string_view sourceSerial,
                                  std::string_view targetSerial);
    // successorLine: the record that follows the submitted ones (next file's first), if any.
    AuditVerifyReport verifyAuditLog(const SessionId& s, const std::vector<std::string>& lines,
                                     std::optional<std::string> successorLine, bool external);
    // cbsd's side: records not yet on disk, and the acknowledgement that they are.
    std::vector<std::pair<std::uint64_t, std::string>> fetchAuditRecords(std::uint64_t after, std::uint32_t max);
    // The same without copying them: a descriptor of the buffer file that holds them
    // (AuditJournal::openRecords), for cbsd to read.
    AuditJournal::RecordSpan openAuditRecords(std::uint64_t after);
    void acknowledgeAuditRecords(std::uint64_t upTo);
    AuditBufferState auditBuffer() const;
    audit::Rotation auditRotation() const;
    void setAuditListener(std::function<void(std::uint64_t)> fn);
    // How records name a session ("Access hi:lo"); hsmd gives the caller's uid.
    void setSessionOrigin(const SessionId& s, std::uint32_t accessHi, std::uint32_t accessLo);
    // For the data plane's own commands (sessions, keys, crypto): a lock-free "could this be
    // logged at all?" for the hot path, then admit before and record after.
    bool auditMayLog(AuditEvent e) const noexcept { return auditLog_->mayLog(e); }
    bool auditFirstUse(std::uint64_t key) { return auditLog_->firstUse(key); }
    void auditAdmit(AuditEvent e);
    void auditRecord(const SessionId& s, AuditEvent e, std::uint32_t rc, std::string detail = {}, bool firstUse = false);

    // --- HSM policies (ch.3) -----------------------------------------------------------
    std::vector<PolicyRow> hsmPolicies() const;
    PolicyChangeEffect changeHsmPolicy(const SessionId& s, std::uint32_t id, std::uint32_t value);
    std::string exportHsmTemplate() const;

    // --- partitions as the HSM SO manages them (ch.10) ---------------------------------
    // size: nullopt = default share; allFree = all remaining storage.
    std::string createPartition(const SessionId& s, std::string_view name, std::optional<std::uint64_t> size,
                                bool allFree);
    void deletePartition(const SessionId& s, std::string_view ref);
    void resizePartition(const SessionId& s, std::string_view ref, std::optional<std::uint64_t> size, bool allFree);
    void renamePartition(const SessionId& s, std::string_view ref, std::string_view newName);
    std::vector<PartitionInfo> listPartitions() const;
    PartitionInfo showPartition(std::string_view ref) const;

    // --- inside a partition (the Partition SO, CO and CU: lunacm over NTLS) -----------
    void initPartition(const SessionId& s, std::string_view ref, std::string_view label, std::string_view psoPin,
                       std::string_view domain, std::optional<std::string_view> policyTemplate = std::nullopt);
    std::string exportPartitionTemplate(std::string_view ref) const;
    void loginPartition(const SessionId& s, std::string_view ref, Role role, std::string_view pin);
    void logoutPartition(const SessionId& s, std::string_view ref);
    std::optional<Role> partitionLogin(const SessionId& s, std::string_view ref) const;
    // PSO creates the CO, CO creates the CU (ch.21).
    void initRole(const SessionId& s, std::string_view ref, Role role, std::string_view pin);
    void changeRolePin(const SessionId& s, std::string_view ref, std::string_view oldPin, std::string_view newPin);
    // PSO resets the CO (only with HSM policy 15 = 1); CO resets the CU.
    void resetRolePin(const SessionId& s, std::string_view ref, Role role, std::string_view newPin);
    std::vector<PolicyRow> partitionPolicies(std::string_view ref) const;
    PolicyChangeEffect changePartitionPolicy(const SessionId& s, std::string_view ref, std::uint32_t id,
                                             std::uint32_t value);

    // --- objects (typed attributes; crypto mechanisms arrive with NTLS) --------------
    std::uint64_t createObject(const SessionId& s, std::string_view ref, const Attributes& attrs);
    Attributes readObject(const SessionId& s, std::string_view ref, std::uint64_t handle) const;
    void destroyObject(const SessionId& s, std::string_view ref, std::uint64_t handle);
    std::vector<std::uint64_t> listObjects(const SessionId& s, std::string_view ref) const;

    // --- for the data plane (hsm/data_plane.h), which keeps objects, logins and policies
    // cached in memory so no crypto operation re-decrypts or re-parses anything ---------
    // Moves whenever something such a cache holds may have changed behind its back:
    // partitions erased or cleared, logins dropped, policies changed.
    std::uint64_t epoch() const noexcept { return epoch_.load(std::memory_order_acquire); }
    struct LoginState {
        Role role;
        bool pinExpired;   // HSM policy 21: the role must change its password first
    };
    std::optional<LoginState> partitionLoginState(const SessionId& s, std::uint64_t serial) const;
    // Every token object of a partition, private ones included: the data plane applies
    // the visibility rules itself, per caller, on its cached copy.
    std::vector<std::pair<std::uint64_t, Attributes>> partitionObjects(std::uint64_t serial) const;
    // Replaces an object's attributes under the same handle (C_SetAttributeValue).
    void updateObject(const SessionId& s, std::string_view ref, std::uint64_t handle, const Attributes& attrs);

private:
    struct Logins {
        bool so = false;
        bool auditor = false;
        std::map<std::uint64_t, Role> partitions;
    };
    struct Partition;

    // helpers (caller holds mu_)
    Record state() const;
    void saveState(const Record& r);
    void mutate(const std::function<void()>& fn);
    void requireOperational() const;
    void requireSo(const SessionId& s) const;
    PolicyValues policies(std::string_view which) const;
    void savePolicies(std::string_view which, const PolicyValues& v);
    std::uint32_t effectiveMaxPartitions() const;
    std::uint64_t allocatedBytes() const;
    std::uint64_t defaultPartitionSize() const;

    Partition loadPartition(std::string_view ref) const;
    std::vector<Partition> loadPartitions() const;
    void savePartition(const Partition& p);
    PartitionInfo describe(const Partition& p) const;
    void erasePartition(std::uint64_t serial);
    void eraseAllPartitions();
    void clearPartitionContents(Partition& p, bool keepRoles);
    void forgetPartitionLogins(std::uint64_t serial);
    std::optional<Role> sessionRole(const SessionId& s, std::uint64_t serial) const;

    // credentials
    void setCredential(std::string_view key, std::string_view secret, std::optional<std::uint64_t> partition,
                       bool mustChange);
    bool checkCredential(std::string_view key, std::string_view secret, std::optional<std::uint64_t> partition);
    Record credential(std::string_view key) const;
    void saveCredential(std::string_view key, const Record& r);

    void destroyHsmSecrets(bool keepAuditor, bool resetPolicies);

    // audit (hsm_audit.cpp); the caller holds mu_ except for auditFailure.
    void admitAudit(AuditEvent e);
    void audited(AuditEvent e, const SessionId& s, std::uint32_t rc, AuditNote note = {});
    AuditMessage auditMessage(AuditEvent e, const SessionId& s, std::uint32_t rc, AuditNote note) const;
    // For a command's failure, from its function-try-block handler (mu_ released by then).
    void auditFailure(AuditEvent e, const SessionId& s, const Error& err, AuditNote note = {}) noexcept;
    std::string auditWho(const SessionId& s) const;
    void requireAuditor(const SessionId& s) const;
    void refuseInControlledTamper(std::string_view what) const;
    void bumpEpoch() noexcept { epoch_.fetch_add(1, std::memory_order_acq_rel); }

    HsmConfig config_;
    std::unique_ptr<Clock> ownClock_;
    Clock* clock_;
    mutable std::mutex mu_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<Keyring> keys_;
    std::unique_ptr<AuditLog> auditLog_;
    AuditSink* audit_ = nullptr;
    std::map<SessionId, AuditOrigin> origins_;
    std::int64_t lastAuditFetch_ = 0;
    std::map<SessionId, Logins> logins_;
    std::atomic<std::uint64_t> epoch_{0};
};

} // namespace luna::hsm
