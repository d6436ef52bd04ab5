#include "services/catalog.h"

namespace luna::services {

const ServiceDef* findService(std::string_view name) {
    for (const auto& s : kServices)
        if (s.name == name) return &s;
    return nullptr;
}

} // namespace luna::services
