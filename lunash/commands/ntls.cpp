// The ntls group: the Network Trust Link Service's binding, source-IP check, timers, threads,
// TCP keepalive, counters and server certificate, all kept by ntlsd (docs/ntls.md).
#include "commands/groups.h"

#include "ntls_service.h"
#include "shell.h"

#include "luna/errors.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>

namespace lunash {
namespace {

// "Feb 22 15:19:21 2027 GMT", as OpenSSL prints certificate dates.
std::string gmtDate(std::uint64_t t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%b %e %H:%M:%S %Y GMT", &tm);
    return buf;
}

void okLine(Output& out, std::string_view what) { out.line(padRight(what, 64) + "[   OK   ]"); }

void restart(Context& ctx) {
    ctx.out.line("Restarting NTLS service...");
    const auto bound = ntls().restartListener();
    okLine(ctx.out, "Stopping ntls:");
    ctx.out.line();
    okLine(ctx.out, "Starting ntls:");
    (void)bound;
}

void bind(Context& ctx, const Args& args) {
    const auto device = args.str("netdevice");
    const bool ipv6 = args.has("ipv6");
    ntls().setBind(device, ipv6);
    ctx.out.line("NTLS binding set to network device " + device + (ipv6 && device == "all" ? " (IPv6)." : "."));
    ctx.out.line("You must restart the NTLS service for the new settings to take effect.");
    ctx.out.line();
    if (!args.has("force")) {
        try {
            ctx.requireProceed("If you are sure that you wish to restart NTLS, then type 'proceed', otherwise type 'quit'\n");
        } catch (const ShellError&) {
            ctx.out.line("NTLS was not restarted; it binds to " + device + " when it next starts.");
            return;
        }
        ctx.out.line("Proceeding...");
    }
    restart(ctx);
}

void show(Context& ctx, const Args&) {
    const auto i = ntls().info();
    if (!i.running) {
        ctx.out.line("NTLS is not listening at this time.");
        return;
    }
    const bool sameDevice = i.boundDevice.empty() || i.boundDevice == i.bindDevice;
    if (!sameDevice) {
        ctx.out.line("NTLS is configured to bind to " + i.bindDevice + ", but it is not active at this time.");
        ctx.out.line("NTLS will bind to " + i.bindDevice + " if it's active and has a valid IP address when NTLS restarts.");
    }
    ctx.out.line("NTLS is currently bound to IP Address: \"" + i.boundAddress + "\"" +
                 (i.boundDevice.empty() ? "" : " (" + i.boundDevice + ")"));
}

void ipcheck(Context& ctx, bool on) {
    ntls().setIpCheck(on);
    ctx.out.line(std::string("NTLS client source IP validation ") + (on ? "enabled" : "disabled"));
}

void ipcheckShow(Context& ctx, const Args&) {
    ctx.out.line(std::string("NTLS client source IP validation : ") + (ntls().info().ipCheck ? "Enable" : "Disable"));
}

void informationShow(Context& ctx, const Args&) {
    NtlsInfo i;
    std::string status = "1 (up)";
    try {
        i = ntls().info();
        if (!i.running) status = "2 (down)";
    } catch (const luna::Error& e) {
        if (e.code() != luna::rc::DEVICE_ERROR) throw;
        status = "2 (down)";
    }
    auto f = [&](std::string_view label, const std::string& v) { ctx.out.line(padRight("  " + std::string(label), 81) + v); };
    ctx.out.line("NTLS Information:");
    f("Operational Status:", status);
    f("Connected Clients:", std::to_string(i.connectedClients));
    f("Links:", std::to_string(i.links));
    f("Successful Client Connections:", std::to_string(i.successful));
    f("Failed Client Connections:", std::to_string(i.failed));
}

void timerSet(Context&, const Args& args) {
    const auto t = args.number("timeout").value_or(0);
    if (t < 10 || t > 300) throw ShellError("Error: -timeout must be 10 to 300 seconds.");
    ntls().setTimeout(static_cast<std::uint32_t>(t));
}

void timerShow(Context& ctx, const Args&) {
    const auto t = ntls().info().timeout;
    ctx.out.line(t == 20 ? "NTLS Receive timeout timer is set to default at 20 seconds."
                         : "NTLS Receive timeout timer is set to " + std::to_string(t) + " seconds.");
}

void threadsSet(Context& ctx, const Args& args) {
    const auto d = args.number("datapath"), c = args.number("cmdprocessor");
    if (!d && !c) throw ShellError("Error: Specify -datapath <number>, -cmdprocessor <number>, or both.");
    if (d && (*d < 1 || *d > 15)) throw ShellError("Error: -datapath must be 1 to 15.");
    if (c && (*c < 1 || *c > 70)) throw ShellError("Error: -cmdprocessor must be 1 to 70.");
    ntls().setThreads(static_cast<std::uint32_t>(d.value_or(0)), static_cast<std::uint32_t>(c.value_or(0)));
    ctx.out.line("NOTICE: The NTLS and STCD services must be restarted for new settings to take effect.");
}

void threadsShow(Context& ctx, const Args&) {
    const auto i = ntls().info();
    ctx.out.line(" Data path     : " + std::to_string(i.datapath) + " threads");
    ctx.out.line(" CMD processor : " + std::to_string(i.cmdProcessor) + " threads");
}

void keepaliveSet(Context& ctx, const Args& args) {
    const auto idle = args.number("idle").value_or(0), interval = args.number("interval").value_or(0),
               probes = args.number("probes").value_or(0);
    if (idle < 10 || idle > 10000) throw ShellError("Error: -idle must be 10 to 10000 seconds.");
    if (interval < 10 || interval > 360) throw ShellError("Error: -interval must be 10 to 360 seconds.");
    if (probes < 1 || probes > 30) throw ShellError("Error: -probes must be 1 to 30.");
    ntls().setKeepAlive(static_cast<std::uint32_t>(idle), static_cast<std::uint32_t>(interval),
                        static_cast<std::uint32_t>(probes));
    ctx.out.line("NOTICE: The NTLS service must be restarted for new settings to take effect.");
}

void keepaliveShow(Context& ctx, const Args&) {
    const auto i = ntls().info();
    ctx.out.line("NTLS TCP keepalive is configured as follows :");
    ctx.out.line();
    ctx.out.line(" TCP_KEEPIDLE : " + std::to_string(i.keepIdle));
    ctx.out.line(" TCP_KEEPINTVL : " + std::to_string(i.keepInterval));
    ctx.out.line(" TCP_KEEPCNT   : " + std::to_string(i.keepProbes));
}

void certificateShow(Context& ctx, const Args&) {
    const auto pem = ntls().info().certificatePem;
    std::unique_ptr<BIO, decltype(&BIO_free_all)> in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free_all);
    std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr), X509_free);
    if (!cert) throw ShellError("Error: NTLS has no readable server certificate.");
    std::unique_ptr<BIO, decltype(&BIO_free_all)> out(BIO_new(BIO_s_mem()), BIO_free_all);
    X509_print_ex(out.get(), cert.get(), XN_FLAG_COMPAT, X509_FLAG_COMPAT);
    char* data = nullptr;
    const long n = BIO_get_mem_data(out.get(), &data);
    std::string text(data, static_cast<std::size_t>(n));
    // OpenSSL's first line is "Certificate:"; the reference names the certificate instead.
    if (auto nl = text.find('\n'); nl != std::string::npos) text.erase(0, nl + 1);
    ctx.out.line("NTLS Server Certificate:");
    ctx.out.stream() << text;
}

std::string trapLine(const NtlsInfo& i, std::string_view verb) {
    return "Certificate expiry trap " + std::string(verb) + " " + std::to_string(i.preExpiry) +
           " days before the Certificate expiry day \"" + gmtDate(i.notAfter) + "\" and on every " +
           std::to_string(i.trapInterval) + " hour(s)";
}

void monitor(Context& ctx, bool on) {
    auto& n = ntls();
    n.setCertificateMonitor(on, 0, 0);
    ctx.out.line(std::string("NTLS Server Cert Monitor ") + (on ? "enabled" : "disabled"));
}

void monitorShow(Context& ctx, const Args&) {
    const auto i = ntls().info();
    ctx.out.line(std::string("NTLS Server Certificate Expiry Monitor is ") + (i.certMonitor ? "enabled." : "disabled."));
    ctx.out.line();
    ctx.out.line("NTLS Server Certificate will expire on \"" + gmtDate(i.notAfter) + "\"");
    ctx.out.line();
    ctx.out.line(trapLine(i, "will be sent"));
}

void trapTrigger(Context& ctx, const Args& args) {
    const auto pre = args.number("preexpiry").value_or(0), interval = args.number("trapinterval").value_or(0);
    if (pre < 1 || pre > 366) throw ShellError("Error: -preexpiry must be 1 to 366 days.");
    if (interval < 1 || interval > 720) throw ShellError("Error: -trapinterval must be 1 to 720 hours.");
    auto& n = ntls();
    n.setCertificateMonitor(n.info().certMonitor, static_cast<std::uint32_t>(pre), static_cast<std::uint32_t>(interval));
    ctx.out.line(trapLine(n.info(), "is configured to be sent"));
}

ArgSpec number(std::string_view name, std::string_view shortForm, std::string_view valueName, std::string_view help,
               bool required) {
    return {.name = name, .shortForm = shortForm, .kind = ArgKind::Number, .valueName = valueName, .help = help,
            .required = required};
}

} // namespace

void registerNtlsCommands(CommandTable& t) {
    t.addGroup({{"ntls"}, "", "Manage the network trust link service (NTLS)."});
    t.add({.path = {"ntls", "bind"},
           .shortForm = "b",
           .args = {{.name = "netdevice", .kind = ArgKind::Enum, .valueName = "<netdevice>",
                     .help = "The network device NTLS listens on: all, bond0, bond1, eth0, eth1, eth2, eth3.",
                     .required = true, .positional = true,
                     .choices = {"all", "bond0", "bond1", "eth0", "eth1", "eth2", "eth3"}},
                    {.name = "force", .shortForm = "f", .kind = ArgKind::Flag, .help = "Force the action without prompting."},
                    {.name = "ipv6", .shortForm = "i", .kind = ArgKind::Flag,
                     .help = "With 'all': bind to all IPv6 devices."}},
           .roles = kAdminOperator,
           .help = "Set the NTLS binding.",
           .handler = bind});
    t.addGroup({{"ntls", "certificate"}, "c", "Manage the NTLS certificates."});
    t.addGroup({{"ntls", "certificate", "monitor"}, "m", "Manage certificate expiry monitoring."});
    t.add({.path = {"ntls", "certificate", "monitor", "disable"},
           .shortForm = "d",
           .roles = kAdminOperator,
           .help = "Disable certificate expiry monitoring.",
           .handler = [](Context& c, const Args&) { monitor(c, false); }});
    t.add({.path = {"ntls", "certificate", "monitor", "enable"},
           .shortForm = "e",
           .roles = kAdminOperator,
           .help = "Enable certificate expiry monitoring.",
           .handler = [](Context& c, const Args&) { monitor(c, true); }});
    t.add({.path = {"ntls", "certificate", "monitor", "show"},
           .shortForm = "s",
           .roles = kAdminOperatorMonitor,
           .help = "Show the certificate expiry monitor status.",
           .handler = monitorShow});
    t.addGroup({{"ntls", "certificate", "monitor", "trap"}, "t", "The NTLS certificate expiry SNMP trap."});
    t.add({.path = {"ntls", "certificate", "monitor", "trap", "trigger"},
           .shortForm = "t",
           .args = {number("preexpiry", "p", "<days>", "Days before expiry that the trap is first sent (1 to 366).", true),
                    number("trapinterval", "t", "<hours>", "Hours between traps once triggered (1 to 720).", true)},
           .roles = kAdminOperator,
           .help = "Set the NTLS certificate expiry SNMP trap trigger.",
           .handler = trapTrigger});
    t.add({.path = {"ntls", "certificate", "show"},
           .shortForm = "s",
           .roles = kAdminOperatorMonitor,
           .help = "Show the NTLS server certificate.",
           .handler = certificateShow});
    t.addGroup({{"ntls", "information"}, "in", "Display NTLS status information or reset the NTLS counters."});
    t.add({.path = {"ntls", "information", "reset"},
           .shortForm = "r",
           .roles = kAdminOperator,
           .help = "Reset the NTLS counters.",
           .handler = [](Context&, const Args&) { ntls().resetCounters(); }});
    t.add({.path = {"ntls", "information", "show"},
           .shortForm = "s",
           .roles = kAdminOperatorMonitor,
           .help = "Display NTLS information.",
           .handler = informationShow});
    t.addGroup({{"ntls", "ipcheck"}, "ip", "Manage NTLS client source IP validation."});
    t.add({.path = {"ntls", "ipcheck", "disable"},
           .shortForm = "d",
           .roles = kAdminOperator,
           .help = "Disable NTLS client source IP validation.",
           .handler = [](Context& c, const Args&) { ipcheck(c, false); }});
    t.add({.path = {"ntls", "ipcheck", "enable"},
           .shortForm = "e",
           .roles = kAdminOperator,
           .help = "Enable NTLS client source IP validation.",
           .handler = [](Context& c, const Args&) { ipcheck(c, true); }});
    t.add({.path = {"ntls", "ipcheck", "show"},
           .shortForm = "s",
           .roles = kAdminOperatorMonitor,
           .help = "Display the current client source IP validation configuration.",
           .handler = ipcheckShow});
    t.add({.path = {"ntls", "show"},
           .shortForm = "sh",
           .roles = kAdminOperatorMonitor,
           .help = "Show the NTLS binding.",
           .handler = show});
    t.addGroup({{"ntls", "tcp_keepalive"}, "tc", "View or configure the NTLS TCP keepalive settings."});
    t.add({.path = {"ntls", "tcp_keepalive", "set"},
           .shortForm = "se",
           .args = {number("idle", "id", "<seconds>", "Keepalive idle timer, seconds (10 to 10000).", true),
                    number("interval", "in", "<seconds>", "Seconds between keepalives (10 to 360).", true),
                    number("probes", "p", "<number>", "Unanswered keepalives before the link is dropped (1 to 30).", true)},
           .roles = kAdminOperator,
           .help = "Configure the NTLS TCP keepalive settings.",
           .handler = keepaliveSet});
    t.add({.path = {"ntls", "tcp_keepalive", "show"},
           .shortForm = "sh",
           .roles = kAdminOperatorMonitor,
           .help = "Display the NTLS TCP keepalive configuration.",
           .handler = keepaliveShow});
    t.addGroup({{"ntls", "threads"}, "th", "View or configure the NTLS worker threads."});
    t.add({.path = {"ntls", "threads", "set"},
           .shortForm = "se",
           .args = {number("cmdprocessor", "c", "<number>", "Command processor threads (1 to 70).", false),
                    number("datapath", "d", "<number>", "Data path worker threads (1 to 15).", false)},
           .roles = kAdminOperator,
           .help = "Configure the NTLS data path and command processor threads.",
           .handler = threadsSet});
    t.add({.path = {"ntls", "threads", "show"},
           .shortForm = "sh",
           .roles = kAdminOperatorMonitor,
           .help = "Show the NTLS worker thread settings.",
           .handler = threadsShow});
    t.addGroup({{"ntls", "timer"}, "ti", "View or configure the NTLS receive timeout."});
    t.add({.path = {"ntls", "timer", "set"},
           .shortForm = "se",
           .args = {number("timeout", "t", "<seconds>", "The timeout, seconds (10 to 300).", true)},
           .roles = kAdminOperator,
           .help = "Configure the NTLS receive timeout value.",
           .handler = timerSet});
    t.add({.path = {"ntls", "timer", "show"},
           .shortForm = "sh",
           .roles = kAdminOperatorMonitor,
           .help = "Display the NTLS receive timeout value.",
           .handler = timerShow});
}

} // namespace lunash
