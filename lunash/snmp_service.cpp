#include "snmp_service.h"

#include "luna/errors.h"

namespace lunash {
namespace {

struct State {
    SnmpConnector connect;
    std::unique_ptr<SnmpService> service;
};

State& state() {
    static State s;
    return s;
}

} // namespace

SnmpService& snmpService() {
    auto& s = state();
    if (!s.service) {
        if (!s.connect) throw luna::Error(luna::rc::DEVICE_ERROR, "The appliance configuration service is not available in this shell");
        s.service = s.connect();
    }
    return *s.service;
}

void setSnmpConnector(SnmpConnector connector) {
    auto& s = state();
    s.service.reset();
    s.connect = std::move(connector);
}

} // namespace lunash
