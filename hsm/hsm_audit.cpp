// Hsm: the audit side (seed ch.1). Who may configure logging and handle the log secret
// (the Auditor; the HSM SO only while no Auditor exists), and how the HSM's commands report
// their outcomes to the audit sink: admitAudit() before a command (CKR_LOG_FULL), audited()
// after it succeeded, auditFailure() from the command's function-try-block when it failed.
#include "hsm/hsm_internal.h"
#include "luna/audit_line.h"
#include "luna/errors.h"

#include <cstdio>

namespace luna::hsm {
using namespace detail;

namespace {
constexpr std::uint32_t kControlledTamperPolicy = 48;
constexpr std::int64_t kDaemonSeenSeconds = 60;
} // namespace

// ---- emitting records ---------------------------------------------------------------------------

void Hsm::admitAudit(AuditEvent e) { audit_->admit(e); }

std::string Hsm::auditWho(const SessionId& s) const {
    auto it = logins_.find(s);
    if (it == logins_.end()) return {};
    if (it->second.so) return "SO";
    if (it->second.auditor) return "AU";
    return {};
}

AuditMessage Hsm::auditMessage(AuditEvent e, const SessionId& s, std::uint32_t rc, AuditNote note) const {
    AuditMessage m;
    m.serial = auditLog_->serial();   // fixed at the first power-up; no store read per record
    if (auto it = origins_.find(s); it != origins_.end()) m.origin = it->second;
    m.origin.session = auditSessionNumber(s);
    m.who = note.who.empty() ? auditWho(s) : note.who;
    m.object = std::move(note.object);
    m.event = e;
    m.rc = rc;
    m.detail = std::move(note.detail);
    m.usingPin = note.usingPin;
    m.container = note.container;
    m.value = note.value;
    return m;
}

void Hsm::audited(AuditEvent e, const SessionId& s, std::uint32_t rc, AuditNote note) {
    audit_->record(auditMessage(e, s, rc, std::move(note)));
}

void Hsm::auditFailure(AuditEvent e, const SessionId& s, const Error& err, AuditNote note) noexcept {
    if (err.code() == rc::LOG_FULL) return;   // refused because it could not be logged
    try {
        std::lock_guard lock(mu_);
        audited(e, s, err.code(), std::move(note));
    } catch (...) {
        // The command's own error is what the caller must see.
    }
}

// Without the HSM's lock: every audited data-plane request comes here, and a sink's admit()
// needs none (AuditSink says so).
void Hsm::auditAdmit(AuditEvent e) { admitAudit(e); }

void Hsm::auditRecord(const SessionId& s, AuditEvent e, std::uint32_t rc, std::string detail, bool firstUse) {
    // The data plane's hot path: the message is built under the lock (the session's origin),
    // the record is appended outside it, so concurrent requests never wait for each other's
    // records while holding the HSM.
    AuditMessage m;
    {
        std::lock_guard lock(mu_);
        if (firstUse) {
            m.serial = auditLog_->serial();
            if (auto it = origins_.find(s); it != origins_.end()) m.origin = it->second;
            m.origin.session = auditSessionNumber(s);
            m.event = e;
            m.rc = rc;
            m.detail = std::move(detail);
        } else {
            m = auditMessage(e, s, rc, AuditNote{.detail = std::move(detail)});
        }
    }
    audit_->record(m, firstUse);
}

void Hsm::setSessionOrigin(const SessionId& s, std::uint32_t accessHi, std::uint32_t accessLo) {
    std::lock_guard lock(mu_);
    origins_[s] = AuditOrigin{0, accessHi, accessLo};
}

void Hsm::setAuditListener(std::function<void(std::uint64_t)> fn) {
    std::lock_guard lock(mu_);
    auditLog_->setListener(std::move(fn));
}

// ---- who may do what ----------------------------------------------------------------------------

void Hsm::requireAuditor(const SessionId& s) const {
    if (!store_->get(kCredNs, "audit"))
        throw Error(rc::LOG_AUDIT_NOT_INITIALIZED, "The audit role is not initialized (audit init)");
    auto it = logins_.find(s);
    if (it == logins_.end() || !it->second.auditor)
        throw Error(rc::USER_NOT_LOGGED_IN, "This command requires the audit role to be logged in (audit login)");
}

// ch.1: with HSM policy 48 on, a tampered HSM refuses the Auditor's configuration, export
// and verification until the SO recovers it.
void Hsm::refuseInControlledTamper(std::string_view what) const {
    if (state().boolean("tamper") && policies("policies")[kControlledTamperPolicy] != 0)
        throw Error(rc::HSM_TAMPERED, std::string(what) + " is not allowed in controlled tamper recovery state");
}

void Hsm::logoutAuditor(const SessionId& s) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::Logout);
    auto it = logins_.find(s);
    if (it == logins_.end() || !it->second.auditor) throw Error(rc::USER_NOT_LOGGED_IN, "The audit role is not logged in");
    audited(AuditEvent::Logout, s, rc::OK);
    it->second.auditor = false;
} catch (const Error& e) {
    auditFailure(AuditEvent::Logout, s, e, {.who = "AU"});
    throw;
}

void Hsm::changeAuditorPassword(const SessionId& s, std::string_view oldPassword, std::string_view newPassword) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::SetPin);
    requireAuditor(s);
    checkSoPassword(newPassword);
    bool ok = false;
    mutate([&] {
        ok = checkCredential("audit", oldPassword, std::nullopt);
        if (ok) setCredential("audit", newPassword, std::nullopt, false);
    });
    if (!ok) throw Error(rc::PIN_INCORRECT, "The current audit role password is incorrect");
    audited(AuditEvent::SetPin, s, rc::OK);
} catch (const Error& e) {
    auditFailure(AuditEvent::SetPin, s, e, {.who = "AU"});
    throw;
}

// ---- configuration, clock, status ----------------------------------------------------------------

Hsm::AuditStatus Hsm::auditStatus(const SessionId& s) {
    std::lock_guard lock(mu_);
    AuditStatus st;
    st.serial = state().str("serial");
    st.roleInitialized = store_->get(kCredNs, "audit").has_value();
    auto it = logins_.find(s);
    st.loggedIn = it != logins_.end() && it->second.auditor;
    if (st.loggedIn) st.settings = auditLog_->settings();
    st.buffer = auditLog_->bufferState();
    st.hsmTime = auditLog_->now();
    st.daemonSeen = lastAuditFetch_ && st.hsmTime - lastAuditFetch_ <= kDaemonSeenSeconds;
    st.foreignSecret = auditLog_->verifyingWithForeignSecret();
    return st;
}

AuditSettings Hsm::auditSettings(const SessionId& s) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::LogGetConfig);
    auto it = logins_.find(s);
    const bool auditor = it != logins_.end() && it->second.auditor;
    const bool so = it != logins_.end() && it->second.so;
    if (!auditor && !(so && !store_->get(kCredNs, "audit"))) requireAuditor(s);
    auto out = auditLog_->settings();
    audited(AuditEvent::LogGetConfig, s, rc::OK);
    return out;
} catch (const Error& e) {
    auditFailure(AuditEvent::LogGetConfig, s, e);
    throw;
}

void Hsm::setAuditSettings(const SessionId& s, std::optional<std::uint32_t> mask,
                           std::optional<audit::Rotation> rotation) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::LogSetConfig);
    auto it = logins_.find(s);
    const bool auditor = it != logins_.end() && it->second.auditor;
    const bool so = it != logins_.end() && it->second.so;
    const bool auditorExists = store_->get(kCredNs, "audit").has_value();
    if (so && auditorExists)
        throw Error(rc::USER_NOT_AUTHORIZED, "The audit role exists: only the Auditor configures audit logging");
    if (!auditor && !so) requireAuditor(s);
    if (auditor) refuseInControlledTamper("Changing the audit configuration");
    auto cfg = auditLog_->settings();
    if (mask) cfg.mask = *mask & audit::kAllBits;
    if (rotation) cfg.rotation = *rotation;
    char maskHex[16];
    std::snprintf(maskHex, sizeof maskHex, "0x%04X", cfg.mask);
    const AuditNote note{.detail = std::string("event mask ") + maskHex + " rotation " +
                                   std::string(audit::rotationName(cfg.rotation))};
    // Logged if the old or the new configuration asks for it: turning logging off is recorded
    // (under the old one, before it changes), and so is turning it on (under the new one).
    const bool oldWants =
        auditWanted(auditEventInfo(AuditEvent::LogSetConfig), auditLog_->settings().mask, true);
    mutate([&] {
        if (oldWants) audited(AuditEvent::LogSetConfig, s, rc::OK, note);
        auditLog_->setSettings(cfg);
        if (!oldWants) audited(AuditEvent::LogSetConfig, s, rc::OK, note);
    });
} catch (const Error& e) {
    auditFailure(AuditEvent::LogSetConfig, s, e);
    throw;
}

void Hsm::syncAuditClock(const SessionId& s, std::int64_t hostUnixSeconds) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::LogSetTime);
    requireAuditor(s);
    mutate([&] { auditLog_->syncTo(hostUnixSeconds); });
    audited(AuditEvent::LogSetTime, s, rc::OK);
} catch (const Error& e) {
    auditFailure(AuditEvent::LogSetTime, s, e);
    throw;
}

// ---- the log secret and verification ---------------------------------------------------------------

Bytes Hsm::exportAuditSecret(const SessionId& s) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::LogExportSecret);
    requireAuditor(s);
    refuseInControlledTamper("Exporting the audit secret");
    auto sealed = store_->get(kAuditNs, "domain");
    if (!sealed) throw Error(rc::LOG_NO_KCV, "The audit role has no domain");
    auto domain = keys_->openUnderMtk("audit/domain", *sealed);
    Bytes out;
    mutate([&] { out = auditLog_->exportSecret(std::string_view(reinterpret_cast<const char*>(domain.data()), domain.size())); });
    audited(AuditEvent::LogExportSecret, s, rc::OK);
    return out;
} catch (const Error& e) {
    auditFailure(AuditEvent::LogExportSecret, s, e);
    throw;
}

std::string Hsm::importAuditSecret(const SessionId& s, std::span<const std::uint8_t> blob, std::string_view sourceSerial,
                                   std::string_view targetSerial) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::LogImportSecret);
    requireAuditor(s);
    const auto serial = state().str("serial");
    if (targetSerial != serial)
        throw Error(rc::ARGUMENTS_BAD, "The target serial number " + std::string(targetSerial) +
                                           " is not this HSM's (" + serial + ")");
    auto sealed = store_->get(kAuditNs, "domain");
    if (!sealed) throw Error(rc::LOG_NO_KCV, "The audit role has no domain");
    auto domain = keys_->openUnderMtk("audit/domain", *sealed);
    std::string source;
    mutate([&] {
        source = auditLog_->importSecret(blob, std::string_view(reinterpret_cast<const char*>(domain.data()), domain.size()));
        if (source != sourceSerial)
            throw Error(rc::ARGUMENTS_BAD, "The secret file was exported by HSM " + source + ", not " +
                                               std::string(sourceSerial));
    });
    audited(AuditEvent::LogImportSecret, s, rc::OK, {.detail = "source " + source});
    return source;
} catch (const Error& e) {
    auditFailure(AuditEvent::LogImportSecret, s, e);
    throw;
}

AuditVerifyReport Hsm::verifyAuditLog(const SessionId& s, const std::vector<std::string>& lines,
                                      std::optional<std::string> successorLine, bool external) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::LogVerify);
    requireAuditor(s);
    refuseInControlledTamper("Verifying audit logs");
    std::optional<AuditSuccessor> successor;
    if (successorLine) {
        auto l = audit::parseLine(*successorLine);
        auto prev = l ? audit::fromHex(l->prevHmacHex) : std::nullopt;
        if (!prev) throw Error(rc::ARGUMENTS_BAD, "The record after the verified ones is not a well-formed audit record");
        AuditSuccessor succ;
        succ.seq = l->seq;
        std::copy(prev->begin(), prev->end(), succ.prevHmac.begin());
        succ.where = "the next log file";
        successor = succ;
    }
    auto report = auditLog_->verify(lines, successor, external);
    audited(AuditEvent::LogVerify, s, report.ok() ? rc::OK : rc::LOG_BAD_RECORD_HMAC,
            {.detail = "records " + std::to_string(report.firstSeq) + " to " + std::to_string(report.lastSeq)});
    return report;
} catch (const Error& e) {
    auditFailure(AuditEvent::LogVerify, s, e);
    throw;
}

// ---- cbsd ------------------------------------------------------------------------------------------

// Without the HSM's lock while reading and acknowledging: cbsd's calls come every few ms
// under load, and the data plane stages its records under that lock.
std::vector<std::pair<std::uint64_t, std::string>> Hsm::fetchAuditRecords(std::uint64_t after, std::uint32_t max) {
    {
        std::lock_guard lock(mu_);
        lastAuditFetch_ = auditLog_->now();
    }
    return auditLog_->fetch(after, max);
}

AuditJournal::RecordSpan Hsm::openAuditRecords(std::uint64_t after) {
    {
        std::lock_guard lock(mu_);
        lastAuditFetch_ = auditLog_->now();
    }
    return auditLog_->openRecords(after);
}

void Hsm::acknowledgeAuditRecords(std::uint64_t upTo) { auditLog_->acknowledge(upTo); }

AuditBufferState Hsm::auditBuffer() const {
    std::lock_guard lock(mu_);
    return auditLog_->bufferState();
}

audit::Rotation Hsm::auditRotation() const { return auditLog_->rotation(); }

} // namespace luna::hsm
