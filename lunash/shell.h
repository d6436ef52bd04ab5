// The dispatcher: one typed line in, the command's output and its Command Result out.
// Interactive (interactive.cpp), `lunash -c`, and piped sessions all go through Shell::run,
// so they behave the same.
#pragma once

#include "console.h"
#include "hsm_service.h"
#include "output.h"
#include "registry.h"
#include "sysconf_service.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace lunash {

struct Session {
    std::optional<Role> role;
    std::string user;
    std::string home;           // the user's file area (my file, my public-key add)
    std::string hostname;
    std::string sshClient;      // "10.0.0.1/51234" from SSH_CONNECTION, "" on the local console
    bool viaSsh() const { return !sshClient.empty(); }
};

using HsmConnector = std::function<std::unique_ptr<HsmService>()>;
using SysconfConnector = std::function<std::unique_ptr<SysconfService>()>;

// What a handler sees.
class Context {
public:
    Context(Output& out, Console& console, const Session& session, const CommandTable& table, const Node& node,
            std::function<HsmService&()> hsm, std::function<SysconfService&()> sysconf = {})
        : out(out), console(console), session(session), table(table), node(node), hsm_(std::move(hsm)),
          sysconf_(std::move(sysconf)) {}

    Output& out;
    Console& console;
    const Session& session;
    const CommandTable& table;
    const Node& node;

    // The session's one connection to hsmd (made on first use).
    HsmService& hsm() { return hsm_(); }
    // The session's connection to sysconfd (user and my commands; made on first use).
    SysconfService& sysconf();
    // The name the reference uses in "'<name>' successful." lines.
    std::string reportName() const;
    void succeeded() { out.line("'" + reportName() + "' successful."); }
    // Prints `prompt` ("> " at the end is added), then reads answers until 'proceed' or
    // 'quit'; end of input counts as quit. Throws ShellError("Command aborted.") on quit.
    void requireProceed(std::string_view prompt);
    // Reads a password (no echo); with `confirmPrompt`, twice, and they must match.
    std::string askSecret(std::string_view prompt, std::string_view confirmPrompt = {});

private:
    std::function<HsmService&()> hsm_;
    std::function<SysconfService&()> sysconf_;
};

struct RunResult {
    bool ran = false;       // a command line (not blank)
    bool ok = true;         // Command Result 0
    bool exit = false;      // the user asked to leave
};

class Shell {
public:
    Shell(const CommandTable& table, Session session, Console& console, std::ostream& out, HsmConnector connect,
          SysconfConnector connectSysconf = {});
    RunResult run(std::string_view line);
    // Before the first command of an ssh session: when the user's password must be changed
    // (sysconfd says so), a terminal session changes it and ends, any other is refused.
    // Returns the exit status when the session must end, nothing to go on (first_login.cpp).
    std::optional<int> enforcePasswordChange(bool terminal);
    const Session& session() const { return session_; }
    const CommandTable& table() const { return table_; }

private:
    HsmService& hsm();
    SysconfService& sysconf();
    const CommandTable& table_;
    Session session_;
    Console& console_;
    Output out_;
    HsmConnector connect_;
    std::unique_ptr<HsmService> hsm_;
    SysconfConnector connectSysconf_;
    std::unique_ptr<SysconfService> sysconf_;
};

// Set by the exit command's handler; Shell::run reports it.
struct ExitRequest {};

} // namespace lunash
