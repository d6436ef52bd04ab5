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

AuditLog::AuditLog(Store& store, Keyring& keys, const Clock& clock, std::string serial, std::uint64_t capacity)
    : store_(store), keys_(keys), clock_(clock), serial_(std::move(serial)), capacity_(capacity) {
    if (capacity_ == 0) throw Error(rc::ARGUMENTS_BAD, "the audit buffer needs room for at least one record");
    reload();
}

void AuditLog::reload() {
    mask_.store(settings().mask, std::memory_order_relaxed);
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

AuditLog::Chain AuditLog::chain() const {
    Chain c;
    auto b = store_.get(kLogNs, "chain");
    if (!b) return c;
    auto r = Record::decode(*b);
    c.seq = r.u64("seq");
    c.oldest = r.u64("oldest");
    auto h = r.bytes("hmac");
    if (h.size() != c.hmac.size()) throw Error(rc::STORAGE_CORRUPT, "the audit chain state is damaged");
    std::copy(h.begin(), h.end(), c.hmac.begin());
    return c;
}

void AuditLog::saveChain(const Chain& c) {
    Record r;
    r.setU64("seq", c.seq);
    r.setU64("oldest", c.oldest);
    r.setBytes("hmac", c.hmac);
    store_.put(kLogNs, "chain", r.encode());
}

std::optional<SecureBytes> AuditLog::storedOwnSecret() const {
    auto b = store_.get(kLogNs, "secret");
    if (!b) return std::nullopt;
    return keys_.openUnderMtk(kSecretAad, *b);
}

// ch.1: "set the first time an event is logged".
SecureBytes AuditLog::ownSecret() {
    {
        std::lock_guard lock(commitMu_);
        if (secret_) return *secret_;
    }
    if (auto s = storedOwnSecret()) return std::move(*s);
    auto fresh = crypto::randomKey(32);
    store_.put(kLogNs, "secret", keys_.sealUnderMtk(kSecretAad, fresh));
    return fresh;
}

AuditBufferState AuditLog::bufferState() const {
    auto c = chain();
    AuditBufferState s;
    s.newestSeq = c.seq;
    s.oldestBuffered = c.oldest;
    s.stored = c.oldest ? c.seq - c.oldest + 1 : 0;
    s.capacity = capacity_;
    return s;
}

void AuditLog::admit(AuditEvent event) {
    const auto& info = auditEventInfo(event);
    if (info.proceedsWhenFull || !bufferState().full()) return;
    if (auditMayBeWanted(info, settings().mask))
        throw Error(rc::LOG_FULL, "The HSM audit log is full and " + std::string(info.name) +
                                      " must be logged: the audit logs cannot be offloaded (is cbsd running?)");
}

void AuditLog::record(const AuditMessage& message, bool firstUse) { waitDurable(stage(message, firstUse)); }

std::uint64_t AuditLog::stage(const AuditMessage& message, bool firstUse) {
    const auto& info = auditEventInfo(message.event);
    if (!auditWanted(info, mask_.load(std::memory_order_relaxed), message.rc == rc::OK, firstUse)) return 0;
    // A command that proceeds under a full log is still logged: the buffer may run over its
    // nominal capacity rather than lose a record (the store has room; capacity is a policy).
    std::lock_guard lock(commitMu_);
    staged_.push_back({nextTicket_, message, now()});
    return nextTicket_++;
}

void AuditLog::waitDurable(std::uint64_t ticket) {
    if (!ticket) return;
    std::unique_lock lock(commitMu_);
    while (doneTicket_ < ticket) {
        if (!committing_) commit(lock);
        else committed_.wait(lock);
    }
    for (const auto& f : failed_)
        if (ticket >= f.first && ticket <= f.last) throw f.error;
}

void AuditLog::commit(std::unique_lock<std::mutex>& lock) {
    auto batch = std::move(staged_);
    staged_.clear();
    if (batch.empty()) return;
    committing_ = true;
    lock.unlock();
    std::uint64_t newest = 0;
    std::optional<Error> error;
    try {
        const bool ownTransaction = !store_.inTransaction();
        SecureBytes secret;
        store_.transaction([&] {
            auto c = chain();
            secret = ownSecret();
            for (const auto& s : batch) append(c, secret, s.message, s.time);
            saveChain(c);
            newest = c.seq;
        });
        // Cached only once it is certainly stored (not inside a caller's transaction that
        // could still roll back).
        if (ownTransaction) {
            std::lock_guard l(commitMu_);
            if (!secret_) secret_ = std::move(secret);
        }
    } catch (const Error& e) {
        error = e;
    } catch (const std::exception& e) {
        error = Error(rc::GENERAL_ERROR, std::string("audit log: ") + e.what());
    }
    if (newest && listener_) listener_(newest);
    lock.lock();
    committing_ = false;
    doneTicket_ = batch.back().ticket;
    if (error) {
        failed_.push_back({batch.front().ticket, batch.back().ticket, *error});
        if (failed_.size() > 16) failed_.erase(failed_.begin());
    }
    committed_.notify_all();
}

void AuditLog::append(Chain& c, std::span<const std::uint8_t> secret, const AuditMessage& m, std::int64_t t) {
    if (c.seq >= audit::kMaxSequence) throw Error(rc::LOG_FULL, "audit sequence numbers are exhausted");
    const std::uint64_t seq = c.seq + 1;
    AuditMessage msg = m;
    msg.serial = serial_;
    const auto raw = auditRaw(msg, t, seq);
    const auto line = audit::renderLine(seq, t, auditText(msg), c.hmac, raw);
    const auto h = auditChainHmac(secret, line, c.hmac);
    store_.put(kBufNs, bufKey(seq), asBytes(std::string_view(line)));
    c.seq = seq;
    c.hmac = h;
    if (!c.oldest) c.oldest = seq;
}

std::vector<std::pair<std::uint64_t, std::string>> AuditLog::fetch(std::uint64_t after, std::uint32_t max) const {
    const auto c = chain();
    std::vector<std::pair<std::uint64_t, std::string>> out;
    if (!c.oldest) return out;
    for (std::uint64_t seq = std::max(after + 1, c.oldest); seq <= c.seq && out.size() < max; ++seq) {
        auto b = store_.get(kBufNs, bufKey(seq));
        if (!b) throw Error(rc::STORAGE_CORRUPT, "audit record " + std::to_string(seq) + " is missing from the buffer");
        out.emplace_back(seq, std::string(b->begin(), b->end()));
    }
    return out;
}

void AuditLog::acknowledge(std::uint64_t upTo) {
    store_.transaction([&] {
        auto c = chain();
        if (!c.oldest || upTo < c.oldest) return;
        const auto last = std::min(upTo, c.seq);
        for (std::uint64_t seq = c.oldest; seq <= last; ++seq) store_.erase(kBufNs, bufKey(seq));
        c.oldest = last == c.seq ? 0 : last + 1;
        saveChain(c);
    });
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
        const auto c = chain();
        if (last && last <= c.seq) {
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
                s.seq = c.seq + 1;
                s.prevHmac = c.hmac;
                successor = s;
            }
        }
    }
    return verifyAuditLines(secret, lines, successor);
}

} // namespace luna::hsm
