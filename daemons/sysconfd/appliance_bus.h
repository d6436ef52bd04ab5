// com.safenet.Luna.Appliance on sysconfd's object: LunaSH `sysconf banner`, `sysconf
// forcesologin`, `sysconf fingerprint ssh/license`, `sysconf license ...`, `sysconf
// appliance reboot/poweroff`.
#pragma once

#include "gatekeeper.h"
#include "hsm_identity.h"

#include "services/service_control.h"
#include "sysconf/platform_paths.h"

#include "appliance_adaptor.h"

namespace luna::sysconfd {

class ApplianceBus final : public sdbus::AdaptorInterfaces<com::safenet::Luna::Appliance_adaptor> {
public:
    ApplianceBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate,
                 const sysconf::PlatformPaths& paths, HsmIdentity& hsm, services::ServiceControl& services);
    ~ApplianceBus();

private:
    void SetBanner(const std::string& text) override;
    void ClearBanner() override;
    bool GetForceSoLogin() override;
    void SetForceSoLogin(const bool& enabled) override;
    std::vector<sdbus::Struct<std::string, uint32_t, std::string>> GetSshFingerprints() override;
    std::tuple<std::string, std::string> GetLicenseFingerprint() override;
    std::vector<sdbus::Struct<uint32_t, std::string, std::string, uint32_t>> ListLicenses() override;
    std::tuple<std::string, bool> ApplyLicense(const std::string& license) override;
    void RevokeLicense(const uint32_t& index) override;
    void Reboot() override;
    void PowerOff() override;
    void shutdownSoon(bool reboot);

    Gatekeeper& gate_;
    const sysconf::PlatformPaths& paths_;
    HsmIdentity& hsm_;
    services::ServiceControl& services_;
};

} // namespace luna::sysconfd
