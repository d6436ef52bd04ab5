// cbsd's durable cursors for one HSM, in its state directory (<SN>.state), written
// atomically (temp file, fsync, rename, fsync of the directory):
//   written      newest record written and fsynced to the log files (acknowledged to hsmd)
//   syslogged    newest record handed to syslog (resent from disk after a crash)
//   next-file    lowest number a new log file may take (names are never reused)
// The RELP client (follow-up) adds one cursor per remote host here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace luna::cbsd {

struct CbsState {
    std::uint64_t written = 0;
    std::uint64_t syslogged = 0;
    std::uint32_t nextFile = 1;
    std::map<std::string, std::uint64_t> forwarded;   // per remote host (RELP, follow-up)
};

class StateFile {
public:
    explicit StateFile(std::filesystem::path file) : file_(std::move(file)) {}
    CbsState load() const;   // defaults when absent; throws on a damaged file
    void save(const CbsState& s) const;

private:
    std::filesystem::path file_;
};

} // namespace luna::cbsd
