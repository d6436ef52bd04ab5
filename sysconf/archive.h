// Configuration backups are gzip'ed tar files, made and read by the system's tar. Reading a
// backup is reading untrusted input (`sysconf config import` takes any file), so it never
// happens in sysconfd itself: tar runs as a child, unprivileged (uid/gid 65534, no groups)
// when sysconfd is root, reads the archive from its stdin, and writes one member to its
// stdout (`tar -xzO`). Nothing is ever extracted to disk, so names, links and modes in the
// archive cannot place anything anywhere; callers check each member against the manifest.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace luna::sysconf {

// Makes `out` from the contents of `dir` (as root: files owned by root, numeric ids).
void createArchive(const std::filesystem::path& dir, const std::filesystem::path& out);

// The bytes of member `name` of the archive open on `fd`, or CKR_BACKUP_INVALID (not a
// gzip'ed tar, no such member, more than `limit` bytes, tar took too long).
std::string readArchiveMember(int fd, std::string_view name, std::size_t limit);

} // namespace luna::sysconf
