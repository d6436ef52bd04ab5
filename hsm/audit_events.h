// The HSM events of seed ch.1 ("Audit Log Categories and HSM Events"), each with its
// category, whether it is logged unconditionally (critical events) and whether its command
// must proceed when the log is full. One table; the enum is its index.
#pragma once

#include "luna/audit_config.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace luna::hsm {

enum class AuditCategory : std::uint8_t { Access, External, Manage, KeyManage, Asymmetric, Symmetric, LogManage };

enum class AuditEvent : std::uint16_t {
    // HSM Access
    Login, Logout, ModifyObject, OpenSession, CloseAllSessions, CloseSession, OpenAccess, CleanAccess,
    CloseAccess, LoadCustomModule, LoadEncryptedCustomModule, UnloadCustomModule, ExecuteCustomCommand, HaLogin,
    // Log External
    LogExternal,
    // HSM Management
    Zeroize, InitToken, SetPin, InitPin, CreateContainer, DeleteContainer, SeedRandom, ExtractContexts,
    InsertContexts, SelfTest, LoadCert, HaInit, SetHsmPolicy, SetDestructiveHsmPolicy, SetContainerPolicy,
    SetCapability, CreateLoginChallenge, RequestChallenge, PedInitRpv, PedDeleteRpv, MtkLock, MtkUnlockChallenge,
    MtkUnlockResponse, MtkRestore, MtkResplit, MtkZeroize, FwUpgradeInit, FwUpgradeUpdate, FwUpgradeFinal,
    FwRollback, MtkSetStorage, SetContainerSize,
    // Critical hardware events the guide lists without an event name (project names)
    Decommission, Tamper,
    // Key Management
    CreateObject, CopyObject, DestroyObject, DestroyMultipleObjects, GenerateKey, GenerateKeyPair, WrapKey,
    UnwrapKey, DeriveKey, GetRandom, CloneAsSource, CloneAsTargetInit, CloneAsTarget, GenTknKeys, GenKcv, SetLkcv,
    MofNGenerate, MofNActivate, MofNModify, Extract, Insert, LkmCommand, ModifyUsageCount,
    // Key Usage: signing and verification are asymmetric usage, encryption, decryption and
    // digests symmetric usage (docs/audit.md)
    SignInit, Sign, SignEnd, VerifyInit, Verify, VerifyEnd, SignSinglepart, VerifySinglepart,
    EncryptInit, Encrypt, EncryptEnd, DecryptInit, Decrypt, DecryptEnd, DigestInit, Digest, DigestKey, DigestEnd,
    EncryptSinglepart, DecryptSinglepart, WrapCsp, MofNDuplicate,
    // Audit Log Management
    LogSetTime, LogGetTime, LogSetConfig, LogGetConfig, LogVerify, CreateAuditContainer, LogImportSecret,
    LogExportSecret,
    Count_
};

struct AuditEventInfo {
    AuditEvent event;
    std::string_view name;     // LUNA_LOGIN
    AuditCategory category;
    bool unconditional;        // logged whatever the configuration says (ch.1 critical events)
    bool proceedsWhenFull;     // runs (and is still logged) when the log is full
};

const std::array<AuditEventInfo, static_cast<std::size_t>(AuditEvent::Count_)>& auditEventTable();
const AuditEventInfo& auditEventInfo(AuditEvent e);
std::optional<AuditEvent> auditEventFromName(std::string_view name);

// Does the configuration ask for this outcome of this event? `firstUse`: the first usage
// of the key since the HSM started (for the first-usage-only categories).
bool auditWanted(const AuditEventInfo& e, std::uint32_t mask, bool success, bool firstUse = false);
// Could the configuration ask for some outcome of this event (so it must be refused when the
// log is full)?
bool auditMayBeWanted(const AuditEventInfo& e, std::uint32_t mask);

} // namespace luna::hsm
