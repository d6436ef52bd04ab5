// com.safenet.Luna.Services on sysconfd's object: LunaSH `service ...`. A name resolves
// through the catalogue (services/catalog.h) before systemd is asked anything.
#pragma once

#include "gatekeeper.h"

#include "services/service_control.h"

#include "services_adaptor.h"

namespace luna::sysconfd {

class ServicesBus final : public sdbus::AdaptorInterfaces<com::safenet::Luna::Services_adaptor> {
public:
    ServicesBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate,
                services::ServiceControl& control);
    ~ServicesBus();

private:
    std::vector<sdbus::Struct<std::string, std::string, std::string, std::string>> List() override;
    std::tuple<std::string, std::string, std::string, std::string, std::string, uint32_t> Status(const std::string& name) override;
    void Start(const std::string& name) override;
    void Stop(const std::string& name) override;
    void Restart(const std::string& name) override;

    Gatekeeper& gate_;
    services::ServiceControl& control_;
};

} // namespace luna::sysconfd
