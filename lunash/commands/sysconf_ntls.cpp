// The sysconf commands about NTLS's server certificate: `sysconf regencert` and
// `sysconf fingerprint ntls`. ntlsd makes and keeps the certificate; the rest of the sysconf
// group belongs to sysconfd's commands, which add themselves to the same group.
#include "commands/groups.h"

#include "ntls_service.h"
#include "shell.h"

#include <arpa/inet.h>

namespace lunash {
namespace {

bool isIp(const std::string& s) {
    unsigned char buf[16];
    return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

void regencert(Context& ctx, const Args& args) {
    const auto ip = args.str("device_ip_address"), start = args.str("startdate");
    const auto days = args.number("days").value_or(3653);
    if (!ip.empty() && !isIp(ip)) throw ShellError("Error: '" + ip + "' is not an IP address.");
    if (!start.empty() && (start.size() != 8 || start.find_first_not_of("0123456789") != std::string::npos))
        throw ShellError("Error: -startdate must be a date in the form YYYYMMDD.");
    if (days < 1 || days > 3653) throw ShellError("Error: -days must be 1 to 3653.");
    if (!args.has("force")) {
        ctx.out.line("WARNING !!  This command will overwrite the current server certificate and private key.");
        ctx.out.line("            All clients will have to add this server again with this new certificate.");
        ctx.requireProceed("If you are sure that you wish to proceed, then type 'proceed', otherwise type 'quit'\n");
        ctx.out.line("Proceeding...");
    }
    ntls().regenerateCertificate(ip, start, static_cast<std::uint32_t>(days));
    ctx.out.line();
    ctx.out.line("'sysconf regenCert' successful. The NTLS, STC and CBS services must be (re)started before clients");
    ctx.out.line("can connect.");
    ctx.out.line();
    ctx.out.line("Please use the 'ntls show' command to ensure that NTLS is bound to an appropriate network device");
    ctx.out.line("or IP address/hostname");
    ctx.out.line("for the network device(s) NTLS should be active on. Use 'ntls bind' to change this binding if");
    ctx.out.line("necessary.");
}

void fingerprintNtls(Context& ctx, const Args&) {
    ctx.out.line("NTLS server certificate fingerprint: " + ntls().info().fingerprint);
}

} // namespace

void registerSysconfNtlsCommands(CommandTable& t) {
    t.addGroup({{"sysconf"}, "", "Configure the appliance."});
    t.addGroup({{"sysconf", "fingerprint"}, "fi", "Display the certificate fingerprints."});
    t.add({.path = {"sysconf", "fingerprint", "ntls"},
           .shortForm = "n",
           .roles = kAdminOperatorMonitor,
           .help = "Display the fingerprint of the NTLS certificate.",
           .handler = fingerprintNtls});
    t.add({.path = {"sysconf", "regencert"},
           .shortForm = "re",
           .args = {{.name = "device_ip_address", .kind = ArgKind::String, .valueName = "<device_ip_address>",
                     .help = "The IP address to put in the certificate (default: the appliance hostname).",
                     .positional = true},
                    {.name = "days", .shortForm = "d", .kind = ArgKind::Number, .valueName = "<days>",
                     .help = "Days the certificate stays valid (1 to 3653; default 3653)."},
                    {.name = "force", .shortForm = "f", .kind = ArgKind::Flag, .help = "Force the action without prompting."},
                    {.name = "startdate", .shortForm = "s", .kind = ArgKind::String, .valueName = "<startdate>",
                     .help = "The date the certificate becomes valid, YYYYMMDD (default: 24 hours ago)."}},
           .roles = kAdminOnly,
           .help = "Generate or re-generate the appliance's NTLS server certificate.",
           .handler = regencert,
           .reportName = "sysconf regenCert"});
}

} // namespace lunash
