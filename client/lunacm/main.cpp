// lunacm: the client-side administration shell for application partitions (LunaCM Command
// Reference). It talks the data-plane protocol over the same Network Trust Link as the
// PKCS#11 library. Launch options (ch.1, "Scripted Use"):
//   lunacm                       the shell, prompt `lunacm:>`
//   lunacm -c <command>          banner, one command
//   lunacm -q <command>          one command, no banner
//   lunacm -s <slot> <command>   one command on that slot, no banner
//   lunacm -e <file> | -f <file> the file's commands; -e stops at the first error
#include "shell.h"

#include "client/common/tls_channel.h"

#include <cstdio>
#include <cstring>
#include <fstream>

using namespace luna;

namespace {

std::string joined(int from, int argc, char** argv) {
    std::string s;
    for (int i = from; i < argc; ++i) {
        if (!s.empty()) s += ' ';
        const std::string w = argv[i];
        s += w.find(' ') != std::string::npos ? "\"" + w + "\"" : w;
    }
    return s;
}

int usage() {
    std::fprintf(stderr, "usage: lunacm [-c <command> | -q <command> | -s <slot> <command> | -e <script> | -f <script>]\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    client::ClientConfig config;
    try {
        config = client::ClientConfig::from(client::ConfigFile::load(client::defaultConfigPath()));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lunacm: %s\n", e.what());
        return 1;
    }
    auto connector = client::tlsConnector(config);
    lunacm::State state(config, connector);
    lunacm::Shell shell(state);

    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "-c" || mode == "-q") {
        if (argc < 3) return usage();
        if (mode == "-c") shell.banner();
        return shell.run(joined(2, argc, argv)) ? 0 : 1;
    }
    if (mode == "-s") {
        if (argc < 4) return usage();
        try {
            state.setCurrent(std::stoull(argv[2]));
        } catch (const std::exception&) {
            std::printf("\nSlot %s is not available\n\nCommand Result : 0x3 (CKR_SLOT_ID_INVALID)\n\n", argv[2]);
            return 1;
        }
        return shell.run(joined(3, argc, argv)) ? 0 : 1;
    }
    if (mode == "-e" || mode == "-f") {
        if (argc != 3) return usage();
        std::ifstream in(argv[2]);
        if (!in) {
            std::fprintf(stderr, "lunacm: cannot read %s\n", argv[2]);
            return 1;
        }
        shell.banner();
        bool ok = true;
        for (std::string line; std::getline(in, line) && !shell.exitRequested();) {
            std::printf("lunacm:>%s\n", line.c_str());
            if (!shell.run(line)) {
                ok = false;
                if (mode == "-e") break;
            }
        }
        return ok ? 0 : 1;
    }
    if (argc > 1) return usage();
    shell.banner();
    bool last = true;
    while (!shell.exitRequested()) {
        auto line = state.console.command("lunacm:>");
        if (!line) break;
        last = shell.run(*line);
    }
    return last ? 0 : 1;
}
