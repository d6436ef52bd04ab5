#include "sysconf/config_files.h"

#include "sysconf/atomic_file.h"

#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace luna::sysconf {
namespace {

namespace fs = std::filesystem;

void replaceSymlink(const fs::path& path, const std::string& target) {
    const fs::path tmp = path.parent_path() / ("." + path.filename().string() + ".new" + std::to_string(::getpid()));
    ::unlink(tmp.c_str());
    if (::symlink(target.c_str(), tmp.c_str()) != 0)
        throw std::system_error(errno, std::generic_category(), "cannot make link " + tmp.string());
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        throw std::system_error(e, std::generic_category(), "cannot replace " + path.string());
    }
}

} // namespace

FileState captureFile(const fs::path& path) {
    FileState s;
    s.path = path;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return s;
        throw std::system_error(errno, std::generic_category(), "cannot stat " + path.string());
    }
    if (S_ISLNK(st.st_mode)) {
        s.kind = FileState::Kind::Link;
        s.content = fs::read_symlink(path).string();
        return s;
    }
    if (!S_ISREG(st.st_mode)) throw std::runtime_error(path.string() + " is not a regular file");
    s.kind = FileState::Kind::File;
    s.mode = st.st_mode & 0777;
    s.content = readFile(path).value_or("");
    return s;
}

std::vector<FileState> captureDirectory(const fs::path& dir) {
    std::vector<FileState> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (!e.is_regular_file(ec) || e.is_symlink(ec)) continue;
        auto name = e.path().filename().string();
        if (name.starts_with(".")) continue;   // our own temporaries
        out.push_back(captureFile(e.path()));
    }
    std::sort(out.begin(), out.end(), [](const FileState& a, const FileState& b) { return a.path < b.path; });
    return out;
}

void applyFile(const FileState& s) {
    switch (s.kind) {
    case FileState::Kind::Absent:
        removeFileDurably(s.path);
        return;
    case FileState::Kind::Link:
        fs::create_directories(s.path.parent_path());
        replaceSymlink(s.path, s.content);
        return;
    case FileState::Kind::File:
        fs::create_directories(s.path.parent_path());
        writeFileAtomic(s.path, s.content, FileOwner{0, 0, static_cast<mode_t>(s.mode & 0755)});
        return;
    }
}

void applyAll(const std::vector<FileState>& targets) {
    std::vector<FileState> before;
    for (const auto& t : targets) before.push_back(captureFile(t.path));
    std::size_t done = 0;
    try {
        for (; done < targets.size(); ++done) applyFile(targets[done]);
    } catch (const std::exception& e) {
        syslog(LOG_ERR, "writing %s failed (%s); putting back the %zu file(s) already changed",
               targets[done].path.c_str(), e.what(), done);
        while (done-- > 0) {
            try {
                applyFile(before[done]);
            } catch (const std::exception& again) {
                syslog(LOG_ERR, "putting back %s failed: %s", before[done].path.c_str(), again.what());
            }
        }
        throw;
    }
}

} // namespace luna::sysconf
