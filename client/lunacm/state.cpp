#include "state.h"

#include "client/common/cli.h"
#include "client/common/vendor.h"

#include <array>
#include <p11-kit/pkcs11.h>

namespace luna::lunacm {

namespace {
constexpr std::array kRoles = {
    RoleName{Role::PartitionSo, "Partition SO", "po", CKU_SO},
    RoleName{Role::CryptoOfficer, "Crypto Officer", "co", CKU_USER},
    RoleName{Role::CryptoUser, "Crypto User", "cu", static_cast<std::uint32_t>(client::vendor::CKU_CRYPTO_USER)},
};
} // namespace

const RoleName& roleInfo(Role r) { return kRoles[static_cast<std::size_t>(r)]; }

Role parseRole(std::string_view typed) {
    for (const auto& r : kRoles)
        if (client::equalsNoCase(typed, r.longName) || client::equalsNoCase(typed, r.shortName)) return r.role;
    if (client::equalsNoCase(typed, "so")) return Role::PartitionSo;
    throw client::UsageError("Unknown role '" + std::string(typed) + "' (po, co or cu)");
}

State::State(client::ClientConfig config, client::Connector connector)
    : config_(std::move(config)), directory_(config_, std::move(connector)) {
    auto all = directory_.refresh();
    if (!all.empty()) current_ = all.front().id;
}

client::Slot State::slot(std::uint64_t id) {
    auto s = directory_.find(id);
    if (!s) throw Error(CKR_SLOT_ID_INVALID, "No slot " + std::to_string(id));
    return *s;
}

client::Slot State::current() {
    if (!current_) {
        auto all = directory_.refresh();
        if (all.empty()) throw Error(CKR_SLOT_ID_INVALID, "There is no slot to work on (vtl verify shows why)");
        current_ = all.front().id;
    }
    return slot(*current_);
}

void State::setCurrent(std::uint64_t id) {
    slot(id);
    current_ = id;
}

State::SlotSession& State::session(const client::Slot& s) {
    auto it = sessions_.find(s.id);
    if (it != sessions_.end() && !it->second.link->broken()) return it->second;
    SlotSession fresh;
    fresh.link = server(s).link();
    fresh.handle = fresh.link->ok(proto::OpenSessionReq{s.partition.slot, CKF_SERIAL_SESSION | CKF_RW_SESSION}).handle;
    return sessions_[s.id] = std::move(fresh);
}

} // namespace luna::lunacm
