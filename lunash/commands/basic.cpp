// help and exit: every role has them.
#include "commands/groups.h"

#include "help.h"
#include "parser.h"
#include "shell.h"

namespace lunash {
namespace {

void help(Context& ctx, const Args& args) {
    auto words = args.str("command");
    if (words.empty()) {
        printHelp(ctx.out, ctx.table, ctx.table.root(), ctx.session.role);
        return;
    }
    auto parsed = parseLine(ctx.table, words + " ?", ctx.session.role);
    if (parsed.status != ParseStatus::Help) throw ShellError(parsed.message);
    printHelp(ctx.out, ctx.table, *parsed.node, ctx.session.role);
}

void exitShell(Context&, const Args&) { throw ExitRequest{}; }

} // namespace

void registerBasicCommands(CommandTable& t) {
    t.add({.path = {"help"},
           .shortForm = "he",
           .args = {{.name = "command",
                     .kind = ArgKind::String,
                     .valueName = "<command>",
                     .help = "The command or group to describe (\"?\" after a command does the same).",
                     .positional = true,
                     .rest = true}},
           .roles = kEveryone,
           .help = "Get Help",
           .handler = help});
    t.add({.path = {"exit"}, .shortForm = "e", .roles = kEveryone, .help = "Exit Luna Shell", .handler = exitShell});
}

} // namespace lunash
