// The NTLS client registry (lunash `client ...`): who may connect (the pinned certificate),
// from where (ipcheck), and which partitions each client sees. ntlsd owns it and persists it
// in <state>/clients (atomic replace); every change is validated, written, and only then
// becomes what readers see. Thread-safe: TLS handshakes read it while the bus changes it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace luna::ntls {

struct Client {
    std::string name;
    std::string hostname;          // `-hostname` at register ("" when registered by IP)
    std::string ip;                // `-ip` at register
    std::string mappedIp;          // `client hostip map`
    std::set<std::uint64_t> partitions;
    std::string certificate;       // DER, base64
    std::string pin;               // SHA-256 of the DER (hex): how a connecting client is found
    std::string fingerprint;       // SHA-1, as `client fingerprint` shows it
    bool operator==(const Client&) const = default;
};

// 1..254 of A-Z a-z 0-9 . _ - (the reference: "less than 255 characters").
bool validClientName(std::string_view name);
bool validIp(std::string_view ip);
bool validHostname(std::string_view host);

// The on-disk form; parse throws std::runtime_error naming the line.
std::string serializeClients(const std::map<std::string, Client, std::less<>>& clients);
std::map<std::string, Client, std::less<>> parseClients(std::string_view text);

class Registry {
public:
    explicit Registry(std::filesystem::path file);   // loads the file if it exists

    std::optional<Client> find(std::string_view name) const;
    std::optional<Client> byPin(std::string_view pin) const;
    std::vector<Client> all() const;
    bool assigned(std::string_view name, std::uint64_t serial) const;

    // Each throws luna::Error (CKR_CLIENT_*, CKR_CERTIFICATE_IN_USE, CKR_ADDRESS_INVALID,
    // CKR_PARTITION_*) and then changes nothing. `client` carries name, hostname or ip and the
    // certificate (pin and fingerprint filled in); replace keeps the old partitions.
    void add(Client client, bool replace);
    void remove(std::string_view name);
    void assign(std::string_view name, std::uint64_t serial);
    void revoke(std::string_view name, std::uint64_t serial);
    void mapIp(std::string_view name, std::string_view ip);
    void unmapIp(std::string_view name);
    // Drops assignments of partitions that no longer exist; true if anything changed.
    bool prune(const std::set<std::uint64_t>& existing);

private:
    using Map = std::map<std::string, Client, std::less<>>;
    template <class Fn>
    void change(Fn&& fn);
    Client& existing(Map& m, std::string_view name);

    std::filesystem::path file_;
    mutable std::shared_mutex mu_;
    Map clients_;
};

} // namespace luna::ntls
