#include "client_config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace luna::client {

namespace {

std::optional<std::uint64_t> number(std::string_view s) {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool flag(const ConfigFile& f, std::string_view section, std::string_view key, bool dflt) {
    auto v = f.get(section, key);
    if (!v) return dflt;
    auto n = number(trim(*v));
    if (n) return *n != 0;
    return equalsNoCase(trim(*v), "yes") || equalsNoCase(trim(*v), "true");
}

std::chrono::milliseconds millis(const ConfigFile& f, std::string_view section, std::string_view key,
                                 std::chrono::milliseconds dflt) {
    auto v = f.get(section, key);
    if (!v) return dflt;
    auto n = number(trim(*v));
    if (!n || *n == 0) throw ConfigError(std::string(key) + " must be a positive number of milliseconds");
    return std::chrono::milliseconds(*n);
}

} // namespace

std::vector<ServerEntry> serverEntries(const ConfigFile& file) {
    std::vector<ServerEntry> out;
    const auto* s = file.find(kClientSection);
    if (!s) return out;
    constexpr std::string_view prefix = "ServerName";
    for (const auto& e : s->entries) {
        if (e.key.size() <= prefix.size() || !equalsNoCase(std::string_view(e.key).substr(0, prefix.size()), prefix))
            continue;
        const std::string nn = e.key.substr(prefix.size());
        auto idx = number(nn);
        if (!idx || idx > 999) continue;
        ServerEntry se{static_cast<unsigned>(*idx), std::string(trim(e.value)), kDefaultNtlsPort};
        if (se.name.empty()) continue;
        if (auto port = file.get(kClientSection, "ServerPort" + nn)) {
            auto p = number(trim(*port));
            if (!p || *p == 0 || *p > 65535) throw ConfigError("ServerPort" + nn + " is not a TCP port: " + *port);
            se.port = static_cast<std::uint16_t>(*p);
        }
        out.push_back(std::move(se));
    }
    std::sort(out.begin(), out.end(), [](const ServerEntry& a, const ServerEntry& b) { return a.index < b.index; });
    return out;
}

bool oneBaseSetting(std::string_view value) {
    value = trim(value);
    if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return false;
    return value.find_first_not_of('0') != std::string_view::npos;
}

std::vector<SlotPin> parseShowUserSlots(std::string_view value) {
    std::vector<SlotPin> out;
    while (!trim(value).empty()) {
        const auto comma = value.find(',');
        auto item = trim(value.substr(0, comma));
        value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
        const auto open = item.find('(');
        if (open == std::string_view::npos || item.back() != ')')
            throw ConfigError("ShowUserSlots: expected <slot>(<serial>), not '" + std::string(item) + "'");
        auto slot = number(trim(item.substr(0, open)));
        auto serial = number(trim(item.substr(open + 1, item.size() - open - 2)));
        if (!slot || !serial) throw ConfigError("ShowUserSlots: expected <slot>(<serial>), not '" + std::string(item) + "'");
        out.push_back({*slot, *serial});
    }
    return out;
}

ClientConfig ClientConfig::from(const ConfigFile& file) {
    ClientConfig c;
    c.servers = serverEntries(file);
    c.caFile = file.get(kClientSection, "ServerCAFile").value_or("");
    c.certFile = file.get(kClientSection, "ClientCertFile").value_or("");
    c.keyFile = file.get(kClientSection, "ClientPrivKeyFile").value_or("");
    c.receiveTimeout = millis(file, kClientSection, "ReceiveTimeout", c.receiveTimeout);
    c.keypairGenTimeout = millis(file, kLunaSection, "KeypairGenTimeOut", c.keypairGenTimeout);
    c.netClient = flag(file, kClientSection, "NetClient", true);
    c.tcpKeepAlive = flag(file, kClientSection, "TCPKeepAlive", true);
    c.oneBaseSlotId = oneBaseSetting(file.get(kPresentationSection, "OneBaseSlotId").value_or("0"));
    c.showUserSlots = parseShowUserSlots(file.get(kPresentationSection, "ShowUserSlots").value_or(""));
    return c;
}

std::filesystem::path defaultConfigPath() {
    if (const char* dir = std::getenv("ChrystokiConfigurationPath"); dir && *dir)
        return std::filesystem::path(dir) / "Chrystoki.conf";
    return "/etc/Chrystoki.conf";
}

std::filesystem::path clientDir(const ConfigFile& file) {
    if (auto tools = file.get(kMiscSection, "ToolsDir"); tools && !tools->empty()) {
        std::filesystem::path p(*tools);
        if (p.filename().empty()) p = p.parent_path();
        return p.parent_path();
    }
    return "/usr/safenet/lunaclient";
}

} // namespace luna::client
