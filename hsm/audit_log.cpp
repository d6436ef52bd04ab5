#include "hsm/audit_log.h"

#include "hsm/audit_secret.h"
#include "hsm/crypto.h"
#include "hsm/record.h"
#include "luna/audit_line.h"
#include "luna/errors.h"

#include <cstdio>

namespace luna::hsm {
namespace {

constexpr std::string_view kLogNs = "auditlog";
constexpr std::string_view kBufNs = "auditbuf";
constexpr std::string_view kAuditNs = "audit";   // shared with the Auditor's domain (hsm_internal.h)
constexpr std::string_view kSecretAad = "auditlog/secret";
constexpr std::string_view kVerifyAad = "audit/verify";

// Zero-padded so the store's key order is sequence order.
std::string bufKey(std::uint64_t seq) {
    char b[24];
    std::snprintf(b, sizeof b, "%020llu", static_cast<unsigned long long>(seq));
    return b;
}

} // namespace

AuditLog::AuditLog(Store& store, Keyring& keys, const Clock& clock, std::string serial, std::uint64_t capacity,
                   std::filesystem::path bufferDir, bool syncEach, std::filesystem::path stagingDir)
    : store_(store), keys_(keys), clock_(clock), serial_(std::move(serial)), capacity_(capacity), syncEach_(syncEach) {
    if (capacity_ == 0) throw Error(rc::ARGUMENTS_BAD, "the audit buffer needs room for at least one record");
    reload();
    openBuffer(std::move(bufferDir), std::move(stagingDir));
}

void AuditLog::openBuffer(std::filesystem::path dir, std::filesystem::path stagingDir) {
    journal_ = std::make_unique<AuditJournal>(std::move(dir), std::move(stagingDir));
    const auto oldChain = store_.get(kLogNs, "chain");
    if (!journal_->opened()) {
        // A new HSM starts the chain from 32 zero bytes; an HSM whose buffer and tip were
        // store keys moves them into the journal, flushed before the keys go.
        std::uint64_t first = 1;
        AuditJournal::Hmac prev{};
        std::vector<std::string> lines;
        if (oldChain) {
            auto r = Record::decode(*oldChain);
            const auto seq = r.u64("seq"), oldest = r.u64("oldest");
            auto h = r.bytes("hmac");
            if (h.size() != prev.size()) throw Error(rc::STORAGE_CORRUPT, "the audit chain state is damaged");
            std::copy(h.begin(), h.end(), prev.begin());
            first = seq + 1;
            if (oldest) {
                for (auto q = oldest; q <= seq; ++q) {
                    auto b = store_.get(kBufNs, bufKey(q));
                    if (!b) throw Error(rc::STORAGE_CORRUPT, "audit record " + std::to_string(q) + " is missing from the buffer");
                    lines.emplace_back(b->begin(), b->end());
                }
                auto l = audit::parseLine(lines.front());
                auto p = l ? audit::fromHex(l->prevHmacHex) : std::nullopt;
                if (!p || p->size() != prev.size()) throw Error(rc::STORAGE_CORRUPT, "the audit buffer is damaged");
                std::copy(p->begin(), p->end(), prev.begin());
                first = oldest;
            }
        }
        journal_->start(first, prev);
        journal_->append(lines);
        journal_->waitFlushed(first + lines.size() - 1);
    }
    newest_ = journal_->newestSeq();
    acked_ = journal_->acknowledged();
    if (oldChain) {
        store_.transaction([&] {
            store_.erase(kLogNs, "chain");
            store_.eraseNamespace(kBufNs);
        });
    }
}

void AuditLog::reload() {
    const auto s = settings();
    mask_.store(s.mask, std::memory_order_relaxed);
    rotation_.store(s.rotation, std::memory_order_relaxed);
    std::int64_t offset = 0;
    if (auto b = store_.get(kLogNs, "clock")) offset = std::stoll(Record::decode(*b).str("offset", "0"));
    clockOffset_.store(offset, std::memory_order_relaxed);
}

bool AuditLog::firstUse(std::uint64_t key) {
    std::lock_guard lock(usedMu_);
    return usedKeys_.insert(key).second;
}

// ---- configuration and clock -----------------------------------------------------------------

AuditSettings AuditLog::settings() const {
    AuditSettings s;
    auto b = store_.get(kAuditNs, "config");
    if (!b) return s;
    auto r = Record::decode(*b);
    s.mask = static_cast<std::uint32_t>(r.u64("mask")) & audit::kAllBits;
    s.rotation = audit::rotationFromName(r.str("rotation")).value_or(audit::kDefaultRotation);
    s.configured = true;
    return s;
}

void AuditLog::setSettings(const AuditSettings& s) {
    Record r;
    r.setU64("mask", s.mask & audit::kAllBits);
    r.set("rotation", audit::rotationName(s.rotation));
    store_.put(kAuditNs, "config", r.encode());
    mask_.store(s.mask & audit::kAllBits, std::memory_order_relaxed);
    rotation_.store(s.rotation, std::memory_order_relaxed);
}

std::int64_t AuditLog::now() const {
    const auto host = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
    return host + clockOffset_.load(std::memory_order_relaxed);
}

void AuditLog::syncTo(std::int64_t hostUnixSeconds) {
    const auto host = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
    Record r;
    r.set("offset", std::to_string(hostUnixSeconds - host));
    store_.put(kLogNs, "clock", r.encode());
    clockOffset_.store(hostUnixSeconds - host, std::memory_order_relaxed);
}

// ---- the chain and the buffer ------------------------------------------------------------------

std::optional<SecureBytes> AuditLog::storedOwnSecret() const {
    auto b = store_.get(kLogNs, "secret");
    if (!b) return std::nullopt;
    return keys_.openUnderMtk(kSecretAad, *b);
}

// ch.1: "set the first time an event is logged".
SecureBytes AuditLog::ownSecret() {
    {
        std::lock_guard lock(secretMu_);
        if (secret_) return *secret_;
    }
    if (auto s = storedOwnSecret()) return std::move(*s);
    auto fresh = crypto::randomKey(32);
    store_.put(kLogNs, "secret", keys_.sealUnderMtk(kSecretAad, fresh));
    return fresh;
}

AuditBufferState AuditLog::bufferState() const {
    AuditBufferState s;
    s.newestSeq = newest_.load();
    const auto acked = acked_.load();
    s.oldestBuffered = acked < s.newestSeq ? acked + 1 : 0;
    s.stored = s.newestSeq - std::min(acked, s.newestSeq);
    s.capacity = capacity_;
    return s;
}

// The HMAC of the newest record: computed once from the record as stored (the journal
// keeps lines, whose HMAC field is their predecessor's), then carried by each append.
std::array<std::uint8_t, 32> AuditLog::tipHmac(const AuditJournal::Tip& tip, std::span<const std::uint8_t> secret) {
    if (!tip.line) return tip.base;
    auto l = audit::parseLine(*tip.line);
    auto prev = l ? audit::fromHex(l->prevHmacHex) : std::nullopt;
    if (!prev || prev->size() != 32) throw Error(rc::STORAGE_CORRUPT, "the newest audit record is damaged");
    return auditChainHmac(secret, *tip.line, *prev);
}

void AuditLog::admit(AuditEvent event) {
    const auto& info = auditEventInfo(event);
    if (info.proceedsWhenFull || !bufferState().full()) return;
    if (auditMayBeWanted(info, mask_.load(std::memory_order_relaxed)))
        throw Error(rc::LOG_FULL, "The HSM audit log is full and " + std::string(info.name) +
                                      " must be logged: the audit logs cannot be offloaded (is cbsd running?)");
}

void AuditLog::prepareChain() {
    SecureBytes secret;
    {
        std::lock_guard l(secretMu_);
        if (secret_) secret = *secret_;
    }
    if (secret.empty()) {
        // The first record ever makes the secret; it is cached once certainly stored
        // (not inside a caller's transaction that could still roll back).
        const bool ownTransaction = !store_.inTransaction();
        store_.transaction([&] { secret = ownSecret(); });
        if (ownTransaction) {
            std::lock_guard l(secretMu_);
            if (!secret_) secret_ = secret;
        }
    }
    std::lock_guard lock(appendMu_);
    if (!tip_) tip_ = tipHmac(journal_->tip(), secret);
    if (!mac_) mac_ = std::make_unique<AuditChainMac>(secret);   // our secret never changes
    chainReady_.store(true, std::memory_order_release);
}

void AuditLog::record(const AuditMessage& message, bool firstUse) {
    const auto& info = auditEventInfo(message.event);
    if (!auditWanted(info, mask_.load(std::memory_order_relaxed), message.rc == rc::OK, firstUse)) return;
    // A command that proceeds under a full log is still logged: the buffer may run over its
    // nominal capacity rather than lose a record (the disk has room; capacity is a policy).
    std::string text;
    if (message.serial == serial_) {
        text = auditText(message);
    } else {
        AuditMessage m = message;
        m.serial = serial_;
        text = auditText(m);
    }
    if (!chainReady_.load(std::memory_order_acquire)) prepareChain();
    std::uint64_t seq = 0;
    {
        std::lock_guard lock(appendMu_);
        if (newest_.load() >= audit::kMaxSequence) throw Error(rc::LOG_FULL, "audit sequence numbers are exhausted");
        seq = newest_.load() + 1;
        const auto t = now();
        std::array<char, audit::kLineBytes> line;
        audit::renderLineInto(line, seq, t, text, *tip_, auditRaw(message, t, seq));
        const std::string_view view(line.data(), line.size());
        const auto hmac = (*mac_)(view, *tip_);
        journal_->append(view);   // throws (disk full) before anything below changed
        tip_ = hmac;
        newest_.store(seq);
    }
    if (syncEach_) journal_->waitFlushed(seq);
}

std::vector<std::pair<std::uint64_t, std::string>> AuditLog::fetch(std::uint64_t after, std::uint32_t max) const {
    // Acknowledged records may still sit in a segment not yet dropped: they are not buffered.
    return journal_->read(std::max(after, acked_.load()), max);
}

AuditJournal::RecordSpan AuditLog::openRecords(std::uint64_t after) const {
    return journal_->openRecords(std::max(after, acked_.load()));
}

void AuditLog::acknowledge(std::uint64_t upTo) {
    std::lock_guard lock(ackMu_);
    journal_->acknowledge(upTo);
    acked_ = journal_->acknowledged();
}

// ---- the log secret ----------------------------------------------------------------------------

Bytes AuditLog::exportSecret(std::string_view domain) {
    Bytes out;
    store_.transaction([&] { out = wrapAuditSecret(ownSecret(), domain, serial_); });
    return out;
}

std::string AuditLog::importSecret(std::span<const std::uint8_t> blob, std::string_view domain) {
    auto un = unwrapAuditSecret(blob, domain);
    // ch.1: the imported secret goes to its own slot; importing our own back restores
    // verification of our own logs.
    auto own = storedOwnSecret();
    if (own && crypto::constantTimeEqual(*own, un.secret)) store_.erase(kAuditNs, "verify");
    else store_.put(kAuditNs, "verify", keys_.sealUnderMtk(kVerifyAad, un.secret));
    return un.sourceSerial;
}

bool AuditLog::verifyingWithForeignSecret() const { return store_.get(kAuditNs, "verify").has_value(); }

AuditVerifyReport AuditLog::verify(const std::vector<std::string>& lines, std::optional<AuditSuccessor> successor,
                                   bool external) const {
    SecureBytes secret;
    const bool foreign = verifyingWithForeignSecret();
    if (foreign) secret = keys_.openUnderMtk(kVerifyAad, *store_.get(kAuditNs, "verify"));
    else if (auto own = storedOwnSecret()) secret = std::move(*own);
    else throw Error(rc::LOG_NO_KCV, "This HSM has not logged anything yet: it has no log secret");

    if (!successor && !foreign && !external && !lines.empty()) {
        // Our own log: what follows its last record is either still in the buffer or is the
        // newest record, whose HMAC the HSM keeps.
        std::uint64_t last = 0;
        for (auto it = lines.rbegin(); it != lines.rend() && !last; ++it)
            if (auto l = audit::parseLine(*it)) last = l->seq;
        const auto tip = journal_->tip();
        if (last && last <= tip.seq) {
            auto next = fetch(last, 1);
            AuditSuccessor s;
            s.where = "the HSM";
            if (!next.empty()) {
                auto l = audit::parseLine(next.front().second);
                auto prev = l ? audit::fromHex(l->prevHmacHex) : std::nullopt;
                if (prev && prev->size() == 32) {
                    s.seq = l->seq;
                    std::copy(prev->begin(), prev->end(), s.prevHmac.begin());
                    successor = s;
                }
            } else {
                s.seq = tip.seq + 1;
                s.prevHmac = tipHmac(tip, secret);
                successor = s;
            }
        }
    }
    return verifyAuditLines(secret, lines, successor);
}

} // namespace luna::hsm
