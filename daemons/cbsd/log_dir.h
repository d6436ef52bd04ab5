// The audit log files of one HSM on the appliance (seed ch.1, LunaSH reference `audit log`):
//   <root>/<SN>/hsm_<SN>_<n>.log                    the file in progress
//   <root>/<SN>/ready_for_archive/hsm_<SN>_<n>.log  rotated files
// n is eight hex digits counting files (hsm_66331_0000000a.log). A file is rotated when the
// next record would take it past the size cap (4 MB) or when the rotation schedule the
// Auditor chose crosses a boundary (offset 0: on the hour, at midnight UTC, Monday, the 1st).
// Records are whole 448-byte lines; a line cut short by a crash is dropped at recovery.
//
// Not thread-safe: cbsd's recorder and its D-Bus methods share one under a mutex.
#pragma once

#include "luna/audit_config.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace luna::cbsd {

inline constexpr std::uint64_t kDefaultMaxFileBytes = 4u * 1024 * 1024;

struct LogFile {
    std::string name;          // relative to the HSM's directory
    bool inProgress = false;
    std::uint64_t size = 0;
    std::int64_t mtime = 0;
    std::uint32_t number = 0;
};

class LogDirectory {
public:
    LogDirectory(std::filesystem::path root, std::string serial, std::uint64_t maxFileBytes = kDefaultMaxFileBytes);
    ~LogDirectory();
    LogDirectory(const LogDirectory&) = delete;
    LogDirectory& operator=(const LogDirectory&) = delete;

    // Opens the file in progress (if any), drops a partial last line, and returns the
    // sequence number of the newest record on disk (0 if none). `nextNumber`: the lowest
    // file number a new file may take (persisted by the caller, so cleared names are not reused).
    std::uint64_t recover(std::uint32_t nextNumber);

    // Appends whole records (each 448 bytes with its '\n'), rotating at the size cap first.
    void append(const std::vector<std::string>& lines, std::int64_t now);
    // Makes everything appended so far durable (fsync of the file and, after a rotation or a
    // new file, of the directories).
    void sync();
    // Rotates the file in progress if the schedule says its period has ended.
    bool rotateIfDue(audit::Rotation rotation, std::int64_t now);
    void rotate();
    // Deletes every file; the next record starts a new file.
    void clear();

    std::vector<LogFile> list() const;   // newest first
    // The file's complete records.
    std::string read(const std::string& name) const;
    // For forwarders (syslog resend, RELP): records with sequence > after, oldest first, at
    // most max, from the files on disk.
    std::vector<std::pair<std::uint64_t, std::string>> recordsAfter(std::uint64_t after, std::size_t max) const;

    std::uint32_t nextNumber() const { return next_; }
    const std::string& serial() const { return serial_; }
    const std::filesystem::path& directory() const { return dir_; }
    // Is `name` one of ours (no path tricks)?
    bool validName(const std::string& name) const;

private:
    std::string fileName(std::uint32_t n) const;
    void openNew(std::int64_t now);
    void closeActive();
    std::optional<std::int64_t> firstRecordTime(const std::filesystem::path& file) const;

    std::filesystem::path dir_;
    std::filesystem::path archive_;
    std::string serial_;
    std::uint64_t maxBytes_;
    std::uint32_t next_ = 1;
    int fd_ = -1;
    std::filesystem::path active_;
    std::uint64_t activeSize_ = 0;
    std::int64_t activeSince_ = 0;   // start time of the file in progress (its first record)
    bool dirDirty_ = false;
};

// The period a time falls in under a rotation schedule (UTC, offset 0).
std::int64_t rotationPeriod(audit::Rotation r, std::int64_t unixSeconds);

} // namespace luna::cbsd
