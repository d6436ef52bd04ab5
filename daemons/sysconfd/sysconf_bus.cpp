#include "sysconf_bus.h"

namespace luna::sysconfd {
namespace {

std::string whoMayText(const RequestRule& r) {
    if (r.who == Who::Anyone) return "anyone";
    std::string out;
    for (auto [role, name] : kAppRoleNames)
        if (r.roles.allows(role)) out += (out.empty() ? "" : ",") + std::string(name);
    if (r.who == Who::ApplianceUser) out += " (own account)";
    if (r.who == Who::OriginalAdmin) out += " (original admin account)";
    return out;
}

} // namespace

SysconfBus::SysconfBus(sdbus::IConnection& conn, Gatekeeper& gate) : AdaptorInterfaces(conn, kObjectPath), gate_(gate) {
    registerAdaptor();
}

SysconfBus::~SysconfBus() { unregisterAdaptor(); }

std::tuple<std::string, std::string> SysconfBus::Whoami() {
    return gate_.serve(getObject(), Request::Whoami, "", [](const Caller& c) {
        return std::tuple<std::string, std::string>(c.user, c.role ? std::string(appRoleName(*c.role)) : "none");
    });
}

std::vector<sdbus::Struct<std::string, std::string>> SysconfBus::Requests() {
    return gate_.serve(getObject(), Request::ListRequests, "", [](const Caller&) {
        std::vector<sdbus::Struct<std::string, std::string>> rows;
        for (const auto& r : kRequestTable) rows.emplace_back(std::string(r.name), whoMayText(r));
        return rows;
    });
}

} // namespace luna::sysconfd
