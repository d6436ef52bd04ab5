// Appliance roles as lunash sees them. lunash only uses the role to decide which commands
// to show and offer: the daemons authorize every call from the caller's uid themselves, so
// a wrong guess here hides or shows a command, it never grants one.
#pragma once

#include <sys/types.h>

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace lunash {

enum class Role : unsigned { Admin = 1, Operator = 2, Monitor = 4, Audit = 8 };

// The roles that may run a command, as a bit set of Role values.
struct RoleSet {
    unsigned mask = 0;
    constexpr bool has(Role r) const { return (mask & static_cast<unsigned>(r)) != 0; }
    constexpr bool has(std::optional<Role> r) const { return r && has(*r); }
    constexpr RoleSet operator|(RoleSet o) const { return {mask | o.mask}; }
    constexpr bool empty() const { return mask == 0; }
};
constexpr RoleSet roles(Role r) { return {static_cast<unsigned>(r)}; }
constexpr RoleSet operator|(Role a, Role b) { return roles(a) | roles(b); }
constexpr RoleSet operator|(RoleSet a, Role b) { return a | roles(b); }

// The three columns of the reference's command summary, and everyone.
inline constexpr RoleSet kAdminOnly = roles(Role::Admin);
inline constexpr RoleSet kAdminOperator = Role::Admin | Role::Operator;
inline constexpr RoleSet kAdminOperatorMonitor = kAdminOperator | Role::Monitor;
inline constexpr RoleSet kEveryone = kAdminOperatorMonitor | Role::Audit;

inline constexpr std::array<std::pair<Role, std::string_view>, 4> kRoleNames{{
    {Role::Admin, "admin"},
    {Role::Operator, "operator"},
    {Role::Monitor, "monitor"},
    {Role::Audit, "audit"},
}};

std::optional<Role> roleFromName(std::string_view name);
std::string_view roleName(Role r);

// The roles file hsmd reads: lines "<uid-or-username> <role>", '#' comments. Lookup as hsmd
// does it: uid 0 is admin, then the uid, then the user name. A user the file does not name
// (or a file lunash may not read) falls back to the standard appliance user names (admin,
// operator, monitor, audit); anyone else has no role and sees only help and exit.
std::optional<Role> roleForUser(const std::filesystem::path& rolesFile, uid_t uid, const std::string& userName);

// The roles file path: $LUNA_ROLES_FILE, else the installed default.
std::filesystem::path rolesFilePath();

} // namespace lunash
