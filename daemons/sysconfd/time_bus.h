// com.safenet.Luna.Time and com.safenet.Luna.Ntp on sysconfd's object: LunaSH `sysconf
// time`, `sysconf timezone`, `sysconf ntp ...`.
#pragma once

#include "gatekeeper.h"

#include "sysconf/clock.h"
#include "sysconf/ntp_manager.h"
#include "sysconf/timezone.h"

#include "ntp_adaptor.h"
#include "time_adaptor.h"

namespace luna::sysconfd {

class TimeBus final : public sdbus::AdaptorInterfaces<com::safenet::Luna::Time_adaptor> {
public:
    TimeBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate, sysconf::Clock& clock,
            sysconf::TimeZones& zones);
    ~TimeBus();

private:
    std::tuple<int64_t, std::string, std::string, std::string, std::string> GetTime() override;
    std::string SetTime(const std::string& time, const std::string& date) override;
    void SetTimeZone(const std::string& zone) override;
    std::vector<std::string> ListTimeZones(const std::string& region) override;

    Gatekeeper& gate_;
    sysconf::Clock& clock_;
    sysconf::TimeZones& zones_;
};

class NtpBus final : public sdbus::AdaptorInterfaces<com::safenet::Luna::Ntp_adaptor> {
public:
    NtpBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate, sysconf::NtpManager& ntp);
    ~NtpBus();

private:
    std::vector<std::string> ListServers() override;
    void AddServer(const std::string& host, const bool& burst, const bool& iburst, const bool& prefer,
                   const uint32_t& key, const uint32_t& version) override;
    void DeleteServer(const std::string& host) override;
    void Enable() override;
    void Disable() override;
    std::tuple<bool, bool> GetStatus() override;
    std::string GetConfiguration() override;

    Gatekeeper& gate_;
    sysconf::NtpManager& ntp_;
};

} // namespace luna::sysconfd
