#include "sysconf/snmp_config.h"

#include "sysconf/atomic_file.h"
#include "sysconf/net_rules.h"

#include "luna/errors.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <sstream>

namespace luna::sysconf {
namespace {

std::string clip(std::string_view s) { return std::string(s.substr(0, 64)); }

bool printable(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> words(std::string_view line) {
    std::vector<std::string> out;
    std::istringstream in{std::string(line)};
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

} // namespace

void checkSnmpSecName(std::string_view name) {
    if (name.empty() || name.size() > 31)
        throw Error(rc::CONFIG_VALUE_INVALID, "The security name must be 1 to 31 characters long");
    const bool ok = std::all_of(name.begin(), name.end(), [](char c) {
        return c > 0x20 && c < 0x7f && c != '"' && c != '\'' && c != '\\' && c != '#';
    });
    if (!ok || name.front() == '-')
        throw Error(rc::CONFIG_VALUE_INVALID, "The security name '" + clip(name) +
                                                  "' may hold only printable characters (no blank, quote, backslash or #) "
                                                  "and may not start with a dash");
}

void checkSnmpPassword(std::string_view which, std::string_view password) {
    if (password.size() < 8 || password.size() > 128)
        throw Error(rc::CONFIG_VALUE_INVALID, "The " + std::string(which) + " must be 8 to 128 characters long");
    if (!printable(password))
        throw Error(rc::CONFIG_VALUE_INVALID, "The " + std::string(which) + " may hold only printable characters");
}

std::string checkAuthProtocol(std::string_view protocol) {
    if (protocol.empty() || upper(protocol) == "SHA") return "SHA";
    throw Error(rc::CONFIG_VALUE_INVALID, "Invalid authentication protocol '" + clip(protocol) + "': valid value is SHA");
}

std::string checkPrivProtocol(std::string_view protocol) {
    if (protocol.empty() || upper(protocol) == "AES") return "AES";
    throw Error(rc::CONFIG_VALUE_INVALID, "Invalid privacy protocol '" + clip(protocol) + "': valid value is AES");
}

std::string checkEngineId(std::string_view id) {
    const bool hex = std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    if (id.starts_with("0x") || id.starts_with("0X") || !hex || id.size() < 10 || id.size() > 64 || id.size() % 2)
        throw Error(rc::CONFIG_VALUE_INVALID, "Invalid engine ID '" + clip(id) +
                                                  "': 10 to 64 hex digits (an even number), without 0x");
    std::string out(id);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string snmpShaMasterKey(std::string_view password) {
    if (password.empty()) throw Error(rc::CONFIG_VALUE_INVALID, "An SNMP password may not be empty");
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) != 1) throw Error(rc::GENERAL_ERROR, "SHA-1 unavailable");
    unsigned char block[64];
    std::size_t at = 0;
    for (std::size_t done = 0; done < 1048576; done += sizeof block) {
        for (auto& b : block) b = static_cast<unsigned char>(password[at++ % password.size()]);
        EVP_DigestUpdate(ctx.get(), block, sizeof block);
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    static const char* digits = "0123456789abcdef";
    std::string out = "0x";
    for (unsigned i = 0; i < len; ++i) {
        out += digits[md[i] >> 4];
        out += digits[md[i] & 15];
    }
    return out;
}

std::string NotificationTarget::line() const {
    std::string s = "trapsess -v 3";
    if (inform) s += " -Ci";
    s += " -u " + secName + " -l authPriv -a SHA -3m " + authKey + " -x AES -3M " + privKey;
    if (!engineId.empty()) s += " -e 0x" + engineId;
    return s + " udp:" + address + ":" + std::to_string(port);
}

namespace {

// A trapsess line as line() writes it; anything else is not ours.
bool parseTarget(const std::vector<std::string>& w, NotificationTarget& t) {
    std::size_t i = 1;
    auto next = [&]() -> std::string { return i < w.size() ? w[i++] : std::string(); };
    if (next() != "-v" || next() != "3") return false;
    while (i + 1 < w.size()) {
        auto opt = next();
        if (opt == "-Ci") { t.inform = true; continue; }
        auto val = next();
        if (opt == "-u") t.secName = val;
        else if (opt == "-3m") t.authKey = val;
        else if (opt == "-3M") t.privKey = val;
        else if (opt == "-e") t.engineId = val.starts_with("0x") ? val.substr(2) : val;
        else if (opt != "-l" && opt != "-a" && opt != "-x") return false;
    }
    auto dest = next();
    if (!dest.starts_with("udp:")) return false;
    dest = dest.substr(4);
    auto colon = dest.rfind(':');
    if (colon == std::string::npos) return false;
    t.address = dest.substr(0, colon);
    try {
        t.port = static_cast<std::uint16_t>(std::stoul(dest.substr(colon + 1)));
    } catch (const std::exception&) {
        return false;
    }
    return !t.secName.empty() && !t.authKey.empty() && !t.privKey.empty();
}

} // namespace

SnmpSettings SnmpSettings::parse(std::string_view text) {
    SnmpSettings s;
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        auto w = words(line);
        if (w.empty()) continue;
        if (w[0] == "rwuser" && w.size() >= 2) s.users_.push_back(w[1]);
        NotificationTarget t;
        if (w[0] == "trapsess" && parseTarget(w, t)) s.targets_.push_back(std::move(t));
    }
    return s;
}

SnmpSettings SnmpSettings::load(const std::filesystem::path& path) { return parse(readFile(path).value_or("")); }

void SnmpSettings::addUser(const std::string& name) {
    checkSnmpSecName(name);
    if (std::find(users_.begin(), users_.end(), name) != users_.end())
        throw Error(rc::CONFIG_ENTRY_EXISTS, "SNMP user account \"" + name + "\" already exists");
    if (users_.size() >= kMaxUsers)
        throw Error(rc::CONFIG_VALUE_INVALID, "At most " + std::to_string(kMaxUsers) + " SNMP users can be configured");
    users_.push_back(name);
}

void SnmpSettings::deleteUser(std::string_view name) {
    auto it = std::find(users_.begin(), users_.end(), name);
    if (it == users_.end())
        throw Error(rc::CONFIG_ENTRY_NOT_FOUND, "SNMP user account \"" + clip(name) + "\" does not exist");
    users_.erase(it);
}

void SnmpSettings::addTarget(NotificationTarget t) {
    if (!isIpv4Address(t.address))
        throw Error(rc::CONFIG_VALUE_INVALID, "'" + clip(t.address) + "' is not a valid IPv4 address");
    if (t.port == 0) throw Error(rc::CONFIG_VALUE_INVALID, "Port 0 is out of range (1-65535)");
    checkSnmpSecName(t.secName);
    if (!t.engineId.empty()) t.engineId = checkEngineId(t.engineId);
    for (const auto& o : targets_)
        if (o.address == t.address && o.port == t.port && o.secName == t.secName)
            throw Error(rc::CONFIG_ENTRY_EXISTS, "A notification target " + t.address + ":" + std::to_string(t.port) +
                                                     " for \"" + t.secName + "\" already exists");
    if (targets_.size() >= kMaxTargets)
        throw Error(rc::CONFIG_VALUE_INVALID,
                    "At most " + std::to_string(kMaxTargets) + " notification targets can be configured");
    targets_.push_back(std::move(t));
}

std::size_t SnmpSettings::deleteTargets(std::string_view address, std::uint16_t port) {
    const auto before = targets_.size();
    std::erase_if(targets_, [&](const NotificationTarget& t) { return t.address == address && t.port == port; });
    const auto n = before - targets_.size();
    if (n == 0)
        throw Error(rc::CONFIG_ENTRY_NOT_FOUND,
                    "No notification target is configured for " + clip(address) + ":" + std::to_string(port));
    return n;
}

std::string SnmpSettings::render(const SnmpAgentSettings& a) const {
    std::ostringstream o;
    o << "# The appliance's SNMP agent (snmpd), written whole by sysconfd from LunaSH\n"
         "# `sysconf snmp user/notification ...`: edits made here are replaced. SNMPv3 only.\n"
         "[snmp] mibs :\n"
         "agentAddress "
      << a.agentAddress
      << "\n"
         "# The SafeNet MIBs come from the luna-snmp subagent over AgentX; its group may connect.\n"
         "master agentx\n"
         "agentXSocket "
      << a.agentxSocket << "\nagentXPerms 0660 0755 0 " << a.agentxGroup
      << "\n"
         "dontLogTCPWrappersConnects yes\n"
         "# Users (sysconf snmp user): read, write and notify access to every object, authPriv\n"
         "# only. Their keys are in snmpd's persistent store, never here.\n";
    for (const auto& u : users_) o << "rwuser " << u << " priv\n";
    o << "# Notification targets (sysconf snmp notification): SHA/AES master keys, no passwords.\n";
    for (const auto& t : targets_) o << t.line() << "\n";
    return o.str();
}

} // namespace luna::sysconf
