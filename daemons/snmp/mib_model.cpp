#include "mib_model.h"

#include "hsm/policy.h"

#include <array>

namespace luna::snmp {
namespace {

// Arcs of mibs/*.txt.
const Oid kHsmMib{1, 3, 6, 1, 4, 1, 23629, 1, 5, 1};         // SAFENET-HSM-MIB::safenetHsmMIB
const Oid kAppliance{1, 3, 6, 1, 4, 1, 23629, 1, 5, 2};      // SAFENET-APPLIANCE-MIB::appliance
const Oid kUtsp{1, 3, 6, 1, 4, 1, 12383, 3, 1};              // CHRYSALIS-UTSP-MIB::utspMIB

Oid under(const Oid& base, std::initializer_list<std::uint32_t> arcs) {
    Oid o = base;
    o.insert(o.end(), arcs);
    return o;
}

// Index strings: the SIZE limits of the MIB's index columns.
constexpr std::size_t kSerialMax = 24;
constexpr std::size_t kLicenseIdMax = 64;
constexpr std::size_t kClientNameMax = 64;

// HSM capability ids the MIB reads (seed ch.3).
constexpr std::uint32_t kCapPerformance = 2;
constexpr std::uint32_t kCapCloning = 7;
constexpr std::uint32_t kCapRemotePed = 25;
constexpr std::uint32_t kCapMaxPartitions = 33;
constexpr std::uint32_t kCapDisablingDecommission = 46;
// Partition policy 22: "Allow activation".
constexpr std::uint32_t kPartitionPolicyActivation = 22;

Value truth(bool b) { return Value::integer(b ? mib::kTrue : mib::kFalse); }

const PolicyState* findPolicy(const std::vector<PolicyState>& rows, std::uint32_t id) {
    for (const auto& r : rows)
        if (r.id == id) return &r;
    return nullptr;
}

std::int64_t authMethod(const std::string& m) {
    if (m == "Password") return mib::kAuthPassword;
    if (m.starts_with("PED")) return mib::kAuthPed;
    return mib::kAuthUnknown;
}

// An HSM whose capabilities forbid remote PED has no remote PED vector to initialize.
std::int64_t rpvState(const HsmState& h) {
    if (h.policiesKnown) {
        const auto* cap = findPolicy(h.policies, kCapRemotePed);
        if (cap && cap->capabilityValue == 0) return mib::kRpvNotSupported;
    }
    return h.rpvInitialized ? mib::kRpvInitialized : mib::kRpvUninitialized;
}

// Luna 7 backs up by cloning; it is in use when both the capability and policy 7 allow it.
std::int64_t backupProtocol(const HsmState& h) {
    if (!h.policiesKnown) return mib::kBackupUnknown;
    const auto* cloning = findPolicy(h.policies, kCapCloning);
    return cloning && cloning->capabilityValue && cloning->policyValue ? mib::kBackupCloning : mib::kBackupNone;
}

std::uint32_t capability(const HsmState& h, std::uint32_t id) {
    const auto* p = findPolicy(h.policies, id);
    return p ? p->capabilityValue : 0;
}

// --- hsmTable -------------------------------------------------------------------------------

std::vector<Row> hsmRows(const Snapshot& s) {
    if (!s.hsm) return {};
    const HsmState& h = *s.hsm;
    const std::uint32_t freePartitions = h.maxPartitions > h.partitionCount ? h.maxPartitions - h.partitionCount : 0;
    return {Row{
        {Value::string(h.serial)},
        {
            Value::string(h.serial),                                     // 1 hsmSerialNumber
            Value::string(h.firmware),                                   // 2 hsmFirmwareVersion
            Value::string(h.label),                                      // 3 hsmLabel
            Value::string(h.model),                                      // 4 hsmModel
            Value::integer(authMethod(h.authenticationMethod)),          // 5 hsmAuthenticationMethod
            Value::integer(rpvState(h)),                                 // 6 hsmRpvInitialized
            truth(h.fipsMode),                                           // 7 hsmFipsMode
            Value::integer(capability(h, kCapPerformance)),              // 8 hsmPerformance
            Value::unsigned32(h.storageTotal),                           // 9 hsmStorageTotalBytes
            Value::unsigned32(h.storageUsed),                            // 10 hsmStorageAllocatedBytes
            Value::unsigned32(h.storageFree),                            // 11 hsmStorageAvailableBytes
            Value::unsigned32(h.maxPartitions),                          // 12 hsmMaximumPartitions
            Value::unsigned32(h.partitionCount),                         // 13 hsmPartitionsCreated
            Value::unsigned32(freePartitions),                           // 14 hsmPartitionsFree
            Value::integer(backupProtocol(h)),                           // 15 hsmBackupProtocol
            Value::counter32(h.soLoginAttemptsLeft),                     // 16 hsmAdminLoginAttempts
            Value::integer(h.auditRoleInitialized ? mib::kAuditYes : mib::kAuditNo),   // 17
            truth(h.manuallyZeroized),                                   // 18 hsmManuallyZeroized
            Value::counter64(h.upTimeSeconds),                           // 19 hsmUpTime
            Value::counter64(h.busyTimeSeconds),                         // 20 hsmBusyTime
            Value::counter64(h.commandCount),                            // 21 hsmCommandCount
        }}};
}

// --- hsmLicenseTable --------------------------------------------------------------------------

// Until hsmd publishes its license list, the rows are the licensed capabilities that
// `hsm displaylicenses` lists (base configuration, partitions, performance, cloning,
// decommissioning), named by the feature they license.
std::vector<LicenseState> derivedLicenses(const HsmState& h) {
    std::vector<LicenseState> out{{"LUNA_BASE", h.model + " base configuration"}};
    if (!h.policiesKnown) return out;
    out.push_back({"LUNA_PARTITIONS", "Maximum " + std::to_string(capability(h, kCapMaxPartitions)) + " partitions"});
    out.push_back({"LUNA_PERFORMANCE", "Performance level " + std::to_string(capability(h, kCapPerformance))});
    if (capability(h, kCapCloning)) out.push_back({"LUNA_CLONING", "Key backup via cloning protocol"});
    if (capability(h, kCapDisablingDecommission))
        out.push_back({"LUNA_DECOMMISSION", "Enable allow decommissioning"});
    return out;
}

std::vector<Row> licenseRows(const Snapshot& s) {
    if (!s.hsm) return {};
    std::vector<Row> rows;
    for (const auto& l : s.hsm->licenses ? *s.hsm->licenses : derivedLicenses(*s.hsm))
        rows.push_back({{Value::string(s.hsm->serial), Value::string(l.id)},
                        {Value::string(l.id), Value::string(l.description)}});
    return rows;
}

// --- hsmPartitionTable ------------------------------------------------------------------------

std::vector<Row> partitionRows(const Snapshot& s) {
    if (!s.hsm) return {};
    std::vector<Row> rows;
    for (const auto& p : s.hsm->partitions) {
        const auto* activation = findPolicy(p.policies, kPartitionPolicyActivation);
        rows.push_back({{Value::string(s.hsm->serial), Value::string(p.serial)},
                        {
                            Value::string(p.serial),                           // 1
                            Value::string(p.label.empty() ? p.name : p.label), // 2 hsmPartitionLabel
                            truth(activation && activation->policyValue),      // 3 hsmPartitionActivated
                            Value::unsigned32(p.totalBytes),                   // 4
                            Value::unsigned32(p.usedBytes),                    // 5
                            Value::unsigned32(p.freeBytes),                    // 6
                            Value::unsigned32(p.objectCount),                  // 7
                        }});
    }
    return rows;
}

// --- policy tables ----------------------------------------------------------------------------

template <class CapText, class PolText>
void addPolicyRows(std::vector<Row>& rows, const std::vector<Value>& prefix, const std::vector<PolicyState>& policies,
                   CapText capText, PolText polText) {
    auto add = [&](std::int64_t type, const PolicyState& p, const std::string& name, std::string value) {
        Row r{prefix, {}};
        r.index.push_back(Value::integer(type));
        r.index.push_back(Value::unsigned32(p.id));
        r.columns = {Value::integer(type), Value::unsigned32(p.id), Value::string(name), Value::string(std::move(value))};
        rows.push_back(std::move(r));
    };
    for (const auto& p : policies) add(mib::kCapability, p, p.capabilityName, capText(p.id, p.capabilityValue));
    for (const auto& p : policies)
        if (!p.policyName.empty()) add(mib::kPolicy, p, p.policyName, polText(p.id, p.policyValue));
}

std::string number(std::uint32_t, std::uint32_t value) { return std::to_string(value); }

std::vector<Row> hsmPolicyRows(const Snapshot& s) {
    if (!s.hsm) return {};
    std::vector<Row> rows;
    addPolicyRows(rows, {Value::string(s.hsm->serial)}, s.hsm->policies, hsmCapabilityText, hsmPolicyText);
    return rows;
}

// `partition showpolicies` prints every partition capability and policy as a number.
std::vector<Row> partitionPolicyRows(const Snapshot& s) {
    if (!s.hsm) return {};
    std::vector<Row> rows;
    for (const auto& p : s.hsm->partitions)
        addPolicyRows(rows, {Value::string(s.hsm->serial), Value::string(p.serial)}, p.policies, number, number);
    return rows;
}

// --- client tables ----------------------------------------------------------------------------

std::vector<Row> clientRows(const Snapshot& s) {
    std::vector<Row> rows;
    for (const auto& c : s.clients)
        rows.push_back({{Value::string(c.name)},
                        {Value::string(c.name), Value::string(c.address),
                         truth(false),                                   // HTL does not exist in 7.x
                         Value::integer(mib::kOttNotProvisioned)}});
    return rows;
}

std::vector<Row> assignmentRows(const Snapshot& s) {
    std::vector<Row> rows;
    for (const auto& c : s.clients)
        for (const auto& a : c.assignments)
            rows.push_back({{Value::string(c.name), Value::string(a.hsmSerial), Value::string(a.partitionSerial)},
                            {Value::string(a.hsmSerial), Value::string(a.partitionSerial)}});
    return rows;
}

// --- tables and scalars -----------------------------------------------------------------------

using S = Syntax;

const std::array kTables{
    TableDef{"hsmTable", under(kHsmMib, {2}), {S::OctetString}, {kSerialMax}, 21, hsmRows},
    TableDef{"hsmLicenseTable", under(kHsmMib, {3}), {S::OctetString, S::OctetString},
             {kSerialMax, kLicenseIdMax}, 2, licenseRows},
    TableDef{"hsmPartitionTable", under(kHsmMib, {4}), {S::OctetString, S::OctetString},
             {kSerialMax, kSerialMax}, 7, partitionRows},
    TableDef{"hsmPolicyTable", under(kHsmMib, {5}), {S::OctetString, S::Integer, S::Unsigned32},
             {kSerialMax, 0, 0}, 4, hsmPolicyRows},
    TableDef{"hsmPartitionPolicyTable", under(kHsmMib, {6}),
             {S::OctetString, S::OctetString, S::Integer, S::Unsigned32}, {kSerialMax, kSerialMax, 0, 0}, 4,
             partitionPolicyRows},
    TableDef{"hsmClientRegistrationTable", under(kHsmMib, {7}), {S::OctetString}, {kClientNameMax}, 4, clientRows},
    TableDef{"hsmClientPartitionAssignmentTable", under(kHsmMib, {8}),
             {S::OctetString, S::OctetString, S::OctetString}, {kClientNameMax, kSerialMax, kSerialMax}, 2,
             assignmentRows},
};

std::int64_t ntlsStatus(NtlsState::Status st) {
    switch (st) {
    case NtlsState::Status::Up: return mib::kNtlsUp;
    case NtlsState::Status::NotRunning: return mib::kNtlsNotRunning;
    case NtlsState::Status::Unknown: break;
    }
    return mib::kNtlsUnknown;
}

const std::array kScalars{
    ScalarDef{"hsmOperationRequests", under(kUtsp, {1, 1}),
              [](const Snapshot& s) { return Value::counter64(s.hsm ? s.hsm->operationRequests : 0); }},
    ScalarDef{"hsmOperationErrors", under(kUtsp, {1, 2}),
              [](const Snapshot& s) { return Value::counter64(s.hsm ? s.hsm->operationErrors : 0); }},
    // "Not implemented in this release. Always reports 0." (seed ch.17)
    ScalarDef{"hsmCriticalEvents", under(kUtsp, {1, 3}), [](const Snapshot&) { return Value::counter64(0); }},
    ScalarDef{"hsmNonCriticalEvents", under(kUtsp, {1, 4}), [](const Snapshot&) { return Value::counter64(0); }},
    ScalarDef{"ntlsOperStatus", under(kUtsp, {2, 1}),
              [](const Snapshot& s) { return Value::integer(ntlsStatus(s.ntls.status)); }},
    ScalarDef{"ntlsConnectedClients", under(kUtsp, {2, 2}),
              [](const Snapshot& s) { return Value::gauge32(s.ntls.connectedClients); }},
    ScalarDef{"ntlsLinks", under(kUtsp, {2, 3}), [](const Snapshot& s) { return Value::gauge32(s.ntls.links); }},
    ScalarDef{"ntlsSuccessfulClientConnections", under(kUtsp, {2, 4}),
              [](const Snapshot& s) { return Value::counter64(s.ntls.successfulConnections); }},
    ScalarDef{"ntlsFailedClientConnections", under(kUtsp, {2, 5}),
              [](const Snapshot& s) { return Value::counter64(s.ntls.failedConnections); }},
    // .2.6 ntlsCertExpireNotification is a notification: never registered, so a GET of it
    // answers noSuchObject as the seed says.
    ScalarDef{"appSoftwareVersion", under(kAppliance, {1, 1}),
              [](const Snapshot& s) { return Value::string(s.softwareVersion); }},
};

} // namespace

std::span<const TableDef> tables() { return kTables; }
std::span<const ScalarDef> scalars() { return kScalars; }

std::vector<Row> validRows(const TableDef& table, const Snapshot& snapshot, std::size_t* dropped) {
    std::vector<Row> rows = table.rows(snapshot);
    std::size_t before = rows.size();
    std::erase_if(rows, [&](const Row& r) {
        for (std::size_t i = 0; i < r.index.size(); ++i) {
            const std::size_t max = table.indexMaxLength[i];
            if (table.indexSyntax[i] == Syntax::OctetString && (r.index[i].text.empty() || (max && r.index[i].text.size() > max)))
                return true;
        }
        return false;
    });
    if (dropped) *dropped = before - rows.size();
    return rows;
}

std::string hsmCapabilityText(std::uint32_t id, std::uint32_t value) {
    const auto* def = hsm::findHsmPolicy(id);
    if (!def || def->maxValue > 1) return std::to_string(value);
    return value ? "Allowed" : "Disallowed";
}

std::string hsmPolicyText(std::uint32_t id, std::uint32_t value) {
    const auto* def = hsm::findHsmPolicy(id);
    if (!def || def->maxValue > 1) return std::to_string(value);
    return value ? "On" : "Off";
}

} // namespace luna::snmp
