// What the commands need from the HSM, as a small interface: the D-Bus implementation
// (hsm_dbus.cpp) keeps one bus connection for the whole session, since hsmd binds the HSM
// SO login to it; unit tests use a fake. Refusals arrive as luna::Error with the CKR hsmd
// named; an unreachable hsmd is CKR_TOKEN_NOT_PRESENT.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "luna/errors.h"

namespace lunash {

class AuditService;   // audit_service.h

struct HsmProperties {
    std::string status, label, serial, model, partNumber, firmware, authMethod, tamperState;
    bool initialized = false, manuallyZeroized = false, transportMode = false, auditRoleInitialized = false,
         rpvInitialized = false, fipsMode = false, simulated = false;
    std::uint32_t soLoginAttemptsLeft = 0, maxPartitions = 0, licensedPartitions = 0, partitionCount = 0;
    std::uint64_t storageTotal = 0, storageUsed = 0, storageFree = 0;
};

struct PartitionSummary {
    std::string serial, name;
    std::uint32_t objects = 0;
    std::uint64_t total = 0, used = 0, free = 0;
};

struct PartitionDetails {
    std::string serial, name, label;
    bool initialized = false, coInitialized = false, cuInitialized = false, coLocked = false, cuLocked = false;
    std::uint32_t psoAttemptsLeft = 0, coAttemptsLeft = 0, cuAttemptsLeft = 0, objects = 0;
    std::uint64_t total = 0, used = 0, free = 0;
};

struct HsmPolicy {
    std::uint32_t id = 0;
    std::string capabilityName;
    std::uint32_t capabilityValue = 0;
    std::string policyName;     // "" when the capability has no policy
    std::uint32_t value = 0;
    bool destructive = false;
};

class HsmService {
public:
    virtual ~HsmService() = default;
    // The audit role's services (hsmd's Audit interface and cbsd's log files) on the same
    // session, so the Auditor's HSM login lasts as long as it.
    virtual AuditService& audit() { throw luna::Error(luna::rc::FUNCTION_NOT_SUPPORTED, "no audit service"); }
    virtual HsmProperties properties() = 0;
    virtual bool init(const std::string& label, const std::string& soPassword, const std::string& domain) = 0;
    // The same, applying an HSM policy template (ch.3 format) as part of the init.
    virtual bool initFromTemplate(const std::string& label, const std::string& soPassword, const std::string& domain,
                                  const std::string& policyTemplate) = 0;
    virtual void login(const std::string& password) = 0;
    virtual void logout() = 0;
    virtual bool loggedIn() = 0;
    virtual void changePassword(const std::string& oldPassword, const std::string& newPassword) = 0;
    virtual void zeroize() = 0;
    virtual void factoryReset() = 0;
    virtual std::vector<HsmPolicy> policies() = 0;
    virtual bool changePolicy(std::uint32_t id, std::uint32_t value) = 0;
    virtual std::string exportPolicyTemplate() = 0;

    virtual std::string createPartition(const std::string& name, std::uint64_t size, bool allFreeStorage) = 0;
    virtual void deletePartition(const std::string& partition) = 0;
    virtual void resizePartition(const std::string& partition, std::uint64_t size, bool allFreeStorage) = 0;
    virtual void renamePartition(const std::string& partition, const std::string& newName) = 0;
    virtual std::vector<PartitionSummary> listPartitions() = 0;
    virtual PartitionDetails showPartition(const std::string& partition) = 0;
};

// Connects to hsmd on the system bus (DBUS_SYSTEM_BUS_ADDRESS in tests).
std::unique_ptr<HsmService> connectHsm();

} // namespace lunash
