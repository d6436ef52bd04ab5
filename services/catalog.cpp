#include "services/catalog.h"

#include "services/service_control.h"

namespace luna::services {

const ServiceDef* findService(std::string_view name) {
    for (const auto& s : kServices)
        if (s.name == name) return &s;
    return nullptr;
}

std::string resolveUnit(const ServiceDef& service, ServiceControl& control) {
    const std::string unit(service.unit);
    if (!service.built || service.altUnit.empty() || control.status(unit).exists()) return unit;
    const std::string alt(service.altUnit);
    return control.status(alt).exists() ? alt : unit;
}

} // namespace luna::services
