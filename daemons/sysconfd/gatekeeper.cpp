#include "gatekeeper.h"

#include "luna/errors.h"

#include <syslog.h>

namespace luna::sysconfd {

std::string Caller::describe() const {
    auto id = "uid " + std::to_string(uid);
    return user.empty() ? id : user + " (" + id + ")";
}

Gatekeeper::Gatekeeper(sdbus::IConnection& conn, RoleMap& roles, UserLookup applianceUser)
    : roles_(roles), applianceUser_(std::move(applianceUser)) {
    // Unique names are never reused within a bus's life; forget each one when it leaves.
    nameWatch_ = conn.addMatch(
        "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
        "interface='org.freedesktop.DBus',member='NameOwnerChanged'",
        [this](sdbus::Message& m) {
            std::string name, oldOwner, newOwner;
            m >> name >> oldOwner >> newOwner;
            if (!newOwner.empty() || name.empty() || name[0] != ':') return;
            std::lock_guard lock(mu_);
            uidBySender_.erase(name);
        });
}

uid_t Gatekeeper::uidOf(const sdbus::Message& msg) {
    const std::string sender = msg.getSender();
    std::lock_guard lock(mu_);
    auto it = uidBySender_.find(sender);
    // EUID is what the bus daemon recorded at connect (SO_PEERCRED): trustworthy. The UID
    // would come from /proc and race with pid reuse (recipes/sdbus.md §3).
    if (it == uidBySender_.end()) it = uidBySender_.emplace(sender, msg.getCredsEuid()).first;
    return it->second;
}

void Gatekeeper::refuse(Request request, const Caller& caller, const std::string& why) {
    syslog(LOG_NOTICE, "refused %s from %s: %s", std::string(rule(request).name).c_str(), caller.describe().c_str(),
           why.c_str());
    throw sdbus::Error(dbusErrorName(rc::ACCESS_DENIED), why);
}

Caller Gatekeeper::admit(sdbus::IObject& object, Request request) {
    const auto* msg = object.getCurrentlyProcessedMessage();
    if (!msg) throw sdbus::Error(dbusErrorName(rc::ACCESS_DENIED), "no caller");
    Caller caller;
    caller.sender = msg->getSender();
    caller.uid = uidOf(*msg);
    caller.role = roles_.roleOf(caller.uid);
    caller.user = applianceUser_(caller.uid).value_or("");

    const auto& r = rule(request);
    if (r.who == Who::Anyone) return caller;
    if (!caller.role) refuse(request, caller, "The caller has no appliance role");
    if (!r.roles.allows(*caller.role))
        refuse(request, caller, "The " + std::string(appRoleName(*caller.role)) + " role may not run this command");
    if (r.who == Who::ApplianceUser && caller.user.empty())
        refuse(request, caller, "Only appliance users have their own password and keys");
    if (r.who == Who::OriginalAdmin && caller.uid != 0 && caller.user != "admin")
        refuse(request, caller, "Only the original admin account may change user roles");
    return caller;
}

void Gatekeeper::logDone(Request request, const Caller& caller, const std::string& detail) {
    if (!rule(request).changes) return;
    syslog(LOG_NOTICE, "%s by %s%s%s", std::string(rule(request).name).c_str(), caller.describe().c_str(),
           detail.empty() ? "" : ": ", detail.c_str());
}

void Gatekeeper::rethrowAsBusError(Request request, const Caller& caller, const std::string& detail) {
    const std::string what = std::string(rule(request).name) + " by " + caller.describe() +
                             (detail.empty() ? "" : " (" + detail + ")");
    try {
        throw;
    } catch (const luna::Error& e) {
        syslog(LOG_NOTICE, "%s failed: %s (%s)", what.c_str(), e.what(), std::string(e.name()).c_str());
        throw sdbus::Error(dbusErrorName(e.code()), e.what());
    } catch (const sdbus::Error&) {
        throw;
    } catch (const std::exception& e) {
        syslog(LOG_ERR, "%s failed: %s", what.c_str(), e.what());
        throw sdbus::Error(dbusErrorName(rc::GENERAL_ERROR), std::string("internal error: ") + e.what());
    }
}

} // namespace luna::sysconfd
