#include "hsm/audit_events.h"

namespace luna::hsm {
namespace {

using C = AuditCategory;
using E = AuditEvent;
constexpr bool U = true;    // logged unconditionally
constexpr bool P = true;    // proceeds when the log is full
constexpr bool _ = false;

constexpr std::array kTable = std::to_array<AuditEventInfo>({
    {E::Login, "LUNA_LOGIN", C::Access, _, P},
    {E::Logout, "LUNA_LOGOUT", C::Access, _, P},
    {E::ModifyObject, "LUNA_MODIFY_OBJECT", C::Access, _, _},
    {E::OpenSession, "LUNA_OPEN_SESSION", C::Access, _, P},
    {E::CloseAllSessions, "LUNA_CLOSE_ALL_SESSIONS", C::Access, _, _},
    {E::CloseSession, "LUNA_CLOSE_SESSION", C::Access, _, P},
    {E::OpenAccess, "LUNA_OPEN_ACCESS", C::Access, _, _},
    {E::CleanAccess, "LUNA_CLEAN_ACCESS", C::Access, _, _},
    {E::CloseAccess, "LUNA_CLOSE_ACCESS", C::Access, _, _},
    {E::LoadCustomModule, "LUNA_LOAD_CUSTOM_MODULE", C::Access, _, _},
    {E::LoadEncryptedCustomModule, "LUNA_LOAD_ENCRYPTED_CUSTOM_MODULE", C::Access, _, _},
    {E::UnloadCustomModule, "LUNA_UNLOAD_CUSTOM_MODULE", C::Access, _, _},
    {E::ExecuteCustomCommand, "LUNA_EXECUTE_CUSTOM_COMMAND", C::Access, _, _},
    {E::HaLogin, "LUNA_HA_LOGIN", C::Access, _, _},
    {E::LogExternal, "LUNA_LOG_EXTERNAL", C::External, _, _},
    // Zeroize is CA_FactoryReset as well: both proceed under a full log (ch.1 exception list).
    {E::Zeroize, "LUNA_ZEROIZE", C::Manage, U, P},
    {E::InitToken, "LUNA_INIT_TOKEN", C::Manage, U, _},
    {E::SetPin, "LUNA_SET_PIN", C::Manage, _, _},
    {E::InitPin, "LUNA_INIT_PIN", C::Manage, _, _},
    {E::CreateContainer, "LUNA_CREATE_CONTAINER", C::Manage, _, _},
    {E::DeleteContainer, "LUNA_DELETE_CONTAINER", C::Manage, _, _},
    {E::SeedRandom, "LUNA_SEED_RANDOM", C::Manage, _, _},
    {E::ExtractContexts, "LUNA_EXTRACT_CONTEXTS", C::Manage, _, _},
    {E::InsertContexts, "LUNA_INSERT_CONTEXTS", C::Manage, _, _},
    {E::SelfTest, "LUNA_SELF_TEST", C::Manage, _, _},
    {E::LoadCert, "LUNA_LOAD_CERT", C::Manage, _, _},
    {E::HaInit, "LUNA_HA_INIT", C::Manage, _, _},
    {E::SetHsmPolicy, "LUNA_SET_HSM_POLICY", C::Manage, _, _},
    {E::SetDestructiveHsmPolicy, "LUNA_SET_DESTRUCTIVE_HSM_POLICY", C::Manage, _, _},
    {E::SetContainerPolicy, "LUNA_SET_CONTAINER_POLICY", C::Manage, _, _},
    {E::SetCapability, "LUNA_SET_CAPABILITY", C::Manage, _, _},
    {E::CreateLoginChallenge, "LUNA_CREATE_LOGIN_CHALLENGE", C::Manage, _, _},
    {E::RequestChallenge, "LUNA_REQUEST_CHALLENGE", C::Manage, _, _},
    {E::PedInitRpv, "LUNA_PED_INIT_RPV", C::Manage, _, _},
    {E::PedDeleteRpv, "LUNA_PED_DELETE_RPV", C::Manage, _, _},
    {E::MtkLock, "LUNA_MTK_LOCK", C::Manage, _, _},
    {E::MtkUnlockChallenge, "LUNA_MTK_UNLOCK_CHALLENGE", C::Manage, _, _},
    {E::MtkUnlockResponse, "LUNA_MTK_UNLOCK_RESPONSE", C::Manage, _, _},
    {E::MtkRestore, "LUNA_MTK_RESTORE", C::Manage, _, _},
    {E::MtkResplit, "LUNA_MTK_RESPLIT", C::Manage, _, _},
    {E::MtkZeroize, "LUNA_MTK_ZEROIZE", C::Manage, _, _},
    {E::FwUpgradeInit, "LUNA_FW_UPGRADE_INIT", C::Manage, _, _},
    {E::FwUpgradeUpdate, "LUNA_FW_UPGRADE_UPDATE", C::Manage, _, _},
    {E::FwUpgradeFinal, "LUNA_FW_UPGRADE_FINAL", C::Manage, _, _},
    {E::FwRollback, "LUNA_FW_ROLLBACK", C::Manage, _, _},
    {E::MtkSetStorage, "LUNA_MTK_SET_STORAGE", C::Manage, _, _},
    {E::SetContainerSize, "LUNA_SET_CONTAINER_SIZE", C::Manage, _, _},
    // ch.1 lists tamper and decommission among the critical events without event names.
    {E::Decommission, "LUNA_DECOMMISSION", C::Manage, U, P},
    {E::Tamper, "LUNA_TAMPER", C::Manage, U, P},
    {E::CreateObject, "LUNA_CREATE_OBJECT", C::KeyManage, _, _},
    {E::CopyObject, "LUNA_COPY_OBJECT", C::KeyManage, _, _},
    {E::DestroyObject, "LUNA_DESTROY_OBJECT", C::KeyManage, _, _},
    {E::DestroyMultipleObjects, "LUNA_DESTROY_MULTIPLE_OBJECTS", C::KeyManage, _, _},
    {E::GenerateKey, "LUNA_GENERATE_KEY", C::KeyManage, _, _},
    {E::GenerateKeyPair, "LUNA_GENERATE_KEY_PAIR", C::KeyManage, _, _},
    {E::WrapKey, "LUNA_WRAP_KEY", C::KeyManage, _, _},
    {E::UnwrapKey, "LUNA_UNWRAP_KEY", C::KeyManage, _, _},
    {E::DeriveKey, "LUNA_DERIVE_KEY", C::KeyManage, _, _},
    {E::GetRandom, "LUNA_GET_RANDOM", C::KeyManage, _, _},
    {E::CloneAsSource, "LUNA_CLONE_AS_SOURCE", C::KeyManage, _, _},
    {E::CloneAsTargetInit, "LUNA_CLONE_AS_TARGET_INIT", C::KeyManage, _, _},
    {E::CloneAsTarget, "LUNA_CLONE_AS_TARGET", C::KeyManage, _, _},
    {E::GenTknKeys, "LUNA_GEN_TKN_KEYS", C::KeyManage, _, _},
    {E::GenKcv, "LUNA_GEN_KCV", C::KeyManage, _, _},
    {E::SetLkcv, "LUNA_SET_LKCV", C::KeyManage, _, _},
    {E::MofNGenerate, "LUNA_M_OF_N_GENERATE", C::KeyManage, _, _},
    {E::MofNActivate, "LUNA_M_OF_N_ACTIVATE", C::KeyManage, _, _},
    {E::MofNModify, "LUNA_M_OF_N_MODIFY", C::KeyManage, _, _},
    {E::Extract, "LUNA_EXTRACT", C::KeyManage, _, _},
    {E::Insert, "LUNA_INSERT", C::KeyManage, _, _},
    {E::LkmCommand, "LUNA_LKM_COMMAND", C::KeyManage, _, _},
    {E::ModifyUsageCount, "LUNA_MODIFY_USAGE_COUNT", C::KeyManage, _, _},
    {E::SignInit, "LUNA_SIGN_INIT", C::Asymmetric, _, _},
    {E::Sign, "LUNA_SIGN", C::Asymmetric, _, _},
    {E::SignEnd, "LUNA_SIGN_END", C::Asymmetric, _, _},
    {E::VerifyInit, "LUNA_VERIFY_INIT", C::Asymmetric, _, _},
    {E::Verify, "LUNA_VERIFY", C::Asymmetric, _, _},
    {E::VerifyEnd, "LUNA_VERIFY_END", C::Asymmetric, _, _},
    {E::SignSinglepart, "LUNA_SIGN_SINGLEPART", C::Asymmetric, _, _},
    {E::VerifySinglepart, "LUNA_VERIFY_SINGLEPART", C::Asymmetric, _, _},
    {E::EncryptInit, "LUNA_ENCRYPT_INIT", C::Symmetric, _, _},
    {E::Encrypt, "LUNA_ENCRYPT", C::Symmetric, _, _},
    {E::EncryptEnd, "LUNA_ENCRYPT_END", C::Symmetric, _, _},
    {E::DecryptInit, "LUNA_DECRYPT_INIT", C::Symmetric, _, _},
    {E::Decrypt, "LUNA_DECRYPT", C::Symmetric, _, _},
    {E::DecryptEnd, "LUNA_DECRYPT_END", C::Symmetric, _, _},
    {E::DigestInit, "LUNA_DIGEST_INIT", C::Symmetric, _, _},
    {E::Digest, "LUNA_DIGEST", C::Symmetric, _, _},
    {E::DigestKey, "LUNA_DIGEST_KEY", C::Symmetric, _, _},
    {E::DigestEnd, "LUNA_DIGEST_END", C::Symmetric, _, _},
    {E::EncryptSinglepart, "LUNA_ENCRYPT_SINGLEPART", C::Symmetric, _, _},
    {E::DecryptSinglepart, "LUNA_DECRYPT_SINGLEPART", C::Symmetric, _, _},
    {E::WrapCsp, "LUNA_WRAP_CSP", C::Symmetric, _, _},
    {E::MofNDuplicate, "LUNA_M_OF_N_DUPLICATE", C::Symmetric, _, _},
    {E::LogSetTime, "LUNA_LOG_SET_TIME", C::LogManage, _, _},
    {E::LogGetTime, "LUNA_LOG_GET_TIME", C::LogManage, _, _},
    {E::LogSetConfig, "LUNA_LOG_SET_CONFIG", C::LogManage, _, P},
    {E::LogGetConfig, "LUNA_LOG_GET_CONFIG", C::LogManage, _, P},
    {E::LogVerify, "LUNA_LOG_VERIFY", C::LogManage, _, _},
    {E::CreateAuditContainer, "LUNA_CREATE_AUDIT_CONTAINER", C::LogManage, U, _},
    {E::LogImportSecret, "LUNA_LOG_IMPORT_SECRET", C::LogManage, _, _},
    {E::LogExportSecret, "LUNA_LOG_EXPORT_SECRET", C::LogManage, _, _},
});
static_assert(kTable.size() == static_cast<std::size_t>(AuditEvent::Count_));

constexpr bool inEnumOrder() {
    for (std::size_t i = 0; i < kTable.size(); ++i)
        if (static_cast<std::size_t>(kTable[i].event) != i) return false;
    return true;
}
static_assert(inEnumOrder(), "the event table must follow the enum's order");

std::uint32_t categoryBits(AuditCategory c) {
    using audit::Bit;
    switch (c) {
    case C::Access: return audit::bit(Bit::Access);
    case C::External: return audit::bit(Bit::External);
    case C::Manage: return audit::bit(Bit::Manage);
    case C::KeyManage: return audit::bit(Bit::KeyManage);
    case C::Asymmetric: return audit::bit(Bit::Asymmetric);
    case C::Symmetric: return audit::bit(Bit::Symmetric);
    case C::LogManage: return audit::bit(Bit::LogManage);
    }
    return 0;
}

std::uint32_t firstUseBits(AuditCategory c) {
    if (c == C::Asymmetric) return audit::bit(audit::Bit::AsymFirst);
    if (c == C::Symmetric) return audit::bit(audit::Bit::SymFirst);
    return 0;
}

} // namespace

const std::array<AuditEventInfo, static_cast<std::size_t>(AuditEvent::Count_)>& auditEventTable() { return kTable; }

const AuditEventInfo& auditEventInfo(AuditEvent e) { return kTable.at(static_cast<std::size_t>(e)); }

std::optional<AuditEvent> auditEventFromName(std::string_view name) {
    for (const auto& e : kTable)
        if (e.name == name) return e.event;
    return std::nullopt;
}

bool auditWanted(const AuditEventInfo& e, std::uint32_t mask, bool success, bool firstUse) {
    if (e.unconditional) return true;
    const auto outcome = audit::bit(success ? audit::Bit::Success : audit::Bit::Failure);
    if (!(mask & outcome)) return false;
    if (mask & categoryBits(e.category)) return true;
    return firstUse && (mask & firstUseBits(e.category));
}

bool auditMayBeWanted(const AuditEventInfo& e, std::uint32_t mask) {
    if (e.unconditional) return true;
    if (!(mask & audit::kOutcomeBits)) return false;
    return (mask & (categoryBits(e.category) | firstUseBits(e.category))) != 0;
}

} // namespace luna::hsm
