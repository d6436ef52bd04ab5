// sysconf config (reference "sysconf config ..."): configuration backups and factory reset,
// through sysconfd (sysconf/config_backup.h). Backups live on the appliance; export copies
// one into the user's file area (for scp) and import takes one from there. The reference's
// -devicetype hsm|token (backups kept on the HSM or a backup token) is not supported.
#include "commands/groups.h"
#include "commands/sysconf_errors.h"

#include "platform_service.h"
#include "shell.h"
#include "user_files.h"

namespace lunash {
namespace {

constexpr std::string_view kServices = "network, ssh, ntls, syslog, ntp, snmp, users, system, webserver, all";

void noDevice(const Args& args) {
    if (args.has("devicetype"))
        throw ShellError("Error: configuration backups on the HSM or a backup token are not supported on this "
                         "appliance; omit -devicetype to use the file system.");
}

void proceed(Context& ctx, const Args& args, std::initializer_list<std::string> warning) {
    if (args.has("force")) return;
    for (const auto& l : warning) ctx.out.line(l);
    ctx.requireProceed("If you are sure that you wish to proceed, then type 'proceed', otherwise type 'quit'.\n");
    ctx.out.line("Proceeding...");
}

void backup(Context& ctx, const Args& args) {
    // The reference says only "Binary option"; `config clear` keeps "the initial factory
    // configuration file", which suggests it marks one. Here the factory configuration is
    // the shipped one (factoryreset), so the flag is refused rather than guessed at.
    if (args.has("factoryconfig"))
        throw ShellError("Error: -factoryconfig is not supported on this appliance: the factory configuration is the "
                         "shipped one (sysconf config factoryreset).");
    auto name = explained(ctx, [&] { return platform().backupConfig(args.str("description")); });
    ctx.out.line();
    ctx.out.line("Created configuration backup file: " + name);
}

void clear(Context& ctx, const Args& args) {
    noDevice(args);
    proceed(ctx, args, {"WARNING !! This command deletes all the configuration backup files except the initial factory",
                        "configuration file.", ""});
    explained(ctx, [&] { platform().clearBackups(); });
}

void remove(Context& ctx, const Args& args) {
    noDevice(args);
    const auto file = args.str("file");
    proceed(ctx, args, {"WARNING !! This command deletes the configuration backup file: " + file + "."});
    explained(ctx, [&] { platform().deleteBackup(file); });
}

void exportBackup(Context& ctx, const Args& args) {
    noDevice(args);
    const auto file = args.str("file");
    checkUserFileName(file);
    proceed(ctx, args, {"WARNING !! This command exports the configuration backup file: " + file + " to your file area.",
                        "It will overwrite the existing file with the same name."});
    auto fd = explained(ctx, [&] { return platform().exportBackup(file); });
    writeUserFile(ctx, file, fd.get());
    ctx.out.line("Use scp from a client machine to get the file named: \"" + file + "\"");
}

void importBackup(Context& ctx, const Args& args) {
    noDevice(args);
    const auto file = args.str("file");
    UniqueFd fd(openUserFile(ctx, file));
    proceed(ctx, args, {"WARNING !! This command imports the configuration backup file: " + file + " from your file area.",
                        "It will overwrite the existing configuration file with the same name."});
    explained(ctx, [&] { platform().importBackup(fd.get(), file); });
}

void list(Context& ctx, const Args& args) {
    noDevice(args);
    auto files = explained(ctx, [&] { return platform().backups(); });
    ctx.out.line();
    ctx.out.line("Configuration backup files in file system:");
    ctx.out.line();
    ctx.out.line("Size    | File Name                                                 | Description");
    ctx.out.line(std::string(101, '-'));
    for (const auto& f : files)
        ctx.out.line(padRight(std::to_string(f.size), 8) + "| " + padRight(f.name, 58) + "| " + f.description);
}

void restore(Context& ctx, const Args& args) {
    const auto file = args.str("file"), service = args.str("service");
    proceed(ctx, args, {"WARNING !! This command restores the configuration from the backup file: " + file + ".",
                        "It first creates a backup of the current configuration before restoring: " + file + "."});
    auto automatic = explained(ctx, [&] { return platform().restoreConfig(file, service); });
    ctx.out.line();
    ctx.out.line("Created configuration backup file: " + automatic);
    ctx.out.line();
    ctx.out.line("Restore the " + service + " configuration: Succeeded.");
    ctx.out.line();
    ctx.out.line("You must either reboot the appliance or restart the service(s) for the changes to take effect.");
    ctx.out.line("Please check the new configurations BEFORE rebooting or restarting the services.");
    ctx.out.line("You can restore the previous configurations if the new settings are not acceptable.");
}

void show(Context& ctx, const Args& args) {
    auto [description, info] = explained(ctx, [&] { return platform().showBackup(args.str("file")); });
    ctx.out.line();
    ctx.out.line("System information when this backup was created:");
    ctx.out.line();
    for (const auto& [k, v] : info) ctx.out.line(k + ": " + v);
    ctx.out.line();
    ctx.out.line("Description: " + description);
}

void factoryReset(Context& ctx, const Args& args) {
    const auto service = args.str("service");
    // "If the Force SO login policy is set ... you must log in as SO before resetting the
    // 'ntls' service or 'all' services" (unless the HSM is zeroized).
    if (service == "ntls" || service == "all") {
        const bool enforced = explained(ctx, [&] { return platform().forceSoLogin(); });
        if (enforced) {
            bool loggedIn = false, zeroized = false;
            try {
                loggedIn = ctx.hsm().loggedIn();
                zeroized = !ctx.hsm().properties().initialized;
            } catch (const luna::Error&) {
            }
            if (!loggedIn && !zeroized)
                throw ShellError("Error: HSM Administrator Login Enforcement is enabled: log in as HSM SO (hsm login) "
                                 "before resetting the " + service + " configuration.");
        }
    }
    ctx.out.line();
    ctx.out.line(" This command resets the configuration of the selected service(s) to factory defaults.");
    ctx.out.line(" Resetting services to factory defaults can affect connectivity and the operation of the HSM.");
    if (args.has("force")) {
        ctx.out.line();
        ctx.out.line(" Force option used. Proceed prompt bypassed.");
    } else {
        ctx.requireProceed(" If you are sure that you wish to proceed, then type 'proceed', otherwise type 'quit'.\n");
        ctx.out.line("Proceeding...");
    }
    auto results = explained(ctx, [&] { return platform().factoryReset(service); });
    ctx.out.line();
    ctx.out.line(" Resetting service(s) to factory defaults:");
    ctx.out.line(" -----------------------------------------");
    bool ok = true;
    for (const auto& r : results) {
        ctx.out.line(" " + padRight(r.service, 10) + ":          " + (r.ok ? "succeeded" : "failed (" + r.detail + ")"));
        ok = ok && r.ok;
    }
    if (!ok) throw ShellError("Error: some services could not be reset to their factory configuration.");
}

ArgSpec fileArg(std::string_view shortForm, std::string_view help) {
    return {.name = "file", .shortForm = shortForm, .kind = ArgKind::String, .valueName = "<filename>", .help = help,
            .required = true};
}

ArgSpec forceArg(std::string_view shortForm = "f") {
    return {.name = "force", .shortForm = shortForm, .kind = ArgKind::Flag, .help = "Force the action without prompting."};
}

std::vector<ArgSpec> deviceArgs() {
    return {{.name = "devicetype", .shortForm = "d", .kind = ArgKind::Enum, .valueName = "<devicetype>",
             .help = "hsm or token (not supported on this appliance).", .choices = {"hsm", "token"}},
            {.name = "serialnumber", .shortForm = "s", .kind = ArgKind::String, .valueName = "<serialnum>",
             .help = "Token serial number (with -devicetype)."}};
}

ArgSpec serviceArg(std::string_view help) {
    return {.name = "service", .shortForm = "s", .kind = ArgKind::Enum, .valueName = "<service>", .help = help,
            .required = true,
            .choices = {"network", "ssh", "ntls", "syslog", "ntp", "snmp", "users", "system", "webserver", "all"}};
}

} // namespace

void registerSysconfConfigCommands(CommandTable& t) {
    static const std::string services = "The service(s): " + std::string(kServices) + ".";
    t.addGroup({{"sysconf"}, "sysc", "Configure the appliance."});
    t.addGroup({{"sysconf", "config"}, "c", "Access the system configuration commands."});
    t.add({.path = {"sysconf", "config", "backup"}, .shortForm = "b",
           .args = {{.name = "description", .shortForm = "d", .kind = ArgKind::String, .valueName = "<comment>",
                     .help = "Comment describing this backup (in double quotes if it contains spaces).", .required = true},
                    {.name = "factoryconfig", .shortForm = "f", .kind = ArgKind::Flag,
                     .help = "Binary option (not supported on this appliance)."}},
           .roles = kAdminOnly, .help = "Back up the appliance configuration.", .handler = backup});
    auto clearArgs = deviceArgs();
    clearArgs.push_back(forceArg());
    t.add({.path = {"sysconf", "config", "clear"}, .shortForm = "c", .args = clearArgs, .roles = kAdminOnly,
           .help = "Delete all the configuration backup files.", .handler = clear});
    auto fileArgs = [&](std::string_view help) {
        auto a = deviceArgs();
        a.push_back(fileArg("fi", help));
        a.push_back(forceArg("fo"));
        return a;
    };
    t.add({.path = {"sysconf", "config", "delete"}, .shortForm = "d", .args = fileArgs("File name to delete."),
           .roles = kAdminOnly, .help = "Delete a configuration backup file.", .handler = remove});
    t.add({.path = {"sysconf", "config", "export"}, .shortForm = "e", .args = fileArgs("The backup file to export."),
           .roles = kAdminOnly, .help = "Export a configuration backup file to your file area.", .handler = exportBackup});
    t.add({.path = {"sysconf", "config", "factoryreset"}, .shortForm = "f",
           .args = {forceArg(), serviceArg(services)}, .roles = kAdminOnly,
           .help = "Reset the appliance configuration to the factory settings.", .handler = factoryReset,
           .reportName = "sysconf config factoryReset"});
    t.add({.path = {"sysconf", "config", "import"}, .shortForm = "i",
           .args = fileArgs("The backup file (in your file area) to import."), .roles = kAdminOnly,
           .help = "Import a configuration backup file from your file area.", .handler = importBackup});
    t.add({.path = {"sysconf", "config", "list"}, .shortForm = "l", .args = deviceArgs(), .roles = kAdminOperatorMonitor,
           .help = "List configuration backup files.", .handler = list});
    t.add({.path = {"sysconf", "config", "restore"}, .shortForm = "r",
           .args = {fileArg("fi", "File name."), forceArg("fo"), serviceArg(services)}, .roles = kAdminOnly,
           .help = "Restore a configuration backup.", .handler = restore});
    t.add({.path = {"sysconf", "config", "show"}, .shortForm = "s", .args = {fileArg("f", "File name.")},
           .roles = kAdminOperatorMonitor, .help = "Show the system information of a configuration backup file.",
           .handler = show});
}

} // namespace lunash
