#include "server_list.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace luna::client {

namespace {
std::string nn(unsigned i) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02u", i);
    return buf;
}

void writeServers(ConfigFile& file, const std::vector<ServerEntry>& before, const std::vector<ServerEntry>& after) {
    for (const auto& s : before) {
        file.erase(kClientSection, "ServerName" + nn(s.index));
        file.erase(kClientSection, "ServerPort" + nn(s.index));
        file.erase(kClientSection, "ServerHtl" + nn(s.index));
    }
    for (unsigned i = 0; i < after.size(); ++i) {
        file.set(kClientSection, "ServerName" + nn(i), after[i].name);
        file.set(kClientSection, "ServerPort" + nn(i), std::to_string(after[i].port));
    }
}
} // namespace

bool addServer(ConfigFile& file, const std::string& name, std::uint16_t port) {
    const auto before = serverEntries(file);
    for (const auto& s : before)
        if (equalsNoCase(s.name, name)) return false;
    auto after = before;
    after.push_back({0, name, port});
    writeServers(file, before, after);
    return true;
}

bool removeServer(ConfigFile& file, const std::string& name) {
    const auto before = serverEntries(file);
    auto after = before;
    std::erase_if(after, [&](const ServerEntry& s) { return equalsNoCase(s.name, name); });
    if (after.size() == before.size()) return false;
    writeServers(file, before, after);
    return true;
}

std::filesystem::path serverCertPath(const std::filesystem::path& certDir, const std::string& name) {
    return certDir / (name + "Cert.pem");
}

void rebuildCaFile(const ConfigFile& file, const std::filesystem::path& certDir, const std::filesystem::path& caFile) {
    std::ostringstream all;
    for (const auto& s : serverEntries(file)) {
        std::ifstream in(serverCertPath(certDir, s.name), std::ios::binary);
        if (in) all << in.rdbuf();
    }
    const auto tmp = caFile.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << all.str();
        if (!out.flush()) throw ConfigError("cannot write " + tmp);
    }
    std::filesystem::rename(tmp, caFile);
}

} // namespace luna::client
