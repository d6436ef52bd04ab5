#include "config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <cerrno>
#include <cstdlib>
#include <string>

namespace luna::snmp {
namespace {

Settings* target = nullptr;

// Net-SNMP passes the rest of the line after the token.
std::string trimmed(const char* line) {
    std::string s(line ? line : "");
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

void parseRefresh(const char*, char* line) {
    const std::string v = trimmed(line);
    char* end = nullptr;
    errno = 0;
    const double seconds = std::strtod(v.c_str(), &end);
    if (v.empty() || errno || *end || seconds < 0.1 || seconds > 86400) {
        config_perror("lunaRefreshInterval needs a number of seconds from 0.1 to 86400");
        return;
    }
    target->refreshInterval = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

void parseName(const char* token, char* line) {
    const std::string v = trimmed(line);
    if (v.empty() || v.find_first_of(" \t") != std::string::npos) {
        config_perror((std::string(token) + " needs one D-Bus name").c_str());
        return;
    }
    (std::string(token) == "lunaHsmBusName" ? target->dbus.hsmBusName : target->dbus.ntlsBusName) = v;
}

} // namespace

void registerConfigTokens(Settings& settings) {
    target = &settings;
    register_config_handler("luna-snmp", "lunaRefreshInterval", parseRefresh, nullptr, "SECONDS");
    register_config_handler("luna-snmp", "lunaHsmBusName", parseName, nullptr, "BUS-NAME");
    register_config_handler("luna-snmp", "lunaNtlsBusName", parseName, nullptr, "BUS-NAME");
}

} // namespace luna::snmp
