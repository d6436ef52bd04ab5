// A configuration file's whole state (a file with its content and mode, a link, or nothing)
// as the backup and reset logic moves it around; applyAll changes a set of them all or not
// at all (each atomically; on a failure the ones already changed are put back).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace luna::sysconf {

struct FileState {
    enum class Kind { File, Link, Absent };
    std::filesystem::path path;
    Kind kind = Kind::Absent;
    std::string content;     // a link's target for Link
    unsigned mode = 0644;

    bool operator==(const FileState&) const = default;
};

// What is at `path` now; a directory or device there is an error (never ours to move).
FileState captureFile(const std::filesystem::path& path);
// The regular files directly inside `dir`, sorted by name; empty when it does not exist.
std::vector<FileState> captureDirectory(const std::filesystem::path& dir);

// Files are written root-owned (when root) with their mode, parents created 0755; links are
// made beside and renamed over; Absent removes.
void applyFile(const FileState& state);
void applyAll(const std::vector<FileState>& targets);

} // namespace luna::sysconf
