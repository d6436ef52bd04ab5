// What sysconfd needs from the service manager, as a small interface: systemd_control.cpp
// implements it over systemd's D-Bus API (org.freedesktop.systemd1); unit tests use a fake.
// Failures are luna::Error: CKR_SERVICE_MANAGER_UNAVAILABLE when systemd is not on the bus,
// CKR_SERVICE_FAILED when a job ran but the unit did not reach the state asked for.
#pragma once

#include <cstdint>
#include <string>

namespace luna::services {

struct UnitStatus {
    std::string loadState;       // loaded, not-found, masked, ...
    std::string activeState;     // active, inactive, failed, activating, deactivating, reloading
    std::string subState;        // running, dead, exited, ...
    std::string unitFileState;   // enabled, disabled, static, ... ("" when unknown)
    std::uint32_t mainPid = 0;
    bool exists() const { return loadState == "loaded"; }
    bool running() const { return activeState == "active" || activeState == "reloading"; }
};

class ServiceControl {
public:
    virtual ~ServiceControl() = default;
    virtual UnitStatus status(const std::string& unit) = 0;
    // Each waits for systemd's job to finish and checks the outcome.
    virtual void start(const std::string& unit) = 0;
    virtual void stop(const std::string& unit) = 0;
    virtual void restart(const std::string& unit) = 0;
    // Restart only if running; a stopped unit stays stopped.
    virtual void tryRestart(const std::string& unit) = 0;
    // Whether it starts at boot (the [Install] section).
    virtual void enable(const std::string& unit) = 0;
    virtual void disable(const std::string& unit) = 0;
    // Queue an orderly reboot or power-off; returns once systemd accepted it.
    virtual void reboot() = 0;
    virtual void powerOff() = 0;
};

} // namespace luna::services
