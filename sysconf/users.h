// Appliance users: the built-in admin, operator, monitor and audit, and the named users an
// admin adds, each with at most one role (admin guide ch.3, LunaSH `user` and `my`). The
// rules live here; who may ask for what is sysconfd's request table (daemons/sysconfd).
//
// Sources of truth, so nothing is recorded twice:
//   existence, uid, home, shell  /etc/passwd: members of the appliance group (lunausers)
//   enabled / disabled           /etc/shadow: a disabled account is locked and expired
//   password aging               /etc/shadow (`chage -d 0`: change at next login)
//   role                         the roles file (hsmd, sysconfd and lunash read it)
//   SSH public keys              <keys dir>/<user>, root-owned, read by sshd
#pragma once

#include "sysconf/accounts.h"
#include "sysconf/ssh_keys.h"

#include "luna/appliance_roles.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace luna::sysconf {

struct UsersConfig {
    std::filesystem::path rolesFile;   // /etc/luna/roles
    std::filesystem::path keysDir;     // /etc/luna/ssh/authorized_keys
    std::filesystem::path homeRoot;    // /home
    std::string shell;                 // lunash's installed path
};

struct UserInfo {
    std::string name;
    std::optional<AppRole> role;       // nullopt: "none"
    bool enabled = false;
    bool builtin = false;
};

struct PasswordExpiry {
    std::int64_t lastChange = 0;       // seconds since the epoch (midnight UTC of the day); 0 unknown
    std::int64_t expires = -1;         // seconds since the epoch; -1 never
    bool mustChange = false;           // the next login must change it
};

class UserManager {
public:
    UserManager(UsersConfig config, Accounts& accounts);

    // Factory state for whatever is missing: the appliance group; the four built-in users
    // with password PASSWORD to be changed at first login, admin enabled and the others
    // disabled; their roles. Existing users are left as they are.
    void provisionBuiltins();

    // Named users (by name), then the built-in ones (by name), as `user list` shows them.
    std::vector<UserInfo> list();
    UserInfo get(const std::string& name);                 // CKR_USER_NOT_FOUND
    // The appliance user behind a uid; nullopt for any other account (root, daemons).
    std::optional<std::string> applianceUser(uid_t uid);

    // `caller` is the appliance user making the request ("" for root or a daemon).
    void add(const std::string& name);
    void remove(const std::string& name, const std::string& caller);
    void enable(const std::string& name);
    void disable(const std::string& name, const std::string& caller);
    void setPassword(const std::string& name, const std::string& password, const std::string& caller);
    void addRole(const std::string& name, const std::string& role);
    void deleteRole(const std::string& name, const std::string& role);
    void clearRole(const std::string& name);

    // The caller's own (`my ...`); `user` comes from applianceUser(caller uid).
    void setOwnPassword(const std::string& user, const std::string& password);
    PasswordExpiry passwordExpiry(const std::string& user);
    std::vector<NamedKey> keys(const std::string& user);
    void addKey(const std::string& user, const std::string& name, const std::string& keyText);
    void deleteKey(const std::string& user, const std::string& name);
    void clearKeys(const std::string& user);

    const UsersConfig& config() const { return config_; }

private:
    Account member(const std::string& name);               // CKR_USER_NOT_FOUND
    void refuseBuiltin(const std::string& name, const char* what);
    void saveKeys(const std::string& user, const std::vector<NamedKey>& keys);
    std::filesystem::path keyFile(const std::string& user) const;

    UsersConfig config_;
    Accounts& accounts_;
};

} // namespace luna::sysconf
