// sysconf banner, forcesologin, fingerprint ssh/license, license and appliance reboot/
// poweroff (reference), through sysconfd. Files the user names (a banner, a licence) are
// read here, from the user's own file area, and their text handed over.
#include "commands/groups.h"
#include "commands/sysconf_errors.h"

#include "platform_service.h"
#include "shell.h"
#include "user_files.h"

#include "luna/errors.h"

namespace lunash {
namespace {

void requireSoLogin(Context& ctx) {
    if (!ctx.hsm().properties().initialized)
        throw ShellError("Error: The HSM must be initialized before SO login enforcement can be changed (hsm init).");
    if (!ctx.hsm().loggedIn()) throw luna::Error(luna::rc::USER_NOT_LOGGED_IN, "Log in as HSM SO first (hsm login).");
}

void bannerAdd(Context& ctx, const Args& args) {
    const auto text = readUserFile(ctx, args.str("file"), 8192);
    explained(ctx, [&] { platform().setBanner(text); });
}

void bannerClear(Context& ctx, const Args& args) {
    if (!args.has("force")) {
        ctx.out.line("WARNING !! This command will clear the extended banner text.");
        ctx.requireProceed("If you are sure that you wish to proceed, then enter 'proceed', otherwise this command will abort.\n");
        ctx.out.line("Proceeding...");
    }
    explained(ctx, [&] { platform().clearBanner(); });
}

void soLoginEnable(Context& ctx, const Args&) {
    requireSoLogin(ctx);
    explained(ctx, [&] { platform().setForceSoLogin(true); });
}

void soLoginDisable(Context& ctx, const Args&) {
    requireSoLogin(ctx);
    explained(ctx, [&] { platform().setForceSoLogin(false); });
}

void soLoginShow(Context& ctx, const Args&) {
    const bool on = explained(ctx, [&] { return platform().forceSoLogin(); });
    ctx.out.line();
    ctx.out.line(on ? "HSM Administrator Login Enforcement is enabled." : "HSM Administrator Login Enforcement is NOT enabled.");
}

void fingerprintSsh(Context& ctx, const Args&) {
    auto keys = explained(ctx, [&] { return platform().sshFingerprints(); });
    ctx.out.line();
    ctx.out.line("SSH Server Public Keys");
    ctx.out.line();
    ctx.out.line("Type   Bits Fingerprint");
    ctx.out.line(std::string(59, '-'));
    ctx.out.line();
    for (const auto& k : keys) ctx.out.line(padRight(k.type, 8) + padLeft(std::to_string(k.bits), 8) + " " + k.fingerprint);
}

void fingerprintLicense(Context& ctx, const Args&) {
    auto [serial, fp] = explained(ctx, [&] { return platform().licenseFingerprint(); });
    ctx.out.line();
    ctx.out.line("Fingerprint for Use With Entitlement Management System");
    ctx.out.line(std::string(55, '-'));
    ctx.out.line("HSM serial #" + serial + " : " + fp);
}

void licenseApply(Context& ctx, const Args& args) {
    const auto file = args.str("filename");
    const auto text = readUserFile(ctx, file, 4096);
    if (args.has("force")) {
        ctx.out.line();
        ctx.out.line("Force option used. Proceed prompt bypassed.");
    } else {
        ctx.out.line("WARNING !! This command applies the license in " + file + " to this appliance.");
        ctx.requireProceed("If you are sure that you wish to proceed, then type 'proceed', otherwise type 'quit'\n");
        ctx.out.line("Proceeding...");
    }
    ctx.out.line();
    ctx.out.line("SafeNet Firmware/Capability Update Utility");
    ctx.out.line();
    // "You must log in ... as HSM SO to apply upgrades": "Update Result : 12 (Error detecting HSM)".
    bool so = false;
    try {
        so = ctx.hsm().loggedIn();
    } catch (const luna::Error&) {
    }
    if (!so) {
        ctx.out.line("Update Result : 12 (Error detecting HSM)");
        throw luna::Error(luna::rc::USER_NOT_LOGGED_IN, "The HSM SO must be logged in (hsm login) to apply a license.");
    }
    auto [feature, destructive] = explained(ctx, [&] { return platform().applyLicense(text); });
    ctx.out.line(destructive ? "This is a destructive capability update" : "This is a NON-destructive capability update");
    ctx.out.line("Update Result : 0 (success)");
}

void licenseList(Context& ctx, const Args&) {
    auto rows = explained(ctx, [&] { return platform().licenses(); });
    ctx.out.line();
    ctx.out.line("#     FEATURE                       VERSION   QUANTITY");
    ctx.out.line(std::string(54, '='));
    for (const auto& l : rows)
        ctx.out.line(padRight(std::to_string(l.index), 6) + padRight(l.feature, 30) + padLeft(l.version, 7) +
                     padLeft(std::to_string(l.quantity), 11));
}

void licenseRevoke(Context& ctx, const Args& args) {
    const auto index = args.number("feature").value_or(0);
    if (!args.has("force")) {
        ctx.out.line("WARNING !! This command revokes license " + std::to_string(index) + " from this appliance.");
        ctx.requireProceed("If you are sure that you wish to proceed, then type 'proceed', otherwise type 'quit'\n");
        ctx.out.line("Proceeding...");
    }
    if (index > 0xffffffffu) throw ShellError("Error: there is no license with index " + std::to_string(index) + ".");
    explained(ctx, [&] { platform().revokeLicense(static_cast<std::uint32_t>(index)); });
}

void reboot(Context& ctx, const Args& args) {
    if (!args.has("force")) {
        ctx.out.line("WARNING !!  This command will reboot the appliance.");
        ctx.out.line("            All clients will be disconnected.");
        ctx.requireProceed("If you are sure that you wish to proceed, then type 'proceed', otherwise type 'quit'\n");
        ctx.out.line("Proceeding...");
    }
    explained(ctx, [&] { platform().reboot(); });
    ctx.out.line("Reboot commencing");
}

void powerOff(Context& ctx, const Args& args) {
    if (!args.has("force")) {
        ctx.out.line("WARNING !!  This command will power off the appliance.");
        ctx.out.line("            All clients will be disconnected and the appliance will require a manual power on for");
        ctx.out.line("further access.");
        ctx.requireProceed("If you are sure that you wish to proceed, then type 'proceed', otherwise type 'quit'\n");
        ctx.out.line("Proceeding...");
    }
    explained(ctx, [&] { platform().powerOff(); });
    ctx.out.line("Power off commencing");
}

ArgSpec forceArg(std::string_view shortForm = "f") {
    return {.name = "force", .shortForm = shortForm, .kind = ArgKind::Flag, .help = "Force the action without prompting."};
}

} // namespace

void registerSysconfApplianceCommands(CommandTable& t) {
    t.addGroup({{"sysconf"}, "sysc", "Configure the appliance."});
    t.addGroup({{"sysconf", "appliance"}, "a", "Manage the appliance."});
    t.add({.path = {"sysconf", "appliance", "poweroff"}, .shortForm = "p", .args = {forceArg()}, .roles = kAdminOperator,
           .help = "Power off the appliance.", .handler = powerOff});
    t.add({.path = {"sysconf", "appliance", "reboot"}, .shortForm = "r", .args = {forceArg()}, .roles = kAdminOperator,
           .help = "Reboot the appliance.", .handler = reboot});

    t.addGroup({{"sysconf", "banner"}, "b", "Set and clear the extended login banner."});
    t.add({.path = {"sysconf", "banner", "add"}, .shortForm = "a",
           .args = {{.name = "file", .shortForm = "f", .kind = ArgKind::String, .valueName = "<filename>",
                     .help = "Banner text file name (in your file area; at most 8 KB of ASCII).", .required = true}},
           .roles = kAdminOnly, .help = "Add extended banner text from a file.", .handler = bannerAdd});
    t.add({.path = {"sysconf", "banner", "clear"}, .shortForm = "c",
           .args = {forceArg()}, .roles = kAdminOnly, .help = "Clear the extended banner text.", .handler = bannerClear});

    t.addGroup({{"sysconf", "fingerprint"}, "fi", "Display the certificate fingerprints."});
    t.add({.path = {"sysconf", "fingerprint", "license"}, .shortForm = "l", .roles = kAdminOperatorMonitor,
           .help = "Display the fingerprint for the HSM serial number.", .handler = fingerprintLicense});
    t.add({.path = {"sysconf", "fingerprint", "ssh"}, .shortForm = "s", .roles = kAdminOperatorMonitor,
           .help = "Display the fingerprint of the SSH host keys.", .handler = fingerprintSsh});

    t.addGroup({{"sysconf", "forcesologin"}, "fo", "Enable, disable or show SO login enforcement."});
    t.add({.path = {"sysconf", "forcesologin", "disable"}, .shortForm = "d", .roles = kAdminOnly,
           .help = "Disable SO login enforcement.", .handler = soLoginDisable});
    t.add({.path = {"sysconf", "forcesologin", "enable"}, .shortForm = "e", .roles = kAdminOnly,
           .help = "Enable SO login enforcement.", .handler = soLoginEnable});
    t.add({.path = {"sysconf", "forcesologin", "show"}, .shortForm = "s", .roles = kAdminOnly,
           .help = "Display the current SO login enforcement setting.", .handler = soLoginShow});

    t.addGroup({{"sysconf", "license"}, "l", "Manage feature licensing for capability and partition upgrades."});
    t.add({.path = {"sysconf", "license", "apply"}, .shortForm = "a",
           .args = {{.name = "filename", .shortForm = "fi", .kind = ArgKind::String, .valueName = "<filename>",
                     .help = "The file (in your file area) that contains the license string.", .required = true},
                    forceArg("fo")},
           .roles = kAdminOnly, .help = "Apply a purchased upgrade license.", .handler = licenseApply});
    t.add({.path = {"sysconf", "license", "list"}, .shortForm = "l", .roles = kAdminOperatorMonitor,
           .help = "List currently-applied upgrade licenses.", .handler = licenseList});
    t.add({.path = {"sysconf", "license", "revoke"}, .shortForm = "r",
           .args = {{.name = "feature", .shortForm = "fe", .kind = ArgKind::Number, .valueName = "<index>",
                     .help = "The index (see sysconf license list) of the license to revoke.", .required = true},
                    forceArg("fo")},
           .roles = kAdminOnly, .help = "Revoke an applied upgrade license.", .handler = licenseRevoke});
}

} // namespace lunash
