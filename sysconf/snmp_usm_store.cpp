#include "sysconf/snmp_usm_store.h"

#include <optional>
#include <sstream>

namespace luna::sysconf {
namespace {

std::vector<std::string> words(std::string_view line) {
    std::vector<std::string> out;
    std::istringstream in{std::string(line)};
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// An octet string as Net-SNMP saves it (read_config_save_octet_string): "text" or 0xHEX.
std::string octets(const std::string& token) {
    if (token.size() >= 2 && token.front() == '"' && token.back() == '"') return token.substr(1, token.size() - 2);
    if (token.starts_with("0x")) {
        std::string out;
        for (std::size_t i = 2; i + 1 < token.size(); i += 2) out += static_cast<char>(std::stoi(token.substr(i, 2), nullptr, 16));
        return out;
    }
    return token;
}

// The user a line is about: usmUser <status> <storage> <engineID> <name> <secName> ...;
// createUser [-e ENGINEID] <name> ...
std::optional<std::string> userOf(std::string_view line) {
    auto w = words(line);
    try {
        if (w.size() >= 5 && w[0] == "usmUser") return octets(w[4]);
        if (w.size() >= 2 && w[0] == "createUser") {
            std::size_t i = 1;
            if (w[i] == "-e" && w.size() > 3) i = 3;
            return w[i];
        }
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

template <class Keep>
std::string filter(std::string_view store, Keep keep) {
    std::string out;
    std::istringstream in{std::string(store)};
    for (std::string line; std::getline(in, line);) {
        auto user = userOf(line);
        if (user && !keep(*user)) continue;
        out += line + "\n";
    }
    return out;
}

} // namespace

std::vector<std::string> usmStoreUsers(std::string_view store) {
    std::vector<std::string> out;
    std::istringstream in{std::string(store)};
    for (std::string line; std::getline(in, line);)
        if (auto u = userOf(line)) out.push_back(*u);
    return out;
}

std::string usmStoreWithout(std::string_view store, std::string_view name) {
    return filter(store, [&](const std::string& u) { return u != name; });
}

std::string usmStoreWithoutUsers(std::string_view store) {
    return filter(store, [](const std::string&) { return false; });
}

std::string usmStoreWith(std::string_view store, std::string_view name, std::string_view authKey, std::string_view privKey) {
    std::string out(store);
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += "createUser " + std::string(name) + " SHA -m " + std::string(authKey) + " AES -m " + std::string(privKey) + "\n";
    return out;
}

} // namespace luna::sysconf
