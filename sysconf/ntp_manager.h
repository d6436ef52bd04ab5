// LunaSH `sysconf ntp ...` on ntpsec: ntp.conf through applyConfig (ntpd has no check-only
// mode, so activation is the check: restart, and the previous file and state come back if
// ntpd does not come up) and the service's enabled/running state through systemd.
#pragma once

#include "services/service_control.h"
#include "sysconf/ntp_config.h"
#include "sysconf/platform_paths.h"

#include <string>
#include <string_view>

namespace luna::sysconf {

class NtpManager {
public:
    static constexpr std::string_view kUnit = "ntpsec.service";

    NtpManager(const PlatformPaths& paths, services::ServiceControl& services) : paths_(paths), services_(services) {}

    NtpSettings settings() const { return NtpSettings::load(paths_.ntpConf); }
    // The file as ntpd reads it (`sysconf ntp show`); rendered defaults if absent.
    std::string configuration() const;
    // addserver enables and (re)starts NTP, as the reference's example shows.
    void addServer(NtpServer server);
    void deleteServer(std::string_view host);
    void enable();
    void disable();
    struct Status {
        bool running = false, enabled = false;
    };
    Status status();

private:
    void write(const NtpSettings& s, bool start);

    PlatformPaths paths_;
    services::ServiceControl& services_;
};

} // namespace luna::sysconf
