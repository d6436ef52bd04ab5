// hsmd's data plane as one piece for main(): the client assignments (the allow-list),
// the DataPlane over the HSM core, and the local socket that serves it.
#pragma once

#include "client_assignments.h"
#include "data_socket.h"

#include <memory>

namespace luna::hsmd {

struct DataPlaneOptions {
    std::filesystem::path socket;        // --data-socket; default $RUNTIME_DIRECTORY/data.sock
    std::set<uid_t> ntlsUids;            // --ntls-uid: besides root, who may connect
    std::filesystem::path assignments;   // --client-assignments: the allow-list file
    bool usageWithoutLogin = false;      // --usage-without-login: plain PKCS#11 normal-usage class
};

class DataPlaneService {
public:
    DataPlaneService(hsm::Hsm& hsm, DataPlaneOptions options)
        : options_(std::move(options)),
          dp_(hsm, assignments_, hsm::DataPlaneConfig{.usageRequiresLogin = !options_.usageWithoutLogin}) {
        reload();
        socket_ = std::make_unique<DataSocket>(dp_, std::max(1u, std::thread::hardware_concurrency()),
                                               DataSocketConfig{options_.socket, options_.ntlsUids});
    }
    // SIGHUP: read the assignments file again.
    void reload() {
        if (!options_.assignments.empty()) assignments_.load(options_.assignments);
    }
    ClientAssignments& assignments() { return assignments_; }
    const DataPlaneCounters& counters() const { return socket_->counters(); }

private:
    DataPlaneOptions options_;
    ClientAssignments assignments_;
    hsm::DataPlane dp_;
    std::unique_ptr<DataSocket> socket_;
};

} // namespace luna::hsmd
