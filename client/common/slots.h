// Slot numbering as chapter 16 describes it for network partitions: the application
// partitions each appliance lists for this client, appliance by appliance in ServerNameNN
// order, numbered from 0 (OneBaseSlotId=1: from 1). ShowUserSlots=<slot>(<serial>) pins a
// partition to a slot; once one partition of an appliance is pinned, that appliance's
// unpinned partitions are hidden. A partition keeps its number for the life of the process,
// and a number is never given to another partition, so a slot id an application holds never
// silently changes meaning (revoked partitions just disappear from the list).
#pragma once

#include "server_connection.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace luna::client {

struct Slot {
    std::uint64_t id = 0;
    std::size_t server = 0;          // index into SlotDirectory::servers()
    proto::SlotEntry partition;      // serial, name, label, initialized
};

class SlotNumbering {
public:
    SlotNumbering(bool oneBase, std::vector<SlotPin> pins);
    // perServer[i]: what server i lists now (empty when unreachable). Returns the visible
    // slots in slot order.
    std::vector<Slot> assign(const std::vector<std::vector<proto::SlotEntry>>& perServer);

private:
    std::uint64_t nextFree();
    std::uint64_t next_;
    std::map<std::uint64_t, std::uint64_t> pins_;          // serial -> slot
    std::set<std::uint64_t> pinnedIds_, used_;
    std::map<std::pair<std::size_t, std::uint64_t>, std::uint64_t> assigned_;
};

class SlotDirectory {
public:
    SlotDirectory(const ClientConfig& config, Connector connector);

    // Asks every appliance for its partitions now. Unreachable ones contribute none; their
    // reasons are in problems().
    std::vector<Slot> refresh();
    // The slot from the last refresh (refreshing once when it is unknown).
    std::optional<Slot> find(std::uint64_t id);
    ServerConnection& server(std::size_t i) { return *servers_.at(i); }
    std::size_t serverCount() const { return servers_.size(); }
    std::vector<std::string> problems() const;

private:
    std::vector<std::unique_ptr<ServerConnection>> servers_;
    mutable std::mutex mu_;
    SlotNumbering numbering_;
    std::vector<Slot> current_;
    std::vector<std::string> problems_;
};

} // namespace luna::client
