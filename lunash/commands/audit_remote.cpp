// `audit remotehost add/delete/list/clear` (LunaSH reference; seed ch.1 "Remote Audit
// Logging"): where the audit records go beyond the appliance. UDP and TCP hosts are rsyslog's:
// sysconfd writes the forwarding of local3 (where cbsd hands every record) and restarts
// rsyslog, hence the reference's "Stopping syslog / Starting syslog". RELP hosts are cbsd's own:
// it delivers from the log files with a durable cursor per host, so the list can say how far
// behind each one is. A host is in one list or the other, never both.
#include "commands/audit_common.h"
#include "commands/groups.h"
#include "commands/sysconf_errors.h"

#include "platform_service.h"
#include "shell.h"

#include "luna/errors.h"

#include <algorithm>

namespace lunash {
namespace {

bool sameHost(const std::string& a, const std::string& b) { return lowerCase(a) == lowerCase(b); }

void restartedSyslog(Context& ctx) {
    ctx.out.line("Stopping syslog:" + std::string(59, ' ') + "[   OK   ]");
    ctx.out.line();
    ctx.out.line("Starting syslog:" + std::string(59, ' ') + "[   OK   ]");
    ctx.out.line();
}

// The rsyslog (UDP/TCP) hosts; nullopt when sysconfd cannot be asked (RELP still works).
std::optional<std::vector<RemoteLogHost>> rsyslogHosts() {
    try {
        return platform().auditHosts();
    } catch (const luna::Error& e) {
        if (e.code() == luna::rc::DEVICE_ERROR) return std::nullopt;
        throw;
    }
}

bool isRelpHost(Context& ctx, const std::string& host) {
    auto relp = auditService(ctx).relpHosts();
    return std::any_of(relp.begin(), relp.end(), [&](const AuditRelpHost& h) { return sameHost(h.host, host); });
}

void add(Context& ctx, const Args& args) {
    const auto host = args.str("host");
    const auto protocol = lowerCase(args.get("protocol").value_or("udp"));
    const auto port = args.number("port").value_or(514);
    if (port < 1 || port > 65535) throw ShellError("Error: Port " + std::to_string(port) + " is out of range (1-65535).");
    auto& audit = auditService(ctx);
    if (isRelpHost(ctx, host)) throw ShellError("Error: " + host + " is already a remote logging server; delete it first.");
    if (protocol == "relp") {
        if (auto hosts = rsyslogHosts())
            for (const auto& h : *hosts)
                if (sameHost(h.host, host))
                    throw ShellError("Error: " + host + " is already a remote logging server; delete it first.");
        explained(ctx, [&] { audit.addRelpHost(host, static_cast<std::uint16_t>(port)); });
        ctx.out.line(host + " added successfully: cbsd sends it the audit records written from now on over RELP");
        ctx.out.line("Make sure the rsyslog service on " + host + " listens with imrelp on port " + std::to_string(port));
        return;
    }
    explained(ctx, [&] { platform().addAuditHost(host, static_cast<std::uint16_t>(port), protocol); });
    restartedSyslog(ctx);
    ctx.out.line(host + " added successfully");
    ctx.out.line("Make sure the rsyslog service on " + host + " is properly configured to receive the logs");
}

void remove(Context& ctx, const Args& args) {
    const auto host = args.str("host");
    if (isRelpHost(ctx, host)) {
        explained(ctx, [&] { auditService(ctx).deleteRelpHost(host); });
        return;
    }
    explained(ctx, [&] { platform().deleteAuditHost(host); });
    restartedSyslog(ctx);
}

void clear(Context& ctx, const Args& args) {
    if (!args.has("force")) {
        ctx.out.line("              All remote hosts receiving the audit logs will be deleted.");
        ctx.out.line("              Are you sure you wish to continue?");
        ctx.out.line();
        ctx.requireProceed("              Type proceed to continue, or quit to quit now -");
        ctx.out.line();
    }
    explained(ctx, [&] { auditService(ctx).clearRelpHosts(); });
    if (!rsyslogHosts()) {
        ctx.out.line("UDP and TCP remote hosts not cleared: the system configuration service does not answer.");
        return;
    }
    explained(ctx, [&] { platform().clearAuditHosts(); });
    restartedSyslog(ctx);
}

void list(Context& ctx, const Args&) {
    auto relp = explained(ctx, [&] { return auditService(ctx).relpHosts(); });
    auto hosts = explained(ctx, [&] { return rsyslogHosts(); });
    ctx.out.line("Remote logging server(s):");
    ctx.out.line("=========================");
    ctx.out.line();
    if (hosts)
        for (const auto& h : *hosts) ctx.out.line("   " + h.host + ":" + std::to_string(h.port) + ", " + h.protocol);
    for (const auto& h : relp) {
        std::string row = "   " + h.host + ":" + std::to_string(h.port) + ", relp, " + h.state + ", " +
                          std::to_string(h.behind) + (h.behind == 1 ? " record" : " records") + " behind";
        if (!h.error.empty()) row += " (" + h.error + ")";
        ctx.out.line(row);
    }
    if (!hosts) {
        ctx.out.line();
        ctx.out.line("(UDP and TCP remote hosts not shown: the system configuration service does not answer)");
    }
}

} // namespace

void registerAuditRemoteCommands(CommandTable& t) {
    const RoleSet audit = roles(Role::Audit);
    const ArgSpec host{.name = "host", .shortForm = "h", .kind = ArgKind::String, .valueName = "<hostnameoripaddress>",
                       .help = "The Remote Logging Server Host Name or IP address.", .required = true};
    t.addGroup({{"audit", "remotehost"}, "r", "Configure Audit Logging Remote Hosts"});
    t.add({.path = {"audit", "remotehost", "add"},
           .shortForm = "a",
           .args = {host,
                    {.name = "port", .shortForm = "po", .kind = ArgKind::Number, .valueName = "<port>",
                     .help = "The server port to use for the Remote Logging Server (default 514)."},
                    {.name = "protocol", .shortForm = "pr", .kind = ArgKind::Enum, .valueName = "<protocol>",
                     .help = "The protocol: udp (default), tcp, or relp (delivered by cbsd, nothing lost).",
                     .choices = {"udp", "tcp", "relp"}}},
           .roles = audit,
           .help = "Adds a Remote Logging Server.",
           .handler = add});
    t.add({.path = {"audit", "remotehost", "clear"},
           .shortForm = "c",
           .args = {{.name = "force", .shortForm = "f", .kind = ArgKind::Flag, .help = "Force the action without prompting."}},
           .roles = audit,
           .help = "Deletes all Remote Logging Servers.",
           .handler = clear});
    t.add({.path = {"audit", "remotehost", "delete"},
           .shortForm = "d",
           .args = {host},
           .roles = audit,
           .help = "Delete a Remote Logging Server.",
           .handler = remove});
    t.add({.path = {"audit", "remotehost", "list"},
           .shortForm = "l",
           .roles = audit,
           .help = "Display a list of all currently configured Remote Logging Servers.",
           .handler = list});
}

} // namespace lunash
