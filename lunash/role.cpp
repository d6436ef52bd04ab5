#include "role.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace lunash {

std::optional<Role> roleFromName(std::string_view name) {
    for (auto [r, n] : kRoleNames)
        if (n == name) return r;
    return std::nullopt;
}

std::string_view roleName(Role r) {
    for (auto [role, n] : kRoleNames)
        if (role == r) return n;
    return "none";
}

std::optional<Role> roleForUser(const std::filesystem::path& rolesFile, uid_t uid, const std::string& userName) {
    if (uid == 0) return Role::Admin;
    std::ifstream in(rolesFile);
    std::optional<Role> byUid, byName;
    std::string line;
    while (in && std::getline(in, line)) {
        if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        std::istringstream words(line);
        std::string who, role, extra;
        if (!(words >> who >> role) || (words >> extra)) continue;   // hsmd ignores such lines too
        auto r = roleFromName(role);
        if (!r) continue;
        if (who == std::to_string(uid)) byUid = r;
        else if (who == userName) byName = r;
    }
    if (byUid) return byUid;
    if (byName) return byName;
    return roleFromName(userName);
}

std::filesystem::path rolesFilePath() {
    if (const char* f = std::getenv("LUNA_ROLES_FILE"); f && *f) return f;
    return LUNASH_DEFAULT_ROLES_FILE;
}

} // namespace lunash
