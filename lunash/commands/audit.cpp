// The audit group (LunaSH reference "audit"; seed ch.1): the appliance audit user's commands
// for the HSM Auditor role, the logging configuration and the log secret. The log file
// commands are in audit_log.cpp. Only the audit role sees the group; hsmd and cbsd check the
// role again from the caller's uid.
#include "commands/audit_common.h"
#include "commands/groups.h"

#include "shell.h"

#include "luna/audit_config.h"
#include "luna/errors.h"

#include <ctime>
#include <fstream>
#include <iterator>

namespace lunash {
namespace {

void init(Context& ctx, const Args& args) {
    auto& audit = auditService(ctx);
    requireSerial(ctx, args, "serial");
    if (args.has("domain") && args.has("defaultdomain"))
        throw ShellError("Error: -defaultdomain and -domain are mutually exclusive.");
    if (!args.has("force")) {
        ctx.out.line("              The AUDIT role will be initialized.");
        ctx.out.line();
        ctx.out.line("              Are you sure you wish to continue?");
        ctx.out.line();
        ctx.requireProceed("              Type proceed to continue, or quit to quit now -");
        ctx.out.line();
    }
    std::string domain;
    if (args.has("domain")) domain = args.str("domain");
    else if (args.has("defaultdomain")) domain = "defaultdomain";
    else
        domain = ctx.askSecret("   Please enter a domain to use for initializing the Audit role:\n   > ",
                               "\n   Please re-enter domain to confirm:\n   > ");
    auto password = args.get("password");
    if (!password)
        password = ctx.askSecret("\n   Please enter the password:\n   > ", "\n   Please re-enter password to confirm:\n   > ");
    audit.init(*password, domain);
}

void login(Context& ctx, const Args& args) {
    requireSerial(ctx, args, "serial");
    auto password = args.get("password");
    if (!password) password = ctx.askSecret("   Please enter the password:\n   > ");
    auditService(ctx).login(*password);
}

void logout(Context& ctx, const Args&) {
    auditService(ctx).logout();
    ctx.succeeded();
}

void changePw(Context& ctx, const Args& args) {
    requireSerial(ctx, args, "serial");
    auto oldPw = args.get("oldpw");
    if (!oldPw) oldPw = ctx.askSecret("   Please enter the old password:\n   > ");
    auto newPw = args.get("newpw");
    if (!newPw)
        newPw = ctx.askSecret("\n   Please enter the new password:\n   > ", "\n   Please re-enter the new password:\n   > ");
    auditService(ctx).changePassword(*oldPw, *newPw);
}

void config(Context& ctx, const Args& args) {
    requireSerial(ctx, args, "serial");
    auto parameter = lowerCase(args.str("parameter"));
    const auto value = args.str("value");
    // The reference's [e]vent and [r]otation; the seed also writes "rotate".
    const bool event = parameter == "event" || parameter == "e";
    const bool rotation = parameter == "rotation" || parameter == "rotate" || parameter == "r";
    if (!event && !rotation)
        throw ShellError("Error: Invalid parameter '" + args.str("parameter") + "': use event or rotation.");
    if (value == "?") {
        ctx.out.line(event ? "Event values (a comma-separated list; give failure, success or both):"
                           : "Rotation values:");
        if (event)
            for (const auto& l : luna::audit::eventWordHelp()) ctx.out.line("   " + l);
        else
            for (const auto& r : luna::audit::kRotationNames) {
                std::string n(r.name);
                ctx.out.line("   [" + n.substr(0, 1) + "]" + n.substr(1));
            }
        return;
    }
    auto& audit = auditService(ctx);
    if (rotation) {
        auto r = luna::audit::rotationFromName(value);
        if (!r) throw ShellError("Error: Invalid rotation value '" + value + "' (use -value ? for the list).");
        audit.setConfig(std::nullopt, std::string(luna::audit::rotationName(*r)));
        return;
    }
    const auto mask = luna::audit::parseEventMask(value);
    if (mask == luna::audit::kAllBits) {
        ctx.out.line("WARNING: Logging everything will quickly fill up the log files and");
        ctx.out.line("         may affect the performance of the HSM.");
        ctx.out.line();
    }
    audit.setConfig(mask, "");
}

std::string asctimeUtc(std::int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    ::gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a %b %d %H:%M:%S %Y", &tm);
    return buf;
}

void show(Context& ctx, const Args& args) {
    requireSerial(ctx, args, "serial");
    auto s = auditService(ctx).status();
    auto& out = ctx.out;
    out.line("HSM Logging Status:");
    out.line();
    out.line(s.daemonSeen ? "HSM found logging daemon" : "HSM did not find logging daemon");
    if (s.loggedIn) out.line(s.configured ? "Logging has been configured" : "Logging has not been configured");
    out.line("HSM is currently storing " + std::to_string(s.stored) + " log records.");
    out.line();
    out.line(std::string("HSM Audit Role: ") +
             (!s.roleInitialized ? "not initialized" : s.loggedIn ? "logged in" : "not logged in"));
    out.line();
    out.line("HSM Time : " + asctimeUtc(s.hsmTime));
    out.line("HOST Time : " + asctimeUtc(static_cast<std::int64_t>(std::time(nullptr))));
    if (!s.loggedIn) return;
    out.line();
    out.line("Current Logging Configuration");
    out.line("-----------------------------");
    out.line("event mask        : " + luna::audit::describeEventMask(s.eventMask));
    out.line("rotation interval : " + s.rotation);
    if (s.foreignSecret) {
        out.line();
        out.line("Verifying with an imported log secret: re-import this HSM's own secret to verify its logs.");
    }
}

void sync(Context& ctx, const Args&) { auditService(ctx).sync(static_cast<std::int64_t>(std::time(nullptr))); }

void secretExport(Context& ctx, const Args& args) {
    requireSerial(ctx, args, "serial");
    auto [name, blob] = auditService(ctx).exportSecret();
    writeUserFile(ctx, name, std::string(blob.begin(), blob.end()));
    ctx.out.line("The encrypted log secret file " + name + " now available for scp.");
    ctx.out.line();
    ctx.out.line("Now that you have exported your log secret, if you wish to verify your logs");
    ctx.out.line("on another HSM see the 'audit secret import' command. If you wish to verify");
    ctx.out.line("your logs on another SA see the 'audit log tar' command.");
}

void secretImport(Context& ctx, const Args& args) {
    const auto file = args.str("file");
    const auto source = args.str("serialsource");
    // As scp left it in the user's directory, or where `audit log tarlogs` put it.
    auto path = findUserFile(ctx, file, {"", source + "/"});
    if (!path) throw ShellError("Error: Cannot find the file '" + file + "' in " + userDir(ctx).string() + "/");
    std::ifstream in(*path, std::ios::binary);
    std::string blob((std::istreambuf_iterator<char>(in)), {});
    auditService(ctx).importSecret(std::vector<std::uint8_t>(blob.begin(), blob.end()), source,
                                   args.str("serialtarget"));
    ctx.out.line("Successfully imported the encrypted log secret " + file);
    ctx.out.line();
    ctx.out.line("Now that you have imported a log secret if you wish to verify");
    ctx.out.line("your logs please see the 'audit log verify' command.");
}

ArgSpec serial(std::string_view shortForm = "s") {
    return {.name = "serial", .shortForm = shortForm, .kind = ArgKind::String, .valueName = "<serialnum>",
            .help = "The serial number of the HSM (the embedded HSM by default)."};
}

} // namespace

void registerAuditCommands(CommandTable& t) {
    const RoleSet audit = roles(Role::Audit);
    t.addGroup({{"audit"}, "a", "Access commands that allow the audit user to perform HSM auditing tasks."});
    t.addGroup({{"audit", "secret"}, "se", "Export/Import Audit Logging Secret"});
    t.add({.path = {"audit", "changepwd"},
           .shortForm = "ch",
           .args = {{.name = "newpw", .shortForm = "n", .kind = ArgKind::Password, .valueName = "<password>",
                     .help = "The new password for the Audit role (prompted for if omitted)."},
                    {.name = "oldpw", .shortForm = "o", .kind = ArgKind::Password, .valueName = "<password>",
                     .help = "The current password for the Audit role (prompted for if omitted)."},
                    serial()},
           .roles = audit,
           .help = "Change Audit User Password or PED Key",
           .handler = changePw,
           .reportName = "audit changePwd"});
    t.add({.path = {"audit", "config"},
           .shortForm = "co",
           .args = {{.name = "parameter", .shortForm = "p", .kind = ArgKind::String, .valueName = "<parameter>",
                     .help = "event or rotation.", .required = true},
                    serial(),
                    {.name = "value", .shortForm = "v", .kind = ArgKind::String, .valueName = "<value>",
                     .help = "Events (comma-separated, with failure and/or success) or a rotation; ? lists them.",
                     .required = true}},
           .roles = audit,
           .help = "Set Audit Parameters",
           .handler = config});
    t.add({.path = {"audit", "init"},
           .shortForm = "i",
           .args = {{.name = "defaultdomain", .shortForm = "de", .kind = ArgKind::Flag,
                     .help = "Use the default domain (deprecated, insecure)."},
                    {.name = "domain", .shortForm = "do", .kind = ArgKind::Password, .valueName = "<auditdomain>",
                     .help = "The audit domain (prompted for if omitted)."},
                    {.name = "force", .shortForm = "f", .kind = ArgKind::Flag, .help = "Force the action without prompting."},
                    {.name = "password", .shortForm = "p", .kind = ArgKind::Password, .valueName = "<password>",
                     .help = "The password for the Audit role (prompted for if omitted)."},
                    serial()},
           .roles = audit,
           .help = "Initialize the Audit role",
           .handler = init});
    t.add({.path = {"audit", "login"},
           .shortForm = "logi",
           .args = {{.name = "password", .shortForm = "p", .kind = ArgKind::Password, .valueName = "<password>",
                     .help = "The Audit role password (prompted for if omitted)."},
                    serial()},
           .roles = audit,
           .help = "Login as the Audit user",
           .handler = login});
    t.add({.path = {"audit", "logout"}, .shortForm = "logo", .roles = audit, .help = "Logout the Audit user", .handler = logout});
    t.add({.path = {"audit", "show"},
           .shortForm = "sh",
           .args = {serial()},
           .roles = audit,
           .help = "Display the Audit logging info",
           .handler = show});
    t.add({.path = {"audit", "sync"}, .shortForm = "sy", .roles = audit, .help = "Synchronize HSM Time to Host Time", .handler = sync});
    t.add({.path = {"audit", "secret", "export"},
           .shortForm = "e",
           .args = {serial()},
           .roles = audit,
           .help = "Export the audit logging secret.",
           .handler = secretExport});
    t.add({.path = {"audit", "secret", "import"},
           .shortForm = "i",
           .args = {{.name = "file", .shortForm = "f", .kind = ArgKind::String, .valueName = "<filename>",
                     .help = "The audit secret file to import.", .required = true},
                    {.name = "serialsource", .shortForm = "serials", .kind = ArgKind::String, .valueName = "<serialnum>",
                     .help = "The serial number of the HSM that exported the secret.", .required = true},
                    {.name = "serialtarget", .shortForm = "serialt", .kind = ArgKind::String, .valueName = "<serialnum>",
                     .help = "The serial number of this HSM.", .required = true}},
           .roles = audit,
           .help = "Import the audit logging secret.",
           .handler = secretImport});
    registerAuditLogCommands(t);
    registerAuditRemoteCommands(t);
}

} // namespace lunash
