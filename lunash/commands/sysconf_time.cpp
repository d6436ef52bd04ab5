// sysconf time, sysconf timezone and sysconf ntp (reference): the appliance clock, its zone
// and NTP, through sysconfd. The peers and associations of `sysconf ntp status` come from
// ntpq, run here with fixed arguments (it only queries the local ntpd).
#include "commands/groups.h"
#include "commands/sysconf_errors.h"

#include "platform_service.h"
#include "shell.h"
#include "tools.h"

#include <sstream>

namespace lunash {
namespace {

const std::string kRule(63, '=');

void setTime(Context& ctx, const Args& args) {
    auto text = explained(ctx, [&] { return platform().setTime(args.str("time"), args.str("date")); });
    ctx.out.line();
    ctx.out.line(text);
}

void zoneSet(Context& ctx, const Args& args) {
    const auto zone = args.str("time_zone");
    explained(ctx, [&] { platform().setTimeZone(zone); });
    ctx.out.line("Time zone set to " + zone);
}

void zoneShow(Context& ctx, const Args&) {
    auto t = explained(ctx, [&] { return platform().time(); });
    ctx.out.line(t.abbreviation);
}

void zoneList(Context& ctx, const Args& args) {
    auto zones = explained(ctx, [&] { return platform().timeZones(args.str("region")); });
    ctx.out.line();
    ctx.out.line("Available time zones:");
    ctx.out.line();
    for (const auto& z : zones) ctx.out.line(z);
}

void ntpRunning(Context& ctx) {
    auto [running, enabled] = explained(ctx, [&] { return platform().ntpStatus(); });
    ctx.out.line(running ? "NTP is running" : "NTP is stopped");
    ctx.out.line(enabled ? "NTP is enabled" : "NTP is disabled");
}

// ntpq's view of the associations, as `addserver`, `enable` and `status` print it.
void associations(Context& ctx) {
    auto r = runTool({"ntpq", "-n", "-c", "associations"});
    ctx.out.line(kRule);
    ctx.out.line("NTP Associations Status:");
    ctx.out.line();
    if (r.status == 0) ctx.out.stream() << r.text;
    else ctx.out.line("(ntpd does not answer)");
    ctx.out.line(kRule);
}

void addServer(Context& ctx, const Args& args) {
    const auto host = args.str("hostname_or_ipaddress");
    NtpServerOptions o;
    o.burst = args.has("burst");
    o.iburst = args.has("iburst");
    o.prefer = args.has("prefer");
    if (args.has("autokey")) throw ShellError("Error: Autokey authentication is not supported by this appliance's NTP.");
    if (auto k = args.number("key")) {
        if (*k < 1 || *k > 65535) throw ShellError("Error: -key must be 1 to 65535.");
        o.key = static_cast<std::uint32_t>(*k);
    }
    if (auto v = args.number("version")) {
        if (*v != 3 && *v != 4) throw ShellError("Error: -version must be 3 or 4.");
        o.version = static_cast<std::uint32_t>(*v);
    }
    explained(ctx, [&] { platform().addNtpServer(host, o); });
    ctx.out.line();
    ctx.out.line("NTP server 'server " + host + "' added.");
    if (!o.key) ctx.out.line("WARNING !! Server '" + host + "' added without authentication.");
    ctx.out.line("NTP is enabled");
    ctx.out.line();
    ntpRunning(ctx);
    associations(ctx);
    ctx.out.line("Please look at the ntp log to see any potential problem.");
}

void deleteServer(Context& ctx, const Args& args) {
    const auto host = args.str("hostname_or_ipaddress");
    explained(ctx, [&] { platform().deleteNtpServer(host); });
    ctx.out.line();
    ctx.out.line("NTP server " + host + " deleted.");
}

void enable(Context& ctx, const Args&) {
    explained(ctx, [&] { platform().enableNtp(); });
    ctx.out.line();
    ctx.out.line("NTP is enabled");
    ntpRunning(ctx);
    associations(ctx);
    ctx.out.line("Please look at the ntp log to see any potential problem.");
}

void disable(Context& ctx, const Args&) {
    explained(ctx, [&] { platform().disableNtp(); });
    ctx.out.line();
    ctx.out.line("NTP is disabled");
    ctx.out.line("NTP is stopped");
}

void listServers(Context& ctx, const Args&) {
    auto servers = explained(ctx, [&] { return platform().ntpServers(); });
    ctx.out.line();
    ctx.out.line(std::string(65, '='));
    ctx.out.line("NTP Servers:");
    for (const auto& s : servers) ctx.out.line(s);
    ctx.out.line(std::string(65, '='));
}

void show(Context& ctx, const Args&) {
    auto conf = explained(ctx, [&] { return platform().ntpConfiguration(); });
    auto version = runTool({"ntpq", "--version"});
    ctx.out.line();
    ctx.out.line("---------------- NTP Version ----------------------------------------");
    ctx.out.stream() << (version.status == 0 ? version.text : "ntpq is not installed\n");
    ctx.out.line("==================== NTP Configuration ===============================");
    std::string servers;
    std::istringstream in(conf);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        if (line.starts_with("server ")) servers += line + "\n";
        else ctx.out.line(line);
    }
    ctx.out.line("--------------------- NTP Servers -------------------------------------");
    ctx.out.stream() << servers;
    ctx.out.line("=======================================================================");
}

void status(Context& ctx, const Args&) {
    ctx.out.line();
    ntpRunning(ctx);
    auto peers = runTool({"ntpq", "-n", "-c", "peers"});
    ctx.out.line("Peers:");
    ctx.out.line(std::string(78, '='));
    if (peers.status == 0) ctx.out.stream() << peers.text;
    else ctx.out.line("(ntpd does not answer)");
    ctx.out.line(std::string(78, '='));
    ctx.out.line("Associations:");
    associations(ctx);
    auto t = explained(ctx, [&] { return platform().time(); });
    ctx.out.line();
    ctx.out.line("NTP Time:");
    ctx.out.line(std::string(78, '='));
    ctx.out.line("Appliance time: " + t.text + (t.clock == "system" ? "" : " (" + t.clock + " clock)"));
    ctx.out.line(std::string(78, '='));
}

void logTail(Context& ctx, const Args& args) {
    const auto entries = args.number("entries");
    auto lines = explained(ctx, [&] { return platform().tail("ntp", entries, ""); });
    ctx.out.line();
    ctx.out.line(std::string(78, '='));
    // The reference echoes the syslog command it runs (the ntp log is one of syslog's).
    ctx.out.line("syslog tail -l ntp" + (entries ? " -e " + std::to_string(*entries) : std::string()));
    for (const auto& l : lines) ctx.out.line(l);
    ctx.out.line(std::string(78, '='));
}

ArgSpec hostArg(std::string_view help) {
    return {.name = "hostname_or_ipaddress", .kind = ArgKind::String, .valueName = "<hostname_or_ipaddress>", .help = help,
            .required = true, .positional = true};
}

} // namespace

void registerSysconfTimeCommands(CommandTable& t) {
    t.addGroup({{"sysconf"}, "sysc", "Configure the appliance."});
    t.add({.path = {"sysconf", "time"}, .shortForm = "t",
           .args = {{.name = "time", .kind = ArgKind::String, .valueName = "<time>",
                     .help = "The time on the 24-hour clock: HH:MM.", .required = true, .positional = true},
                    {.name = "date", .kind = ArgKind::String, .valueName = "<date>",
                     .help = "The date along with the time: YYYYMMDD.", .positional = true}},
           .roles = kAdminOperator, .help = "Set the time and date.", .handler = setTime});
    t.addGroup({{"sysconf", "timezone"}, "timez", "Set or display the time zone."});
    t.add({.path = {"sysconf", "timezone", "list"}, .shortForm = "l",
           .args = {{.name = "region", .kind = ArgKind::String, .valueName = "<region>",
                     .help = "Only the zones whose name contains this.", .positional = true}},
           .roles = kAdminOperatorMonitor, .help = "Display the accepted time zones.", .handler = zoneList});
    t.add({.path = {"sysconf", "timezone", "set"}, .shortForm = "se",
           .args = {{.name = "time_zone", .kind = ArgKind::String, .valueName = "<time_zone>",
                     .help = "The time zone (see sysconf timezone list).", .required = true, .positional = true}},
           .roles = kAdminOperator, .help = "Set the time zone.", .handler = zoneSet});
    t.add({.path = {"sysconf", "timezone", "show"}, .shortForm = "sh", .roles = kAdminOperatorMonitor,
           .help = "Show the current time zone.", .handler = zoneShow});

    t.addGroup({{"sysconf", "ntp"}, "n", "View or configure the network time protocol (NTP)."});
    t.add({.path = {"sysconf", "ntp", "addserver"}, .shortForm = "ad",
           .args = {hostArg("The hostname or IP address of the NTP server."),
                    {.name = "autokey", .shortForm = "a", .kind = ArgKind::Flag, .help = "AutoKey authentication (not supported)."},
                    {.name = "burst", .shortForm = "b", .kind = ArgKind::Flag, .help = "Send multiple packets when the server is reachable."},
                    {.name = "iburst", .shortForm = "i", .kind = ArgKind::Flag, .help = "Send bursts of 8 packets when the server is unreachable."},
                    {.name = "key", .shortForm = "k", .kind = ArgKind::Number, .valueName = "<keyid>", .help = "The NTP authentication key ID (1 to 65535)."},
                    {.name = "prefer", .shortForm = "p", .kind = ArgKind::Flag, .help = "Set this server as the preferred server."},
                    {.name = "version", .shortForm = "v", .kind = ArgKind::Number, .valueName = "<version>", .help = "The NTP version: 3 or 4."}},
           .roles = kAdminOperator, .help = "Add NTP Server.", .handler = addServer});
    t.add({.path = {"sysconf", "ntp", "deleteserver"}, .shortForm = "de",
           .args = {hostArg("The hostname or IP address of the NTP server to delete.")}, .roles = kAdminOperator,
           .help = "Delete NTP Server.", .handler = deleteServer});
    t.add({.path = {"sysconf", "ntp", "disable"}, .shortForm = "di", .roles = kAdminOperator,
           .help = "Disable NTP Service.", .handler = disable});
    t.add({.path = {"sysconf", "ntp", "enable"}, .shortForm = "e", .roles = kAdminOperator,
           .help = "Enable NTP Service.", .handler = enable});
    t.add({.path = {"sysconf", "ntp", "listservers"}, .shortForm = "li", .roles = kAdminOperatorMonitor,
           .help = "List Configured NTP Servers.", .handler = listServers});
    t.addGroup({{"sysconf", "ntp", "log"}, "lo", "NTP Log Command."});
    t.add({.path = {"sysconf", "ntp", "log", "tail"}, .shortForm = "t",
           .args = {{.name = "entries", .shortForm = "e", .kind = ArgKind::Number, .valueName = "<logentries>",
                     .help = "The number of entries to display."}},
           .roles = kAdminOperator, .help = "Display the NTP log.", .handler = logTail});
    t.add({.path = {"sysconf", "ntp", "show"}, .shortForm = "sh", .roles = kAdminOperatorMonitor,
           .help = "Show NTP Configuration.", .handler = show});
    t.add({.path = {"sysconf", "ntp", "status"}, .shortForm = "st", .roles = kAdminOperatorMonitor,
           .help = "Get NTP Service Status.", .handler = status});
}

} // namespace lunash
