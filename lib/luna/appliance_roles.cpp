#include "luna/appliance_roles.h"

#include <pwd.h>
#include <sys/stat.h>
#include <syslog.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace luna {

std::optional<AppRole> appRoleFromName(std::string_view name) {
    for (auto [r, n] : kAppRoleNames)
        if (n == name) return r;
    return std::nullopt;
}

std::string_view appRoleName(AppRole r) {
    for (auto [role, n] : kAppRoleNames)
        if (role == r) return n;
    return "none";
}

std::optional<RoleLine> parseRoleLine(std::string_view line) {
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    std::istringstream words{std::string(line)};
    std::string who, role, extra;
    if (!(words >> who)) return std::nullopt;
    auto r = (words >> role) ? appRoleFromName(role) : std::nullopt;
    if (!r || (words >> extra)) throw std::invalid_argument("malformed role line");
    return RoleLine{who, *r};
}

void RoleMap::reloadIfChanged() {
    struct stat st {};
    if (::stat(file_.c_str(), &st) != 0) {
        entries_.clear();
        loaded_ = false;
        return;
    }
    // sysconfd replaces the file by rename, so a new inode is the surest sign of a change.
    if (loaded_ && st.st_ino == loadedInode_ && st.st_mtim.tv_sec == loadedMtime_.tv_sec &&
        st.st_mtim.tv_nsec == loadedMtime_.tv_nsec)
        return;
    std::ifstream in(file_);
    std::map<std::string, AppRole> entries;
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        try {
            if (auto entry = parseRoleLine(line)) entries[entry->who] = entry->role;
        } catch (const std::invalid_argument&) {
            syslog(LOG_WARNING, "%s:%d: ignoring malformed role line", file_.c_str(), lineNo);
        }
    }
    entries_ = std::move(entries);
    loadedMtime_ = st.st_mtim;
    loadedInode_ = st.st_ino;
    loaded_ = true;
}

std::optional<AppRole> RoleMap::roleOf(uid_t uid) {
    if (uid == 0) return AppRole::Admin;
    std::lock_guard lock(mu_);
    reloadIfChanged();
    if (auto it = entries_.find(std::to_string(uid)); it != entries_.end()) return it->second;
    std::vector<char> buf(16384);
    struct passwd pw {};
    struct passwd* res = nullptr;
    if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &res) == 0 && res)
        if (auto it = entries_.find(res->pw_name); it != entries_.end()) return it->second;
    return std::nullopt;
}

} // namespace luna
