#include "sysconf/atomic_file.h"

#include "luna/errors.h"
#include "luna/unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <utility>

namespace luna::sysconf {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what, const fs::path& path) {
    throw std::system_error(errno, std::generic_category(), what + " " + path.string());
}

using Fd = luna::UniqueFd;

void syncDirectory(const fs::path& dir) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0 || ::fsync(fd.get()) != 0) fail("cannot sync directory", dir);
}

void writeAll(int fd, std::string_view data, const fs::path& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", path);
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

fs::path directoryOf(const fs::path& path) {
    auto dir = path.parent_path();
    return dir.empty() ? fs::path(".") : dir;
}

// A temporary file beside `path` holding `content`, synced, with its final owner and mode.
// Removed again by the destructor unless committed.
class Candidate {
public:
    Candidate(const fs::path& path, std::string_view content, const FileOwner& owner) {
        std::string tmpl = (directoryOf(path) / ("." + path.filename().string() + ".XXXXXX")).string();
        Fd fd(::mkostemp(tmpl.data(), O_CLOEXEC));
        if (fd.get() < 0) fail("cannot create a temporary file for", path);
        path_ = tmpl;
        if (::fchown(fd.get(), owner.uid, owner.gid) != 0 && geteuid() == 0) fail("cannot set the owner of", path_);
        if (::fchmod(fd.get(), owner.mode) != 0) fail("cannot set the mode of", path_);
        writeAll(fd.get(), content, path_);
        if (::fsync(fd.get()) != 0) fail("cannot sync", path_);
        if (::close(fd.release()) != 0) fail("cannot close", path_);
    }
    ~Candidate() {
        if (!path_.empty()) ::unlink(path_.c_str());
    }
    Candidate(const Candidate&) = delete;
    Candidate& operator=(const Candidate&) = delete;
    const fs::path& path() const { return path_; }
    void commitAs(const fs::path& target) {
        if (::rename(path_.c_str(), target.c_str()) != 0) fail("cannot rename into place", target);
        path_.clear();
        syncDirectory(directoryOf(target));
    }

private:
    fs::path path_;
};

FileOwner resolveOwner(const fs::path& path, std::optional<FileOwner> owner) {
    if (owner) return *owner;
    if (auto existing = ownerOf(path)) return *existing;
    return FileOwner{};
}

} // namespace

std::optional<std::string> readFile(const fs::path& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) {
        if (errno == ENOENT) return std::nullopt;
        fail("cannot open", path);
    }
    std::string out;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot read", path);
        }
        if (n == 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

std::optional<FileOwner> ownerOf(const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return std::nullopt;
        fail("cannot stat", path);
    }
    return FileOwner{st.st_uid, st.st_gid, static_cast<mode_t>(st.st_mode & 07777)};
}

void writeFileAtomic(const fs::path& path, std::string_view content, std::optional<FileOwner> owner) {
    Candidate candidate(path, content, resolveOwner(path, owner));
    candidate.commitAs(path);
}

void removeFileDurably(const fs::path& path) {
    if (::unlink(path.c_str()) != 0) {
        if (errno == ENOENT) return;
        fail("cannot remove", path);
    }
    syncDirectory(directoryOf(path));
}

void applyConfig(const ConfigChange& change) {
    const auto previous = readFile(change.path);
    const auto previousOwner = ownerOf(change.path);
    {
        Candidate candidate(change.path, change.content, resolveOwner(change.path, change.owner));
        if (change.validate) {
            try {
                change.validate(candidate.path());
            } catch (const std::exception& e) {
                syslog(LOG_WARNING, "%s: new content refused, nothing changed: %s", change.path.c_str(), e.what());
                throw Error(rc::CONFIG_ACTIVATION_FAILED,
                            "The new " + change.path.filename().string() + " was refused (" + e.what() +
                                "); nothing was changed");
            }
        }
        candidate.commitAs(change.path);
    }
    if (!change.activate) return;
    try {
        change.activate();
    } catch (const std::exception& e) {
        syslog(LOG_ERR, "%s: activation failed, restoring the previous file: %s", change.path.c_str(), e.what());
        if (previous) writeFileAtomic(change.path, *previous, previousOwner);
        else removeFileDurably(change.path);
        try {
            change.activate();
        } catch (const std::exception& again) {
            syslog(LOG_ERR, "%s: re-activating the previous file failed too: %s", change.path.c_str(), again.what());
        }
        throw Error(rc::CONFIG_ACTIVATION_FAILED, "Activating the new " + change.path.filename().string() +
                                                      " failed (" + e.what() + "); the previous one was restored");
    }
}

} // namespace luna::sysconf
