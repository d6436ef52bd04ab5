// Which partitions each registered client may see (lunash `client assignpartition` /
// `revokepartition`): the allow-list hsmd enforces on every data-plane request, whatever
// ntlsd already checked.
//
// Hook for ntlsd: today the list comes from a file (--client-assignments) that hsmd reads
// at start and again on SIGHUP; ntlsd will own the registrations and push them with
// set()/revoke() through a D-Bus method on hsmd (com.safenet.Luna.Ntls or similar) — the
// class is already safe to change while requests are served.
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
