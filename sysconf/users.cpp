#include "sysconf/users.h"

#include "sysconf/atomic_file.h"
#include "sysconf/roles_file.h"
#include "sysconf/user_rules.h"

#include "luna/errors.h"

#include <syslog.h>

#include <algorithm>
#include <cctype>

namespace luna::sysconf {
namespace {

namespace fs = std::filesystem;

bool sameIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

void ensureDirectory(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw std::system_error(ec, "cannot create " + dir.string());
}

} // namespace

UserManager::UserManager(UsersConfig config, Accounts& accounts) : config_(std::move(config)), accounts_(accounts) {}

Account UserManager::member(const std::string& name) {
    for (auto& a : accounts_.members())
        if (a.name == name) return a;
    throw Error(rc::USER_NOT_FOUND, "User " + name + " does not exist.");
}

void UserManager::refuseBuiltin(const std::string& name, const char* what) {
    if (isBuiltinUser(name))
        throw Error(rc::USER_BUILTIN, "The built-in user " + name + " " + what + ".");
}

fs::path UserManager::keyFile(const std::string& user) const { return config_.keysDir / user; }

void UserManager::provisionBuiltins() {
    accounts_.ensureGroup();
    auto roles = RolesFile::load(config_.rolesFile);
    bool rolesChanged = false;
    for (auto name : kBuiltinUsers) {
        const std::string user(name);
        auto existing = accounts_.find(user);
        if (!existing) {
            accounts_.create(user, config_.homeRoot / user, config_.shell);
            accounts_.setPassword(user, std::string(kDefaultPassword));
            accounts_.requirePasswordChange(user);
            accounts_.setEnabled(user, user == "admin");
            syslog(LOG_NOTICE, "created the built-in appliance user %s", user.c_str());
        } else {
            bool isMember = false;
            for (auto& a : accounts_.members()) isMember = isMember || a.name == user;
            if (!isMember) {
                syslog(LOG_WARNING, "an account named %s exists outside the appliance group; not touching it",
                       user.c_str());
                continue;
            }
        }
        auto role = *appRoleFromName(name);
        if (roles.roleOf(user) != role) {
            roles.set(user, role);
            rolesChanged = true;
        }
    }
    if (rolesChanged) {
        ensureDirectory(config_.rolesFile.parent_path());
        roles.save(config_.rolesFile);
    }
}

std::vector<UserInfo> UserManager::list() {
    auto roles = RolesFile::load(config_.rolesFile);
    std::vector<UserInfo> users;
    for (auto& a : accounts_.members())
        users.push_back({a.name, roles.roleOf(a.name), accounts_.enabled(a.name), isBuiltinUser(a.name)});
    std::sort(users.begin(), users.end(), [](const UserInfo& x, const UserInfo& y) {
        return std::tie(x.builtin, x.name) < std::tie(y.builtin, y.name);
    });
    return users;
}

UserInfo UserManager::get(const std::string& name) {
    auto a = member(name);
    return {a.name, RolesFile::load(config_.rolesFile).roleOf(a.name), accounts_.enabled(a.name),
            isBuiltinUser(a.name)};
}

std::optional<std::string> UserManager::applianceUser(uid_t uid) {
    for (auto& a : accounts_.members())
        if (a.uid == uid) return a.name;
    return std::nullopt;
}

void UserManager::add(const std::string& name) {
    checkUserName(name);
    if (isBuiltinUser(name) || accounts_.find(name))
        throw Error(rc::USER_ALREADY_EXISTS, "User " + name + " already exists.");
    for (auto& a : accounts_.members())
        if (sameIgnoringCase(a.name, name))
            throw Error(rc::USER_ALREADY_EXISTS, "User " + a.name + " already exists.");
    // A role line left over for this name (a file restored from elsewhere) must not become
    // the new user's: a new user has no role until `user role add`.
    auto roles = RolesFile::load(config_.rolesFile);
    if (roles.roleOf(name)) {
        roles.erase(name);
        roles.save(config_.rolesFile);
    }
    if (fs::exists(keyFile(name))) removeFileDurably(keyFile(name));
    accounts_.create(name, config_.homeRoot / name, config_.shell);
    try {
        accounts_.setPassword(name, std::string(kDefaultPassword));
        accounts_.requirePasswordChange(name);
    } catch (...) {
        accounts_.remove(name);
        throw;
    }
}

void UserManager::remove(const std::string& name, const std::string& caller) {
    auto acct = member(name);
    refuseBuiltin(name, "cannot be deleted");
    if (name == caller || accounts_.hasProcesses(acct.uid))
        throw Error(rc::USER_LOGGED_IN, "User " + name + " is logged in. A user must be logged out before it can be deleted.");
    // Privileges go first: a half-done delete leaves an account without a role, never a
    // role waiting for the next account of that name.
    auto roles = RolesFile::load(config_.rolesFile);
    auto role = roles.roleOf(name);
    if (role) {
        roles.erase(name);
        roles.save(config_.rolesFile);
    }
    removeFileDurably(keyFile(name));
    try {
        accounts_.remove(name);
    } catch (...) {
        if (role) {
            roles.set(name, *role);
            roles.save(config_.rolesFile);
        }
        throw;
    }
}

void UserManager::enable(const std::string& name) {
    member(name);
    accounts_.setEnabled(name, true);
}

void UserManager::disable(const std::string& name, const std::string& caller) {
    member(name);
    if (name == "admin") throw Error(rc::USER_BUILTIN, "The admin user cannot be disabled.");
    if (name == caller) throw Error(rc::OPERATION_NOT_ALLOWED, "You cannot disable your own account.");
    accounts_.setEnabled(name, false);
}

void UserManager::setPassword(const std::string& name, const std::string& password, const std::string& caller) {
    member(name);
    // Admins may set the passwords of admin-, operator- and monitor-level users (reference,
    // `user password`); the audit role's credentials stay with the auditor.
    if (name != caller && RolesFile::load(config_.rolesFile).roleOf(name) == AppRole::Audit)
        throw Error(rc::ACCESS_DENIED, "The password of audit user " + name +
                                           " can only be changed by that user (my password set).");
    checkPassword(password);
    accounts_.setPassword(name, password);
}

void UserManager::addRole(const std::string& name, const std::string& role) {
    member(name);
    refuseBuiltin(name, "always holds the role of its name");
    auto r = parseRole(role);
    auto roles = RolesFile::load(config_.rolesFile);
    roles.set(name, r);
    ensureDirectory(config_.rolesFile.parent_path());
    roles.save(config_.rolesFile);
}

void UserManager::deleteRole(const std::string& name, const std::string& role) {
    member(name);
    refuseBuiltin(name, "always holds the role of its name");
    auto r = parseRole(role);
    auto roles = RolesFile::load(config_.rolesFile);
    if (roles.roleOf(name) != r)
        throw Error(rc::ROLE_INVALID, "User " + name + " does not have the role " + role + ".");
    roles.erase(name);
    roles.save(config_.rolesFile);
}

void UserManager::clearRole(const std::string& name) {
    member(name);
    refuseBuiltin(name, "always holds the role of its name");
    auto roles = RolesFile::load(config_.rolesFile);
    if (!roles.roleOf(name)) return;
    roles.erase(name);
    roles.save(config_.rolesFile);
}

void UserManager::setOwnPassword(const std::string& user, const std::string& password) {
    member(user);
    checkPassword(password);
    accounts_.setPassword(user, password);
}

PasswordExpiry UserManager::passwordExpiry(const std::string& user) {
    member(user);
    auto a = accounts_.aging(user);
    PasswordExpiry e;
    e.mustChange = a.lastChangeDay == 0;
    if (a.lastChangeDay > 0) e.lastChange = a.lastChangeDay * 86400;
    if (a.lastChangeDay > 0 && a.maxDays >= 0 && a.maxDays < 99999) e.expires = (a.lastChangeDay + a.maxDays) * 86400;
    return e;
}

std::vector<NamedKey> UserManager::keys(const std::string& user) {
    member(user);
    auto content = readFile(keyFile(user));
    return content ? parseAuthorizedKeys(*content) : std::vector<NamedKey>{};
}

void UserManager::saveKeys(const std::string& user, const std::vector<NamedKey>& keys) {
    if (keys.empty()) {
        removeFileDurably(keyFile(user));
        return;
    }
    ensureDirectory(config_.keysDir);
    // Root-owned so only sysconfd changes it; world-readable because sshd reads it as the user.
    writeFileAtomic(keyFile(user), renderAuthorizedKeys(keys), FileOwner{0, 0, 0644});
}

void UserManager::addKey(const std::string& user, const std::string& name, const std::string& keyText) {
    checkKeyName(name);
    auto key = parsePublicKey(keyText);
    auto current = keys(user);
    for (auto& k : current) {
        if (k.name == name) throw Error(rc::OBJECT_ALREADY_EXISTS, "A public key named " + name + " already exists.");
        if (k.key.base64 == key.base64)
            throw Error(rc::OBJECT_ALREADY_EXISTS, "This public key is already added as " + k.name + ".");
    }
    current.push_back({name, key});
    saveKeys(user, current);
}

void UserManager::deleteKey(const std::string& user, const std::string& name) {
    auto current = keys(user);
    auto gone = std::erase_if(current, [&](const NamedKey& k) { return k.name == name; });
    if (!gone) throw Error(rc::SSH_KEY_NOT_FOUND, "No public key named " + name + ".");
    saveKeys(user, current);
}

void UserManager::clearKeys(const std::string& user) {
    member(user);
    removeFileDurably(keyFile(user));
}

} // namespace luna::sysconf
