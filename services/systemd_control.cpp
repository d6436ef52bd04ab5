#include "services/systemd_control.h"

#include "luna/errors.h"

#include <sdbus-c++/sdbus-c++.h>

#include <thread>
#include <tuple>
#include <vector>

namespace luna::services {
namespace {

constexpr const char* kSystemd = "org.freedesktop.systemd1";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
constexpr const char* kUnit = "org.freedesktop.systemd1.Unit";
constexpr const char* kService = "org.freedesktop.systemd1.Service";

bool managerMissing(const sdbus::Error& e) {
    const auto& n = e.getName();
    return n == "org.freedesktop.DBus.Error.ServiceUnknown" || n == "org.freedesktop.DBus.Error.NameHasNoOwner" ||
           n == "org.freedesktop.DBus.Error.NoReply" || n == "org.freedesktop.DBus.Error.Disconnected" ||
           n == "org.freedesktop.DBus.Error.FileNotFound" || n == "org.freedesktop.DBus.Error.NoServer" ||
           n == "org.freedesktop.DBus.Error.AccessDenied";
}

// Every systemd refusal becomes one of ours, with systemd's sentence kept.
template <class Fn>
auto guarded(const std::string& what, Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const sdbus::Error& e) {
        if (managerMissing(e))
            throw Error(rc::SERVICE_MANAGER_UNAVAILABLE, "The service manager (systemd) is not reachable: " + e.getMessage());
        throw Error(rc::SERVICE_FAILED, what + ": " + e.getMessage());
    }
}

std::string property(sdbus::IProxy& unit, const char* iface, const char* name) {
    try {
        return unit.getProperty(name).onInterface(iface).get<std::string>();
    } catch (const sdbus::Error&) {
        return "";
    }
}

} // namespace

SystemdControl::SystemdControl(std::chrono::seconds jobTimeout) : jobTimeout_(jobTimeout) {}
SystemdControl::~SystemdControl() = default;

sdbus::IProxy& SystemdControl::manager() {
    if (!manager_) {
        guarded("connecting to the system bus", [&] {
            conn_ = sdbus::createSystemBusConnection();
            manager_ = sdbus::createProxy(*conn_, kSystemd, kManagerPath);
        });
    }
    return *manager_;
}

UnitStatus SystemdControl::status(const std::string& unit) {
    return guarded("reading the state of " + unit, [&] {
        sdbus::ObjectPath path;
        manager().callMethod("LoadUnit").onInterface(kManager).withArguments(unit).storeResultsTo(path);
        auto proxy = sdbus::createProxy(*conn_, kSystemd, path);
        UnitStatus s;
        s.loadState = property(*proxy, kUnit, "LoadState");
        s.activeState = property(*proxy, kUnit, "ActiveState");
        s.subState = property(*proxy, kUnit, "SubState");
        s.unitFileState = property(*proxy, kUnit, "UnitFileState");
        if (unit.ends_with(".service")) {
            try {
                s.mainPid = proxy->getProperty("MainPID").onInterface(kService).get<std::uint32_t>();
            } catch (const sdbus::Error&) {
            }
        }
        return s;
    });
}

void SystemdControl::waitForJob(const std::string& jobPath, const std::string& unit) {
    // A job object exists until the job has finished; its id ends the path.
    const auto id = static_cast<std::uint32_t>(std::stoul(jobPath.substr(jobPath.rfind('/') + 1)));
    const auto deadline = std::chrono::steady_clock::now() + jobTimeout_;
    for (;;) {
        try {
            sdbus::ObjectPath p;
            manager().callMethod("GetJob").onInterface(kManager).withArguments(id).storeResultsTo(p);
        } catch (const sdbus::Error& e) {
            if (e.getName() == "org.freedesktop.systemd1.NoSuchJob") return;
            throw;
        }
        if (std::chrono::steady_clock::now() > deadline)
            throw Error(rc::SERVICE_FAILED, unit + " did not finish its job within " +
                                                std::to_string(jobTimeout_.count()) + " seconds");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void SystemdControl::runJob(const char* method, const std::string& unit) {
    guarded(std::string(method) + " " + unit, [&] {
        auto once = [&] {
            sdbus::ObjectPath job;
            manager().callMethod(method).onInterface(kManager).withArguments(unit, std::string("replace")).storeResultsTo(job);
            waitForJob(job, unit);
        };
        once();
        // Start rate limiting is there for crash loops; an administrator's restarts in quick
        // succession (several configuration changes) are not one: clear it and try again.
        if (std::string(method) != "StopUnit" && unitResult(unit) == "start-limit-hit") {
            manager().callMethod("ResetFailedUnit").onInterface(kManager).withArguments(unit);
            once();
        }
    });
}

std::string SystemdControl::unitResult(const std::string& unit) {
    sdbus::ObjectPath path;
    manager().callMethod("LoadUnit").onInterface(kManager).withArguments(unit).storeResultsTo(path);
    auto proxy = sdbus::createProxy(*conn_, kSystemd, path);
    return property(*proxy, kService, "Result");
}

void SystemdControl::start(const std::string& unit) {
    runJob("StartUnit", unit);
    auto s = status(unit);
    if (!s.running() && s.activeState != "activating")
        throw Error(rc::SERVICE_FAILED, unit + " did not start (" + s.activeState + "/" + s.subState + ")");
}

void SystemdControl::stop(const std::string& unit) {
    runJob("StopUnit", unit);
    auto s = status(unit);
    if (s.activeState != "inactive" && s.activeState != "failed")
        throw Error(rc::SERVICE_FAILED, unit + " did not stop (" + s.activeState + "/" + s.subState + ")");
}

void SystemdControl::restart(const std::string& unit) {
    runJob("RestartUnit", unit);
    auto s = status(unit);
    if (!s.running() && s.activeState != "activating")
        throw Error(rc::SERVICE_FAILED, unit + " did not restart (" + s.activeState + "/" + s.subState + ")");
}

void SystemdControl::tryRestart(const std::string& unit) {
    if (!status(unit).running()) return;
    restart(unit);
}

void SystemdControl::enable(const std::string& unit) {
    guarded("enabling " + unit, [&] {
        bool carriesInstallInfo = false;
        std::vector<sdbus::Struct<std::string, std::string, std::string>> changes;
        manager()
            .callMethod("EnableUnitFiles")
            .onInterface(kManager)
            .withArguments(std::vector<std::string>{unit}, false, true)
            .storeResultsTo(carriesInstallInfo, changes);
        manager().callMethod("Reload").onInterface(kManager);
    });
}

void SystemdControl::disable(const std::string& unit) {
    guarded("disabling " + unit, [&] {
        std::vector<sdbus::Struct<std::string, std::string, std::string>> changes;
        manager()
            .callMethod("DisableUnitFiles")
            .onInterface(kManager)
            .withArguments(std::vector<std::string>{unit}, false)
            .storeResultsTo(changes);
        manager().callMethod("Reload").onInterface(kManager);
    });
}

void SystemdControl::reboot() {
    guarded("rebooting", [&] {
        sdbus::ObjectPath job;
        manager().callMethod("StartUnit").onInterface(kManager)
            .withArguments(std::string("reboot.target"), std::string("replace-irreversibly")).storeResultsTo(job);
    });
}

void SystemdControl::powerOff() {
    guarded("powering off", [&] {
        sdbus::ObjectPath job;
        manager().callMethod("StartUnit").onInterface(kManager)
            .withArguments(std::string("poweroff.target"), std::string("replace-irreversibly")).storeResultsTo(job);
    });
}

} // namespace luna::services
