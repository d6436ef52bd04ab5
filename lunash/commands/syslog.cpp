// The syslog group: the appliance's logs and remote logging (reference "syslog ..."), on the
// real rsyslog through sysconfd, which checks every change with rsyslogd -N1 and restarts
// rsyslog. Archives and exports come back from sysconfd as descriptors and land in the
// user's file area, for scp.
#include "commands/groups.h"
#include "commands/sysconf_errors.h"

#include "platform_service.h"
#include "shell.h"
#include "user_files.h"

#include <algorithm>
#include <ctime>
#include <map>

namespace lunash {
namespace {

void restartedSyslog(Context& ctx) {
    ctx.out.line("Stopping syslog:" + std::string(59, ' ') + "[   OK   ]");
    ctx.out.line();
    ctx.out.line("Starting syslog:" + std::string(59, ' ') + "[   OK   ]");
    ctx.out.line();
}

std::string timestamp() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d_%H%M", &tm);
    return buf;
}

void remoteAdd(Context& ctx, const Args& args) {
    const auto host = args.str("host");
    const auto port = args.number("port").value_or(514);
    if (port > 65535) throw ShellError("Error: Port " + std::to_string(port) + " is out of range (1-65535).");
    const auto protocol = args.get("protocol").value_or("udp");
    explained(ctx, [&] { platform().addRemoteHost(host, static_cast<std::uint16_t>(port), protocol); });
    restartedSyslog(ctx);
    ctx.out.line(host + " added successfully");
    ctx.out.line("Make sure the rsyslog service on " + host + " is properly configured to receive the logs");
}

void remoteDelete(Context& ctx, const Args& args) {
    explained(ctx, [&] { platform().deleteRemoteHost(args.str("host")); });
    restartedSyslog(ctx);
}

void remoteClear(Context& ctx, const Args& args) {
    if (!args.has("force")) {
        ctx.out.line("WARNING !! This command will delete all remote logging servers.");
        ctx.requireProceed("If you are sure that you wish to proceed, then type 'proceed', otherwise type 'quit'.\n");
        ctx.out.line("Proceeding...");
    }
    explained(ctx, [&] { platform().clearRemoteHosts(); });
    restartedSyslog(ctx);
}

void remoteList(Context& ctx, const Args&) {
    auto hosts = explained(ctx, [&] { return platform().remoteHosts(); });
    ctx.out.line("Remote logging server(s):");
    ctx.out.line("=========================");
    ctx.out.line();
    for (const auto& h : hosts) ctx.out.line("   " + h.host + ":" + std::to_string(h.port) + ", " + h.protocol);
}

void severitySet(Context& ctx, const Args& args) {
    const auto log = args.str("logname"), level = args.str("loglevel"), host = args.str("host");
    explained(ctx, [&] { platform().setSeverity(log, level, host); });
    ctx.out.line("This command sets the severity level of " + log + (host.empty() ? " local" : " remote (" + host + ")") +
                 " log messages.");
    ctx.out.line("Only messages with the severity equal to or higher than the new");
    ctx.out.line("log level: \"" + level + "\" will be logged.");
    ctx.out.line();
    restartedSyslog(ctx);
}

void show(Context& ctx, const Args& args) {
    auto c = explained(ctx, [&] { return platform().syslogConfiguration(); });
    ctx.out.line("Syslog configuration");
    ctx.out.line();
    ctx.out.line("     Rotations:                         " + std::to_string(c.rotations));
    ctx.out.line();
    ctx.out.line("     Rotation Period:                   " + c.period);
    ctx.out.line();
    ctx.out.line("     Log disk full policy:              tarlogs_cleanup");
    ctx.out.line();
    ctx.out.line("Local Configured Log Levels:");
    ctx.out.line("----------------------------");
    for (const auto& [log, level] : c.local) ctx.out.line(padRight(log, 15) + level);
    ctx.out.line();
    ctx.out.line("Remote Configured Log Levels:");
    ctx.out.line("-----------------------------");
    std::vector<std::string> order;
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> byLog;
    for (const auto& r : c.remote) {
        if (!byLog.count(r.log)) order.push_back(r.log);
        byLog[r.log].emplace_back(r.host, r.level);
    }
    for (const auto& log : order) {
        ctx.out.line(log + ":");
        for (const auto& [host, level] : byLog[log]) ctx.out.line("   " + padRight(host, 20) + level);
    }
    ctx.out.line();
    ctx.out.line("Note: '*' means all log levels.");
    if (!args.has("files")) return;
    auto files = explained(ctx, [&] { return platform().logFiles(); });
    ctx.out.line();
    ctx.out.line("LogFileName                   Size Date Time");
    ctx.out.line("-------------------------------------------");
    for (const auto& f : files) ctx.out.line(padRight(f.name, 24) + padLeft(std::to_string(f.size), 10) + " " + f.date);
}

void tail(Context& ctx, const Args& args) {
    std::vector<std::string> lines;
    try {
        lines = platform().tail(args.str("logname"), args.number("entries"), args.str("search"));
    } catch (const luna::Error& e) {
        // The reference: "HSM log does not exist", then result 65535 (Luna Shell execution).
        if (e.code() == luna::rc::LOG_NOT_FOUND) throw ShellError(e.detail());
        if (!e.detail().empty()) ctx.out.line("Error: " + e.detail());
        throw;
    }
    for (const auto& l : lines) ctx.out.line(l);
}

void rotations(Context& ctx, const Args& args) {
    const auto n = args.number("rotations").value_or(0);
    if (n < 1 || n > 100) throw ShellError("Error: The number of rotations must be between 1 and 100.");
    explained(ctx, [&] { platform().setRotations(static_cast<std::uint32_t>(n)); });
    ctx.out.line("Log rotations set to " + std::to_string(n) + ".");
}

void period(Context& ctx, const Args& args) {
    const auto p = args.str("syslogperiod");
    explained(ctx, [&] { platform().setPeriod(p); });
    ctx.out.line("Log period set to " + p + ".");
}

void rotate(Context& ctx, const Args&) {
    explained(ctx, [&] { platform().rotateLogs(); });
}

void exportLog(Context& ctx, const Args&) {
    auto fd = explained(ctx, [&] { return platform().exportLog(); });
    writeUserFile(ctx, "syslog", fd.get());
    ctx.out.line("System log files successfully prepared for secure transfer.");
    ctx.out.line("Use scp from a client machine to get the file named: \"syslog\"");
}

void tarlogs(Context& ctx, const Args&) {
    auto fd = explained(ctx, [&] { return platform().archiveLogs(); });
    writeUserFile(ctx, "logs.tgz", fd.get());
    ctx.out.line("The tar file containing logs is now available via scp as filename 'logs.tgz'.");
}

void cleanup(Context& ctx, const Args& args) {
    if (!args.has("force")) {
        ctx.out.line("WARNING !! This command creates an archive of the current logs then deletes ALL THE LOG FILES.");
        ctx.requireProceed("If you are sure that you wish to proceed, then type 'proceed', otherwise type 'quit'.\n");
        ctx.out.line("Proceeding...");
    }
    ctx.out.line("Creating tarlogs then deleting all log files...");
    auto fd = explained(ctx, [&] { return platform().cleanupLogs(); });
    const std::string name = "logs_cleanup_" + timestamp() + ".tgz";
    writeUserFile(ctx, name, fd.get());
    ctx.out.line();
    ctx.out.line("The tar file containing logs is now available via scp as filename \"" + name + "\".");
    ctx.out.line("Please copy \"" + name + "\" to a client machine with scp.");
    ctx.out.line();
    ctx.out.line("Deleting log files ...");
    restartedSyslog(ctx);
}

ArgSpec hostArg(std::string_view help, bool required) {
    return {.name = "host", .shortForm = "h", .kind = ArgKind::String, .valueName = "<hostname/IP>", .help = help,
            .required = required};
}

ArgSpec forceArg(std::string_view help = "Force the action without prompting.") {
    return {.name = "force", .shortForm = "f", .kind = ArgKind::Flag, .help = help};
}

} // namespace

void registerSyslogCommands(CommandTable& t) {
    t.addGroup({{"syslog"}, "sysl", "Access the syslog commands used to manage the system logs."});
    t.add({.path = {"syslog", "cleanup"}, .shortForm = "c",
           .args = {forceArg("Forces the command to proceed silently without prompting. Useful for scripting.")},
           .roles = kAdminOnly, .help = "Delete log files.", .handler = cleanup});
    t.add({.path = {"syslog", "export"}, .shortForm = "e", .roles = kAdminOperator,
           .help = "Prepare system logs for transfer from the appliance (file \"syslog\", for scp).", .handler = exportLog});
    t.add({.path = {"syslog", "period"}, .shortForm = "p",
           .args = {{.name = "syslogperiod", .kind = ArgKind::Enum, .valueName = "<syslogperiod>",
                     .help = "The log rotation period: daily, weekly, monthly.", .required = true, .positional = true,
                     .choices = {"daily", "weekly", "monthly"}}},
           .roles = kAdminOperator, .help = "Set the syslog period.", .handler = period});
    t.addGroup({{"syslog", "remotehost"}, "re", "Configure Syslog remote hosts."});
    t.add({.path = {"syslog", "remotehost", "add"}, .shortForm = "a",
           .args = {hostArg("The hostname or the IP address of the remote system that will accept and store the syslogs.", true),
                    {.name = "protocol", .shortForm = "pr", .kind = ArgKind::Enum, .valueName = "<protocol>",
                     .help = "The network protocol: udp (default), tcp, relp.", .choices = {"udp", "tcp", "relp"}},
                    {.name = "port", .shortForm = "po", .kind = ArgKind::Number, .valueName = "<port>",
                     .help = "Remote Logging Server port number (default 514)."}},
           .roles = kAdminOperator, .help = "Add a remote host receiving the logs.", .handler = remoteAdd});
    t.add({.path = {"syslog", "remotehost", "clear"}, .shortForm = "c", .args = {forceArg("Force the action; useful for scripting.")},
           .roles = kAdminOperator, .help = "Delete all remote logging servers.", .handler = remoteClear});
    t.add({.path = {"syslog", "remotehost", "delete"}, .shortForm = "d",
           .args = {hostArg("The hostname or the IP address of the remote system to delete from the list.", true)},
           .roles = kAdminOperator, .help = "Delete a remote host receiving the logs.", .handler = remoteDelete});
    t.add({.path = {"syslog", "remotehost", "list"}, .shortForm = "l", .roles = kAdminOperator,
           .help = "List the syslog remote hosts.", .handler = remoteList});
    t.add({.path = {"syslog", "rotate"}, .shortForm = "rotate", .roles = kAdminOperator,
           .help = "Rotate log files now (at most once a day).", .handler = rotate});
    t.add({.path = {"syslog", "rotations"}, .shortForm = "rotati",
           .args = {{.name = "rotations", .kind = ArgKind::Number, .valueName = "<#_of_rotations>",
                     .help = "The number of history files to keep when rotating logs (1 to 100).", .required = true,
                     .positional = true}},
           .roles = kAdminOperator, .help = "Set syslog rotations.", .handler = rotations});
    t.addGroup({{"syslog", "severity"}, "se", "Log severity."});
    t.add({.path = {"syslog", "severity", "set"}, .shortForm = "s",
           .args = {{.name = "logname", .shortForm = "logn", .kind = ArgKind::String, .valueName = "<logname>",
                     .help = "The log to apply the level to: lunalogs, messages, cron, secure, boot.", .required = true},
                    {.name = "loglevel", .shortForm = "logl", .kind = ArgKind::String, .valueName = "<loglevel>",
                     .help = "emergency, alert, critical/crit, error/err, warning/warn, notice, info, debug.",
                     .required = true},
                    hostArg("The remote host the level applies to (add it first with syslog remotehost add).", false)},
           .roles = kAdminOnly, .help = "Set the log service severity threshold.", .handler = severitySet});
    t.add({.path = {"syslog", "show"}, .shortForm = "sh",
           .args = {{.name = "files", .shortForm = "f", .kind = ArgKind::Flag,
                     .help = "Show a list of all log files, in addition to the current log configuration."}},
           .roles = kAdminOperatorMonitor, .help = "Get Syslog configuration.", .handler = show});
    t.add({.path = {"syslog", "tail"}, .shortForm = "tai",
           .args = {{.name = "logname", .shortForm = "l", .kind = ArgKind::String, .valueName = "<logname>",
                     .help = "The log: lunalogs, messages, secure, ntp, snmp.", .required = true},
                    {.name = "entries", .shortForm = "e", .kind = ArgKind::Number, .valueName = "<#entries>",
                     .help = "The number of entries to display (default: the whole log)."},
                    {.name = "search", .shortForm = "s", .kind = ArgKind::String, .valueName = "<string>",
                     .help = "Show only the entries that contain this string."}},
           .roles = kAdminOperatorMonitor, .help = "Get last entries of log.", .handler = tail});
    t.add({.path = {"syslog", "tarlogs"}, .shortForm = "tar", .roles = kAdminOperatorMonitor,
           .help = "Archive log files to logs.tgz in your file area.", .handler = tarlogs});
}

} // namespace lunash
