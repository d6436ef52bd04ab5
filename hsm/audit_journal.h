// The HSM's audit buffer on disk (seed ch.1, "the HSM's internal buffer"): the rendered
// records cbsd has not taken yet, kept as append-only segment files in the state directory.
//
// Why files and not the SQLite store: a record must be out of hsmd's memory before the
// command that made it returns (a crash of hsmd loses none), and with every category logged
// that is one record per signature — tens of thousands a second.
//
// Two stages, so that no command waits for the disk:
// - append() copies the records into a staging file (normally on tmpfs, /run/luna-hsm), mapped
//   shared: from then on a crash of hsmd cannot lose them (the kernel holds the pages), and the
//   copy never blocks behind the disk, nor costs a system call. With the records appended to
//   the segments on ext4, an append stalled whenever the flusher's fdatasync did, and with it
//   every command waiting for the chain (bench-audit, ECDSA, a slow stretch of the VM: -16 % on
//   ext4, -3 % on tmpfs; docs/benchmarks.md).
// - a flusher thread copies what was staged into the segment files every kFlushInterval, or
//   at once when someone waits (waitFlushed(): hsmd --audit-sync-each, read()), fdatasync()s
//   them, and only then empties the staging file and makes the records visible to readers
//   (read, openRecords, tip). A power cut can take what was staged and not yet copied: at
//   most about kFlushInterval of records (docs/decisions/audit-durability.md). Opening the
//   journal after a crash copies whatever the staging files still hold.
// Two staging files (<staging>/<journal id>.A and .B) take turns: appends go to one while the
// flusher copies and zeroes the other (kStagingBytes each, reserved when opened; an append
// finding no room waits for the switch). Each staged line carries its sequence number, so
// copying again after a failure (disk full) or a crash never duplicates a record, and its
// newline is stored last, so a line a crash cut short is no line.
//
// Layout: <dir>/seg-<first seq, 20 digits>.log, each a 93-byte header
//   "LASEG1 <first seq, 20 digits> <HMAC before the first record, 64 hex>\n"
// then whole 448-byte lines (luna/audit_line.h), consecutive sequence numbers. A new segment
// starts every kSegmentRecords records; segments whose records are all acknowledged are
// deleted, except the newest (its header or last line carries the chain forward); <dir>/acked
// says how far cbsd has them; <dir>/id names the journal, so that a staging directory never
// gives its records to another journal (a factory reset makes a new one).
// Opening repairs a torn end (a write cut by a power loss): the partial or unreadable last
// lines are cut (only a power loss tears a write, and only in the not yet flushed end).
// One appender at a time (AuditLog's chain lock); reads and the flusher run beside it.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace luna::hsm {

class AuditJournal {
public:
    static constexpr std::uint64_t kSegmentRecords = 4096;
    // Between two flushes while nobody waits for one: each flush costs the writer's core the
    // page write-back and a journal commit, so continuous flushing under load costs more CPU
    // than the records themselves.
    static constexpr std::chrono::milliseconds kFlushInterval{10};
    using Hmac = std::array<std::uint8_t, 32>;
    // Each of the two staging files: 9,362 records, about 230 ms of the fastest signing here;
    // the flusher switches files every kFlushInterval.
    static constexpr std::uint64_t kStagingBytes = 4u << 20;
    // How long an append waits for room in staging before it fails with CKR_LOG_FULL.
    static constexpr std::chrono::seconds kStagingWait{10};

    // Opens the segments in `dir` (created if absent) and copies in what `stagingDir` still
    // holds for them (empty: <dir>/staging); with no segment there, the journal stays empty
    // until start() says where the chain begins.
    explicit AuditJournal(std::filesystem::path dir, std::filesystem::path stagingDir = {});
    ~AuditJournal();   // flushes what was written, stops the flusher
    AuditJournal(const AuditJournal&) = delete;
    AuditJournal& operator=(const AuditJournal&) = delete;

    bool opened() const { return !segments_.empty(); }
    // An empty journal whose next record is `firstSeq`, chained from `prevHmac`.
    void start(std::uint64_t firstSeq, const Hmac& prevHmac);

    // Newest sequence number appended (first - 1 when no record was written yet).
    std::uint64_t newestSeq() const;
    std::uint64_t oldestSeq() const;   // first record still kept
    // The chain's tip as stored, once everything appended is on the disk: the newest line, or
    // when there is none, the HMAC the next record chains from (the newest segment's header).
    struct Tip {
        std::uint64_t seq = 0;
        std::optional<std::string> line;
        Hmac base{};
    };
    Tip tip() const;

    // Appends consecutive records (`lines[i]` is newestSeq() + 1 + i); returns when they
    // are staged (in the kernel: a crash of this process cannot lose them).
    void append(const std::vector<std::string>& lines);
    void append(std::string_view lines);   // whole lines, one after the other
    // Returns when every record up to `seq` is flushed to the disk.
    void waitFlushed(std::uint64_t seq) const;

    // Records with sequence > after, oldest first, at most `max`; waits until everything
    // appended before the call is on the disk.
    std::vector<std::pair<std::uint64_t, std::string>> read(std::uint64_t after, std::uint32_t max) const;
    // Where the records after `after` are, for a reader in another process (cbsd) that reads
    // them from the file itself: `fd` (the caller's to close) is a read-only descriptor of the
    // segment holding record after + 1 (the newest segment when there is none yet); records
    // first..upTo are there at byte `offset`, 448 bytes each (none when upTo < first). More
    // follow in the next segment while upTo < newest. Only records on the disk: no wait.
    struct RecordSpan {
        int fd = -1;
        std::uint64_t first = 0, offset = 0, upTo = 0, newest = 0;
    };
    RecordSpan openRecords(std::uint64_t after) const;
    // cbsd has the records up to `seq` on its disk: remembers it (<dir>/acked) and deletes the
    // segments whose records are all acknowledged (never the newest). The file is not
    // flushed: after a power cut it may name an older record, and cbsd, which fetches after
    // its own cursor, is not given anything twice for it.
    void acknowledge(std::uint64_t seq);
    // The acknowledged position as last remembered (oldestSeq() - 1 if none).
    std::uint64_t acknowledged() const;
    // Called by the flusher (no lock held) with the newest sequence once records reached the disk.
    void setFlushListener(std::function<void(std::uint64_t)> fn);

private:
    struct Segment {
        std::filesystem::path path;
        std::uint64_t first = 0;
        std::uint64_t count = 0;   // records on the disk and synced: what readers see
    };
    void openSegments();
    void repairTail(Segment& s);
    void openStaging();
    void zeroStaging(int which, std::uint64_t bytes);
    void newSegment(std::uint64_t first, const Hmac& prev);   // the flusher's (or before it runs)
    void copyToSegments(std::string_view staged);             // the flusher's
    void publish(std::uint64_t upTo);                          // under mu_
    void flushLoop();
    // Under mu_: forgets the segments whose records are all acknowledged (never the newest);
    // returns their files, for the caller to delete without the lock.
    std::vector<std::filesystem::path> dropThrough(std::uint64_t seq);
    void saveAcknowledged(std::uint64_t seq) const;

    std::filesystem::path dir_;
    std::filesystem::path stagingDir_;
    std::string id_;
    mutable std::mutex mu_;
    std::condition_variable written_;    // the flusher waits for work
    mutable std::condition_variable hurry_;     // the flusher's pause between flushes ends early
    mutable std::condition_variable flushed_;   // waitFlushed() waits for the flusher
    bool flusherIdle_ = false;            // waiting for work: an append must wake it
    mutable int flushWaiters_ = 0;        // callers in waitFlushed()
    bool ackDirty_ = false;               // acked_ changed since the flusher last saved it
    std::map<std::uint64_t, Segment> segments_;   // by first sequence
    std::mutex listenerMu_;               // held while listener_ is set or called
    std::function<void(std::uint64_t)> listener_;

    // Staging, under mu_: appends go to stage_[active_]; the flusher drains the other one.
    int stage_[2] = {-1, -1};
    char* stageMap_[2] = {nullptr, nullptr};   // each file mapped: an append is a memcpy
    std::filesystem::path stagePath_[2];   // <staging>/<id>.A and .B
    std::condition_variable switched_;    // appends waiting for room: the files switched
    std::uint64_t stagedBytes_[2] = {0, 0};
    int active_ = 0;
    int draining_ = -1;                   // a file the flusher has still to copy (-1: none)

    // The flusher's own (and open/start's, before it runs): the newest segment it writes.
    int fd_ = -1;
    std::uint64_t tailFirst_ = 0, tailCount_ = 0;   // its first sequence, records written to it
    std::uint64_t onDisk_ = 0;            // newest sequence written to a segment (maybe not synced)

    std::uint64_t newest_ = 0;            // appended (staged)
    std::uint64_t flushedSeq_ = 0;        // on the disk, synced, visible to readers
    std::uint64_t acked_ = 0;             // acknowledged by cbsd
    bool stop_ = false;
    std::thread flusher_;
};

} // namespace luna::hsm
