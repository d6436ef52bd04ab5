// The service group (reference "service ..."): the appliance's services by the reference's
// names, controlled through sysconfd, which maps each to its systemd unit and drives systemd.
#include "commands/groups.h"
#include "commands/sysconf_errors.h"

#include "platform_service.h"
#include "shell.h"

#include <filesystem>
#include <fstream>

namespace lunash {
namespace {

constexpr std::string_view kNames = "cbs, lsta, network, ntls, ntp, snmp, ssh, stc, syslog, sysstat, webserver";

std::string okLine(const std::string& what) {
    std::string s = what + ":";
    if (s.size() < 75) s += std::string(75 - s.size(), ' ');
    return s + "[   OK   ]";
}

void list(Context& ctx, const Args&) {
    auto services = explained(ctx, [&] { return platform().services(); });
    ctx.out.line();
    ctx.out.line("     The following are valid luna SA service names:");
    for (const auto& s : services) {
        std::string line = "        " + padRight(s.name, 10) + "- " + s.description;
        if (s.loadState == "not-built") line += " (not built into this software appliance)";
        else if (s.loadState == "not-found") line += " (not installed)";
        ctx.out.line(line);
    }
}

// `service status network` lists the interfaces, as the reference shows.
void networkInterfaces(Context& ctx) {
    namespace fs = std::filesystem;
    std::error_code ec;
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator("/sys/class/net", ec)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
        if (n == "lo") continue;
        std::ifstream in("/sys/class/net/" + n + "/operstate");
        std::string state;
        in >> state;
        ctx.out.line("     " + n + " is " + (state == "up" ? "up" : "down"));
    }
}

void status(Context& ctx, const Args& args) {
    const auto name = args.str("service_name");
    auto st = explained(ctx, [&] { return platform().serviceStatus(name); });
    ctx.out.line();
    if (name == "network") networkInterfaces(ctx);
    if (st.loadState == "not-built") {
        ctx.out.line("     " + name + " is not built into this software appliance");
        return;
    }
    if (st.loadState != "loaded") {
        ctx.out.line("     " + name + " is not installed on this appliance");
        return;
    }
    std::string line = "     " + name + " (" + st.unit + ") is ";
    if (st.activeState == "active") line += "running" + (st.mainPid ? " (pid " + std::to_string(st.mainPid) + ")" : "");
    else if (st.activeState == "inactive") line += "stopped";
    else line += st.activeState + " (" + st.subState + ")";
    ctx.out.line(line);
    if (!st.unitFileState.empty()) ctx.out.line("     " + name + " is " + st.unitFileState + " at boot");
}

void start(Context& ctx, const Args& args) {
    const auto name = args.str("service_name");
    explained(ctx, [&] { platform().startService(name); });
    ctx.out.line();
    ctx.out.line(okLine("Starting " + name));
    ctx.out.line();
}

void stop(Context& ctx, const Args& args) {
    const auto name = args.str("service_name");
    if (!args.has("force") && (name == "network" || name == "ssh") && ctx.session.viaSsh()) {
        ctx.out.line("WARNING !! Stopping the " + name + " service ends every SSH session, this one included.");
        ctx.requireProceed("If you are sure that you wish to proceed, then type 'proceed', otherwise type 'quit'\n");
        ctx.out.line("Proceeding...");
    }
    explained(ctx, [&] { platform().stopService(name); });
    ctx.out.line(okLine("Stopping " + name));
    ctx.out.line();
}

void restart(Context& ctx, const Args& args) {
    const auto name = args.str("service_name");
    explained(ctx, [&] { platform().restartService(name); });
    ctx.out.line();
    ctx.out.line(okLine("Stopping " + name));
    ctx.out.line();
    ctx.out.line(okLine("Starting " + name));
    ctx.out.line();
}

ArgSpec serviceArg(std::string_view help) {
    return {.name = "service_name", .kind = ArgKind::String, .valueName = "<service_name>", .help = help, .required = true,
            .positional = true};
}

ArgSpec forceArg() {
    return {.name = "force", .shortForm = "f", .kind = ArgKind::Flag, .help = "Force the action without prompting."};
}

} // namespace

void registerServiceCommands(CommandTable& t) {
    static const std::string names = "Valid values: " + std::string(kNames) + ".";
    t.addGroup({{"service"}, "se", "Access commands that allow you to view or manage services."});
    t.add({.path = {"service", "list"}, .shortForm = "l", .roles = kAdminOperatorMonitor,
           .help = "Display a list of the services.", .handler = list});
    t.add({.path = {"service", "restart"}, .shortForm = "r", .args = {serviceArg(names), forceArg()},
           .roles = kAdminOperator, .help = "Restart a service.", .handler = restart});
    t.add({.path = {"service", "start"}, .shortForm = "star", .args = {serviceArg(names)}, .roles = kAdminOperator,
           .help = "Start a service.", .handler = start});
    t.add({.path = {"service", "status"}, .shortForm = "stat", .args = {serviceArg(names)}, .roles = kAdminOperatorMonitor,
           .help = "Display the status for a service.", .handler = status});
    t.add({.path = {"service", "stop"}, .shortForm = "sto", .args = {serviceArg(names), forceArg()},
           .roles = kAdminOperator, .help = "Stop a service.", .handler = stop});
}

} // namespace lunash
