#include "user_files.h"

#include "luna/unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace lunash {
namespace {

using Fd = luna::UniqueFd;

Fd homeDir(const Context& ctx) {
    if (ctx.session.home.empty()) throw ShellError("Error: your file area cannot be found.");
    Fd fd(::open(ctx.session.home.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) throw ShellError("Error: your file area cannot be opened: " + std::string(std::strerror(errno)));
    return Fd(fd.release());
}

} // namespace

void checkUserFileName(const std::string& name) {
    bool ok = !name.empty() && name.size() <= 255 && name[0] != '.';
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') ok = false;
    if (!ok)
        throw ShellError("Error: '" + name.substr(0, 80) +
                         "' is not a file name (letters, digits, '.', '-' and '_'; see my file list).");
}

int openUserFile(const Context& ctx, const std::string& name) {
    checkUserFileName(name);
    Fd dir = homeDir(ctx);
    Fd fd(::openat(dir.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) throw ShellError("Cannot find " + name);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) throw ShellError("Error: " + name + " is not a regular file.");
    ::fcntl(fd.get(), F_SETFL, 0);
    return fd.release();
}

std::string readUserFile(const Context& ctx, const std::string& name, std::size_t max) {
    Fd fd(openUserFile(ctx, name));
    std::string data;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw ShellError("Error: cannot read " + name + ": " + std::strerror(errno));
        if (n == 0) break;
        data.append(buf, static_cast<std::size_t>(n));
        if (data.size() > max)
            throw ShellError("Error: " + name + " is larger than " + std::to_string(max) + " bytes.");
    }
    return data;
}

void writeUserFile(const Context& ctx, const std::string& name, int from) {
    checkUserFileName(name);
    Fd dir = homeDir(ctx);
    const std::string tmp = "." + name + ".part";
    ::unlinkat(dir.get(), tmp.c_str(), 0);
    Fd out(::openat(dir.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (out.get() < 0) throw ShellError("Error: cannot write to your file area: " + std::string(std::strerror(errno)));
    if (::lseek(from, 0, SEEK_SET) < 0 && errno != ESPIPE) throw ShellError("Error: cannot read what sysconfd sent.");
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(from, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw ShellError("Error: cannot read what sysconfd sent.");
        if (n == 0) break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = ::write(out.get(), buf + off, static_cast<std::size_t>(n - off));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) {
                ::unlinkat(dir.get(), tmp.c_str(), 0);
                throw ShellError("Error: cannot write " + name + ": " + std::strerror(errno));
            }
            off += w;
        }
    }
    if (::fsync(out.get()) != 0 || ::renameat(dir.get(), tmp.c_str(), dir.get(), name.c_str()) != 0) {
        ::unlinkat(dir.get(), tmp.c_str(), 0);
        throw ShellError("Error: cannot write " + name + ": " + std::strerror(errno));
    }
}

} // namespace lunash
