// vtl: the client's Network Trust Link setup (Utilities Reference, ch.7): the client
// certificate, the list of trusted appliances in the configuration file, and a look at the
// partitions the links reach. One row per command; `vtl` alone prints the list.
//
//   vtl createCert -n <name> [-c -s -l -o -u -e] [-P <keyfile>] [-C <certfile>] [-d <days>] [-v]
//   vtl addServer -n <server> -c <server cert> [-p <port>]      (alias: add)
//   vtl deleteServer -n <server>                                (alias: delete)
//   vtl replaceServer -o <old> -n <new> -c <server cert> [-p <port>]
//   vtl listServers                                             (alias: list)
//   vtl listSlots | verify | fingerprint [-f <cert>] | examineCert [-f <cert>]
#include "certs.h"

#include "client/common/cli.h"
#include "client/common/server_list.h"
#include "client/common/slots.h"
#include "client/common/tls_channel.h"

#include <cstdio>
#include <functional>
#include <iostream>

using namespace luna::client;
namespace fs = std::filesystem;

namespace {

struct Env {
    fs::path configPath = defaultConfigPath();
    ConfigFile config = ConfigFile::load(configPath);
    fs::path clientDir = luna::client::clientDir(config);

    fs::path clientCertDir() const {
        auto c = config.get(kClientSection, "ClientCertFile");
        return c && !c->empty() ? fs::path(*c).parent_path() : clientDir / "cert" / "client";
    }
    fs::path serverCertDir() const {
        auto c = config.get(kClientSection, "ServerCAFile");
        return c && !c->empty() ? fs::path(*c).parent_path() : clientDir / "cert" / "server";
    }
    fs::path caFile() const {
        auto c = config.get(kClientSection, "ServerCAFile");
        return c && !c->empty() ? fs::path(*c) : serverCertDir() / "CAFile.pem";
    }
    void save() {
        fs::create_directories(configPath.parent_path());
        config.save(configPath);
    }
};

struct Command {
    std::string_view name;
    std::string_view alias;
    std::vector<OptionSpec> options;
    std::string_view help;
    std::function<int(Env&, const Options&)> run;
};

std::uint16_t portOption(const Options& o) {
    if (!o.has("p")) return kDefaultNtlsPort;
    const auto v = o.value("p");
    char* end = nullptr;
    const unsigned long p = std::strtoul(v.c_str(), &end, 10);
    if (v.empty() || *end || p == 0 || p > 65535) throw UsageError("-p needs a TCP port, not '" + v + "'");
    return static_cast<std::uint16_t>(p);
}

// Copies the appliance's certificate beside the others and lists the server.
void trustServer(Env& env, const std::string& name, const fs::path& cert, std::uint16_t port) {
    if (!fs::is_regular_file(cert)) throw std::runtime_error("Cannot read the server certificate " + cert.string());
    if (!addServer(env.config, name, port)) throw std::runtime_error("Server " + name + " is already in the server list.");
    const auto dir = env.serverCertDir();
    fs::create_directories(dir);
    fs::copy_file(cert, serverCertPath(dir, name), fs::copy_options::overwrite_existing);
    env.config.set(kClientSection, "ServerCAFile", env.caFile().string());
    rebuildCaFile(env.config, dir, env.caFile());
}

int createCert(Env& env, const Options& o) {
    luna::vtl::CertSubject s{o.value("n"), o.value("c"), o.value("s"), o.value("l"), o.value("o"), o.value("u"), o.value("e")};
    if (o.has("d")) {
        s.days = std::strtol(o.value("d").c_str(), nullptr, 10);
        if (s.days <= 0) throw UsageError("-d needs a number of days");
    }
    const auto dir = env.clientDir / "cert" / "client";
    const fs::path key = o.has("P") ? fs::path(o.value("P")) : dir / (s.commonName + "Key.pem");
    const fs::path cert = o.has("C") ? fs::path(o.value("C")) : dir / (s.commonName + ".pem");
    if (o.has("v")) std::printf("Writing new private key to '%s'\n", key.c_str());
    luna::vtl::createClientCertificate(s, key, cert);
    env.config.set(kClientSection, "ClientPrivKeyFile", key.string());
    env.config.set(kClientSection, "ClientCertFile", cert.string());
    env.save();
    std::printf("Private Key created and written to: %s\n", key.c_str());
    std::printf("Certificate created and written to: %s\n", cert.c_str());
    return 0;
}

int add(Env& env, const Options& o) {
    const auto name = o.value("n");
    trustServer(env, name, o.value("c"), portOption(o));
    env.save();
    std::printf("New server %s successfully added to server list.\n", name.c_str());
    return 0;
}

int remove(Env& env, const Options& o) {
    const auto name = o.value("n");
    if (!removeServer(env.config, name)) throw std::runtime_error("Server " + name + " is not in the server list.");
    const auto dir = env.serverCertDir();
    std::error_code ec;
    fs::remove(serverCertPath(dir, name), ec);
    if (fs::exists(env.caFile())) rebuildCaFile(env.config, dir, env.caFile());
    env.save();
    std::printf("Server %s successfully removed from server list.\n", name.c_str());
    return 0;
}

int replace(Env& env, const Options& o) {
    const auto oldName = o.value("o"), newName = o.value("n");
    if (!removeServer(env.config, oldName)) throw std::runtime_error("Server " + oldName + " is not in the server list.");
    trustServer(env, newName, o.value("c"), portOption(o));
    std::error_code ec;
    fs::remove(serverCertPath(env.serverCertDir(), oldName), ec);
    rebuildCaFile(env.config, env.serverCertDir(), env.caFile());
    env.save();
    std::printf("New server %s successfully added to server list.\n", newName.c_str());
    std::printf("Server %s successfully replaced with %s.\n", oldName.c_str(), newName.c_str());
    return 0;
}

int list(Env& env, const Options&) {
    for (const auto& s : serverEntries(env.config)) std::printf("Server: %s\n", s.name.c_str());
    return 0;
}

std::vector<Slot> reachableSlots(Env& env, SlotDirectory*& dirOut, std::unique_ptr<SlotDirectory>& holder) {
    auto cfg = ClientConfig::from(env.config);
    holder = std::make_unique<SlotDirectory>(cfg, tlsConnector(cfg));
    dirOut = holder.get();
    auto slots = holder->refresh();
    for (const auto& p : holder->problems()) std::fprintf(stderr, "Warning: %s\n", p.c_str());
    return slots;
}

int verify(Env& env, const Options&) {
    SlotDirectory* dir = nullptr;
    std::unique_ptr<SlotDirectory> holder;
    auto slots = reachableSlots(env, dir, holder);
    std::printf("\nThe following SafeNet Luna Network HSM Slots/Partitions were found:\n");
    std::printf("Slot    Serial #        Label\n====    ========        =====\n");
    for (const auto& s : slots)
        std::printf("%2llu      %-16llu%s\n", static_cast<unsigned long long>(s.id),
                    static_cast<unsigned long long>(s.partition.slot), s.partition.label.c_str());
    return dir->problems().empty() ? 0 : 1;
}

int listSlots(Env& env, const Options&) {
    SlotDirectory* dir = nullptr;
    std::unique_ptr<SlotDirectory> holder;
    auto slots = reachableSlots(env, dir, holder);
    std::printf("Number of slots: %zu\nThe following slots were found:\n\n", slots.size());
    std::printf("Slot#         Description          Label                               Serial#           Status\n");
    std::printf("======        ===============      ===================                 ========          ===========\n");
    for (const auto& s : slots)
        std::printf("%6llu        %-21s%-36s%-18llu%s\n", static_cast<unsigned long long>(s.id), "Net Token Slot",
                    s.partition.label.empty() ? "-" : s.partition.label.c_str(),
                    static_cast<unsigned long long>(s.partition.slot), "Present");
    return 0;
}

fs::path certOption(Env& env, const Options& o) {
    if (o.has("f")) return o.value("f");
    auto c = env.config.get(kClientSection, "ClientCertFile");
    if (!c || c->empty()) throw std::runtime_error("No client certificate yet (vtl createCert)");
    return *c;
}

int fingerprintCmd(Env& env, const Options& o) {
    std::printf("Certificate fingerprint: %s.\n", luna::vtl::fingerprint(certOption(env, o)).c_str());
    return 0;
}

int examine(Env& env, const Options& o) {
    std::fputs(luna::vtl::describe(certOption(env, o)).c_str(), stdout);
    return 0;
}

const std::vector<Command>& commands() {
    static const std::vector<Command> rows = {
        {"addServer", "add",
         {{"n", "", "<server_IP_or_hostname>", "Host name or IP address of the appliance, as its certificate names it", true},
          {"c", "", "<server_cert_filename>", "The appliance's certificate (server.pem, fetched with scp)", true},
          {"p", "", "<port>", "NTLS port when not 1792 (an extension of this client)"}},
         "Add an appliance to the client's list of trusted servers", add},
        {"createCert", "",
         {{"n", "", "<common name>", "The client's host name or IP address", true},
          {"c", "", "<country>", "Country (not used)"}, {"s", "", "<state>", "State (not used)"},
          {"l", "", "<locality>", "Locality (not used)"}, {"o", "", "<organization>", "Organization (not used)"},
          {"u", "", "<unit>", "Organizational unit (not used)"}, {"e", "", "<e-mail>", "E-mail address (not used)"},
          {"P", "", "<private key out filename>", "Key file (default <name>Key.pem)"},
          {"C", "", "<certificate out filename>", "Certificate file (default <name>.pem)"},
          {"d", "", "<days>", "Validity in days (default 3650)"}, {"v", "", "", "Verbose"}},
         "Create (or re-create) the client's NTLS certificate and private key", createCert},
        {"deleteServer", "delete", {{"n", "", "<server_hostname>", "The appliance to remove", true}},
         "Remove an appliance from the list of trusted servers", remove},
        {"examineCert", "", {{"f", "", "<certificate file>", "A certificate (default: the client's)"}},
         "Show the details of a certificate", examine},
        {"fingerprint", "", {{"f", "", "<certificate file>", "A certificate (default: the client's)"}},
         "Show the fingerprint of a certificate", fingerprintCmd},
        {"listServers", "list", {}, "List the trusted appliances", list},
        {"listSlots", "", {}, "List the slots this client can see", listSlots},
        {"replaceServer", "",
         {{"o", "", "<old_server>", "The appliance to replace", true},
          {"n", "", "<new_server>", "Its replacement", true},
          {"c", "", "<certificate_file>", "The new appliance's certificate", true},
          {"p", "", "<port>", "NTLS port when not 1792"}},
         "Replace a trusted appliance with another", replace},
        {"verify", "", {}, "Verify the partitions visible to this client", verify},
    };
    return rows;
}

void usage() {
    std::printf("usage: (select command -h for additional information)\n\nSubcommands\n");
    for (const auto& c : commands()) std::printf(" %-30s%s\n", std::string(c.name).c_str(), std::string(c.help).c_str());
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::string_view(argv[1]) == "-h") {
        usage();
        return argc < 2 ? 1 : 0;
    }
    const std::string_view typed = argv[1];
    const Command* cmd = nullptr;
    for (const auto& c : commands())
        if (equalsNoCase(typed, c.name) || (!c.alias.empty() && equalsNoCase(typed, c.alias))) cmd = &c;
    if (!cmd) {
        std::fprintf(stderr, "vtl: unknown command '%s'\n", argv[1]);
        usage();
        return 1;
    }
    std::vector<std::string> words(argv + 2, argv + argc);
    if (!words.empty() && words[0] == "-h") {
        std::printf("%s\n", syntaxLine("vtl " + std::string(cmd->name), cmd->options).c_str());
        for (const auto& o : cmd->options)
            std::printf("  -%-4s %s\n", std::string(o.name).c_str(), std::string(o.help).c_str());
        return 0;
    }
    try {
        Env env;
        const auto opts = parseOptions(words, cmd->options, true);
        return cmd->run(env, opts);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "Error: %s\n%s\n", e.what(), syntaxLine("vtl " + std::string(cmd->name), cmd->options).c_str());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "Error: %s\n", e.what());
        return 1;
    }
}
