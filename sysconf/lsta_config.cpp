#include "sysconf/lsta_config.h"

#include "sysconf/atomic_file.h"
#include "sysconf/net_rules.h"
#include "sysconf/snmp_config.h"

#include "luna/errors.h"

#include <sstream>

namespace luna::sysconf {

std::string TrapHost::render() const {
    std::ostringstream o;
    o << "# The Luna SNMP trap agent's trap host (sysconf snmp trap set), written by sysconfd.\n"
      << "host " << host << "\nport " << port << "\nsecname " << secName << "\n";
    if (!engineId.empty()) o << "engineid " << engineId << "\n";
    o << "authprotocol " << authProtocol << "\nauthkey " << authKey << "\nprivprotocol " << privProtocol
      << "\nprivkey " << privKey << "\n";
    return o.str();
}

std::optional<TrapHost> TrapHost::parse(std::string_view text) {
    TrapHost t;
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        std::istringstream l(line);
        std::string key, value;
        if (!(l >> key >> value) || key.starts_with("#")) continue;
        if (key == "host") t.host = value;
        else if (key == "port") {
            try {
                t.port = static_cast<std::uint16_t>(std::stoul(value));
            } catch (const std::exception&) {
                return std::nullopt;
            }
        } else if (key == "secname") t.secName = value;
        else if (key == "engineid") t.engineId = value;
        else if (key == "authprotocol") t.authProtocol = value;
        else if (key == "authkey") t.authKey = value;
        else if (key == "privprotocol") t.privProtocol = value;
        else if (key == "privkey") t.privKey = value;
    }
    if (t.host.empty() || t.secName.empty() || t.authKey.empty() || t.privKey.empty()) return std::nullopt;
    return t;
}

std::optional<TrapHost> TrapHost::load(const std::filesystem::path& path) {
    auto text = readFile(path);
    if (!text) return std::nullopt;
    return parse(*text);
}

TrapHost makeTrapHost(std::string_view host, std::string_view secName, std::string_view engineId,
                      std::string_view authProtocol, std::string_view authPassword, std::string_view privProtocol,
                      std::string_view privPassword) {
    TrapHost t;
    std::string_view name = host;
    // host:port, but an IPv6 address has colons of its own.
    if (auto colon = host.rfind(':'); colon != std::string_view::npos && host.find(':') == colon) {
        name = host.substr(0, colon);
        std::int64_t port = -1;
        auto digits = host.substr(colon + 1);
        if (!digits.empty() && digits.size() <= 5 && digits.find_first_not_of("0123456789") == std::string_view::npos)
            port = std::stol(std::string(digits));
        t.port = checkPort(port);
    }
    t.host = checkHost(name);
    if (secName.empty()) throw Error(rc::CONFIG_VALUE_INVALID, "The SNMP v3 security name (-secname) is required");
    checkSnmpSecName(secName);
    t.secName = secName;
    if (!engineId.empty()) t.engineId = checkEngineId(engineId);
    t.authProtocol = checkAuthProtocol(authProtocol);
    t.privProtocol = checkPrivProtocol(privProtocol);
    if (authPassword.empty()) throw Error(rc::CONFIG_VALUE_INVALID, "The SNMP v3 authentication password (-authpwd) is required");
    if (privPassword.empty()) throw Error(rc::CONFIG_VALUE_INVALID, "The SNMP v3 privacy password (-privpwd) is required");
    checkSnmpPassword("authentication password", authPassword);
    checkSnmpPassword("privacy password", privPassword);
    t.authKey = snmpShaMasterKey(authPassword);
    t.privKey = snmpShaMasterKey(privPassword);
    return t;
}

} // namespace luna::sysconf
