#include "ntls_service.h"

#include "luna/errors.h"

namespace lunash {
namespace {

struct State {
    NtlsConnector connect;
    std::unique_ptr<NtlsService> service;
};

State& state() {
    static State s;
    return s;
}

} // namespace

NtlsService& ntls() {
    auto& s = state();
    if (!s.service) {
        if (!s.connect) throw luna::Error(luna::rc::DEVICE_ERROR, "NTLS is not available in this shell");
        s.service = s.connect();
    }
    return *s.service;
}

void setNtlsConnector(NtlsConnector connector) {
    auto& s = state();
    s.service.reset();
    s.connect = std::move(connector);
}

} // namespace lunash
