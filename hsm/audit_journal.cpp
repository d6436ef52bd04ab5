#include "hsm/audit_journal.h"

#include "luna/audit_line.h"
#include "luna/errors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <algorithm>
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

void writeAll(int fd, const char* p, std::size_t n, const std::string& what) {
    while (n) {
        auto w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            ioError(what);
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

std::string readAt(const std::filesystem::path& path, off_t offset, std::size_t n, bool mayBeMissing = false) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && mayBeMissing && errno == ENOENT) return {};
    if (fd < 0) ioError("cannot open " + path.filename().string());
    std::string out(n, '\0');
    std::size_t got = 0;
    while (got < n) {
        auto r = ::pread(fd, out.data() + got, n - got, offset + static_cast<off_t>(got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += static_cast<std::size_t>(r);
    }
    ::close(fd);
    out.resize(got);
    return out;
}

void syncDirectory(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

} // namespace

AuditJournal::AuditJournal(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
    openSegments();
    flusher_ = std::thread([this] { flushLoop(); });
}

AuditJournal::~AuditJournal() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    written_.notify_all();
    hurry_.notify_all();
    flusher_.join();
    for (int fd : retired_) {
        ::fdatasync(fd);
        ::close(fd);
    }
    if (fd_ >= 0) {
        ::fdatasync(fd_);
        ::close(fd_);
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
    flushedSeq_ = newest_;
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

void AuditJournal::start(std::uint64_t firstSeq, const Hmac& prevHmac) {
    std::lock_guard lock(mu_);
    if (!segments_.empty()) throw Error(rc::GENERAL_ERROR, "audit buffer: already started");
    newSegment(firstSeq, prevHmac);
    newest_ = firstSeq - 1;
    flushedSeq_ = newest_;
    acked_ = newest_;
    // Nothing may depend on this segment before it is certainly on the disk.
    ::fdatasync(fd_);
    syncDirectory(dir_);
    dirDirty_ = false;
}

// Written under a temporary name and renamed: a crash in the middle leaves a stray
// "seg-*.new" (removed at the next open), never a segment without its header.
void AuditJournal::newSegment(std::uint64_t first, const Hmac& prev) {
    const auto path = dir_ / segmentName(first);
    auto tmp = path;
    tmp.replace_extension(".new");
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) ioError("cannot create " + tmp.filename().string());
    const auto h = header(first, prev);
    try {
        writeAll(fd, h.data(), h.size(), "cannot write " + tmp.filename().string());
        if (::rename(tmp.c_str(), path.c_str()) != 0) ioError("cannot create " + path.filename().string());
    } catch (...) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    if (fd_ >= 0) retired_.push_back(fd_);
    fd_ = fd;
    segments_[first] = Segment{path, first, 0};
    dirDirty_ = true;
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
    std::lock_guard lock(mu_);
    if (segments_.empty()) throw Error(rc::GENERAL_ERROR, "audit buffer: not started");
    const auto& last = segments_.rbegin()->second;
    Tip t;
    t.seq = newest_;
    if (last.count) {
        t.line = readAt(last.path, static_cast<off_t>(kHeaderBytes + (last.count - 1) * kLine), kLine);
    } else {
        auto h = parseHeader(readAt(last.path, 0, kHeaderBytes));
        if (!h) throw Error(rc::STORAGE_CORRUPT, "audit buffer: " + last.path.filename().string() + " has no valid header");
        t.base = h->prev;
    }
    return t;
}

void AuditJournal::append(const std::vector<std::string>& lines) {
    std::string run;
    run.reserve(lines.size() * kLine);
    for (const auto& l : lines) {
        if (l.size() != kLine) throw Error(rc::GENERAL_ERROR, "audit buffer: a record is not 448 bytes");
        run += l;
    }
    append(run);
}

void AuditJournal::append(std::string_view lines) {
    if (lines.empty()) return;
    if (lines.size() % kLine) throw Error(rc::GENERAL_ERROR, "audit buffer: a record is not 448 bytes");
    std::unique_lock lock(mu_);
    if (segments_.empty()) throw Error(rc::GENERAL_ERROR, "audit buffer: not started");
    // The sequence field only (a whole parseLine() per record costs more than the write).
    std::uint64_t first = 0;
    for (char c : lines.substr(0, audit::kSeqWidth)) {
        if (c == ' ') break;
        if (c < '0' || c > '9') {
            first = 0;
            break;
        }
        first = first * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (first != newest_ + 1)
        throw Error(rc::GENERAL_ERROR, "audit buffer: record " + std::to_string(first) + " does not follow " +
                                           std::to_string(newest_));
    while (!lines.empty()) {
        auto* seg = &segments_.rbegin()->second;
        if (seg->count >= kSegmentRecords) {
            // The new segment's header carries the chain: the HMAC its first record names.
            auto l = audit::parseLine(lines.substr(0, kLine));
            auto prev = l ? audit::fromHex(l->prevHmacHex) : std::nullopt;
            if (!prev || prev->size() != 32) throw Error(rc::GENERAL_ERROR, "audit buffer: malformed record");
            Hmac h{};
            std::copy(prev->begin(), prev->end(), h.begin());
            newSegment(newest_ + 1, h);
            seg = &segments_.rbegin()->second;
        }
        const auto n = std::min<std::uint64_t>(lines.size() / kLine, kSegmentRecords - seg->count);
        // One write for the run. On failure (disk full) the segment is cut back to its last
        // whole record, so it never holds half a line.
        try {
            writeAll(fd_, lines.data(), n * kLine, "cannot append to " + seg->path.filename().string());
        } catch (...) {
            if (::ftruncate(fd_, static_cast<off_t>(kHeaderBytes + seg->count * kLine)) != 0) {
                // Left as it is: opening the journal again cuts the partial line.
            }
            throw;
        }
        seg->count += n;
        newest_ += n;
        lines.remove_prefix(n * kLine);
    }
    const bool wake = flusherIdle_;
    lock.unlock();
    if (wake) written_.notify_one();
}

void AuditJournal::waitFlushed(std::uint64_t seq) {
    std::unique_lock lock(mu_);
    if (flushedSeq_ >= seq) return;
    ++flushWaiters_;
    written_.notify_one();
    hurry_.notify_one();
    flushed_.wait(lock, [&] { return flushedSeq_ >= seq || stop_; });
    --flushWaiters_;
}

// Flushes what was written, then pauses kFlushInterval unless someone waits for a flush; saves
// the acknowledged position in the same round.
void AuditJournal::flushLoop() {
    std::unique_lock lock(mu_);
    for (;;) {
        flusherIdle_ = true;
        written_.wait(lock, [this] {
            return stop_ || newest_ > flushedSeq_ || dirDirty_ || !retired_.empty() || ackDirty_;
        });
        flusherIdle_ = false;
        if (stop_) return;
        const auto upTo = newest_;
        const int fd = fd_;
        auto retired = std::move(retired_);
        retired_.clear();
        const bool dir = std::exchange(dirDirty_, false);
        const bool ack = std::exchange(ackDirty_, false);
        const auto acked = acked_;
        lock.unlock();
        for (int r : retired) {
            ::fdatasync(r);
            ::close(r);
        }
        if (fd >= 0) ::fdatasync(fd);   // fd_ is closed only after this thread has ended
        if (dir) syncDirectory(dir_);
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
        flushedSeq_ = std::max(flushedSeq_, upTo);
        flushed_.notify_all();
        hurry_.wait_for(lock, kFlushInterval, [this] { return stop_ || flushWaiters_ > 0; });
    }
}

std::vector<std::pair<std::uint64_t, std::string>> AuditJournal::read(std::uint64_t after, std::uint32_t max) const {
    std::vector<std::pair<std::uint64_t, std::string>> out;
    std::unique_lock lock(mu_);
    const auto newest = newest_;
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
        span.newest = newest_;
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
    std::lock_guard lock(mu_);
    seq = std::min(seq, newest_);
    if (seq <= acked_) return;
    acked_ = seq;
    ackDirty_ = true;   // saved by the flusher's next round
    dropThrough(seq);
}

void AuditJournal::saveAcknowledged(std::uint64_t seq) const {
    const auto tmp = dir_ / "acked.tmp", path = dir_ / "acked";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) ioError("cannot write acked.tmp");
    const auto text = std::to_string(seq) + "\n";
    try {
        writeAll(fd, text.data(), text.size(), "cannot write acked.tmp");
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) ioError("cannot replace acked");
}

void AuditJournal::dropThrough(std::uint64_t seq) {
    while (segments_.size() > 1) {
        const auto& s = segments_.begin()->second;
        if (s.first + s.count - 1 > seq) break;
        if (::unlink(s.path.c_str()) != 0 && errno != ENOENT) ioError("cannot delete " + s.path.filename().string());
        segments_.erase(segments_.begin());
    }
}

} // namespace luna::hsm
