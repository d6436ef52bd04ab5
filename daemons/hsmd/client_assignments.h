// Which partitions each registered client may see (lunash `client assignpartition` /
// `revokepartition`): the allow-list hsmd enforces on every data-plane request, whatever
// ntlsd already checked.
//
// ntlsd owns the registrations and pushes the whole table through
// com.safenet.Luna.ClientAccess.SetAssignments (client_access_bus.h) -> replace(). For
// development and tests the table can also come from a file (--client-assignments), read at
// start and again on SIGHUP (which then replaces what ntlsd pushed).
//
// File format: one client per line, `<client-name> <partition-serial>...`; `*` as a serial
// assigns every partition (for development and tests); `#` starts a comment.
#pragma once

#include "hsm/data_plane.h"

#include <filesystem>
#include <map>
#include <set>
#include <shared_mutex>
#include <string>

namespace luna::hsmd {

class ClientAssignments final : public hsm::PartitionAccess {
public:
    bool allowed(std::string_view client, std::uint64_t partitionSerial) const override;

    void set(const std::string& client, std::set<std::uint64_t> partitions, bool all = false);
    void revoke(const std::string& client, std::uint64_t partition);
    void remove(const std::string& client);
    // The whole table at once (ntlsd's push over D-Bus): clients not named see nothing.
    void replace(std::map<std::string, std::set<std::uint64_t>> table);
    // Replaces every assignment with the file's; throws std::runtime_error naming the bad line.
    void load(const std::filesystem::path& file);

private:
    struct Entry {
        bool all = false;
        std::set<std::uint64_t> partitions;
    };
    mutable std::shared_mutex mu_;
    std::map<std::string, Entry, std::less<>> clients_;
};

} // namespace luna::hsmd
