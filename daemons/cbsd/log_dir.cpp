#include "log_dir.h"

#include "luna/audit_line.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace luna::cbsd {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kArchive = "ready_for_archive";
constexpr std::size_t kLine = audit::kLineBytes;

[[noreturn]] void fail(const std::string& what, const fs::path& p) {
    throw std::runtime_error(what + " " + p.string() + ": " + std::strerror(errno));
}

void fsyncDir(const fs::path& d) {
    int fd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail("cannot open", d);
    ::fsync(fd);
    ::close(fd);
}

std::string readFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// The sequence number of the last complete record of a file, 0 if it has none.
std::uint64_t lastSequence(const fs::path& p) {
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    struct stat st {};
    std::uint64_t seq = 0;
    if (::fstat(fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) >= kLine) {
        const auto whole = static_cast<std::uint64_t>(st.st_size) / kLine * kLine;
        std::string line(kLine, '\0');
        if (::pread(fd, line.data(), kLine, static_cast<off_t>(whole - kLine)) == static_cast<ssize_t>(kLine))
            if (auto l = audit::parseLine(line)) seq = l->seq;
    }
    ::close(fd);
    return seq;
}

} // namespace

std::int64_t rotationPeriod(audit::Rotation r, std::int64_t t) {
    switch (r) {
    case audit::Rotation::Hourly: return t / 3600;
    case audit::Rotation::Daily: return t / 86400;
    case audit::Rotation::Weekly: return (t / 86400 + 3) / 7;   // weeks start on Monday (1970-01-01 was a Thursday)
    case audit::Rotation::Monthly: {
        std::time_t tt = static_cast<std::time_t>(t);
        std::tm tm{};
        ::gmtime_r(&tt, &tm);
        return static_cast<std::int64_t>(tm.tm_year) * 12 + tm.tm_mon;
    }
    case audit::Rotation::Never: return 0;
    }
    return 0;
}

LogDirectory::LogDirectory(fs::path root, std::string serial, std::uint64_t maxFileBytes)
    : dir_(std::move(root) / serial), archive_(dir_ / kArchive), serial_(std::move(serial)),
      maxBytes_(std::max<std::uint64_t>(maxFileBytes, kLine)) {
    if (serial_.empty() || serial_.find_first_not_of("0123456789") != std::string::npos)
        throw std::invalid_argument("bad HSM serial number '" + serial_ + "'");
    fs::create_directories(archive_);
    for (const auto& d : {dir_, archive_})
        fs::permissions(d, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec, fs::perm_options::replace);
}

LogDirectory::~LogDirectory() {
    if (fd_ >= 0) ::close(fd_);
}

std::string LogDirectory::fileName(std::uint32_t n) const {
    char hex[16];
    std::snprintf(hex, sizeof hex, "%08x", n);
    return "hsm_" + serial_ + "_" + hex + ".log";
}

bool LogDirectory::validName(const std::string& name) const {
    std::string_view n = name;
    const std::string archivePrefix = std::string(kArchive) + "/";
    if (n.starts_with(archivePrefix)) n.remove_prefix(archivePrefix.size());
    const std::string prefix = "hsm_" + serial_ + "_";
    if (!n.starts_with(prefix) || !n.ends_with(".log")) return false;
    auto num = n.substr(prefix.size(), n.size() - prefix.size() - 4);
    return num.size() == 8 && num.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::optional<std::int64_t> LogDirectory::firstRecordTime(const fs::path& file) const {
    std::ifstream in(file, std::ios::binary);
    std::string line(kLine, '\0');
    if (!in.read(line.data(), static_cast<std::streamsize>(kLine))) return std::nullopt;
    auto l = audit::parseLine(line);
    if (!l) return std::nullopt;
    std::tm tm{};
    if (!::strptime(std::string(l->timestamp).c_str(), "%y/%m/%d %H:%M:%S", &tm)) return std::nullopt;
    return static_cast<std::int64_t>(::timegm(&tm));
}

std::vector<LogFile> LogDirectory::list() const {
    std::vector<LogFile> out;
    for (const auto& [d, prefix, inProgress] :
         {std::tuple{dir_, std::string(), true}, std::tuple{archive_, std::string(kArchive) + "/", false}}) {
        for (const auto& e : fs::directory_iterator(d)) {
            const auto name = prefix + e.path().filename().string();
            if (!e.is_regular_file() || !validName(name)) continue;
            struct stat st {};
            if (::stat(e.path().c_str(), &st) != 0) continue;
            LogFile f;
            f.name = name;
            f.inProgress = inProgress;
            f.size = static_cast<std::uint64_t>(st.st_size);
            f.mtime = st.st_mtime;
            f.number = static_cast<std::uint32_t>(std::stoul(name.substr(name.size() - 12, 8), nullptr, 16));
            out.push_back(f);
        }
    }
    std::sort(out.begin(), out.end(), [](const LogFile& a, const LogFile& b) { return a.number > b.number; });
    return out;
}

std::uint64_t LogDirectory::recover(std::uint32_t nextNumber) {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    next_ = std::max<std::uint32_t>(nextNumber, 1);
    auto files = list();
    for (const auto& f : files) next_ = std::max(next_, f.number + 1);
    // One file in progress at most: older ones (a crash between creating and renaming) are rotated.
    bool haveActive = false;
    for (const auto& f : files) {
        if (!f.inProgress) continue;
        if (haveActive) {
            fs::rename(dir_ / f.name, archive_ / f.name);
            dirDirty_ = true;
            continue;
        }
        haveActive = true;
        active_ = dir_ / f.name;
    }
    std::uint64_t newest = 0;
    if (haveActive) {
        fd_ = ::open(active_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
        if (fd_ < 0) fail("cannot open", active_);
        struct stat st {};
        ::fstat(fd_, &st);
        auto size = static_cast<std::uint64_t>(st.st_size) / kLine * kLine;
        // A crash can leave a line cut short (or a whole one never completed): drop it.
        while (size >= kLine) {
            std::ifstream in(active_, std::ios::binary);
            std::string line(kLine, '\0');
            in.seekg(static_cast<std::streamoff>(size - kLine));
            in.read(line.data(), static_cast<std::streamsize>(kLine));
            if (audit::parseLine(line)) break;
            size -= kLine;
        }
        if (size != static_cast<std::uint64_t>(st.st_size) && ::ftruncate(fd_, static_cast<off_t>(size)) != 0)
            fail("cannot truncate", active_);
        activeSize_ = size;
        activeSince_ = firstRecordTime(active_).value_or(st.st_mtime);
        newest = lastSequence(active_);
    }
    if (!newest)
        for (const auto& f : list())
            if ((newest = lastSequence(dir_ / f.name))) break;
    sync();
    return newest;
}

void LogDirectory::openNew(std::int64_t now) {
    active_ = dir_ / fileName(next_++);
    fd_ = ::open(active_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0640);
    if (fd_ < 0) fail("cannot create", active_);
    activeSize_ = 0;
    activeSince_ = now;
    dirDirty_ = true;
}

void LogDirectory::closeActive() {
    if (fd_ < 0) return;
    ::fsync(fd_);
    ::close(fd_);
    fd_ = -1;
}

void LogDirectory::append(const std::vector<std::string>& lines, std::int64_t now) {
    std::string chunk;
    auto flush = [&] {
        std::size_t off = 0;
        while (off < chunk.size()) {
            auto n = ::write(fd_, chunk.data() + off, chunk.size() - off);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                // Disk full (or worse): leave no part of a record behind.
                const int err = errno;
                if (::ftruncate(fd_, static_cast<off_t>(activeSize_)) != 0) {}
                errno = err ? err : ENOSPC;
                fail("cannot write", active_);
            }
            off += static_cast<std::size_t>(n);
        }
        activeSize_ += chunk.size();
        chunk.clear();
    };
    // The file in progress deleted under us (ch.1 warns that logging would go on into the
    // unlinked file and be lost): start a new one instead.
    if (struct stat st {}; fd_ >= 0 && ::fstat(fd_, &st) == 0 && st.st_nlink == 0) {
        ::close(fd_);
        fd_ = -1;
        activeSize_ = 0;
    }
    for (const auto& line : lines) {
        if (line.size() != kLine || line.back() != '\n') throw std::invalid_argument("not an audit record line");
        if (fd_ >= 0 && activeSize_ + chunk.size() + kLine > maxBytes_ && activeSize_ + chunk.size() > 0) {
            flush();
            rotate();
        }
        if (fd_ < 0) openNew(now);
        chunk += line;
    }
    if (!chunk.empty()) flush();
}

void LogDirectory::sync() {
    if (fd_ >= 0 && ::fsync(fd_) != 0) fail("cannot fsync", active_);
    if (dirDirty_) {
        fsyncDir(dir_);
        fsyncDir(archive_);
        dirDirty_ = false;
    }
}

void LogDirectory::rotate() {
    if (fd_ < 0 || activeSize_ == 0) return;
    closeActive();
    fs::rename(active_, archive_ / active_.filename());
    fsyncDir(dir_);
    fsyncDir(archive_);
    activeSize_ = 0;
}

bool LogDirectory::rotateIfDue(audit::Rotation rotation, std::int64_t now) {
    if (fd_ < 0 || activeSize_ == 0 || rotation == audit::Rotation::Never) return false;
    if (rotationPeriod(rotation, activeSince_) == rotationPeriod(rotation, now)) return false;
    rotate();
    return true;
}

void LogDirectory::clear() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    activeSize_ = 0;
    for (const auto& f : list()) fs::remove(dir_ / f.name);
    fsyncDir(dir_);
    fsyncDir(archive_);
}

std::string LogDirectory::read(const std::string& name) const {
    if (!validName(name)) throw std::invalid_argument("no audit log file '" + name + "'");
    auto content = readFile(dir_ / name);
    content.resize(content.size() / kLine * kLine);
    return content;
}

std::vector<std::pair<std::uint64_t, std::string>> LogDirectory::recordsAfter(std::uint64_t after, std::size_t max) const {
    std::vector<std::pair<std::uint64_t, std::string>> out;
    auto files = list();
    std::reverse(files.begin(), files.end());   // oldest first
    for (const auto& f : files) {
        if (out.size() >= max) break;
        if (lastSequence(dir_ / f.name) <= after) continue;
        auto content = read(f.name);
        for (std::size_t off = 0; off + kLine <= content.size() && out.size() < max; off += kLine) {
            auto line = content.substr(off, kLine);
            auto l = audit::parseLine(line);
            if (l && l->seq > after) out.emplace_back(l->seq, std::move(line));
        }
    }
    return out;
}

} // namespace luna::cbsd
