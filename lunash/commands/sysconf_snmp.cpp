// sysconf snmp (reference): the SNMP agent (snmpd), its SNMPv3 users and notification
// targets, and the Luna SNMP trap agent (lsta), all through sysconfd (com.safenet.Luna.Snmp).
// Outputs are the reference's examples; `disable` prints "Stopping snmpd" where the
// reference's example says "Starting snmpd" (a documentation slip, digest req-17 §1.7).
#include "commands/groups.h"
#include "commands/sysconf_errors.h"

#include "shell.h"
#include "snmp_service.h"

namespace lunash {
namespace {

std::string okLine(const std::string& what) {
    std::string s = what + ":";
    if (s.size() < 64) s += std::string(64 - s.size(), ' ');
    return s + "[   OK   ]";
}

std::uint16_t port(const Args& args, std::string_view name) {
    auto n = args.number(name);
    if (!n) return 162;
    if (*n > 65535) throw ShellError("Error: -" + std::string(name) + " must be 0 to 65535.");
    return static_cast<std::uint16_t>(*n);
}

void status(Context& ctx) {
    auto [running, enabled] = explained(ctx, [&] { return snmpService().status(); });
    ctx.out.line(running ? "SNMP is running" : "SNMP is stopped");
    ctx.out.line(enabled ? "SNMP is enabled" : "SNMP is disabled");
}

void enable(Context& ctx, const Args&) {
    explained(ctx, [&] { snmpService().enable(); });
    ctx.out.line();
    ctx.out.line("SNMP is enabled");
    ctx.out.line(okLine("Starting snmpd"));
    ctx.out.line("SNMP is started");
}

void disable(Context& ctx, const Args&) {
    explained(ctx, [&] { snmpService().disable(); });
    ctx.out.line();
    ctx.out.line("SNMP is disabled");
    ctx.out.line(okLine("Stopping snmpd"));
    ctx.out.line("SNMP is stopped");
}

void show(Context& ctx, const Args&) {
    ctx.out.line();
    status(ctx);
}

// ---- users
void userAdd(Context& ctx, const Args& args) {
    const auto name = args.str("secname");
    explained(ctx, [&] {
        snmpService().addUser(name, args.str("authpassword"), args.str("authprotocol"), args.str("privpassword"),
                              args.str("privprotocol"));
    });
    ctx.out.line();
    ctx.out.line("SNMP user account \"" + name + "\" added");
}

void userDelete(Context& ctx, const Args& args) {
    const auto name = args.str("secname");
    explained(ctx, [&] { snmpService().deleteUser(name); });
    ctx.out.line();
    ctx.out.line("SNMP user account \"" + name + "\" deleted");
}

void userClear(Context& ctx, const Args& args) {
    ctx.out.line();
    if (!args.has("force")) {
        ctx.out.line("WARNING !! This command deletes all user account information from the SNMP Agent.");
        ctx.requireProceed("If you are sure that you wish to proceed, then type 'proceed', otherwise type 'quit'.\n");
        ctx.out.line("Proceeding...");
    }
    explained(ctx, [&] { snmpService().clearUsers(); });
    ctx.out.line("SNMP user account information cleared");
}

void userList(Context& ctx, const Args&) {
    auto users = explained(ctx, [&] { return snmpService().users(); });
    ctx.out.line();
    ctx.out.line("SNMP Users:");
    ctx.out.line("-----------");
    for (const auto& u : users) ctx.out.line(u);
}

// ---- notification targets
void notificationAdd(Context& ctx, const Args& args) {
    SnmpNewTarget t;
    t.address = args.str("ipaddress");
    t.port = port(args, "udpport");
    t.secName = args.str("secname");
    t.engineId = args.str("engineid");
    t.notifyType = args.has("notifytype") ? args.str("notifytype") : "trap";
    t.authPassword = args.str("authpassword");
    t.authProtocol = args.str("authprotocol");
    t.privPassword = args.str("privpassword");
    t.privProtocol = args.str("privprotocol");
    explained(ctx, [&] { snmpService().addTarget(t); });
    ctx.out.line();
    ctx.out.line("SNMP notification target information added");
}

void notificationDelete(Context& ctx, const Args& args) {
    const auto address = args.str("ipaddress");
    explained(ctx, [&] { snmpService().deleteTargets(address, port(args, "udpport")); });
    ctx.out.line();
    ctx.out.line("SNMP notification target information deleted");
}

void notificationClear(Context& ctx, const Args& args) {
    ctx.out.line();
    if (!args.has("force")) {
        ctx.out.line("WARNING !! This command deletes all notification target information from the SNMP Agent.");
        ctx.requireProceed("If you are sure that you wish to proceed, then type 'proceed', otherwise type 'quit'.\n");
        ctx.out.line("Proceeding...");
    }
    explained(ctx, [&] { snmpService().clearTargets(); });
    ctx.out.line("SNMP notification target information cleared");
}

void notificationList(Context& ctx, const Args&) {
    auto targets = explained(ctx, [&] { return snmpService().targets(); });
    ctx.out.line();
    ctx.out.line("SNMP Notification Targets:");
    ctx.out.line("--------------------------");
    for (const auto& t : targets)
        ctx.out.line(t.address + ":" + std::to_string(t.port) + " \"" + t.engineId + "\" \"" + t.secName + "\"" +
                     (t.notifyType == "inform" ? " inform" : ""));
}

// ---- the trap agent
constexpr std::string_view kRestartLsta = "Please use 'service restart lsta' for the new configuration to take effect.";

void trapSet(Context& ctx, const Args& args) {
    SnmpTrapHostChange h{args.str("host"),     args.str("secname"), args.str("engineid"), args.str("authprotocol"),
                         args.str("authpwd"),  args.str("privprotocol"), args.str("privpwd")};
    explained(ctx, [&] { snmpService().setTrapHost(h); });
    ctx.out.line();
    ctx.out.line(std::string(kRestartLsta));
}

void trapShow(Context& ctx, const Args&) {
    auto h = explained(ctx, [&] { return snmpService().trapHost(); });
    ctx.out.line();
    if (!h) {
        ctx.out.line("SNMP Trap is not configured.");
        return;
    }
    ctx.out.line("SNMP Trap is configured as the following:");
    ctx.out.line("  SNMP Trap Host                  : " + h->host + ":" + std::to_string(h->port));
    ctx.out.line("  SNMP Version                    : 3");
    ctx.out.line("  SNMP v3 Security Name           : " + h->secName);
    ctx.out.line("  SNMP v3 Engine ID               : " + (h->engineId.empty() ? std::string() : "0x" + h->engineId));
    ctx.out.line("  SNMP v3 Security Level          : authPriv");
    ctx.out.line("  SNMP v3 Authentication protocol : " + h->authProtocol);
    ctx.out.line("  SNMP v3 Privacy protocol        : " + h->privProtocol);
}

void trapClear(Context& ctx, const Args& args) {
    ctx.out.line();
    if (!args.has("force")) {
        ctx.requireProceed("If you are sure that you wish to clear snmp trap information, then enter 'proceed', otherwise "
                           "type 'quit'.\n");
        ctx.out.line("Proceeding...");
        ctx.out.line();
    }
    explained(ctx, [&] { snmpService().clearTrapHost(); });
    ctx.out.line(std::string(kRestartLsta));
}

void trapEnable(Context& ctx, const Args&) {
    explained(ctx, [&] { snmpService().enableTrap(); });
    ctx.out.line();
    ctx.out.line("SNMP trap agent is enabled");
    ctx.out.line(okLine("Starting lsta"));
    ctx.out.line();
    ctx.out.line("SNMP trap agent is started");
}

void trapDisable(Context& ctx, const Args&) {
    explained(ctx, [&] { snmpService().disableTrap(); });
    ctx.out.line();
    ctx.out.line("SNMP trap agent is disabled");
    ctx.out.line(okLine("Shutting down lsta"));
    ctx.out.line("SNMP trap agent is stopped");
}

void trapTest(Context& ctx, const Args& args) {
    explained(ctx, [&] {
        snmpService().testTrap(args.str("logfacility"), args.str("loglevel"), args.str("process"), args.str("message"),
                               args.has("pid"));
    });
}

ArgSpec forceArg() {
    return {.name = "force", .shortForm = "f", .kind = ArgKind::Flag, .help = "Force the action without prompting."};
}
ArgSpec secNameArg(std::string_view help, bool required = true) {
    return {.name = "secname", .shortForm = "s", .kind = ArgKind::String, .valueName = "<secname>", .help = help,
            .required = required};
}
ArgSpec passwordArg(std::string_view name, std::string_view shortForm, std::string_view help, bool required = true) {
    return {.name = name, .shortForm = shortForm, .kind = ArgKind::Password, .valueName = "<password>", .help = help,
            .required = required};
}
ArgSpec protocolArg(std::string_view name, std::string_view help) {
    return {.name = name, .shortForm = name.starts_with("auth") ? "authpr" : "privpr", .kind = ArgKind::String,
            .valueName = "<protocol>", .help = help};
}
ArgSpec engineArg() {
    return {.name = "engineid", .shortForm = "e", .kind = ArgKind::String, .valueName = "<engineid>",
            .help = "The SNMP v3 Engine ID in hex numbers. No 0x or 0X is permitted."};
}

} // namespace

void registerSysconfSnmpCommands(CommandTable& t) {
    t.addGroup({{"sysconf"}, "sysc", "Configure the appliance."});
    t.addGroup({{"sysconf", "snmp"}, "sn", "Configure the SNMP agent and the SNMP trap agent."});
    t.add({.path = {"sysconf", "snmp", "disable"}, .shortForm = "d", .roles = kAdminOperator,
           .help = "Disable the SNMP service.", .handler = disable});
    t.add({.path = {"sysconf", "snmp", "enable"}, .shortForm = "e", .roles = kAdminOperator,
           .help = "Enable the SNMP service.", .handler = enable});
    t.add({.path = {"sysconf", "snmp", "show"}, .shortForm = "s", .roles = kAdminOperatorMonitor,
           .help = "Display SNMP service information.", .handler = show});

    t.addGroup({{"sysconf", "snmp", "user"}, "u", "View or configure the users that can access the SNMP agent."});
    t.add({.path = {"sysconf", "snmp", "user", "add"}, .shortForm = "a",
           .args = {secNameArg("The security name (user name), 1 to 31 characters."),
                    passwordArg("authpassword", "authpa", "The authentication password, 8 to 128 characters."),
                    protocolArg("authprotocol", "The authentication protocol. Valid values: SHA. Default: SHA."),
                    passwordArg("privpassword", "privpa", "The privacy (encryption) password, 8 to 128 characters."),
                    protocolArg("privprotocol", "The privacy protocol. Valid values: AES. Default: AES.")},
           .roles = kAdminOperator, .help = "Add a user.", .handler = userAdd});
    t.add({.path = {"sysconf", "snmp", "user", "clear"}, .shortForm = "c", .args = {forceArg()}, .roles = kAdminOperator,
           .help = "Delete all users.", .handler = userClear});
    t.add({.path = {"sysconf", "snmp", "user", "delete"}, .shortForm = "d",
           .args = {secNameArg("The user name of the user to delete.")}, .roles = kAdminOperator,
           .help = "Delete a user.", .handler = userDelete});
    t.add({.path = {"sysconf", "snmp", "user", "list"}, .shortForm = "l", .roles = kAdminOperatorMonitor,
           .help = "List the currently configured users.", .handler = userList});

    t.addGroup({{"sysconf", "snmp", "notification"}, "n", "View or configure the notifications sent by the SNMP agent."});
    const ArgSpec ipArg{.name = "ipaddress", .shortForm = "i", .kind = ArgKind::String, .valueName = "<ipaddress>",
                        .help = "The IPv4 address of the notification target.", .required = true};
    const ArgSpec udpArg{.name = "udpport", .shortForm = "u", .kind = ArgKind::Number, .valueName = "<port>",
                         .help = "The UDP port on the notification target. Default: 162."};
    t.add({.path = {"sysconf", "snmp", "notification", "add"}, .shortForm = "a",
           .args = {ipArg,
                    passwordArg("authpassword", "authpa", "The authentication password, 8 to 128 characters."),
                    passwordArg("privpassword", "privpa", "The privacy (encryption) password, 8 to 128 characters."),
                    secNameArg("The security name on whose behalf notifications are sent, 1 to 31 characters."),
                    protocolArg("authprotocol", "The authentication protocol. Valid values: SHA. Default: SHA."),
                    {.name = "notifytype", .shortForm = "n", .kind = ArgKind::Enum, .valueName = "<type>",
                     .help = "trap (unconfirmed) or inform (confirmed, with retries). Default: trap.",
                     .choices = {"trap", "inform"}},
                    protocolArg("privprotocol", "The privacy protocol. Valid values: AES. Default: AES."), udpArg, engineArg()},
           .roles = kAdminOperator, .help = "Add a notification target.", .handler = notificationAdd});
    t.add({.path = {"sysconf", "snmp", "notification", "clear"}, .shortForm = "c", .args = {forceArg()},
           .roles = kAdminOperator, .help = "Delete all notification targets.", .handler = notificationClear});
    t.add({.path = {"sysconf", "snmp", "notification", "delete"}, .shortForm = "d", .args = {ipArg, udpArg},
           .roles = kAdminOperator, .help = "Delete a notification target.", .handler = notificationDelete});
    t.add({.path = {"sysconf", "snmp", "notification", "list"}, .shortForm = "l", .roles = kAdminOperatorMonitor,
           .help = "Display a list of the notification targets.", .handler = notificationList});

    t.addGroup({{"sysconf", "snmp", "trap"}, "t", "View or configure the SNMP trap agent (lsta) and its trap host."});
    t.add({.path = {"sysconf", "snmp", "trap", "clear"}, .shortForm = "c", .args = {forceArg()}, .roles = kAdminOperator,
           .help = "Clear SNMP trap host information.", .handler = trapClear});
    t.add({.path = {"sysconf", "snmp", "trap", "disable"}, .shortForm = "d", .roles = kAdminOperator,
           .help = "Disable and stop the SafeNet SNMP Trap Agent (lsta).", .handler = trapDisable});
    t.add({.path = {"sysconf", "snmp", "trap", "enable"}, .shortForm = "e", .roles = kAdminOperator,
           .help = "Enable and start the SafeNet SNMP Trap Agent (lsta).", .handler = trapEnable});
    t.add({.path = {"sysconf", "snmp", "trap", "set"}, .shortForm = "se",
           .args = {{.name = "host", .shortForm = "h", .kind = ArgKind::String, .valueName = "<hostname/IP>",
                     .help = "The trap host name or IP address (optionally :port, default 162).", .required = true},
                    secNameArg("The SNMP v3 security name.", false), engineArg(),
                    protocolArg("authprotocol", "The SNMP v3 authentication protocol. Valid values: SHA. Default: SHA."),
                    passwordArg("authpwd", "authpw", "The SNMP v3 authentication password.", false),
                    protocolArg("privprotocol", "The SNMP v3 privacy protocol. Valid values: AES. Default: AES."),
                    passwordArg("privpwd", "privpw", "The SNMP v3 privacy password.", false)},
           .roles = kAdminOperator, .help = "Set SNMP trap host information.", .handler = trapSet});
    t.add({.path = {"sysconf", "snmp", "trap", "show"}, .shortForm = "sh", .roles = kAdminOperatorMonitor,
           .help = "Display SNMP trap host information.", .handler = trapShow});
    t.add({.path = {"sysconf", "snmp", "trap", "test"}, .shortForm = "t",
           .args = {{.name = "logfacility", .shortForm = "logf", .kind = ArgKind::String, .valueName = "<logfacility>",
                     .help = "kern, user, daemon, auth, syslog, authpriv, cron, local0-local7.", .required = true},
                    {.name = "loglevel", .shortForm = "logl", .kind = ArgKind::String, .valueName = "<loglevel>",
                     .help = "emergency, alert, critical, crit, error, err, warning, warn, notice, info, debug.",
                     .required = true},
                    {.name = "process", .shortForm = "pr", .kind = ArgKind::String, .valueName = "<process>",
                     .help = "The process the message is logged as (NTLS, ipmievd, smartd, ...).", .required = true},
                    {.name = "message", .shortForm = "m", .kind = ArgKind::String, .valueName = "<message>",
                     .help = "The message text (.lt and .gt stand for < and >).", .required = true},
                    {.name = "pid", .shortForm = "pi", .kind = ArgKind::Flag, .help = "Add a process identifier."}},
           .roles = kAdminOperator, .help = "Test SNMP trap notification.", .handler = trapTest});
}

} // namespace lunash
