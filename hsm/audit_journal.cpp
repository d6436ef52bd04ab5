#include "hsm/audit_journal.h"

#include "hsm/crypto.h"
#include "luna/audit_line.h"
#include "luna/errors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>

namespace luna::hsm {
namespace {

constexpr std::string_view kMagic = "LASEG1 ";
constexpr std::size_t kHeaderBytes = 7 + 20 + 1 + 64 + 1;   // "LASEG1 " seq ' ' hex '\n'
constexpr std::size_t kLine = audit::kLineBytes;

[[noreturn]] void ioError(const std::string& what) {
    throw Error(rc::DEVICE_ERROR, "audit buffer: " + what + ": " + std::strerror(errno));
}

std::string segmentName(std::uint64_t first) {
    char b[40];
    std::snprintf(b, sizeof b, "seg-%020llu.log", static_cast<unsigned long long>(first));
    return b;
}

std::string header(std::uint64_t first, const AuditJournal::Hmac& prev) {
    char b[32];
    std::snprintf(b, sizeof b, "%020llu", static_cast<unsigned long long>(first));
    return std::string(kMagic) + b + " " + audit::toHex(prev) + "\n";
}

struct Header {
    std::uint64_t first = 0;
    AuditJournal::Hmac prev{};
};

std::optional<Header> parseHeader(std::string_view h) {
    if (h.size() != kHeaderBytes || h.substr(0, kMagic.size()) != kMagic || h.back() != '\n') return std::nullopt;
    Header out;
    for (char c : h.substr(7, 20)) {
        if (c < '0' || c > '9') return std::nullopt;
        out.first = out.first * 10 + static_cast<std::uint64_t>(c - '0');
    }
    auto prev = audit::fromHex(h.substr(28, 64));
    if (!prev || prev->size() != out.prev.size()) return std::nullopt;
    std::copy(prev->begin(), prev->end(), out.prev.begin());
    return out;
}

// `what` and `name` make the error message, only when there is an error (this is the per-record path).
void writeAll(int fd, const char* p, std::size_t n, const char* what, const std::filesystem::path& name) {
    while (n) {
        auto w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            ioError(std::string(what) + " " + name.filename().string());
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

// Replaces a small file whole: written beside it, synced when `sync`, renamed over it.
void replaceFile(const std::filesystem::path& path, const std::string& text, bool sync) {
    auto tmp = path;
    tmp += ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) ioError("cannot write " + tmp.filename().string());
    try {
        writeAll(fd, text.data(), text.size(), "cannot write", tmp);
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (sync) ::fdatasync(fd);
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) ioError("cannot replace " + path.filename().string());
}

// Up to n bytes from `offset` (fewer at the end of the file).
std::string readFd(int fd, off_t offset, std::size_t n) {
    std::string out(n, '\0');
    std::size_t got = 0;
    while (got < n) {
        auto r = ::pread(fd, out.data() + got, n - got, offset + static_cast<off_t>(got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += static_cast<std::size_t>(r);
    }
    out.resize(got);
    return out;
}

std::string readAt(const std::filesystem::path& path, off_t offset, std::size_t n, bool mayBeMissing = false) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && mayBeMissing && errno == ENOENT) return {};
    if (fd < 0) ioError("cannot open " + path.filename().string());
    auto out = readFd(fd, offset, n);
    ::close(fd);
    return out;
}

void syncDirectory(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

} // namespace

AuditJournal::AuditJournal(std::filesystem::path dir, std::filesystem::path stagingDir)
    : dir_(std::move(dir)), stagingDir_(stagingDir.empty() ? dir_ / "staging" : std::move(stagingDir)) {
    for (const auto& d : {dir_, stagingDir_}) {
        std::filesystem::create_directories(d);
        std::filesystem::permissions(d, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
    }
    id_ = readAt(dir_ / "id", 0, 64, true);
    if (id_.size() != 17 || id_.back() != '\n') {
        id_ = audit::toHex(crypto::randomBytes(8));
        replaceFile(dir_ / "id", id_ + "\n", true);
        syncDirectory(dir_);
    } else {
        id_.pop_back();
    }
    openSegments();
    openStaging();
    flusher_ = std::thread([this] { flushLoop(); });
}

AuditJournal::~AuditJournal() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;   // the flusher copies what is staged before it ends
    }
    written_.notify_all();
    hurry_.notify_all();
    flusher_.join();
    if (fd_ >= 0) ::close(fd_);
    for (int i = 0; i < 2; ++i) {
        if (stageMap_[i]) ::munmap(stageMap_[i], kStagingBytes);
        if (stage_[i] >= 0) ::close(stage_[i]);
    }
    if (ackDirty_) {
        try {
            saveAcknowledged(acked_);
        } catch (...) {
            // Only advisory: the next start counts from the older position.
        }
    }
}

void AuditJournal::openSegments() {
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
        const auto name = e.path().filename().string();
        if (name.rfind("seg-", 0) != 0 || name.size() != 4 + 20 + 4) continue;
        if (name.substr(24) == ".new") {   // a segment whose creation a crash interrupted
            std::filesystem::remove(e.path());
            continue;
        }
        if (name.substr(24) != ".log") continue;
        const auto size = std::filesystem::file_size(e.path());
        auto h = parseHeader(readAt(e.path(), 0, kHeaderBytes));
        if (!h && size < kHeaderBytes) {
            // Renamed but its header never reached the disk (a power cut before the flush):
            // it held no record yet.
            std::filesystem::remove(e.path());
            continue;
        }
        if (!h) throw Error(rc::STORAGE_CORRUPT, "audit buffer: " + name + " has no valid header");
        segments_[h->first] = Segment{e.path(), h->first, (size - kHeaderBytes) / kLine};
    }
    if (segments_.empty()) return;
    auto& last = segments_.rbegin()->second;
    repairTail(last);
    // Segments must follow each other; a gap means a file was removed behind our back.
    std::optional<std::uint64_t> expect;
    for (const auto& [first, s] : segments_) {
        if (expect && first != *expect)
            throw Error(rc::STORAGE_CORRUPT, "audit buffer: records " + std::to_string(*expect) + " to " +
                                                 std::to_string(first - 1) + " are missing");
        expect = first + s.count;
    }
    newest_ = last.first + last.count - 1;
    flushedSeq_ = onDisk_ = newest_;
    tailFirst_ = last.first;
    tailCount_ = last.count;
    // Never behind what was dropped, never ahead of what exists (an unreadable file: none).
    const auto oldest = segments_.begin()->first;
    acked_ = oldest - 1;
    const auto text = readAt(dir_ / "acked", 0, 32, true);
    if (!text.empty() && text.find_first_not_of("0123456789\n") == std::string::npos && text.size() <= 21)
        acked_ = std::clamp<std::uint64_t>(std::strtoull(text.c_str(), nullptr, 10), oldest - 1, newest_);
    fd_ = ::open(last.path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd_ < 0) ioError("cannot open " + last.path.filename().string());
}

// A power cut can leave the end of the newest segment partly written (or, on some file
// systems, zero-filled): cut back to the last whole, readable record that follows its
// predecessor's sequence.
void AuditJournal::repairTail(Segment& s) {
    const auto size = std::filesystem::file_size(s.path);
    std::uint64_t count = (size - kHeaderBytes) / kLine;
    while (count) {
        const auto line = readAt(s.path, static_cast<off_t>(kHeaderBytes + (count - 1) * kLine), kLine);
        auto l = audit::parseLine(line);
        if (line.size() == kLine && line.back() == '\n' && l && l->seq == s.first + count - 1) break;
        --count;
    }
    if (kHeaderBytes + count * kLine != size) {
        if (::truncate(s.path.c_str(), static_cast<off_t>(kHeaderBytes + count * kLine)) != 0)
            ioError("cannot repair " + s.path.filename().string());
    }
    s.count = count;
}

// The staging files: what they still hold after a crash (whole lines that follow the
// segments) is copied into the segments and synced; then both start empty. Files another
// journal left there (of a state directory that was reset) are removed.
void AuditJournal::openStaging() {
    for (int i = 0; i < 2; ++i) stagePath_[i] = stagingDir_ / (id_ + (i ? ".B" : ".A"));
    const auto mine = stagePath_[0].filename().string(), mineB = stagePath_[1].filename().string();
    for (const auto& e : std::filesystem::directory_iterator(stagingDir_)) {
        const auto name = e.path().filename().string();
        const bool staging = name.size() == 18 && name[16] == '.' && (name[17] == 'A' || name[17] == 'B');
        if (staging && name != mine && name != mineB) std::filesystem::remove(e.path());
    }
    for (int i = 0; i < 2; ++i) {
        stage_[i] = ::open(stagePath_[i].c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (stage_[i] < 0) ioError("cannot open " + stagePath_[i].string());
    }
    if (!segments_.empty()) {
        std::map<std::uint64_t, std::string_view> staged;
        std::string bytes[2];
        for (int i = 0; i < 2; ++i) {
            struct stat st{};
            if (::fstat(stage_[i], &st) != 0) ioError("cannot read " + stagePath_[i].string());
            bytes[i] = readFd(stage_[i], 0, static_cast<std::size_t>(st.st_size));
            for (std::size_t at = 0; at + kLine <= bytes[i].size(); at += kLine) {
                const std::string_view line(bytes[i].data() + at, kLine);
                if (auto l = audit::parseLine(line)) staged[l->seq] = line;
            }
        }
        std::string run;
        for (auto seq = newest_ + 1; staged.count(seq); ++seq) run += staged[seq];
        if (!run.empty()) {
            copyToSegments(run);
            std::lock_guard lock(mu_);
            newest_ = onDisk_;
            publish(onDisk_);
        }
    }
    // Emptied (zeros), their room reserved (no SIGBUS for want of space later), and mapped.
    for (int i = 0; i < 2; ++i) {
        if (::ftruncate(stage_[i], 0) != 0) ioError("cannot empty " + stagePath_[i].string());
        if (const int rc = ::posix_fallocate(stage_[i], 0, static_cast<off_t>(kStagingBytes)); rc != 0) {
            errno = rc;
            ioError("cannot reserve " + std::to_string(kStagingBytes) + " bytes for " + stagePath_[i].string());
        }
        void* m = ::mmap(nullptr, kStagingBytes, PROT_READ | PROT_WRITE, MAP_SHARED, stage_[i], 0);
        if (m == MAP_FAILED) ioError("cannot map " + stagePath_[i].string());
        stageMap_[i] = static_cast<char*>(m);
    }
}

// Zeros what a drained staging file held: a line half-written over zeros is never a line.
// Overwritten, not punched out: the file keeps its reserved room (a page a later append had
// to allocate on a full tmpfs would be a SIGBUS).
void AuditJournal::zeroStaging(int which, std::uint64_t bytes) { std::memset(stageMap_[which], 0, bytes); }

void AuditJournal::start(std::uint64_t firstSeq, const Hmac& prevHmac) {
    {
        std::lock_guard lock(mu_);
        if (!segments_.empty()) throw Error(rc::GENERAL_ERROR, "audit buffer: already started");
    }
    newSegment(firstSeq, prevHmac);   // synced with its directory: nothing may depend on it before
    std::lock_guard lock(mu_);
    newest_ = flushedSeq_ = onDisk_ = firstSeq - 1;
    acked_ = newest_;
}

// Written under a temporary name, synced and renamed: a crash in the middle leaves a stray
// "seg-*.new" (removed at the next open), never a segment without its header. Made the
// newest segment for the flusher and, empty, for readers.
void AuditJournal::newSegment(std::uint64_t first, const Hmac& prev) {
    const auto path = dir_ / segmentName(first);
    auto tmp = path;
    tmp.replace_extension(".new");
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) ioError("cannot create " + tmp.filename().string());
    const auto h = header(first, prev);
    try {
        writeAll(fd, h.data(), h.size(), "cannot write", tmp);
        ::fdatasync(fd);
        if (::rename(tmp.c_str(), path.c_str()) != 0) ioError("cannot create " + path.filename().string());
    } catch (...) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    syncDirectory(dir_);
    if (fd_ >= 0) {
        ::fdatasync(fd_);   // the previous segment is complete: on the disk before it is published
        ::close(fd_);
    }
    fd_ = fd;
    tailFirst_ = first;
    tailCount_ = 0;
    std::lock_guard lock(mu_);
    segments_[first] = Segment{path, first, 0};
}

// Appends staged lines to the segments: those that follow onDisk_, in order (a line copied
// before, by a round that failed or was cut short by a crash, is skipped). Synced when it returns.
void AuditJournal::copyToSegments(std::string_view staged) {
    while (staged.size() >= kLine) {
        // Skip what is on the disk already.
        while (staged.size() >= kLine && audit::lineSequence(staged) <= onDisk_) staged.remove_prefix(kLine);
        if (staged.size() < kLine) break;
        if (audit::lineSequence(staged) != onDisk_ + 1)
            throw Error(rc::STORAGE_CORRUPT, "audit buffer: staged record " + std::to_string(audit::lineSequence(staged)) +
                                                 " does not follow " + std::to_string(onDisk_));
        if (tailCount_ >= kSegmentRecords) {
            // The new segment's header carries the chain: the HMAC its first record names.
            auto l = audit::parseLine(staged.substr(0, kLine));
            auto prev = l ? audit::fromHex(l->prevHmacHex) : std::nullopt;
            if (!prev || prev->size() != 32) throw Error(rc::GENERAL_ERROR, "audit buffer: malformed record");
            Hmac h{};
            std::copy(prev->begin(), prev->end(), h.begin());
            newSegment(onDisk_ + 1, h);
        }
        // Consecutive lines up to the segment's end, in one write.
        std::uint64_t n = 0;
        const auto room = kSegmentRecords - tailCount_;
        while (n < room && (n + 1) * kLine <= staged.size() && audit::lineSequence(staged.substr(n * kLine)) == onDisk_ + 1 + n) ++n;
        try {
            writeAll(fd_, staged.data(), n * kLine, "cannot append to", segmentName(tailFirst_));
        } catch (...) {
            // Cut back to whole records: the segment never holds half a line.
            if (::ftruncate(fd_, static_cast<off_t>(kHeaderBytes + tailCount_ * kLine)) != 0) {
                // Left as it is: opening the journal again cuts the partial line.
            }
            throw;
        }
        tailCount_ += n;
        onDisk_ += n;
        staged.remove_prefix(n * kLine);
    }
    if (fd_ >= 0 && ::fdatasync(fd_) != 0) ioError("cannot sync " + segmentName(tailFirst_));
}

// Readers see the records up to `upTo` (on the disk and synced).
void AuditJournal::publish(std::uint64_t upTo) {
    for (auto& [first, s] : segments_) {
        if (first > upTo) break;
        s.count = std::min<std::uint64_t>(upTo - first + 1, kSegmentRecords);
    }
    flushedSeq_ = std::max(flushedSeq_, upTo);
}

std::uint64_t AuditJournal::newestSeq() const {
    std::lock_guard lock(mu_);
    return newest_;
}

std::uint64_t AuditJournal::oldestSeq() const {
    std::lock_guard lock(mu_);
    return segments_.empty() ? 0 : segments_.begin()->first;
}

AuditJournal::Tip AuditJournal::tip() const {
    waitFlushed(newestSeq());
    std::lock_guard lock(mu_);
    if (segments_.empty()) throw Error(rc::GENERAL_ERROR, "audit buffer: not started");
    Tip t;
    t.seq = flushedSeq_;
    for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) {
        const auto& s = it->second;
        if (s.count && s.first + s.count - 1 == flushedSeq_) {
            t.line = readAt(s.path, static_cast<off_t>(kHeaderBytes + (s.count - 1) * kLine), kLine);
            return t;
        }
        if (s.first == flushedSeq_ + 1) {
            auto h = parseHeader(readAt(s.path, 0, kHeaderBytes));
            if (!h) throw Error(rc::STORAGE_CORRUPT, "audit buffer: " + s.path.filename().string() + " has no valid header");
            t.base = h->prev;
            return t;
        }
    }
    throw Error(rc::STORAGE_CORRUPT, "audit buffer: record " + std::to_string(flushedSeq_) + " is missing");
}

void AuditJournal::append(const std::vector<std::string>& lines) {
    // A segment's worth at a time: a moved-over buffer can hold more than a staging file.
    for (std::size_t i = 0; i < lines.size(); i += kSegmentRecords) {
        std::string run;
        const auto end = std::min<std::size_t>(lines.size(), i + kSegmentRecords);
        run.reserve((end - i) * kLine);
        for (auto k = i; k < end; ++k) {
            if (lines[k].size() != kLine) throw Error(rc::GENERAL_ERROR, "audit buffer: a record is not 448 bytes");
            run += lines[k];
        }
        append(run);
    }
}

void AuditJournal::append(std::string_view lines) {
    if (lines.empty()) return;
    if (lines.size() % kLine) throw Error(rc::GENERAL_ERROR, "audit buffer: a record is not 448 bytes");
    std::unique_lock lock(mu_);
    if (segments_.empty()) throw Error(rc::GENERAL_ERROR, "audit buffer: not started");
    // The sequence field only (a whole parseLine() per record costs more than the write).
    const auto first = audit::lineSequence(lines);
    if (first != newest_ + 1)
        throw Error(rc::GENERAL_ERROR, "audit buffer: record " + std::to_string(first) + " does not follow " +
                                           std::to_string(newest_));
    // Room in the staging file: when the flusher cannot keep up (a disk much slower than the
    // records), the append waits for it to switch files, and fails only if that takes long.
    const auto deadline = std::chrono::steady_clock::now() + kStagingWait;
    while (stagedBytes_[active_] + lines.size() > kStagingBytes) {
        if (lines.size() > kStagingBytes) throw Error(rc::GENERAL_ERROR, "audit buffer: too many records at once");
        hurry_.notify_one();
        if (switched_.wait_until(lock, deadline) == std::cv_status::timeout && stagedBytes_[active_] + lines.size() > kStagingBytes)
            throw Error(rc::LOG_FULL, "The HSM audit log is full: its records cannot reach the disk (" +
                                          stagePath_[active_].parent_path().string() + ")");
    }
    // The line's last byte (its newline) is stored last: whatever moment a crash hits, the
    // file holds whole lines and at most one line without its newline, which is no line.
    char* at = stageMap_[active_] + stagedBytes_[active_];
    std::memcpy(at, lines.data(), lines.size() - 1);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    at[lines.size() - 1] = lines.back();
    stagedBytes_[active_] += lines.size();
    newest_ += lines.size() / kLine;
    const bool wake = flusherIdle_;
    lock.unlock();
    if (wake) written_.notify_one();
}

void AuditJournal::waitFlushed(std::uint64_t seq) const {
    std::unique_lock lock(mu_);
    if (flushedSeq_ >= seq) return;
    ++flushWaiters_;
    hurry_.notify_one();
    flushed_.wait(lock, [&] { return flushedSeq_ >= seq || stop_; });
    --flushWaiters_;
}

// Under listenerMu_, which the flusher holds while it calls the listener: once this returns,
// the old listener is not running and will not run again (its owner may go away).
void AuditJournal::setFlushListener(std::function<void(std::uint64_t)> fn) {
    std::lock_guard lock(listenerMu_);
    listener_ = std::move(fn);
}

// Each round: appends switch to the other staging file, this one is copied into the segments
// and synced, then emptied, and the records become visible; the acknowledged position is
// saved in the same round. Then a pause of kFlushInterval unless someone waits for a flush.
// When a round fails (disk full), its staging file is kept and copied again next round before
// the files switch again.
void AuditJournal::flushLoop() {
    std::unique_lock lock(mu_);
    for (;;) {
        flusherIdle_ = true;
        written_.wait(lock, [this] { return stop_ || newest_ > flushedSeq_ || ackDirty_ || draining_ >= 0; });
        flusherIdle_ = false;
        if (draining_ < 0 && newest_ > flushedSeq_) {
            draining_ = active_;
            active_ ^= 1;
            switched_.notify_all();
        }
        const int from = draining_;
        const auto bytes = from >= 0 ? stagedBytes_[from] : 0;
        const bool ack = std::exchange(ackDirty_, false);
        const auto acked = acked_;
        lock.unlock();
        std::string failure;
        std::uint64_t upTo = 0;
        if (from >= 0) {
            try {
                copyToSegments(std::string_view(stageMap_[from], bytes));
                upTo = onDisk_;
                zeroStaging(from, bytes);
            } catch (const std::exception& e) {
                failure = e.what();
            }
        }
        bool ackSaved = true;
        if (ack) {
            try {
                saveAcknowledged(acked);
            } catch (...) {
                ackSaved = false;
            }
        }
        lock.lock();
        if (!ackSaved) ackDirty_ = true;
        const bool published = from >= 0 && failure.empty();
        if (published) {
            stagedBytes_[from] = 0;
            draining_ = -1;
            publish(upTo);
            flushed_.notify_all();
        }
        if (stop_ && (draining_ < 0 ? newest_ == flushedSeq_ : true)) return;   // failed at the end: the next open copies it
        if (published) {
            lock.unlock();
            {
                std::lock_guard l(listenerMu_);
                if (listener_) listener_(upTo);
            }
            lock.lock();
        }
        if (!failure.empty()) {
            lock.unlock();
            ::syslog(LOG_ERR, "audit buffer: cannot copy staged records to the disk (retrying): %s", failure.c_str());
            lock.lock();
            hurry_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; });
            if (stop_) return;
            continue;
        }
        hurry_.wait_for(lock, kFlushInterval, [this] { return stop_ || flushWaiters_ > 0; });
    }
}

std::vector<std::pair<std::uint64_t, std::string>> AuditJournal::read(std::uint64_t after, std::uint32_t max) const {
    waitFlushed(newestSeq());
    std::vector<std::pair<std::uint64_t, std::string>> out;
    std::unique_lock lock(mu_);
    const auto newest = flushedSeq_;
    std::vector<Segment> segs;
    for (const auto& [first, s] : segments_) segs.push_back(s);
    lock.unlock();
    for (const auto& s : segs) {
        if (out.size() >= max) break;
        const auto last = s.first + s.count - 1;
        if (!s.count || last <= after) continue;
        const auto from = std::max(after + 1, s.first);
        const auto n = std::min<std::uint64_t>({last - from + 1, max - out.size(), newest >= from ? newest - from + 1 : 0});
        if (!n) break;
        const auto bytes = readAt(s.path, static_cast<off_t>(kHeaderBytes + (from - s.first) * kLine), n * kLine, true);
        // Gone since the list was copied: cbsd acknowledged all of it meanwhile (only whole
        // acknowledged segments are deleted), so none of it is buffered any more.
        if (bytes.empty() && !std::filesystem::exists(s.path)) continue;
        if (bytes.size() != n * kLine)
            throw Error(rc::STORAGE_CORRUPT, "audit record " + std::to_string(from) + " is missing from the buffer");
        for (std::uint64_t k = 0; k < n; ++k) out.emplace_back(from + k, bytes.substr(k * kLine, kLine));
    }
    return out;
}

AuditJournal::RecordSpan AuditJournal::openRecords(std::uint64_t after) const {
    for (int attempt = 0;; ++attempt) {
        std::unique_lock lock(mu_);
        if (segments_.empty()) throw Error(rc::GENERAL_ERROR, "audit buffer: not started");
        const Segment* seg = &segments_.rbegin()->second;
        for (const auto& [first, s] : segments_) {
            if (s.count && first + s.count - 1 > after) {
                seg = &s;
                break;
            }
        }
        RecordSpan span;
        span.newest = flushedSeq_;
        span.first = std::max(after + 1, seg->first);
        span.upTo = std::max(seg->first + seg->count, span.first) - 1;
        span.offset = kHeaderBytes + (span.first - seg->first) * kLine;
        const auto path = seg->path;
        lock.unlock();
        span.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (span.fd >= 0) return span;
        // Deleted since: cbsd acknowledged all of it meanwhile; the next one holds the rest.
        if (errno != ENOENT || attempt >= 3) ioError("cannot open " + path.filename().string());
    }
}

std::uint64_t AuditJournal::acknowledged() const {
    std::lock_guard lock(mu_);
    return acked_;
}

void AuditJournal::acknowledge(std::uint64_t seq) {
    std::vector<std::filesystem::path> dropped;
    {
        std::lock_guard lock(mu_);
        seq = std::min(seq, flushedSeq_);
        if (seq <= acked_) return;
        acked_ = seq;
        ackDirty_ = true;   // saved by the flusher's next round
        dropped = dropThrough(seq);
    }
    // Deleted without the lock: freeing a segment's blocks can take the file system a while,
    // and appends must not wait for it.
    std::string failed;
    for (const auto& path : dropped)
        if (::unlink(path.c_str()) != 0 && errno != ENOENT && failed.empty()) failed = path.filename().string();
    if (!failed.empty()) ioError("cannot delete " + failed);
}

void AuditJournal::saveAcknowledged(std::uint64_t seq) const {
    replaceFile(dir_ / "acked", std::to_string(seq) + "\n", false);
}

std::vector<std::filesystem::path> AuditJournal::dropThrough(std::uint64_t seq) {
    std::vector<std::filesystem::path> out;
    while (segments_.size() > 1) {
        const auto& s = segments_.begin()->second;
        if (s.first + s.count - 1 > seq) break;
        out.push_back(s.path);
        segments_.erase(segments_.begin());
    }
    return out;
}

} // namespace luna::hsm
