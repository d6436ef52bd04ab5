// The user group: appliance users and their roles, as the admin manages them (reference
// "user ..."). Every change is a sysconfd request, authorized there from this process's uid;
// sysconfd's sentences explain its refusals.
#include "commands/groups.h"
#include "commands/sysconf_errors.h"

#include "shell.h"

#include <algorithm>
#include <functional>

namespace lunash {

// The reference's text, shared with `my password set` (commands/my.cpp).
void choosePassword(Context& ctx, const std::string& user, const std::function<void(const std::string&)>& set);

namespace {

ArgSpec usernameArg(std::string_view help) {
    return {.name = "username", .shortForm = "u", .kind = ArgKind::String, .valueName = "<username>",
            .help = help, .required = true};
}

ArgSpec roleArg(std::string_view help) {
    return {.name = "role", .shortForm = "r", .kind = ArgKind::String, .valueName = "<rolename>", .help = help,
            .required = true};
}

void add(Context& ctx, const Args& args) {
    explained(ctx, [&] { ctx.sysconf().addUser(args.str("username")); });
}

void remove(Context& ctx, const Args& args) {
    explained(ctx, [&] { ctx.sysconf().deleteUser(args.str("username")); });
}

void disable(Context& ctx, const Args& args) {
    const auto name = args.str("username");
    explained(ctx, [&] { ctx.sysconf().disableUser(name); });
    ctx.out.line(name + " was disabled successfully.");
}

void enable(Context& ctx, const Args& args) {
    const auto name = args.str("username");
    explained(ctx, [&] { ctx.sysconf().enableUser(name); });
    ctx.out.line(name + " was enabled successfully.");
}

void list(Context& ctx, const Args&) {
    auto users = explained(ctx, [&] { return ctx.sysconf().listUsers(); });
    auto row = [&](const std::string& u, const std::string& r, const std::string& s, const std::string& radius) {
        ctx.out.line(padLeft(u, 25) + padLeft(r, 32) + padLeft(s, 15) + padLeft(radius, 11));
    };
    row("Users", "Roles", "Status", "RADIUS");
    row(std::string(20, '-'), std::string(8, '-'), std::string(8, '-'), std::string(8, '-'));
    for (const auto& u : users) row(u.name, u.role, u.status, u.radius ? "yes" : "no");
}

void password(Context& ctx, const Args& args) {
    const auto name = args.get("userid").value_or(ctx.session.user);
    choosePassword(ctx, name, [&](const std::string& pw) {
        explained(ctx, [&] { ctx.sysconf().setUserPassword(name, pw); });
    });
}

void roleAdd(Context& ctx, const Args& args) {
    const auto name = args.str("username");
    explained(ctx, [&] { ctx.sysconf().addRole(name, args.str("role")); });
    ctx.out.line("User " + name + " was successfully modified.");
}

void roleDelete(Context& ctx, const Args& args) {
    const auto name = args.str("username");
    explained(ctx, [&] { ctx.sysconf().deleteRole(name, args.str("role")); });
    ctx.out.line("User " + name + " was successfully modified.");
}

void roleClear(Context& ctx, const Args& args) {
    const auto name = args.str("username");
    if (!args.has("force")) {
        ctx.out.line("WARNING !! This command will delete all " + name + "'s role assignments.");
        ctx.requireProceed(
            "If you are sure that you wish to proceed, then enter 'proceed', otherwise this command will abort.\n\n");
        ctx.out.line("Proceeding...");
    }
    explained(ctx, [&] { ctx.sysconf().clearRoles(name); });
    ctx.out.line("Role list cleared for user " + name);
}

void roleList(Context& ctx, const Args& args) {
    if (auto name = args.get("username")) {
        auto roles = explained(ctx, [&] { return ctx.sysconf().rolesOf(*name); });
        ctx.out.line("Roles assigned to user " + *name + ":");
        ctx.out.line(std::string(50, '-'));
        if (roles.empty()) ctx.out.line("none");
        for (const auto& r : roles) ctx.out.line(r);
        return;
    }
    auto roles = explained(ctx, [&] { return ctx.sysconf().listRoles(); });
    std::sort(roles.begin(), roles.end());
    ctx.out.line("Available Roles:");
    ctx.out.line(std::string(50, '-'));
    for (const auto& r : roles) ctx.out.line(r);
}

} // namespace

void registerUserCommands(CommandTable& t) {
    t.addGroup({{"user"}, "u", "Manage users and their roles."});
    t.add({.path = {"user", "add"},
           .shortForm = "a",
           .args = {usernameArg("Specifies the user name of the user to create.")},
           .roles = kAdminOnly,
           .help = "Add LunaSH user.",
           .handler = add});
    t.add({.path = {"user", "delete"},
           .shortForm = "de",
           .args = {usernameArg("Specifies the user name of the user being removed.")},
           .roles = kAdminOnly,
           .help = "Delete a named LunaSH user.",
           .handler = remove});
    t.add({.path = {"user", "disable"},
           .shortForm = "di",
           .args = {usernameArg("Specifies the user name of the user to disable.")},
           .roles = kAdminOnly,
           .help = "Disable a LunaSH user (but the user still exists with role(s) assigned).",
           .handler = disable});
    t.add({.path = {"user", "enable"},
           .shortForm = "e",
           .args = {usernameArg("Specifies the user name of the user being enabled.")},
           .roles = kAdminOnly,
           .help = "Enable a locked LunaSH user (with whatever roles are assigned to that user).",
           .handler = enable});
    t.add({.path = {"user", "list"},
           .shortForm = "l",
           .roles = kAdminOnly,
           .help = "List the LunaSH user accounts.",
           .handler = list});
    t.add({.path = {"user", "password"},
           .shortForm = "p",
           .args = {{.name = "userid", .kind = ArgKind::String, .valueName = "<userid>",
                     .help = "The user whose password to change; omit it to change your own.", .positional = true}},
           .roles = kAdminOnly,
           .help = "Set User Password.",
           .handler = password});
    t.addGroup({{"user", "role"}, "ro", "Access the user role commands."});
    t.add({.path = {"user", "role", "add"},
           .shortForm = "a",
           .args = {roleArg("The role to give the user: admin, operator, monitor or audit."),
                    usernameArg("Specifies the name of the existing named user account to which the role is being added.")},
           .roles = kAdminOnly,
           .help = "Add a role to a LunaSH user.",
           .handler = roleAdd});
    t.add({.path = {"user", "role", "clear"},
           .shortForm = "c",
           .args = {{.name = "force", .shortForm = "f", .kind = ArgKind::Flag, .help = "Force the action. Useful for scripting."},
                    usernameArg("Specifies the name of the user account from which the role is being removed.")},
           .roles = kAdminOnly,
           .help = "Clears user role assignments.",
           .handler = roleClear});
    t.add({.path = {"user", "role", "delete"},
           .shortForm = "d",
           .args = {roleArg("The role name of the role being removed from the user."),
                    usernameArg("Specifies the name of the user account from which the role is being removed.")},
           .roles = kAdminOnly,
           .help = "Delete a role from a LunaSH user.",
           .handler = roleDelete});
    t.add({.path = {"user", "role", "list"},
           .shortForm = "l",
           .args = {{.name = "username", .shortForm = "u", .kind = ArgKind::String, .valueName = "<username>",
                     .help = "See the roles assigned to the named user."}},
           .roles = kAdminOnly,
           .help = "List the possible role assignments.",
           .handler = roleList});
}

} // namespace lunash
