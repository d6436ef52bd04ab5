// The hsm group: the HSM as the HSM SO (HSM Admin) manages it. Output follows the
// reference's examples line by line; every value comes from hsmd.
#include "commands/groups.h"

#include "shell.h"
#include "user_files.h"

#include "luna/errors.h"

#include <cstdlib>
#include <fstream>

namespace lunash {

void hsmShow(Context& ctx, const Args& args);           // hsm_show.cpp
void hsmShowPolicies(Context& ctx, const Args& args);   // hsm_show.cpp
void hsmInformationShow(Context& ctx, const Args& args);

namespace {

constexpr std::size_t kLabelMax = 32;    // longer labels are truncated (reference, hsm init)
constexpr std::size_t kTemplateMax = 65536;   // a policy template is a few kB (hsm showpolicies -exporttemplate)

void init(Context& ctx, const Args& args) {
    // Time changes guarded by the HSM SO need sysconfd to see the SO login that hsmd binds to
    // this session's bus connection; neither daemon carries it yet (docs/lunash.md, Not yet).
    if (args.has("authtimeconfig"))
        throw ShellError("Error: -authtimeconfig is not supported on this appliance yet; nothing was changed.");
    // The template is read before anything is asked or changed, so a missing file costs nothing;
    // hsmd checks its content before the init touches the HSM.
    std::optional<std::string> policyTemplate;
    if (auto file = args.get("applytemplate")) policyTemplate = readUserFile(ctx, *file, kTemplateMax);
    auto& hsm = ctx.hsm();
    const bool soft = hsm.properties().initialized;
    std::string label = args.str("label").substr(0, kLabelMax);
    std::string password, domain;
    if (soft) {
        ctx.out.line("Warning:          This HSM is not in the factory reset (zeroized) state.");
        ctx.out.line("                  You must present the current HSM Admin login credentials");
        ctx.out.line("                  to clear the HSM contents.");
        ctx.out.line();
    } else {
        password = args.get("password").value_or("");
        if (password.empty())
            password = ctx.askSecret("   Please enter a password for the HSM Administrator:\n   > ",
                                     "\n   Please re-enter password to confirm:\n   > ");
        if (args.has("domain")) domain = args.str("domain");
        else if (args.has("defaultdomain")) domain = "defaultdomain";
        else
            domain = ctx.askSecret("\n   Please enter a cloning domain to use for initializing this HSM:\n   > ",
                                   "\n   Please re-enter cloning domain to confirm:\n   > ");
    }
    if (!args.has("force")) {
        ctx.out.line("CAUTION:          Are you sure you wish to " + std::string(soft ? "re-" : "") +
                     "initialize this HSM?");
        ctx.out.line("                  All partitions and data will be erased.");
        ctx.out.line();
        ctx.requireProceed("                  Type 'proceed' to initialize the HSM, or 'quit'\n"
                           "                  to quit now.\n                  ");
        ctx.out.line();
    }
    if (policyTemplate) hsm.initFromTemplate(label, password, domain, *policyTemplate);
    else hsm.init(label, password, domain);
    ctx.succeeded();
}

void login(Context& ctx, const Args& args) {
    auto password = args.get("password");
    if (!password) password = ctx.askSecret("\n   Please enter the HSM Administrator's password:\n   > ");
    ctx.hsm().login(*password);
    ctx.succeeded();
}

void logout(Context& ctx, const Args&) {
    ctx.hsm().logout();
    ctx.succeeded();
}

void changePw(Context& ctx, const Args& args) {
    auto oldPw = args.get("oldpw");
    if (!oldPw) oldPw = ctx.askSecret("   Please enter the HSM Administrators' current password:\n   > ");
    auto newPw = args.get("newpw");
    if (!newPw)
        newPw = ctx.askSecret("\n   Please enter a new password for the HSM Administrator:\n   > ",
                              "\n   Please re-enter password to confirm:\n   > ");
    ctx.hsm().changePassword(*oldPw, *newPw);
    ctx.out.line();
    ctx.succeeded();
}

void changePolicy(Context& ctx, const Args& args) {
    auto& hsm = ctx.hsm();
    const auto id = static_cast<std::uint32_t>(*args.number("policy"));
    const auto value = *args.number("value");
    if (value > 0xFFFFFFFFu) throw luna::Error(luna::rc::POLICY_VALUE_INVALID);
    std::string name = "#" + std::to_string(id);
    bool destructive = false;
    for (const auto& p : hsm.policies())
        if (p.id == id && !p.policyName.empty()) {
            name = p.policyName;
            destructive = p.destructive && p.value != value;
        }
    if (destructive && !args.has("force")) {
        ctx.out.line("CAUTION:          Are you sure you wish to change the destructive");
        ctx.out.line("                  policy named:");
        ctx.out.line();
        ctx.out.line("                     " + name);
        ctx.out.line();
        ctx.out.line("                  Changing this policy will result in erasing all partitions");
        ctx.out.line("                  on the HSM! (HSM Admin, Domain, and M of N (where applicable)");
        ctx.out.line("                  will not be modified.)");
        ctx.out.line();
        ctx.requireProceed("          Type 'proceed' to zeroize your HSM and change the policy,\n"
                           "          or 'quit' to quit now.\n          ");
    }
    hsm.changePolicy(id, static_cast<std::uint32_t>(value));
    ctx.succeeded();
    ctx.out.line();
    ctx.out.line("Policy " + name + " is now set to value: " + std::to_string(value));
}

void zeroize(Context& ctx, const Args& args) {
    if (!args.has("force")) {
        ctx.out.line("CAUTION: Are you sure you wish to zeroize this HSM?");
        ctx.out.line("          All partitions and data will be erased.");
        ctx.out.line("          HSM level policies will not be changed.");
        ctx.out.line("          All current NTLS and/or STC sessions will be terminated.");
        ctx.out.line("          If you want policies reverted as well, use factory reset.");
        ctx.out.line();
        ctx.requireProceed("          Type 'proceed' to return the HSM to factory default, or\n"
                           "          'quit' to quit now.\n          ");
    }
    ctx.hsm().zeroize();
    ctx.succeeded();
    ctx.out.line();
    ctx.out.line("Please wait while the HSM is reset to complete the");
    ctx.out.line("process.");
}

// The seed (ch.5) and the reference agree that factory reset needs the local serial
// console; a session that came in over SSH is refused before anything is asked.
void factoryReset(Context& ctx, const Args& args) {
    if (ctx.session.viaSsh())
        throw ShellError("Error:        'hsm factoryReset' can only be run from the local\n"
                         "              console. Login as 'admin' using the serial port on\n"
                         "              the Luna SA before running this command.");
    if (!args.has("force")) {
        ctx.out.line("CAUTION:          Are you sure you wish to reset this HSM to factory");
        ctx.out.line("                  default settings? All partitions and data will be erased.");
        ctx.out.line("                  Partition policies will be reverted to factory settings.");
        ctx.out.line("                  HSM level policies will be reverted to factory settings.");
        ctx.out.line("                  If you want to erase partitions and data only, use zeroize.");
        ctx.out.line("                  Remote PED vector will be erased.");
        ctx.requireProceed("                  Type 'proceed' to return the HSM to factory default, or\n"
                           "                  'quit' to quit now.\n                  ");
        ctx.out.line();
    }
    ctx.hsm().factoryReset();
    ctx.succeeded();
    ctx.out.line();
    ctx.out.line("Please wait while the HSM is reset to complete the process.");
    ctx.out.line("The remote PED vector (RPV) has been erased on HSM.");
}

ArgSpec force(std::string_view help = "Force the action without prompting.") {
    return {.name = "force", .shortForm = "f", .kind = ArgKind::Flag, .help = help};
}

} // namespace

void registerHsmCommands(CommandTable& t) {
    t.addGroup({{"hsm"}, "hs", "Manage the HSM on the appliance."});
    t.addGroup({{"hsm", "information"}, "inf", "Display HSM information."});

    t.add({.path = {"hsm", "changepolicy"},
           .shortForm = "changepo",
           .args = {force("Force the action without prompting, even for a destructive policy."),
                    {.name = "policy", .shortForm = "p", .kind = ArgKind::Number, .valueName = "<hsm_policy_number>",
                     .help = "The code of the policy to alter (see hsm showpolicies).", .required = true},
                    {.name = "value", .shortForm = "v", .kind = ArgKind::Number, .valueName = "<hsm_policy_value>",
                     .help = "The value to assign: 1 for on, 0 for off.", .required = true}},
           .roles = kAdminOnly,
           .help = "Sets a policy on or off, or to a value if it is a numerical policy.",
           .handler = changePolicy,
           .reportName = "hsm changePolicy"});
    t.add({.path = {"hsm", "changepw"},
           .shortForm = "changepw",
           .args = {{.name = "newpw", .shortForm = "n", .kind = ArgKind::Password, .valueName = "<password>",
                     .help = "The new HSM Admin password (prompted for if omitted)."},
                    {.name = "oldpw", .shortForm = "o", .kind = ArgKind::Password, .valueName = "<password>",
                     .help = "The current HSM Admin password (prompted for if omitted)."}},
           .roles = kAdminOnly,
           .help = "Changes the password for the HSM Admin.",
           .handler = changePw,
           .reportName = "hsm changePw"});
    t.add({.path = {"hsm", "factoryreset"},
           .shortForm = "fa",
           .args = {force()},
           .roles = kAdminOnly,
           .help = "Set the HSM back to its factory default settings (local serial console only).",
           .handler = factoryReset,
           .reportName = "hsm factoryReset"});
    t.add({.path = {"hsm", "information", "show"},
           .shortForm = "s",
           .roles = kAdminOperatorMonitor,
           .help = "Display HSM information.",
           .handler = hsmInformationShow});
    t.add({.path = {"hsm", "init"},
           .shortForm = "ini",
           .args = {{.name = "applytemplate", .shortForm = "ap", .kind = ArgKind::String, .valueName = "<filename>",
                     .help = "Apply an HSM policy template (a file in your file area)."},
                    {.name = "authtimeconfig", .shortForm = "a", .kind = ArgKind::Flag,
                     .help = "The SO must be logged in to configure the time (not supported yet)."},
                    {.name = "defaultdomain", .shortForm = "de", .kind = ArgKind::Flag,
                     .help = "Use the default cloning domain (deprecated, insecure)."},
                    {.name = "domain", .shortForm = "do", .kind = ArgKind::Password, .valueName = "<hsm_domain>",
                     .help = "The cloning domain string (prompted for if omitted)."},
                    force(),
                    {.name = "label", .shortForm = "l", .kind = ArgKind::String, .valueName = "<hsm_label>",
                     .help = "The label to assign to the HSM (at most 32 characters).", .required = true},
                    {.name = "password", .shortForm = "p", .kind = ArgKind::Password,
                     .valueName = "<hsm_admin_password>",
                     .help = "The HSM Admin password (prompted for if omitted)."}},
           .roles = kAdminOnly,
           .help = "Initialize the HSM.",
           .handler = init});
    t.add({.path = {"hsm", "login"},
           .shortForm = "logi",
           .args = {{.name = "password", .shortForm = "p", .kind = ArgKind::Password, .valueName = "<password>",
                     .help = "HSM Admin password (prompted for if omitted)."}},
           .roles = kAdminOperator,
           .help = "Log in as the HSM Admin.",
           .handler = login});
    t.add({.path = {"hsm", "logout"},
           .shortForm = "logo",
           .roles = kAdminOperator,
           .help = "Log out the HSM Admin account.",
           .handler = logout});
    t.add({.path = {"hsm", "show"},
           .shortForm = "sh",
           .roles = kAdminOperatorMonitor | Role::Audit,   // the audit user has hsm show (reference, "audit")
           .help = "Display the current configuration of the HSM.",
           .handler = hsmShow});
    t.add({.path = {"hsm", "showpolicies"},
           .shortForm = "showp",
           .args = {{.name = "configonly", .shortForm = "c", .kind = ArgKind::Flag,
                     .help = "Restrict the list to configurable policies only."},
                    {.name = "exporttemplate", .shortForm = "e", .kind = ArgKind::String, .valueName = "<filename>",
                     .help = "Export the current state of all HSM policies to a template file."}},
           .roles = kAdminOperatorMonitor,
           .help = "Display the current settings for all HSM capabilities and policies.",
           .handler = hsmShowPolicies});
    t.add({.path = {"hsm", "zeroize"},
           .shortForm = "z",
           .args = {force()},
           .roles = kAdminOnly,
           .help = "Zeroize the HSM: destroy all partitions, roles and objects.",
           .handler = zeroize});
}

} // namespace lunash
