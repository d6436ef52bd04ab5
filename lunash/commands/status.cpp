// The status group: the appliance's own state, read from /proc and /sys and from the real
// tools (df, free, ps, netstat, ip) with fixed arguments. Nothing here needs hsmd except the
// HSM check of status sysstat show.
#include "commands/groups.h"
#include "commands/proc_list.h"

#include "platform_service.h"
#include "shell.h"
#include "tools.h"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lunash {

void statusMemmap(Context& ctx, const Args& args);    // status_memmap.cpp
void statusSensors(Context& ctx, const Args& args);   // status_memmap.cpp

namespace {

namespace fs = std::filesystem;

std::string now(const char* format) {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[128];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

void tool(Context& ctx, const std::vector<std::string>& argv) {
    auto r = runTool(argv);
    if (r.status != 0) throw ShellError("Error: '" + argv[0] + "' is not available on this appliance.");
    ctx.out.stream() << r.text;
    if (!r.text.empty() && r.text.back() != '\n') ctx.out.line();
}

// The appliance clock as sysconfd keeps it, so what `sysconf time` set is what `status date`
// shows; the operating system's clock when sysconfd cannot tell (or this role may not ask).
void date(Context& ctx, const Args&) {
    try {
        ctx.out.line(platform().time().text);
        return;
    } catch (const std::exception&) {
    }
    ctx.out.line(now("%a %b %e %H:%M:%S %Z %Y"));
}
// The reference prints the time as "10:23.11".
void timeOfDay(Context& ctx, const Args&) { ctx.out.line(now("%H:%M.%S")); }
void zone(Context& ctx, const Args&) { ctx.out.line(now("%Z")); }

void cpu(Context& ctx, const Args&) {
    std::istringstream load(readFirstLine("/proc/loadavg"));
    std::string a, b, c, procs, last;
    load >> a >> b >> c >> procs >> last;
    ctx.out.line("CPU Load Averages:");
    ctx.out.line(a + " " + b + " " + c + " " + procs + " " + last);
    ctx.out.line();
    double up = 0;
    std::istringstream(readFirstLine("/proc/uptime")) >> up;
    auto minutes = static_cast<long>(up) / 60;
    long days = minutes / (60 * 24), hours = (minutes / 60) % 24, mins = minutes % 60;
    char hm[16];
    std::snprintf(hm, sizeof hm, "%ld:%02ld", hours, mins);
    std::string upText = days ? std::to_string(days) + (days == 1 ? " day, " : " days, ") + hm : hm;
    ctx.out.line("System uptime:");
    ctx.out.line("At " + now("%a %b %e %H:%M:%S %Z %Y") + ", I am up " + upText);
}

void disk(Context& ctx, const Args&) {
    ctx.out.line("===================== Hard Disk utilization =====================");
    tool(ctx, {"df", "-k"});
    ctx.out.line();
    ctx.out.line("===================== Hard Disk SMART Report =====================");
    ctx.out.line();
    ctx.out.line("No SMART data: the appliance disk is simulated (host or virtual storage).");
}

void mem(Context& ctx, const Args&) { tool(ctx, {"free"}); }
void ps(Context& ctx, const Args&) { tool(ctx, {"ps", "aux"}); }
void netstat(Context& ctx, const Args&) { tool(ctx, {"netstat", "-an"}); }
void interfaces(Context& ctx, const Args&) { tool(ctx, {"ip", "addr", "show"}); }

std::vector<std::string> netDevices() {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/sys/class/net", ec))
        if (e.path().filename() != "lo") out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
}

void mac(Context& ctx, const Args&) {
    for (const auto& dev : netDevices()) ctx.out.line(dev + " " + readFirstLine("/sys/class/net/" + dev + "/address"));
}

// Only the processes this user may look into are counted: lunash holds no privilege.
void handles(Context& ctx, const Args&) {
    const auto procs = processes();
    ctx.out.line(" HANDLES             PID      CMD");
    long total = 0;
    for (const auto& [pid, path] : procs) {
        long n = 0;
        std::error_code fdErr;
        fs::directory_iterator fds(path / "fd", fdErr);
        if (fdErr) continue;
        for (const auto& fd : fds) {
            (void)fd;
            ++n;
        }
        total += n;
        ctx.out.line(padLeft(std::to_string(n), 8) + padLeft(std::to_string(pid), 16) + "      " + processCommand(path));
    }
    ctx.out.line();
    ctx.out.line(padLeft(std::to_string(total), 11) + "       Total handles allocated.");
}

struct StatusCode {
    int code;
    std::string_view state;
    std::string_view text;
};

// Front-panel status codes (reference, status sysstat code).
constexpr StatusCode kCodes[] = {
    {0, "ISO", "In service and operational."},
    {15, "OOS", "The cluster service is not running.\nRun \"cluster show\" and commands to view log files for more information."},
    {20, "OOS", "The NTLS service is not running.\nRun commands to display NTLS status for more information."},
    {25, "OOS", "The NTLS is not bound to an Ethernet device.\nRun commands to display NTLS status and to view log files for more information.\nSee help on how to bind an NTLS interface."},
    {30, "OOS", "The HSM service has experienced one or more errors.\nOr the HSM service has experienced one or more critical events.\nRun \"hsm show\" and commands to view HSM log files for more information."},
    {40, "OOS", "The cobradb service is not running.\nRun commands to show network connection details and to view log files for more information."},
    {50, "OFL", "No Ethernet interfaces are connected to the network.\nRun commands to display network status and to view log files for more information."},
    {60, "ISO", "eth0 is offline.\nRun the command to restart the network service if it is not running.\nRun the command to show network status for more information."},
    {61, "ISO", "eth1 is offline.\nRun the command to restart the network service if it is not running.\nRun the command to show network status for more information."},
    {62, "ISO", "eth2 is offline.\nRun the command to restart the network service if it is not running.\nRun the command to show network status for more information."},
    {63, "ISO", "eth3 is offline.\nRun the command to restart the network service if it is not running.\nRun the command to show network status for more information."},
    {70, "IST", "The logging service is not running.\nRun commands to display the logging service status and to view log files for more information.\nRun the command to restart the logging service if it is not running."},
    {80, "ISO", "The STC service is not running.\nRun commands to display STC status for more information."},
    {90, "IST", "The SSH service is not running.\nRun commands to display the SSH service status and to view log files for more information.\nRun the command to restart the SSH service if it is not running."},
    {95, "ISO", "The webserver service is not running.\nRun commands to display webserver status for more information."},
    {100, "ISO", "The SNMP service is not running.\nRun commands to display the SNMP service status and to view log files for more information.\nRun the command to restart the SNMP service if it is not running."},
    {110, "IST", "One or more partitions on the disk drive are reaching maximum capacity.\nRun commands to delete files and clear logs to free some disk space."},
};

void printCode(Output& out, const StatusCode& c) {
    std::istringstream lines{std::string(c.text)};
    std::string line;
    bool first = true;
    while (std::getline(lines, line)) {
        out.line(first ? padRight(std::to_string(c.code), 8) + padRight(c.state, 8) + line : std::string(16, ' ') + line);
        first = false;
    }
}

void sysstatCode(Context& ctx, const Args& args) {
    const auto which = args.str("code");
    const bool all = which == "all";
    if (!all && (which.empty() || !std::all_of(which.begin(), which.end(), ::isdigit) || which.size() > 6))
        throw ShellError("Error: The status code must be 'all' or a number.");
    ctx.out.line("Code    State   Description");
    ctx.out.line("=============================");
    bool found = false;
    for (const auto& c : kCodes)
        if (all || c.code == std::stoi(which)) {
            printCode(ctx.out, c);
            found = true;
        }
    if (!found) throw ShellError("Error: Unknown status code " + which + ".");
}

std::string ipv4Of(const std::string& dev) {
    auto r = runTool({"ip", "-4", "-o", "addr", "show", "dev", dev});
    std::istringstream in(r.text);
    std::string w;
    while (in >> w)
        if (w == "inet" && (in >> w)) return w.substr(0, w.find('/'));
    return "not configured";
}

void sysstatShow(Context& ctx, const Args&) {
    auto& out = ctx.out;
    std::vector<int> codes;
    try {
        auto p = ctx.hsm().properties();
        if (p.tamperState != "No tampers") codes.push_back(30);
    } catch (const std::exception&) {
        codes.push_back(30);
    }
    const auto devs = netDevices();
    bool anyUp = false;
    for (const auto& d : devs) anyUp = anyUp || ipv4Of(d) != "not configured";
    if (!anyUp) codes.push_back(50);
    std::string state = "ISO";
    for (int c : codes)
        for (const auto& k : kCodes)
            if (k.code == c && (k.state == "OOS" || (k.state == "OFL" && state != "OOS"))) state = std::string(k.state);
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    const std::string in = "   ";
    out.line("Volatile State:");
    out.line("sysstat is running");
    out.line("Service Status: sysstat is running");
    out.line();
    out.line(in + "System Status Monitor - Current Status");
    out.line(in + "======================================");
    out.line(in + padRight("Hostname:", 21) + host);
    for (const auto& d : devs) out.line(in + padRight("Interface " + d + ":", 21) + ipv4Of(d));
    out.line(in + padRight("Software Version:", 21) + "SA:" + LUNASH_VERSION);
    out.line(in + padRight("System Status:", 21) + state);
    std::string list;
    for (int c : codes) list += (list.empty() ? "" : ",") + std::to_string(c);
    out.line(in + padRight("System Status Code:", 21) + (list.empty() ? "0" : list));
    out.line(in + padRight("Status Check Time:", 21) + now("%H:%M on %d/%m/%Y"));
}

} // namespace

void registerStatusCommands(CommandTable& t) {
    t.addGroup({{"status"}, "sta", "View the current system status."});
    t.addGroup({{"status", "sysstat"}, "sy", "Display system status monitor information."});
    const auto all = kAdminOperatorMonitor;
    t.add({.path = {"status", "cpu"}, .shortForm = "c", .roles = all, .help = "Display the current CPU load.", .handler = cpu});
    t.add({.path = {"status", "date"}, .shortForm = "da", .roles = all, .help = "Display the current date and time.", .handler = date});
    t.add({.path = {"status", "disk"}, .shortForm = "di", .roles = all, .help = "Display the current disk usage.", .handler = disk});
    t.add({.path = {"status", "handles"}, .shortForm = "h", .roles = all, .help = "Display the open handle count for each process.", .handler = handles});
    t.add({.path = {"status", "interface"}, .shortForm = "i", .roles = all, .help = "Display the current network interface information.", .handler = interfaces});
    t.add({.path = {"status", "mac"}, .shortForm = "ma", .roles = all, .help = "Display the current MAC address configuration.", .handler = mac});
    t.add({.path = {"status", "mem"}, .shortForm = "me", .roles = all, .help = "Display the current memory usage.", .handler = mem});
    t.add({.path = {"status", "memmap"}, .shortForm = "memm", .roles = all, .help = "Display the Process Memory Map.", .handler = statusMemmap});
    t.add({.path = {"status", "netstat"}, .shortForm = "n", .roles = all, .help = "Display the current network connections.", .handler = netstat});
    t.add({.path = {"status", "ps"}, .shortForm = "ps", .roles = all, .help = "Display the current status of processes.", .handler = ps});
    t.add({.path = {"status", "sensors"},
           .shortForm = "se",
           .args = {{.name = "log", .shortForm = "l", .kind = ArgKind::Flag, .help = "Show sensors event logs."}},
           .roles = all,
           .help = "Display the sensors output.",
           .handler = statusSensors});
    t.add({.path = {"status", "sysstat", "code"},
           .shortForm = "c",
           .args = {{.name = "code", .kind = ArgKind::String, .valueName = "{all|<status_code>}",
                     .help = "'all', or the status code to describe.", .required = true, .positional = true}},
           .roles = all,
           .help = "Display descriptive text for a status code.",
           .handler = sysstatCode});
    t.add({.path = {"status", "sysstat", "show"}, .shortForm = "s", .roles = all, .help = "Display system status monitor service information.", .handler = sysstatShow});
    t.add({.path = {"status", "time"}, .shortForm = "t", .roles = all, .help = "Display the current time.", .handler = timeOfDay});
    t.add({.path = {"status", "zone"}, .shortForm = "z", .roles = all, .help = "Display the current time zone.", .handler = zone});
}

} // namespace lunash
