#include "slots.h"

#include <algorithm>

namespace luna::client {

SlotNumbering::SlotNumbering(bool oneBase, std::vector<SlotPin> pins) : next_(oneBase ? 1 : 0) {
    for (const auto& p : pins) {
        if (pinnedIds_.contains(p.slot) || pins_.contains(p.serial)) continue;   // first pin wins
        pins_[p.serial] = p.slot;
        pinnedIds_.insert(p.slot);
    }
}

std::uint64_t SlotNumbering::nextFree() {
    while (pinnedIds_.contains(next_) || used_.contains(next_)) ++next_;
    return next_++;
}

std::vector<Slot> SlotNumbering::assign(const std::vector<std::vector<proto::SlotEntry>>& perServer) {
    std::vector<Slot> out;
    for (std::size_t s = 0; s < perServer.size(); ++s) {
        const bool anyPinned = std::any_of(perServer[s].begin(), perServer[s].end(),
                                           [&](const proto::SlotEntry& e) { return pins_.contains(e.slot); });
        for (const auto& e : perServer[s]) {
            if (auto pin = pins_.find(e.slot); pin != pins_.end()) {
                // One partition per pinned slot, even if two appliances list the same serial.
                if (std::none_of(out.begin(), out.end(), [&](const Slot& o) { return o.id == pin->second; }))
                    out.push_back({pin->second, s, e});
                continue;
            }
            if (anyPinned) continue;   // ch.16: the others of a redirected HSM disappear
            const auto key = std::make_pair(s, e.slot);
            auto it = assigned_.find(key);
            if (it == assigned_.end()) {
                it = assigned_.emplace(key, nextFree()).first;
                used_.insert(it->second);
            }
            out.push_back({it->second, s, e});
        }
    }
    std::sort(out.begin(), out.end(), [](const Slot& a, const Slot& b) { return a.id < b.id; });
    return out;
}

SlotDirectory::SlotDirectory(const ClientConfig& config, Connector connector)
    : numbering_(config.oneBaseSlotId, config.showUserSlots) {
    if (!config.netClient) return;
    for (const auto& s : config.servers)
        servers_.push_back(std::make_unique<ServerConnection>(s, connector, config.receiveTimeout));
}

std::vector<Slot> SlotDirectory::refresh() {
    std::vector<std::vector<proto::SlotEntry>> lists(servers_.size());
    std::vector<std::string> problems;
    for (std::size_t i = 0; i < servers_.size(); ++i) {
        try {
            lists[i] = servers_[i]->link()->ok(proto::GetSlotListReq{}).slots;
        } catch (const std::exception& e) {
            problems.push_back(servers_[i]->entry().name + ": " + e.what());
        }
    }
    std::lock_guard lock(mu_);
    current_ = numbering_.assign(lists);
    problems_ = std::move(problems);
    return current_;
}

std::optional<Slot> SlotDirectory::find(std::uint64_t id) {
    {
        std::lock_guard lock(mu_);
        for (const auto& s : current_)
            if (s.id == id) return s;
    }
    for (const auto& s : refresh())
        if (s.id == id) return s;
    return std::nullopt;
}

std::vector<std::string> SlotDirectory::problems() const {
    std::lock_guard lock(mu_);
    return problems_;
}

} // namespace luna::client
