// ServiceControl over systemd's D-Bus API: org.freedesktop.systemd1.Manager StartUnit /
// StopUnit / RestartUnit / TryRestartUnit / EnableUnitFiles / DisableUnitFiles, and the
// unit's properties for status. It has a connection of its own, without an event loop, so a
// sysconfd handler can wait for a job on it while the daemon's own connection is busy
// serving that very request.
#pragma once

#include "services/service_control.h"

#include <chrono>
#include <memory>

namespace sdbus {
class IConnection;
class IProxy;
} // namespace sdbus

namespace luna::services {

class SystemdControl final : public ServiceControl {
public:
    // How long a start/stop/restart job may take before the request fails.
    explicit SystemdControl(std::chrono::seconds jobTimeout = std::chrono::seconds(90));
    ~SystemdControl() override;

    UnitStatus status(const std::string& unit) override;
    void start(const std::string& unit) override;
    void stop(const std::string& unit) override;
    void restart(const std::string& unit) override;
    void tryRestart(const std::string& unit) override;
    void enable(const std::string& unit) override;
    void disable(const std::string& unit) override;
    void reboot() override;
    void powerOff() override;

private:
    sdbus::IProxy& manager();
    // Runs a Manager method that queues a job for `unit`, waits for the job to finish.
    void runJob(const char* method, const std::string& unit);
    void waitForJob(const std::string& jobPath, const std::string& unit);
    std::string unitResult(const std::string& unit);   // the Service's Result ("start-limit-hit", ...)

    std::chrono::seconds jobTimeout_;
    std::unique_ptr<sdbus::IConnection> conn_;
    std::unique_ptr<sdbus::IProxy> manager_;
};

} // namespace luna::services
