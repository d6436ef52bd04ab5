// com.safenet.Luna.Sysconf at /com/safenet/Luna/Sysconf: the base of sysconfd's object.
// Each concern (users, and later syslog, snmp, ntp, services) is its own interface on the
// same object, in its own <concern>_bus.{h,cpp}, all admitted by the one Gatekeeper.
#pragma once

#include "gatekeeper.h"

#include "sysconf_adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

namespace luna::sysconfd {

inline constexpr const char* kObjectPath = "/com/safenet/Luna/Sysconf";
inline constexpr const char* kBusName = "com.safenet.Luna.Sysconf";

class SysconfBus final : public sdbus::AdaptorInterfaces<com::safenet::Luna::Sysconf_adaptor> {
public:
    SysconfBus(sdbus::IConnection& conn, Gatekeeper& gate);
    ~SysconfBus();

private:
    std::tuple<std::string, std::string> Whoami() override;
    std::vector<sdbus::Struct<std::string, std::string>> Requests() override;

    Gatekeeper& gate_;
};

} // namespace luna::sysconfd
