#include "registry.h"

#include "luna/errors.h"
#include "sysconf/atomic_file.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <cctype>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace luna::ntls {

bool validClientName(std::string_view name) {
    if (name.empty() || name.size() > 254) return false;
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
    return true;
}

bool validIp(std::string_view ip) {
    const std::string s(ip);
    unsigned char buf[16];
    return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool validHostname(std::string_view host) {
    if (host.empty() || host.size() > 253 || host.front() == '-' || host.front() == '.') return false;
    for (char c : host)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')) return false;
    return true;
}

std::string serializeClients(const std::map<std::string, Client, std::less<>>& clients) {
    std::ostringstream o;
    o << "# ntlsd client registry (lunash `client ...`); written by ntlsd\n";
    for (const auto& [name, c] : clients) {
        o << "[client " << name << "]\n"
          << "hostname=" << c.hostname << "\n"
          << "ip=" << c.ip << "\n"
          << "mapped-ip=" << c.mappedIp << "\n"
          << "partitions=";
        const char* sep = "";
        for (auto p : c.partitions) {
            o << sep << p;
            sep = " ";
        }
        o << "\ncertificate=" << c.certificate << "\n"
          << "pin=" << c.pin << "\n"
          << "fingerprint=" << c.fingerprint << "\n";
    }
    return o.str();
}

std::map<std::string, Client, std::less<>> parseClients(std::string_view text) {
    std::map<std::string, Client, std::less<>> out;
    std::istringstream in{std::string(text)};
    std::string line;
    Client* cur = nullptr;
    auto bad = [](int n, const std::string& why) { return std::runtime_error("clients:" + std::to_string(n) + ": " + why); };
    for (int n = 1; std::getline(in, line); ++n) {
        if (line.empty() || line[0] == '#') continue;
        if (line.starts_with("[client ") && line.back() == ']') {
            const auto name = line.substr(8, line.size() - 9);
            if (!validClientName(name)) throw bad(n, "bad client name '" + name + "'");
            cur = &out[name];
            cur->name = name;
            continue;
        }
        const auto eq = line.find('=');
        if (!cur || eq == std::string::npos) throw bad(n, "expected [client NAME] or key=value");
        const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
        if (key == "hostname") cur->hostname = value;
        else if (key == "ip") cur->ip = value;
        else if (key == "mapped-ip") cur->mappedIp = value;
        else if (key == "certificate") cur->certificate = value;
        else if (key == "pin") cur->pin = value;
        else if (key == "fingerprint") cur->fingerprint = value;
        else if (key == "partitions") {
            std::istringstream words(value);
            std::string w;
            while (words >> w) {
                try {
                    std::size_t used = 0;
                    cur->partitions.insert(std::stoull(w, &used));
                    if (used != w.size()) throw std::invalid_argument(w);
                } catch (const std::exception&) {
                    throw bad(n, "'" + w + "' is not a partition serial");
                }
            }
        }
    }
    for (const auto& [name, c] : out)
        if (c.certificate.empty() || c.pin.empty()) throw std::runtime_error("clients: client " + name + " has no certificate");
    return out;
}

Registry::Registry(std::filesystem::path file) : file_(std::move(file)) {
    if (auto text = sysconf::readFile(file_)) clients_ = parseClients(*text);
}

std::optional<Client> Registry::find(std::string_view name) const {
    std::shared_lock lock(mu_);
    auto it = clients_.find(name);
    return it == clients_.end() ? std::nullopt : std::optional<Client>(it->second);
}

std::optional<Client> Registry::byPin(std::string_view pin) const {
    std::shared_lock lock(mu_);
    for (const auto& [_, c] : clients_)
        if (c.pin == pin) return c;
    return std::nullopt;
}

std::vector<Client> Registry::all() const {
    std::shared_lock lock(mu_);
    std::vector<Client> out;
    for (const auto& [_, c] : clients_) out.push_back(c);
    return out;
}

bool Registry::assigned(std::string_view name, std::uint64_t serial) const {
    std::shared_lock lock(mu_);
    auto it = clients_.find(name);
    return it != clients_.end() && it->second.partitions.count(serial);
}

// Changes run on a copy under the writer lock; the copy is written to disk and only then
// replaces what readers see, so a failed write leaves both the file and memory as they were.
template <class Fn>
void Registry::change(Fn&& fn) {
    std::unique_lock lock(mu_);
    Map next = clients_;
    fn(next);
    sysconf::writeFileAtomic(file_, serializeClients(next), sysconf::FileOwner{::geteuid(), ::getegid(), 0600});
    clients_ = std::move(next);
}

Client& Registry::existing(Map& m, std::string_view name) {
    auto it = m.find(name);
    if (it == m.end()) throw Error(rc::CLIENT_NOT_FOUND, "No client named '" + std::string(name) + "' is registered");
    return it->second;
}

void Registry::add(Client client, bool replace) {
    if (!validClientName(client.name))
        throw Error(rc::CLIENT_NAME_INVALID, "A client name is 1 to 254 of the characters A-Z a-z 0-9 . _ -");
    if (client.hostname.empty() == client.ip.empty())
        throw Error(rc::ADDRESS_INVALID, "Give the client's hostname or its IP address (one of them)");
    if (!client.ip.empty() && !validIp(client.ip))
        throw Error(rc::ADDRESS_INVALID, "'" + client.ip + "' is not an IP address");
    if (!client.hostname.empty() && !validHostname(client.hostname))
        throw Error(rc::ADDRESS_INVALID, "'" + client.hostname + "' is not a hostname");
    change([&](Map& m) {
        for (const auto& [name, other] : m)
            if (other.pin == client.pin && name != client.name)
                throw Error(rc::CERTIFICATE_IN_USE, "This certificate is already registered for client '" + name + "'");
        auto it = m.find(client.name);
        if (it != m.end()) {
            if (!replace) throw Error(rc::CLIENT_ALREADY_EXISTS, "A client named '" + client.name + "' is already registered");
            client.partitions = it->second.partitions;
            client.mappedIp = it->second.mappedIp;
        }
        m[client.name] = std::move(client);
    });
}

void Registry::remove(std::string_view name) {
    change([&](Map& m) { m.erase(existing(m, name).name); });
}

void Registry::assign(std::string_view name, std::uint64_t serial) {
    change([&](Map& m) {
        if (!existing(m, name).partitions.insert(serial).second)
            throw Error(rc::PARTITION_ALREADY_ASSIGNED, "The partition is already assigned to client '" + std::string(name) + "'");
    });
}

void Registry::revoke(std::string_view name, std::uint64_t serial) {
    change([&](Map& m) {
        if (!existing(m, name).partitions.erase(serial))
            throw Error(rc::PARTITION_NOT_ASSIGNED, "The partition is not assigned to client '" + std::string(name) + "'");
    });
}

void Registry::mapIp(std::string_view name, std::string_view ip) {
    if (!validIp(ip)) throw Error(rc::ADDRESS_INVALID, "'" + std::string(ip) + "' is not an IP address");
    change([&](Map& m) { existing(m, name).mappedIp = ip; });
}

void Registry::unmapIp(std::string_view name) {
    change([&](Map& m) { existing(m, name).mappedIp.clear(); });
}

bool Registry::prune(const std::set<std::uint64_t>& existingSerials) {
    bool changed = false;
    {
        std::shared_lock lock(mu_);
        for (const auto& [_, c] : clients_)
            for (auto p : c.partitions) changed |= !existingSerials.count(p);
    }
    if (!changed) return false;
    change([&](Map& m) {
        for (auto& [_, c] : m) std::erase_if(c.partitions, [&](auto p) { return !existingSerials.count(p); });
    });
    return true;
}

} // namespace luna::ntls
