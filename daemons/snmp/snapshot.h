// What luna-snmp knows of the appliance at one moment: the facts the daemons publish on
// D-Bus, copied out of them by the collector (collector.h) and turned into MIB rows by
// mib_model.h. Plain values only, so a snapshot can be shared read-only between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace luna::snmp {

// One capability (and its policy, if it has one), as hsmd's GetPolicies returns it.
struct PolicyState {
    std::uint32_t id = 0;
    std::string capabilityName;
    std::uint32_t capabilityValue = 0;
    std::string policyName;            // "" when the capability has no settable policy
    std::uint32_t policyValue = 0;
};

struct PartitionState {
    std::string serial;
    std::string name;                  // given at `partition create`
    std::string label;                 // given at partition init ("" before)
    std::uint32_t objectCount = 0;
    std::uint64_t totalBytes = 0;
    std::uint64_t usedBytes = 0;
    std::uint64_t freeBytes = 0;
    std::vector<PolicyState> policies;
};

struct LicenseState {
    std::string id;
    std::string description;
};

struct HsmState {
    std::string serial;
    std::string label;
    std::string model;
    std::string firmware;
    std::string authenticationMethod;  // "Password", "PED Keys"
    bool rpvInitialized = false;
    bool fipsMode = false;
    bool auditRoleInitialized = false;
    bool manuallyZeroized = false;
    std::uint32_t soLoginAttemptsLeft = 0;
    std::uint32_t maxPartitions = 0;
    std::uint32_t licensedPartitions = 0;
    std::uint32_t partitionCount = 0;
    std::uint64_t storageTotal = 0;
    std::uint64_t storageUsed = 0;
    std::uint64_t storageFree = 0;
    // Counted by the HSM since its last reset. hsmd does not publish these yet (see
    // docs/snmp.md, "Proposed D-Bus additions"); read when present, 0 until then.
    std::uint64_t upTimeSeconds = 0;
    std::uint64_t busyTimeSeconds = 0;
    std::uint64_t commandCount = 0;
    std::uint64_t operationRequests = 0;
    std::uint64_t operationErrors = 0;
    bool policiesKnown = false;        // GetPolicies answered
    std::vector<PolicyState> policies;
    // hsmd's license list when it publishes one (property "Licenses"); otherwise empty and
    // the MIB model derives the rows from the capabilities (mib_model.cpp).
    std::optional<std::vector<LicenseState>> licenses;
    std::vector<PartitionState> partitions;
};

struct ClientState {
    std::string name;
    std::string address;
    struct Assignment {
        std::string hsmSerial;
        std::string partitionSerial;
    };
    std::vector<Assignment> assignments;
};

// NTLS figures. ntlsd does not exist yet: until it publishes com.safenet.Luna.Ntls the
// service is reported not running with zero counts (collector.cpp, readNtls).
struct NtlsState {
    enum class Status { Up, NotRunning, Unknown };
    Status status = Status::NotRunning;
    std::uint32_t connectedClients = 0;
    std::uint32_t links = 0;
    std::uint64_t successfulConnections = 0;
    std::uint64_t failedConnections = 0;
};

struct Snapshot {
    std::uint64_t generation = 0;      // grows with every collection
    // The appliance software version (appSoftwareVersion). Today the version luna-snmp was
    // built as, which an appliance update replaces with the rest of the software; it moves
    // to sysconfd's D-Bus state when that exists.
    std::string softwareVersion;
    std::optional<HsmState> hsm;       // empty while hsmd cannot be reached
    std::vector<ClientState> clients;
    NtlsState ntls;
};

} // namespace luna::snmp
