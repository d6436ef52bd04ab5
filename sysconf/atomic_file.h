// How sysconfd changes a file. Readers see the old file or the new one, never a mix, and a
// crash at any point leaves one of the two: the new content goes to a temporary file in the
// same directory, is fsync'ed, renamed over the old one, and the directory is fsync'ed.
// applyConfig adds the rest of the privileged-change discipline: validate the candidate with
// the owning program's own check before it is in place, activate, and put the previous file
// back (and activate that again) when activation fails.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace luna::sysconf {

struct FileOwner {
    uid_t uid = 0;
    gid_t gid = 0;
    mode_t mode = 0644;
};

// The whole file, or nullopt when it does not exist. Other errors throw.
std::optional<std::string> readFile(const std::filesystem::path& path);

// The owner and mode of an existing file, nullopt when there is none.
std::optional<FileOwner> ownerOf(const std::filesystem::path& path);

// Mode and owner: `owner` if given, else those of the file replaced, else root 0644.
// Symlinks are never followed: the path itself is replaced.
void writeFileAtomic(const std::filesystem::path& path, std::string_view content,
                     std::optional<FileOwner> owner = std::nullopt);

// Removes the file (if present) and makes the removal durable.
void removeFileDurably(const std::filesystem::path& path);

struct ConfigChange {
    std::filesystem::path path;
    std::string content;
    std::optional<FileOwner> owner;
    // Runs on the candidate (a temporary file beside `path`) before anything changes; throws
    // to refuse it (e.g. runs `sshd -t -f <candidate>`). Optional.
    std::function<void(const std::filesystem::path& candidate)> validate;
    // Makes the new file take effect (reload the service). Optional.
    std::function<void()> activate;
};

// validate -> rename into place -> activate. A refused candidate changes nothing; a failed
// activation restores the previous file (or removes the new one if there was none), runs
// activate again for it (best effort, logged) and throws CKR_CONFIG_ACTIVATION_FAILED.
void applyConfig(const ConfigChange& change);

} // namespace luna::sysconf
