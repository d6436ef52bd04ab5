#include "client_access_bus.h"

#include "luna/errors.h"

#include <syslog.h>

namespace luna::hsmd {

ClientAccessBus::ClientAccessBus(sdbus::IConnection& conn, ClientAssignments& assignments, std::set<uid_t> ntlsUids)
    : AdaptorInterfaces(conn, "/com/safenet/Luna/Hsm"), assignments_(assignments), ntlsUids_(std::move(ntlsUids)) {
    registerAdaptor();
}

ClientAccessBus::~ClientAccessBus() { unregisterAdaptor(); }

void ClientAccessBus::SetAssignments(const std::vector<sdbus::Struct<std::string, std::vector<uint64_t>>>& clients) {
    const auto* msg = getObject().getCurrentlyProcessedMessage();
    const uid_t uid = msg ? msg->getCredsEuid() : static_cast<uid_t>(-1);
    if (uid != 0 && !ntlsUids_.count(uid)) {
        syslog(LOG_WARNING, "refused ClientAccess.SetAssignments from uid %u (only root and ntlsd)", static_cast<unsigned>(uid));
        throw sdbus::Error(dbusErrorName(rc::ACCESS_DENIED), "Only ntlsd may set the client assignments");
    }
    std::map<std::string, std::set<std::uint64_t>> table;
    for (const auto& c : clients) {
        const auto& name = c.get<0>();
        if (name.empty() || name.size() > 255)
            throw sdbus::Error(dbusErrorName(rc::ARGUMENTS_BAD), "A client name is 1 to 255 bytes");
        table[name].insert(c.get<1>().begin(), c.get<1>().end());
    }
    assignments_.replace(std::move(table));
    syslog(LOG_INFO, "client assignments set by uid %u (%zu clients)", static_cast<unsigned>(uid), clients.size());
}

} // namespace luna::hsmd
