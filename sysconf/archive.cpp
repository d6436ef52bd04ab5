#include "sysconf/archive.h"

#include "sysconf/run_program.h"

#include "luna/errors.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>
#include <vector>

namespace luna::sysconf {
namespace {

constexpr uid_t kNobody = 65534;

[[noreturn]] void invalid(const std::string& why) {
    throw Error(rc::BACKUP_INVALID, "The configuration backup file is corrupt or not a backup (" + why + ")");
}

} // namespace

void createArchive(const std::filesystem::path& dir, const std::filesystem::path& out) {
    runChecked({"tar", "--create", "--gzip", "--file", out.string(), "--directory", dir.string(), "--owner=0",
                "--group=0", "--numeric-owner", "--sort=name", "."});
}

std::string readArchiveMember(int fd, std::string_view name, std::size_t limit) {
    if (::lseek(fd, 0, SEEK_SET) < 0) throw std::system_error(errno, std::generic_category(), "lseek");
    const std::string member = "./" + std::string(name);
    const char* argv[] = {"tar", "--extract", "--gzip", "--to-stdout", "--file", "-", "--", member.c_str(), nullptr};
    static char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    static char lang[] = "LC_ALL=C";
    char* env[] = {path, lang, nullptr};
    const bool drop = ::geteuid() == 0;

    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
    pid_t pid = ::fork();
    if (pid < 0) {
        int e = errno;
        ::close(out[0]);
        ::close(out[1]);
        throw std::system_error(e, std::generic_category(), "fork");
    }
    if (pid == 0) {
        // The child: async-signal-safe calls only.
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        int devnull = ::open("/dev/null", O_WRONLY);
        if (::dup2(fd, 0) < 0 || ::dup2(out[1], 1) < 0 || devnull < 0 || ::dup2(devnull, 2) < 0) ::_exit(126);
        if (drop && (::setgroups(0, nullptr) != 0 || ::setresgid(kNobody, kNobody, kNobody) != 0 ||
                     ::setresuid(kNobody, kNobody, kNobody) != 0))
            ::_exit(125);
        ::execvpe("tar", const_cast<char* const*>(argv), env);
        ::_exit(127);
    }
    ::close(out[1]);

    std::string data;
    bool tooBig = false, timedOut = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timedOut = true;
            break;
        }
        pollfd p{out[0], POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(left.count()));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) continue;
        char buf[8192];
        ssize_t n = ::read(out[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (data.size() + static_cast<std::size_t>(n) > limit) {
            tooBig = true;
            break;
        }
        data.append(buf, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    if (tooBig || timedOut) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timedOut) invalid("reading it took too long");
    if (tooBig) invalid(std::string(name) + " is larger than " + std::to_string(limit) + " bytes");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 125) throw Error(rc::GENERAL_ERROR, "cannot drop privileges to read the backup");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) invalid(std::string(name) + " cannot be read from it");
    return data;
}

} // namespace luna::sysconf
