// The fixed set of requests sysconfd answers, each with its permit rule (the OpenSSH
// monitor model, STYLE.md): one row per D-Bus method, checked before anything else runs.
// A method without a row cannot be served: handlers name their row, and the table is
// complete by construction (static_assert below).
#pragma once

#include "luna/appliance_roles.h"

#include <array>
#include <cstddef>
#include <string_view>

namespace luna::sysconfd {

enum class Request : std::size_t {
    Whoami,
    ListRequests,
    UsersList,
    UsersAdd,
    UsersDelete,
    UsersEnable,
    UsersDisable,
    UsersSetPassword,
    UsersAddRole,
    UsersDeleteRole,
    UsersClearRoles,
    UsersListRoles,
    UsersGetRoles,
    MySetPassword,
    MyPasswordExpiry,
    MyListPublicKeys,
    MyAddPublicKey,
    MyDeletePublicKey,
    MyClearPublicKeys,
    Count
};

// Who, beyond the role, may make a request.
enum class Who {
    Anyone,          // any caller, even one without a role (it learns only about itself)
    Role,            // a caller whose role is in `roles`
    ApplianceUser,   // ... and is an appliance user (acts on its own account: not root)
    OriginalAdmin,   // ... and is the built-in admin account (or root): "user role" changes
};

struct RequestRule {
    Request id;
    std::string_view name;     // Interface.Method, as logged
    Permit roles;
    Who who;
    bool changes;              // logged when it succeeds
};

inline constexpr Permit kAdmin{static_cast<unsigned>(AppRole::Admin)};
inline constexpr Permit kEveryRole = AppRole::Admin | AppRole::Operator | AppRole::Monitor | AppRole::Audit;

inline constexpr std::array<RequestRule, static_cast<std::size_t>(Request::Count)> kRequestTable{{
    {Request::Whoami, "Sysconf.Whoami", kEveryRole, Who::Anyone, false},
    {Request::ListRequests, "Sysconf.Requests", kEveryRole, Who::Role, false},
    // LunaSH `user ...`: admin only (reference, "User Privileges: Admin"); `user role
    // add/clear/delete` "is available only to the original admin account".
    {Request::UsersList, "Users.List", kAdmin, Who::Role, false},
    {Request::UsersAdd, "Users.Add", kAdmin, Who::Role, true},
    {Request::UsersDelete, "Users.Delete", kAdmin, Who::Role, true},
    {Request::UsersEnable, "Users.Enable", kAdmin, Who::Role, true},
    {Request::UsersDisable, "Users.Disable", kAdmin, Who::Role, true},
    {Request::UsersSetPassword, "Users.SetPassword", kAdmin, Who::Role, true},
    {Request::UsersAddRole, "Users.AddRole", kAdmin, Who::OriginalAdmin, true},
    {Request::UsersDeleteRole, "Users.DeleteRole", kAdmin, Who::OriginalAdmin, true},
    {Request::UsersClearRoles, "Users.ClearRoles", kAdmin, Who::OriginalAdmin, true},
    {Request::UsersListRoles, "Users.ListRoles", kAdmin, Who::Role, false},
    {Request::UsersGetRoles, "Users.GetRoles", kAdmin, Who::Role, false},
    // LunaSH `my ...`: every role (the audit user has `my` too), on the caller's own account.
    {Request::MySetPassword, "Users.SetMyPassword", kEveryRole, Who::ApplianceUser, true},
    {Request::MyPasswordExpiry, "Users.GetMyPasswordExpiry", kEveryRole, Who::ApplianceUser, false},
    {Request::MyListPublicKeys, "Users.ListMyPublicKeys", kEveryRole, Who::ApplianceUser, false},
    {Request::MyAddPublicKey, "Users.AddMyPublicKey", kEveryRole, Who::ApplianceUser, true},
    {Request::MyDeletePublicKey, "Users.DeleteMyPublicKey", kEveryRole, Who::ApplianceUser, true},
    {Request::MyClearPublicKeys, "Users.ClearMyPublicKeys", kEveryRole, Who::ApplianceUser, true},
}};

constexpr bool requestTableInOrder() {
    for (std::size_t i = 0; i < kRequestTable.size(); ++i)
        if (static_cast<std::size_t>(kRequestTable[i].id) != i) return false;
    return true;
}
static_assert(requestTableInOrder(), "kRequestTable rows must follow the Request enum");

constexpr const RequestRule& rule(Request r) { return kRequestTable[static_cast<std::size_t>(r)]; }

} // namespace luna::sysconfd
