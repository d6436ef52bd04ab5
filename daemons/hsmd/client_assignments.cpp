#include "client_assignments.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace luna::hsmd {

bool ClientAssignments::allowed(std::string_view client, std::uint64_t serial) const {
    std::shared_lock lock(mu_);
    auto it = clients_.find(client);
    return it != clients_.end() && (it->second.all || it->second.partitions.count(serial));
}

void ClientAssignments::set(const std::string& client, std::set<std::uint64_t> partitions, bool all) {
    std::unique_lock lock(mu_);
    clients_[client] = Entry{all, std::move(partitions)};
}

void ClientAssignments::revoke(const std::string& client, std::uint64_t partition) {
    std::unique_lock lock(mu_);
    if (auto it = clients_.find(client); it != clients_.end()) it->second.partitions.erase(partition);
}

void ClientAssignments::remove(const std::string& client) {
    std::unique_lock lock(mu_);
    clients_.erase(client);
}

void ClientAssignments::replace(std::map<std::string, std::set<std::uint64_t>> table) {
    std::map<std::string, Entry, std::less<>> fresh;
    for (auto& [client, partitions] : table) fresh[client] = Entry{false, std::move(partitions)};
    std::unique_lock lock(mu_);
    clients_ = std::move(fresh);
}

void ClientAssignments::load(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    std::map<std::string, Entry, std::less<>> fresh;
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        std::istringstream words(line);
        std::string client, part;
        if (!(words >> client)) continue;
        auto& e = fresh[client];
        while (words >> part) {
            if (part == "*") {
                e.all = true;
                continue;
            }
            try {
                std::size_t used = 0;
                e.partitions.insert(std::stoull(part, &used));
                if (used != part.size()) throw std::invalid_argument(part);
            } catch (const std::exception&) {
                throw std::runtime_error(file.string() + ":" + std::to_string(n) + ": '" + part + "' is not a partition serial");
            }
        }
    }
    std::unique_lock lock(mu_);
    clients_ = std::move(fresh);
}

} // namespace luna::hsmd
