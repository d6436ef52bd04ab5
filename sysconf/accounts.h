// The Linux accounts behind appliance users, as a small interface: LinuxAccounts runs the
// system's own tools (useradd, usermod, userdel, chpasswd, chage) on the /etc of sysconfd's
// mount namespace; the unit tests use an in-memory fake. Nothing here knows appliance rules
// (users.h does); errors are std::runtime_error with the tool's own message.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace luna::sysconf {

struct Account {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::filesystem::path home;
    std::string shell;
};

struct PasswordAging {
    std::int64_t lastChangeDay = -1;   // days since 1970-01-01; 0: must change at next login
    std::int64_t maxDays = -1;         // -1 (or >= 99999): never expires
};

class Accounts {
public:
    virtual ~Accounts() = default;
    // Any account of the system, appliance user or not.
    virtual std::optional<Account> find(const std::string& name) = 0;
    virtual std::optional<Account> findUid(uid_t uid) = 0;
    // Accounts whose primary group is the appliance group.
    virtual std::vector<Account> members() = 0;
    // Creates the appliance group if it does not exist.
    virtual void ensureGroup() = 0;
    // A new member of the appliance group with this home (created, owned by the user, 0700)
    // and login shell, its password locked until setPassword.
    virtual void create(const std::string& name, const std::filesystem::path& home, const std::string& shell) = 0;
    // Removes the account and its home.
    virtual void remove(const std::string& name) = 0;
    virtual void setPassword(const std::string& name, const std::string& password) = 0;
    // The next login must change the password (`chage -d 0`: sshd then runs passwd).
    virtual void requirePasswordChange(const std::string& name) = 0;
    // Disabled: password locked and account expired, so sshd refuses password and key logins.
    virtual void setEnabled(const std::string& name, bool enabled) = 0;
    virtual bool enabled(const std::string& name) = 0;
    virtual PasswordAging aging(const std::string& name) = 0;
    // Whether any process runs as this uid (a logged-in user).
    virtual bool hasProcesses(uid_t uid) = 0;
};

// The real thing. `group` is the appliance group (lunausers).
class LinuxAccounts final : public Accounts {
public:
    explicit LinuxAccounts(std::string group) : group_(std::move(group)) {}
    std::optional<Account> find(const std::string& name) override;
    std::optional<Account> findUid(uid_t uid) override;
    std::vector<Account> members() override;
    void ensureGroup() override;
    void create(const std::string& name, const std::filesystem::path& home, const std::string& shell) override;
    void remove(const std::string& name) override;
    void setPassword(const std::string& name, const std::string& password) override;
    void requirePasswordChange(const std::string& name) override;
    void setEnabled(const std::string& name, bool enabled) override;
    bool enabled(const std::string& name) override;
    PasswordAging aging(const std::string& name) override;
    bool hasProcesses(uid_t uid) override;

private:
    std::optional<gid_t> groupId();
    std::string group_;
};

} // namespace luna::sysconf
