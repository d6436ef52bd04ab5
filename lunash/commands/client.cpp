// The client group: the NTLS client registry (register, delete, list, show, fingerprint,
// assignpartition, revokepartition, hostip). ntlsd keeps the registry and authorizes every
// change; `client register` reads the client's certificate from the user's home directory,
// where scp puts it (<hostname or ip>.pem, as vtl createCert names it).
#include "commands/groups.h"

#include "ntls_service.h"
#include "shell.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lunash {
namespace {

namespace fs = std::filesystem;

fs::path homeDir() {
    if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir && *pw->pw_dir) return pw->pw_dir;
    if (const char* h = std::getenv("HOME"); h && *h) return h;
    return ".";
}

// <hostname or ip>.pem, else <client>.pem, in the user's home; the first that exists.
std::string certificateFile(const std::string& address, const std::string& client) {
    for (const auto& stem : {address, client}) {
        if (stem.empty() || stem.find('/') != std::string::npos || stem.starts_with(".")) continue;
        const auto path = homeDir() / (stem + ".pem");
        std::ifstream in(path);
        if (!in) continue;
        std::ostringstream text;
        text << in.rdbuf();
        if (text.str().size() > 64 * 1024) throw ShellError("Error: " + stem + ".pem is too large for a certificate.");
        return text.str();
    }
    throw ShellError("Error: The client certificate file " + address +
                     ".pem was not found. Copy the client's certificate to the appliance first (scp " + address +
                     ".pem <user>@<appliance>:).");
}

void registerClient(Context& ctx, const Args& args) {
    const auto name = args.str("client"), host = args.str("hostname"), ip = args.str("ip");
    if (host.empty() == ip.empty()) throw ShellError("Error: Specify either -hostname or -ip for the client.");
    const auto pem = certificateFile(ip.empty() ? host : ip, name);
    auto& n = ntls();
    const auto names = n.listClients();
    const bool exists = std::find(names.begin(), names.end(), name) != names.end();
    if (exists && !args.has("force")) {
        ctx.out.line("CAUTION:  A client named " + name + " is already registered. Its certificate and");
        ctx.out.line("          address will be replaced; its partitions stay assigned.");
        ctx.requireProceed("          Type 'proceed' to replace the registration, or 'quit'\n          to quit now.\n          ");
    }
    n.registerClient(name, host, ip, pem, exists);
    ctx.succeeded();
}

void deleteClient(Context& ctx, const Args& args) {
    const auto name = args.str("client");
    if (!args.has("force")) {
        ctx.out.line("CAUTION:  Are you sure you wish to delete client named:");
        ctx.out.line("            " + name);
        ctx.requireProceed("          Type 'proceed' to delete the client, or 'quit'\n          to quit now.\n          ");
    }
    ntls().deleteClient(name);
    ctx.succeeded();
}

void listClients(Context& ctx, const Args&) {
    const auto names = ntls().listClients();
    if (names.empty()) ctx.out.line("There are no registered clients.");
    for (std::size_t i = 0; i < names.size(); ++i)
        ctx.out.line("registered client " + std::to_string(i + 1) + ": " + names[i]);
}

void showClient(Context& ctx, const Args& args) {
    const auto name = args.str("client");
    const auto d = ntls().showClient(name);
    auto f = [&](std::string_view label, const std::string& v) { ctx.out.line(padRight(label, 25) + v); };
    f("ClientID:", name);
    if (!d.ip.empty()) f("IPAddress:", d.ip);
    else f("Hostname:", d.hostname);
    if (!d.mappedIp.empty()) f("Host IP:", d.mappedIp);
    std::string parts;
    for (const auto& [serial, pname] : d.partitions) {
        if (!parts.empty()) parts += ", ";
        parts += "\"" + (pname.empty() ? serial : pname) + "\"";
    }
    f("Partitions:", parts);
}

void fingerprint(Context& ctx, const Args& args) {
    ctx.out.line("Certificate fingerprint: " + ntls().clientFingerprint(args.str("client")));
}

void assign(Context& ctx, const Args& args) {
    ntls().assignPartition(args.str("client"), args.str("partition"));
    ctx.succeeded();
}

void revoke(Context& ctx, const Args& args) {
    ntls().revokePartition(args.str("client"), args.str("partition"));
    ctx.succeeded();
}

void hostipMap(Context&, const Args& args) { ntls().mapHostIp(args.str("client"), args.str("ipaddress")); }
void hostipUnmap(Context&, const Args& args) { ntls().unmapHostIp(args.str("client")); }

void hostipShow(Context& ctx, const Args&) {
    ctx.out.line(padRight("Client Name", 28) + padRight("Host Name", 26) + "Host IP");
    ctx.out.line(std::string(70, '-'));
    for (const auto& m : ntls().hostIps()) ctx.out.line(padRight(m.client, 28) + padRight(m.hostname, 26) + m.ip);
}

ArgSpec clientArg(std::string_view help) {
    return {.name = "client", .shortForm = "c", .kind = ArgKind::String, .valueName = "<clientname>", .help = help,
            .required = true};
}
ArgSpec partitionArg(std::string_view help) {
    return {.name = "partition", .shortForm = "p", .kind = ArgKind::String, .valueName = "<name>", .help = help,
            .required = true};
}
ArgSpec force() { return {.name = "force", .shortForm = "f", .kind = ArgKind::Flag, .help = "Force the action without prompting."}; }

} // namespace

void registerClientCommands(CommandTable& t) {
    t.addGroup({{"client"}, "", "Manage the clients that may use partitions on the appliance over NTLS."});
    t.add({.path = {"client", "assignpartition"},
           .shortForm = "a",
           .args = {clientArg("The registered client to give the partition to."),
                    partitionArg("The name (or serial number) of the partition.")},
           .roles = kAdminOperator,
           .help = "Assign partition access rights to a client.",
           .handler = assign,
           .reportName = "client assignPartition"});
    t.add({.path = {"client", "delete"},
           .shortForm = "d",
           .args = {clientArg("The name of the client to delete."), force()},
           .roles = kAdminOperator,
           .help = "Delete a client.",
           .handler = deleteClient});
    t.add({.path = {"client", "fingerprint"},
           .shortForm = "f",
           .args = {clientArg("The client whose certificate fingerprint to display.")},
           .roles = kAdminOperator,
           .help = "Display the certificate fingerprint for a registered client.",
           .handler = fingerprint});
    t.addGroup({{"client", "hostip"}, "h", "Display or configure the client-to-IP mapping."});
    t.add({.path = {"client", "hostip", "map"},
           .shortForm = "m",
           .args = {clientArg("The client to map."),
                    {.name = "ipaddress", .shortForm = "i", .kind = ArgKind::String, .valueName = "<ipaddress>",
                     .help = "The IP address of the client.", .required = true}},
           .roles = kAdminOperator,
           .help = "Map a client to an IP address.",
           .handler = hostipMap});
    t.add({.path = {"client", "hostip", "show"},
           .shortForm = "s",
           .roles = kAdminOperatorMonitor,
           .help = "Show the current client-host-to-IP mapping.",
           .handler = hostipShow});
    t.add({.path = {"client", "hostip", "unmap"},
           .shortForm = "u",
           .args = {clientArg("The client whose mapping to remove.")},
           .roles = kAdminOperator,
           .help = "Remove a client-to-IP mapping.",
           .handler = hostipUnmap});
    t.add({.path = {"client", "list"},
           .shortForm = "l",
           .roles = kAdminOperatorMonitor,
           .help = "Display a list of the registered clients by client name.",
           .handler = listClients});
    t.add({.path = {"client", "register"},
           .shortForm = "reg",
           .args = {clientArg("The new client's name (unique, less than 255 characters)."), force(),
                    {.name = "hostname", .shortForm = "h", .kind = ArgKind::String, .valueName = "<hostname>",
                     .help = "The client's hostname, if its certificate was made with the hostname."},
                    {.name = "ip", .shortForm = "i", .kind = ArgKind::String, .valueName = "<ipaddress>",
                     .help = "The client's IP address, if its certificate was made with the IP address."}},
           .roles = kAdminOperator,
           .help = "Add a client to the list of clients that can access the appliance's NTLS.",
           .handler = registerClient});
    t.add({.path = {"client", "revokepartition"},
           .shortForm = "rev",
           .args = {clientArg("The client to take the partition from."),
                    partitionArg("The name (or serial number) of the partition.")},
           .roles = kAdminOperator,
           .help = "Revoke access privileges to the specified partition from the specified client.",
           .handler = revoke,
           .reportName = "client revokePartition"});
    t.add({.path = {"client", "show"},
           .shortForm = "s",
           .args = {clientArg("The client to show.")},
           .roles = kAdminOperatorMonitor,
           .help = "Display the hostname or IP address of a client, and any partitions assigned to the client.",
           .handler = showClient});
}

} // namespace lunash
