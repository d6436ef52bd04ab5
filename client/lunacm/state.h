// What a lunacm process holds: the slots the configuration reaches, the current slot, and per
// slot one session on that appliance's link with whoever logged in there. Login state stays
// with its slot when `slot set` moves the focus (ch.16).
#pragma once

#include "console.h"

#include "client/common/slots.h"

#include <map>
#include <optional>

namespace luna::lunacm {

enum class Role { PartitionSo, CryptoOfficer, CryptoUser };

struct RoleName {
    Role role;
    std::string_view longName, shortName;
    std::uint32_t userType;      // the login type on the wire
};
const RoleName& roleInfo(Role r);
// "po", "Partition SO", "co", "Crypto Officer", "cu", "Crypto User" (any case); "so" is the
// Partition SO too on an application partition. Throws client::UsageError otherwise.
Role parseRole(std::string_view typed);

class State {
public:
    State(client::ClientConfig config, client::Connector connector);

    std::vector<client::Slot> slots() { return directory_.refresh(); }
    std::vector<std::string> problems() const { return directory_.problems(); }
    // The current slot (the lowest at start); throws CKR_SLOT_ID_INVALID when there is none.
    client::Slot current();
    client::Slot slot(std::uint64_t id);
    void setCurrent(std::uint64_t id);
    std::optional<std::uint64_t> currentId() const { return current_; }
    const client::ClientConfig& config() const { return config_; }
    client::ServerConnection& server(const client::Slot& s) { return directory_.server(s.server); }

    // The slot's session (opened read/write on first use) and its link.
    struct SlotSession {
        std::shared_ptr<client::Link> link;
        std::uint64_t handle = 0;
        std::optional<Role> loggedIn;
    };
    SlotSession& session(const client::Slot& s);
    void forget(std::uint64_t slotId) { sessions_.erase(slotId); }

    template <class Req>
    typename Req::Response call(const client::Slot& s, Req req) {
        return server(s).link()->ok(req);
    }

    Console console;

private:
    client::ClientConfig config_;
    client::SlotDirectory directory_;
    std::optional<std::uint64_t> current_;
    std::map<std::uint64_t, SlotSession> sessions_;
};

} // namespace luna::lunacm
