// The appliance clock on a real appliance: systemd-timedated (org.freedesktop.timedate1
// SetTime), which sets the system clock and the hardware clock, so sysconfd itself needs
// no CAP_SYS_TIME. Never used by tests: they run sysconfd with --clock offset:FILE.
#pragma once

#include "sysconf/clock.h"

#include <memory>

namespace sdbus {
class IConnection;
} // namespace sdbus

namespace luna::sysconfd {

class TimedatedClock final : public sysconf::Clock {
public:
    TimedatedClock();
    ~TimedatedClock() override;
    std::int64_t now() override;
    void set(std::int64_t epoch) override;
    std::string_view kind() const override { return "system"; }

private:
    std::unique_ptr<sdbus::IConnection> conn_;
};

} // namespace luna::sysconfd
