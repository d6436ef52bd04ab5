// What ntlsd asks hsmd over D-Bus, on a connection of its own without an event loop (plain
// synchronous calls, serialized by a mutex): the partitions (to name them and to drop deleted
// ones from assignments), the HSM serial (for SNMP), and the push of the assignment table
// hsmd enforces (com.safenet.Luna.ClientAccess.SetAssignments, root and ntlsd's uid only).
#pragma once

#include "registry.h"

#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace luna::ntls {

struct PartitionRef {
    std::uint64_t serial = 0;
    std::string name;
};

class HsmControl {
public:
    explicit HsmControl(std::string busName);

    // Throws luna::Error(CKR_TOKEN_NOT_PRESENT) when hsmd cannot be reached.
    std::vector<PartitionRef> partitions();
    std::string hsmSerial();
    // A partition by name or serial number; CKR_PARTITION_NOT_FOUND if there is none.
    PartitionRef resolve(const std::string& nameOrSerial);
    // Replaces hsmd's table with the registry's; throws on failure.
    void pushAssignments(const std::vector<Client>& clients);

    const std::string& busName() const { return busName_; }

private:
    template <class Fn>
    auto call(Fn&& fn) -> decltype(fn(std::declval<sdbus::IProxy&>()));

    std::string busName_;
    std::mutex mu_;
    std::unique_ptr<sdbus::IConnection> conn_;
    std::unique_ptr<sdbus::IProxy> proxy_;
};

} // namespace luna::ntls
