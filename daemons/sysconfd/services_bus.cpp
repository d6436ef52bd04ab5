#include "services_bus.h"

#include "services/catalog.h"

#include "luna/errors.h"

namespace luna::sysconfd {
namespace {

const services::ServiceDef& serviceOf(const std::string& name) {
    const auto* def = services::findService(name);
    if (!def)
        throw Error(rc::SERVICE_UNKNOWN, "'" + name.substr(0, 40) +
                                             "' is not a service name (see service list)");
    return *def;
}

// The unit of a catalogue name that exists here; CKR_SERVICE_UNKNOWN otherwise (a service
// this software appliance does not build is refused before systemd is asked).
std::string unitOf(services::ServiceControl& control, const std::string& name) {
    const auto& def = serviceOf(name);
    if (!def.built)
        throw Error(rc::SERVICE_UNKNOWN, "The " + name + " service is not built into this software appliance");
    const auto unit = services::resolveUnit(def, control);
    if (!control.status(unit).exists())
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
            std::string unit(s.unit), load(services::kNotBuilt);
            if (s.built) {
                load = "unknown";
                try {
                    unit = services::resolveUnit(s, control_);
                    load = control_.status(unit).loadState;
                } catch (const Error&) {
                }
            }
            out.emplace_back(std::string(s.name), std::string(s.description), unit, load);
        }
        return out;
    });
}

std::tuple<std::string, std::string, std::string, std::string, std::string, uint32_t> ServicesBus::Status(
    const std::string& name) {
    return gate_.serve(getObject(), Request::ServicesStatus, name, [&](const Caller&) {
        const auto& def = serviceOf(name);
        if (!def.built)
            return std::make_tuple(std::string(def.unit), std::string(services::kNotBuilt), std::string("inactive"),
                                   std::string("dead"), std::string(), uint32_t{0});
        const auto unit = services::resolveUnit(def, control_);
        const auto st = control_.status(unit);
        return std::make_tuple(unit, st.loadState, st.activeState, st.subState, st.unitFileState, st.mainPid);
    });
}

void ServicesBus::Start(const std::string& name) {
    gate_.serve(getObject(), Request::ServicesStart, name, [&](const Caller&) { control_.start(unitOf(control_, name)); });
}

void ServicesBus::Stop(const std::string& name) {
    gate_.serve(getObject(), Request::ServicesStop, name, [&](const Caller&) {
        const auto unit = unitOf(control_, name);
        if (const auto trigger = services::findService(name)->trigger; !trigger.empty()) control_.stop(std::string(trigger));
        control_.stop(unit);
    });
}

void ServicesBus::Restart(const std::string& name) {
    gate_.serve(getObject(), Request::ServicesRestart, name,
                [&](const Caller&) { control_.restart(unitOf(control_, name)); });
}

} // namespace luna::sysconfd
