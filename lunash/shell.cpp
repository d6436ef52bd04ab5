#include "shell.h"

#include "help.h"
#include "match.h"
#include "parser.h"

#include "luna/errors.h"

#include <syslog.h>

namespace lunash {

std::string Context::reportName() const {
    if (node.command && !node.command->reportName.empty()) return std::string(node.command->reportName);
    return node.fullName();
}

void Context::requireProceed(std::string_view prompt) {
    std::string p(prompt);
    p += "> ";
    for (;;) {
        auto answer = console.readLine(p);
        if (!answer) break;
        auto a = lower(*answer);
        if (a == "proceed") return;
        if (a == "quit") break;
        p = "Type 'proceed' to continue, or 'quit' to quit now.\n> ";
    }
    throw ShellError("Command aborted.");
}

std::string Context::askSecret(std::string_view prompt, std::string_view confirmPrompt) {
    auto first = console.readSecret(prompt);
    if (!first) throw ShellError("Error: no password was entered.");
    if (confirmPrompt.empty()) return *first;
    auto second = console.readSecret(confirmPrompt);
    if (!second || *second != *first) throw ShellError("Error: The entries do not match.");
    return *first;
}

SysconfService& Context::sysconf() {
    if (!sysconf_) throw ShellError("Error: the appliance configuration service is not available.");
    return sysconf_();
}

Shell::Shell(const CommandTable& table, Session session, Console& console, std::ostream& out, HsmConnector connect,
             SysconfConnector connectSysconf)
    : table_(table), session_(std::move(session)), console_(console), out_(out), connect_(std::move(connect)),
      connectSysconf_(std::move(connectSysconf)) {}

HsmService& Shell::hsm() {
    if (!hsm_) hsm_ = connect_();
    return *hsm_;
}

SysconfService& Shell::sysconf() {
    if (!connectSysconf_) throw ShellError("Error: the appliance configuration service is not available.");
    if (!sysconf_) sysconf_ = connectSysconf_();
    return *sysconf_;
}

namespace {

// The log keeps the full command name, never the abbreviation (reference ch.1), and never
// a secret.
std::string logLine(const Node& n, const Args& args) {
    std::string out = n.fullName();
    if (!n.command) return out;
    for (const auto& spec : n.command->args) {
        auto v = args.get(spec.name);
        if (!v) continue;
        if (!spec.positional) out += " -" + std::string(spec.name);
        if (spec.kind == ArgKind::Flag) continue;
        out += " " + (spec.kind == ArgKind::Password ? std::string("********") : *v);
    }
    return out;
}

void logCommand(const Session& s, const std::string& what, int result) {
    syslog(LOG_INFO, "info : %d : Command: %s : %s : %s", result, what.c_str(), s.user.c_str(),
           s.viaSsh() ? s.sshClient.c_str() : "console");
}

} // namespace

RunResult Shell::run(std::string_view line) {
    auto parsed = parseLine(table_, line, session_.role);
    RunResult r;
    if (parsed.status == ParseStatus::Empty) return r;
    r.ran = true;
    out_.line();
    if (parsed.status == ParseStatus::Help) {
        printHelp(out_, table_, *parsed.node, session_.role);
        out_.line();
        out_.line(Output::kSuccess);
        out_.flush();
        return r;
    }
    if (parsed.status == ParseStatus::Error) {
        out_.line(parsed.message);
        out_.line();
        printHelp(out_, table_, *parsed.node, session_.role);
        out_.line();
        out_.line(Output::kShellFailure);
        out_.flush();
        logCommand(session_, std::string(line.substr(0, 200)), 65535);
        r.ok = false;
        return r;
    }
    const Node& node = *parsed.node;
    Context ctx(out_, console_, session_, table_, node, [this]() -> HsmService& { return hsm(); },
                [this]() -> SysconfService& { return sysconf(); });
    int result = 0;
    try {
        node.command->handler(ctx, parsed.args);
    } catch (const ExitRequest&) {
        r.exit = true;
        logCommand(session_, logLine(node, parsed.args), 0);
        return r;
    } catch (const luna::Error& e) {
        out_.line(luna::lunashFailureLine(ctx.reportName(), e.code()));
        result = 65535;
    } catch (const ShellError& e) {
        out_.line(e.what());
        result = 65535;
    } catch (const std::exception& e) {
        out_.line(std::string("Error: '") + ctx.reportName() + "' failed: " + e.what());
        result = 65535;
    }
    out_.line();
    out_.line(result == 0 ? Output::kSuccess : Output::kShellFailure);
    out_.flush();
    logCommand(session_, logLine(node, parsed.args), result);
    r.ok = result == 0;
    return r;
}

} // namespace lunash
