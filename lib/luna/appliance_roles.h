// Appliance roles of callers (admin, operator, monitor, audit), resolved from the
// caller's uid through the roles file: lines "<uid-or-username> <role>", '#' comments.
// uid 0 is admin. The file is re-read when it changes, so `user role` changes apply to
// the next call without restarting the daemon. sysconfd writes the file (atomically, by
// rename); hsmd and sysconfd read it through RoleMap.
#pragma once

#include <sys/types.h>

#include <array>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace luna {

enum class AppRole : unsigned { Admin = 1, Operator = 2, Monitor = 4, Audit = 8 };

inline constexpr std::array<std::pair<AppRole, std::string_view>, 4> kAppRoleNames{{
    {AppRole::Admin, "admin"},
    {AppRole::Operator, "operator"},
    {AppRole::Monitor, "monitor"},
    {AppRole::Audit, "audit"},
}};

std::optional<AppRole> appRoleFromName(std::string_view name);
std::string_view appRoleName(AppRole r);

// A set of roles allowed to run something.
struct Permit {
    unsigned mask;
    constexpr bool allows(AppRole r) const { return (mask & static_cast<unsigned>(r)) != 0; }
};
constexpr Permit operator|(AppRole a, AppRole b) { return {static_cast<unsigned>(a) | static_cast<unsigned>(b)}; }
constexpr Permit operator|(Permit a, AppRole b) { return {a.mask | static_cast<unsigned>(b)}; }

// One line of a roles file. parseRoleLine gives nullopt for a blank or comment-only line and
// throws std::invalid_argument for a malformed one.
struct RoleLine {
    std::string who;   // user name or decimal uid
    AppRole role;
};
std::optional<RoleLine> parseRoleLine(std::string_view line);

class RoleMap {
public:
    explicit RoleMap(std::filesystem::path file) : file_(std::move(file)) {}
    std::optional<AppRole> roleOf(uid_t uid);

private:
    void reloadIfChanged();
    std::filesystem::path file_;
    std::mutex mu_;
    std::map<std::string, AppRole> entries_;
    std::timespec loadedMtime_{};
    ino_t loadedInode_ = 0;
    bool loaded_ = false;
};

} // namespace luna
