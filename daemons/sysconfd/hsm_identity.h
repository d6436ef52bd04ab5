// What the licence commands need to know about the HSM: its serial number (the licence's
// lock) and the partitions it is licensed for. Read from hsmd over D-Bus on a connection of
// sysconfd's own (a handler waits on it while the main connection serves the request); an
// unreachable hsmd is CKR_TOKEN_NOT_PRESENT.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace sdbus {
class IConnection;
class IProxy;
} // namespace sdbus

namespace luna::sysconfd {

class HsmIdentity {
public:
    virtual ~HsmIdentity() = default;
    virtual std::string serial() = 0;
    virtual std::uint32_t licensedPartitions() = 0;
};

class HsmdIdentity final : public HsmIdentity {
public:
    HsmdIdentity();
    ~HsmdIdentity() override;
    std::string serial() override;
    std::uint32_t licensedPartitions() override;

private:
    sdbus::IProxy& hsm();
    std::unique_ptr<sdbus::IConnection> conn_;
    std::unique_ptr<sdbus::IProxy> proxy_;
};

} // namespace luna::sysconfd
