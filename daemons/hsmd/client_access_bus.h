// com.safenet.Luna.ClientAccess at /com/safenet/Luna/Hsm: ntlsd owns the NTLS client registry
// and pushes the assignment table here whole (at its start, when hsmd appears, after every
// change); hsmd enforces it on every data-plane request (ClientAssignments). Only root and the
// ntlsd uid(s) given with --ntls-uid may call it, the same callers the data socket admits.
#pragma once

#include "client_assignments.h"

#include "client_access_adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <set>
#include <sys/types.h>

namespace luna::hsmd {

class ClientAccessBus final : public sdbus::AdaptorInterfaces<com::safenet::Luna::ClientAccess_adaptor> {
public:
    ClientAccessBus(sdbus::IConnection& conn, ClientAssignments& assignments, std::set<uid_t> ntlsUids);
    ~ClientAccessBus();

private:
    void SetAssignments(const std::vector<sdbus::Struct<std::string, std::vector<uint64_t>>>& clients) override;

    ClientAssignments& assignments_;
    std::set<uid_t> ntlsUids_;
};

} // namespace luna::hsmd
