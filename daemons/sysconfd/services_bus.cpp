#include "services_bus.h"

#include "services/catalog.h"

#include "luna/errors.h"

namespace luna::sysconfd {
namespace {

// The unit of a catalogue name that exists here; CKR_SERVICE_UNKNOWN otherwise.
std::string unitOf(services::ServiceControl& control, const std::string& name, bool mustExist) {
    const auto* def = services::findService(name);
    if (!def)
        throw Error(rc::SERVICE_UNKNOWN, "'" + name.substr(0, 40) +
                                             "' is not a service name (see service list)");
    const std::string unit(def->unit);
    if (mustExist && !control.status(unit).exists())
        throw Error(rc::SERVICE_UNKNOWN, "The " + name + " service is not available on this appliance");
    return unit;
}

} // namespace

ServicesBus::ServicesBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate,
                         services::ServiceControl& control)
    : AdaptorInterfaces(conn, objectPath), gate_(gate), control_(control) {
    registerAdaptor();
}

ServicesBus::~ServicesBus() { unregisterAdaptor(); }

std::vector<sdbus::Struct<std::string, std::string, std::string, std::string>> ServicesBus::List() {
    return gate_.serve(getObject(), Request::ServicesList, "", [&](const Caller&) {
        std::vector<sdbus::Struct<std::string, std::string, std::string, std::string>> out;
        for (const auto& s : services::kServices) {
            std::string load = "unknown";
            try {
                load = control_.status(std::string(s.unit)).loadState;
            } catch (const Error&) {
            }
            out.emplace_back(std::string(s.name), std::string(s.description), std::string(s.unit), load);
        }
        return out;
    });
}

std::tuple<std::string, std::string, std::string, std::string, std::string, uint32_t> ServicesBus::Status(
    const std::string& name) {
    return gate_.serve(getObject(), Request::ServicesStatus, name, [&](const Caller&) {
        const auto unit = unitOf(control_, name, false);
        const auto st = control_.status(unit);
        return std::make_tuple(unit, st.loadState, st.activeState, st.subState, st.unitFileState, st.mainPid);
    });
}

void ServicesBus::Start(const std::string& name) {
    gate_.serve(getObject(), Request::ServicesStart, name, [&](const Caller&) { control_.start(unitOf(control_, name, true)); });
}

void ServicesBus::Stop(const std::string& name) {
    gate_.serve(getObject(), Request::ServicesStop, name, [&](const Caller&) {
        const auto unit = unitOf(control_, name, true);
        if (const auto trigger = services::findService(name)->trigger; !trigger.empty()) control_.stop(std::string(trigger));
        control_.stop(unit);
    });
}

void ServicesBus::Restart(const std::string& name) {
    gate_.serve(getObject(), Request::ServicesRestart, name,
                [&](const Caller&) { control_.restart(unitOf(control_, name, true)); });
}

} // namespace luna::sysconfd
