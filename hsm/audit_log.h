// The HSM's audit log (seed ch.1): decides what to log, builds each record, chains it under
// the per-HSM log secret and keeps it in the store until cbsd says it is on disk.
//
// Persistent state, all in the HSM store (crash-safe, sealed where secret):
//   auditlog/secret   the 256-bit log secret, sealed under the MTK-derived audit key; made at
//                     the first logged event; survives zeroize, decommission and factory reset
//   auditlog/clock    the HSM clock's offset from the host clock (audit sync)
// and, beside the store, the buffer itself (hsm/audit_journal.h): the rendered records, as
// append-only segment files; the newest record there (or the newest segment's header) is
// the chain's tip, whose HMAC the HSM keeps ("NVRAM"). Before this journal the buffer and
// the tip were store keys (auditbuf/<seq>, auditlog/chain): opening moves them over.
//   audit/config      event mask and rotation (destroyed with the Auditor by decommission and
//                     factory reset, kept by zeroize and re-initialization)
//   audit/verify      an imported log secret, used for verification instead of our own
//
// The Hsm calls it with or without its lock (the data plane records outside it). Each record
// is numbered, chained and appended under one brief lock, in the order records take it: the
// text is rendered before, so the lock covers only the sequence number, time, HMAC and one
// append. A record is written to the buffer before the command that made it returns (no crash
// of hsmd loses it) and flushed to the disk by the journal's flusher within a few ms, or
// before the command returns with `syncEach` (docs/decisions/audit-durability.md).
#pragma once

#include "hsm/audit_events.h"
#include "hsm/audit_journal.h"
#include "hsm/audit_record.h"
#include "hsm/audit_verify.h"
#include "hsm/brief_mutex.h"
#include "hsm/clock.h"
#include "hsm/keyring.h"
#include "hsm/store.h"
#include "luna/errors.h"

#include <atomic>
#include <optional>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace luna::hsm {

// Where the HSM's commands report their outcomes. The Hsm is built with one (an AuditLog on
// its own store unless HsmConfig names another), so tests can watch the events it emits.
class AuditSink {
public:
    virtual ~AuditSink() = default;
    // Before a command runs: throws CKR_LOG_FULL when the command's result would have to be
    // logged and cannot be (the ch.1 exceptions proceed). Called with or without the Hsm's
    // lock (the data plane admits without it): must be thread-safe.
    virtual void admit(AuditEvent event) = 0;
    // After it ran: logs the outcome if the configuration (or a critical event) asks for it.
    virtual void record(const AuditMessage& message, bool firstUse = false) = 0;
};

inline constexpr std::uint64_t kDefaultAuditCapacity = 198120;   // ch.1: "198,120 messages max"

struct AuditSettings {
    std::uint32_t mask = 0;                          // default: critical events only
    audit::Rotation rotation = audit::kDefaultRotation;
    bool configured = false;                         // the Auditor has set something
};

struct AuditBufferState {
    std::uint64_t newestSeq = 0;     // 0: nothing logged yet
    std::uint64_t oldestBuffered = 0;
    std::uint64_t stored = 0;        // records waiting for cbsd
    std::uint64_t capacity = 0;
    bool full() const { return stored >= capacity; }
};

class AuditLog final : public AuditSink {
public:
    // `bufferDir`: where the journal keeps the records (in the HSM's state directory);
    // `stagingDir`: where records wait for the journal's flusher (empty: inside bufferDir).
    // `syncEach`: a command returns only once its record is flushed to the disk.
    AuditLog(Store& store, Keyring& keys, const Clock& clock, std::string serial, std::uint64_t capacity,
             std::filesystem::path bufferDir, bool syncEach = false, std::filesystem::path stagingDir = {});

    void admit(AuditEvent event) override;
    void record(const AuditMessage& message, bool firstUse = false) override;

    AuditSettings settings() const;
    // The rotation in effect, without a store read (cbsd asks at every fetch).
    audit::Rotation rotation() const noexcept { return rotation_.load(std::memory_order_relaxed); }
    void setSettings(const AuditSettings& s);

    // The HSM clock: the host clock plus the offset `audit sync` set.
    std::int64_t now() const;
    void syncTo(std::int64_t hostUnixSeconds);

    const std::string& serial() const { return serial_; }
    AuditBufferState bufferState() const;
    // Records with sequence > after, oldest first, at most `max`. fetch() and acknowledge()
    // need no outside lock (cbsd's calls must not stall the data plane).
    std::vector<std::pair<std::uint64_t, std::string>> fetch(std::uint64_t after, std::uint32_t max) const;
    // The same, read by cbsd from the buffer's file (AuditJournal::openRecords).
    AuditJournal::RecordSpan openRecords(std::uint64_t after) const;
    // cbsd has them on disk: drop records up to and including `upTo` from the buffer.
    void acknowledge(std::uint64_t upTo);

    // The audit domain the Auditor was created with (CKR_LOG_NO_KCV without one).
    Bytes exportSecret(std::string_view domain);
    // Imports into the verification slot; never touches our own secret. Returns the source serial.
    std::string importSecret(std::span<const std::uint8_t> blob, std::string_view domain);
    bool verifyingWithForeignSecret() const;
    // Verifies with the verification secret. `successor` (the next file's first record) if the
    // caller has one; otherwise, for our own logs verified with our own secret, the HSM's
    // buffer or newest HMAC checks the end (truncation).
    AuditVerifyReport verify(const std::vector<std::string>& lines, std::optional<AuditSuccessor> successor,
                             bool external) const;

    // Without any lock, for the data plane's hot path: could the configuration ask to log
    // this event at all? (False for every usage event unless the Auditor enabled usage.)
    bool mayLog(AuditEvent event) const noexcept {
        return auditMayBeWanted(auditEventInfo(event), mask_.load(std::memory_order_relaxed));
    }
    // The first use of a key since the HSM started (first-usage-only categories).
    bool firstUse(std::uint64_t key);
    // After something erased the configuration behind our back (factory reset, decommission).
    void reload();

    // Called by the journal's flusher once records are on the disk (readable by cbsd): hsmd
    // wakes cbsd.
    void setListener(std::function<void(std::uint64_t newestSeq)> fn) { journal_->setFlushListener(std::move(fn)); }

private:
    void openBuffer(std::filesystem::path dir, std::filesystem::path stagingDir);   // the journal, moving a store-kept buffer over
    static std::array<std::uint8_t, 32> tipHmac(const AuditJournal::Tip& tip, std::span<const std::uint8_t> secret);
    SecureBytes ownSecret();                     // made on first use
    std::optional<SecureBytes> storedOwnSecret() const;
    void prepareChain();                         // the first record: the secret, its MAC, the tip

    Store& store_;
    Keyring& keys_;
    const Clock& clock_;
    std::string serial_;
    std::uint64_t capacity_;
    bool syncEach_;
    std::unique_ptr<AuditJournal> journal_;
    std::atomic<std::uint64_t> newest_{0};   // newest sequence written
    std::atomic<std::uint64_t> acked_{0};    // newest sequence cbsd has on disk
    std::mutex ackMu_;                       // one acknowledgement at a time
    std::atomic<std::uint32_t> mask_{0};   // the configured event mask, for mayLog()
    std::atomic<audit::Rotation> rotation_{audit::kDefaultRotation};
    std::mutex usedMu_;
    std::set<std::uint64_t> usedKeys_;
    std::atomic<std::int64_t> clockOffset_{0};   // audit sync's offset, as stored

    // The chain's writer. appendMu_ guards tip_, mac_ and each append to the journal.
    BriefMutex appendMu_;
    std::atomic<bool> chainReady_{false};               // mac_ and tip_ are set
    std::optional<std::array<std::uint8_t, 32>> tip_;   // the newest record's HMAC
    std::unique_ptr<AuditChainMac> mac_;                 // keyed with our secret
    std::mutex secretMu_;
    std::optional<SecureBytes> secret_;    // our own secret once it is committed
};

} // namespace luna::hsm
