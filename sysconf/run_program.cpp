#include "sysconf/run_program.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace luna::sysconf {
namespace {

struct Pipe {
    int fd[2] = {-1, -1};
    Pipe() {
        if (::pipe2(fd, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
    }
    ~Pipe() { closeAll(); }
    void close(int i) {
        if (fd[i] >= 0) ::close(fd[i]);
        fd[i] = -1;
    }
    void closeAll() {
        close(0);
        close(1);
    }
};

std::string lastLine(const std::string& s) {
    auto end = s.find_last_not_of("\n ");
    if (end == std::string::npos) return "";
    auto start = s.rfind('\n', end);
    return s.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

} // namespace

ProgramResult runProgram(const std::vector<std::string>& argv, std::string_view input,
                         std::chrono::milliseconds timeout) {
    if (argv.empty()) throw std::invalid_argument("runProgram: empty argv");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    // The tools run with what they need and nothing a caller could have influenced.
    static char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    static char lang[] = "LC_ALL=C";
    char* env[] = {path, lang, nullptr};

    Pipe in, out;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in.fd[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, out.fd[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);          // sysconfd blocks SIGTERM for sigwait
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    int err = ::posix_spawnp(&pid, args[0], &fa, &attr, args.data(), env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (err != 0) throw std::system_error(err, std::generic_category(), "cannot run " + argv[0]);
    in.close(0);
    out.close(1);

    // Small inputs (a password line) fit the pipe; write, then collect output until EOF.
    // A program that exits without reading makes the write fail with EPIPE; the SIGPIPE that
    // comes with it is held back and discarded here, so no caller (a test, a tool) has to
    // ignore SIGPIPE process-wide for this to be safe.
    sigset_t pipeSet, oldMask;
    sigemptyset(&pipeSet);
    sigaddset(&pipeSet, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipeSet, &oldMask);
    const bool wasPending = [&] {
        sigset_t pending;
        return ::sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
    }();
    bool brokenPipe = false;
    std::string_view rest = input;
    while (!rest.empty()) {
        ssize_t n = ::write(in.fd[1], rest.data(), rest.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {   // EPIPE: the program did not want it; its status will say
            brokenPipe = errno == EPIPE;
            break;
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
    if (brokenPipe && !wasPending) {
        const timespec now{0, 0};
        while (::sigtimedwait(&pipeSet, nullptr, &now) < 0 && errno == EINTR) {
        }
    }
    ::pthread_sigmask(SIG_SETMASK, &oldMask, nullptr);
    in.close(1);

    ProgramResult result;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool killed = false;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ::kill(pid, SIGKILL);
            killed = true;
            break;
        }
        pollfd p{out.fd[0], POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(left.count()));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) continue;
        char buf[4096];
        ssize_t n = ::read(out.fd[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (result.output.size() < (1u << 20)) result.output.append(buf, static_cast<std::size_t>(n));
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) result.status = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) result.status = 128 + WTERMSIG(status);
    if (killed) result.output += "\n(killed after the time limit)";
    return result;
}

ProgramResult runChecked(const std::vector<std::string>& argv, std::string_view input,
                         std::chrono::milliseconds timeout) {
    auto r = runProgram(argv, input, timeout);
    if (r.status != 0) {
        std::string msg = argv[0] + " failed (status " + std::to_string(r.status) + ")";
        if (auto last = lastLine(r.output); !last.empty()) msg += ": " + last;
        throw std::runtime_error(msg);
    }
    return r;
}

} // namespace luna::sysconf
