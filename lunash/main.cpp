// lunash: the appliance shell, the login shell of admin, operator, monitor and audit.
// sshd runs it as `lunash -c "<command>"` for `ssh admin@host 'hsm show'`, and as "-lunash"
// (a login shell) for an interactive or piped session. It holds no privilege and starts no
// shell: every command is a row of the command table, and every HSM change a D-Bus call
// that hsmd authorizes from this process's uid.
#include "console.h"
#include "banner.h"
#include "interactive.h"
#include "registry.h"
#include "role.h"
#include "shell.h"

#include <pwd.h>
#include <signal.h>
#include <syslog.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <sstream>

namespace {

constexpr const char* kPrompt = "lunash:>";

lunash::Session currentSession() {
    lunash::Session s;
    const uid_t uid = ::getuid();
    if (const passwd* pw = ::getpwuid(uid)) {
        s.user = pw->pw_name;
        s.home = pw->pw_dir ? pw->pw_dir : "";
    } else {
        s.user = std::to_string(uid);
    }
    s.role = lunash::roleForUser(lunash::rolesFilePath(), uid, s.user);
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    s.hostname = host;
    // SSH_CONNECTION = "client-ip client-port server-ip server-port"; set by sshd for every
    // session it starts, absent on the serial console.
    if (const char* c = std::getenv("SSH_CONNECTION"); c && *c) {
        std::istringstream words(c);
        std::string ip, port;
        words >> ip >> port;
        s.sshClient = ip + "/" + port;
    }
    return s;
}

int usage() {
    std::cerr << "usage: lunash [-c \"<command>\"]\n";
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    openlog("lunash", LOG_PID, LOG_LOCAL5);
    std::optional<std::string> command;
    if (argc == 3 && std::strcmp(argv[1], "-c") == 0) command = argv[2];
    else if (argc != 1) return usage();

    lunash::CommandTable table;
    lunash::registerAllCommands(table);
    if (auto problems = table.problems(); !problems.empty()) {
        for (const auto& p : problems) std::cerr << "lunash: command table: " << p << '\n';
        return 70;
    }
    lunash::FdConsole console(STDIN_FILENO, std::cout);
    lunash::Shell shell(table, currentSession(), console, std::cout, lunash::connectHsm, lunash::connectSysconf);

    if (auto ended = shell.enforcePasswordChange(console.isTerminal())) return *ended;
    if (command) {
        auto r = shell.run(*command);
        return r.ran && !r.ok ? 1 : 0;
    }
    if (console.isTerminal()) {
        // A shell, not a program to interrupt: ^C and ^Z do nothing at the prompt.
        ::signal(SIGINT, SIG_IGN);
        ::signal(SIGQUIT, SIG_IGN);
        ::signal(SIGTSTP, SIG_IGN);
        std::cout << "\nLuna Network HSM 7.2 (simulated) Command Line Shell v" << LUNASH_VERSION << "\n\n";
        lunash::printExtendedBanner(std::cout);
        // A person at a terminal read each Command Result; the exit status is for scripts
        // (-c and piped sessions).
        lunash::runInteractive(shell, kPrompt);
        return 0;
    }
    // Commands on a pipe: read and echoed like typed ones, so the transcript reads the same.
    bool allOk = true;
    while (auto line = console.readLine(kPrompt)) {
        auto r = shell.run(*line);
        if (r.exit) break;
        if (r.ran) {
            allOk = allOk && r.ok;
            std::cout << '\n';
        }
    }
    std::cout << std::flush;
    return allOk ? 0 : 1;
}
