// cbsd's durable cursors for one HSM, in its state directory (<SN>.state), written
// atomically (temp file, fsync, rename, fsync of the directory):
//   written      newest record written and fsynced to the log files (acknowledged to hsmd)
//   syslogged    newest record handed to syslog (resent from disk after a crash)
//   next-file    lowest number a new log file may take (names are never reused)
// The RELP forwarders keep their cursors in files of their own (remote_hosts.h): each host's
// thread saves its cursor without waiting for the recorder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace luna::cbsd {

struct CbsState {
    std::uint64_t written = 0;
    std::uint64_t syslogged = 0;
    std::uint32_t nextFile = 1;
};

// Replaces `file` with `text` so that a crash leaves the old or the new content: temp file,
// fsync, rename, fsync of the directory. Throws std::runtime_error.
void writeDurably(const std::filesystem::path& file, const std::string& text);

class StateFile {
public:
    explicit StateFile(std::filesystem::path file) : file_(std::move(file)) {}
    CbsState load() const;   // defaults when absent; throws on a damaged file
    void save(const CbsState& s) const;

private:
    std::filesystem::path file_;
};

} // namespace luna::cbsd
