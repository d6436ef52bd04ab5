#include "tools.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace lunash {

ToolOutput runTool(const std::vector<std::string>& argv) {
    ToolOutput out;
    if (argv.empty()) return out;
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0) return out;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    char lang[] = "LC_ALL=C";
    char* env[] = {path, lang, nullptr};
    pid_t pid = -1;
    // posix_spawn (not spawnp): the PATH above is searched by hand, not the caller's.
    int rc = ENOENT;
    for (const char* dir : {"/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/"}) {
        std::string exe = argv[0].find('/') == std::string::npos ? dir + argv[0] : argv[0];
        if (::access(exe.c_str(), X_OK) != 0) continue;
        rc = posix_spawn(&pid, exe.c_str(), &fa, nullptr, args.data(), env);
        break;
    }
    posix_spawn_file_actions_destroy(&fa);
    ::close(pipefd[1]);
    if (rc != 0) {
        ::close(pipefd[0]);
        return out;
    }
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(pipefd[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(pipefd[0]);
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    out.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return out;
}

} // namespace lunash
