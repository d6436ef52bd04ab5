#include "platform_service.h"

#include "luna/errors.h"

#include <unistd.h>

namespace lunash {
namespace {

struct State {
    PlatformConnector connect;
    std::unique_ptr<PlatformService> service;
};

State& state() {
    static State s;
    return s;
}

} // namespace

PlatformService& platform() {
    auto& s = state();
    if (!s.service) {
        if (!s.connect) throw luna::Error(luna::rc::DEVICE_ERROR, "The appliance configuration service is not available in this shell");
        s.service = s.connect();
    }
    return *s.service;
}

void setPlatformConnector(PlatformConnector connector) {
    auto& s = state();
    s.service.reset();
    s.connect = std::move(connector);
}

} // namespace lunash
