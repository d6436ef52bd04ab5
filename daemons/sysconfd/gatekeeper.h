// Every sysconfd request goes through the gatekeeper: identify the caller (its uid as the
// bus daemon recorded it at connect, SO_PEERCRED), resolve its appliance role and user,
// check the request's permit rule, run the handler, and turn what it throws into a named
// D-Bus error (com.safenet.Luna.Error.<CKR name>). Refusals and changes are logged.
#pragma once

#include "requests.h"

#include "luna/appliance_roles.h"

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace luna::sysconfd {

struct Caller {
    std::string sender;             // unique bus name
    uid_t uid = 0;
    std::optional<AppRole> role;
    std::string user;               // appliance user name; "" for root and other accounts
    std::string describe() const;   // "admin (uid 1001)"
};

class Gatekeeper {
public:
    using UserLookup = std::function<std::optional<std::string>(uid_t)>;
    Gatekeeper(sdbus::IConnection& conn, RoleMap& roles, UserLookup applianceUser);

    // The one shape of a handler: admit -> act -> log -> reply. `detail` names the target
    // in the log (never a secret).
    template <class Fn>
    auto serve(sdbus::IObject& object, Request request, const std::string& detail, Fn&& fn)
        -> decltype(fn(std::declval<const Caller&>())) {
        const Caller caller = admit(object, request);
        try {
            if constexpr (std::is_void_v<decltype(fn(caller))>) {
                fn(caller);
                logDone(request, caller, detail);
            } else {
                auto result = fn(caller);
                logDone(request, caller, detail);
                return result;
            }
        } catch (...) {
            rethrowAsBusError(request, caller, detail);
        }
    }

    // Identifies the caller and checks the rule; throws CKR_ACCESS_DENIED (logged).
    Caller admit(sdbus::IObject& object, Request request);

private:
    uid_t uidOf(const sdbus::Message& msg);
    void logDone(Request request, const Caller& caller, const std::string& detail);
    [[noreturn]] void rethrowAsBusError(Request request, const Caller& caller, const std::string& detail);
    [[noreturn]] void refuse(Request request, const Caller& caller, const std::string& why);

    RoleMap& roles_;
    UserLookup applianceUser_;
    sdbus::Slot nameWatch_;
    std::mutex mu_;
    std::map<std::string, uid_t> uidBySender_;
};

} // namespace luna::sysconfd
