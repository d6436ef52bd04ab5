#include "sysconf/accounts.h"

#include "sysconf/run_program.h"

#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>
#include <system_error>

namespace luna::sysconf {
namespace {

namespace fs = std::filesystem;

// getpwent/getspnam keep static state; sysconfd serves one request at a time, and this lock
// keeps it so should that change.
std::mutex nssMu;

Account toAccount(const passwd& pw) {
    return Account{pw.pw_name, pw.pw_uid, pw.pw_gid, pw.pw_dir ? pw.pw_dir : "", pw.pw_shell ? pw.pw_shell : ""};
}

std::int64_t today() { return static_cast<std::int64_t>(std::time(nullptr)) / 86400; }

} // namespace

std::optional<Account> LinuxAccounts::find(const std::string& name) {
    std::lock_guard lock(nssMu);
    if (const passwd* pw = ::getpwnam(name.c_str())) return toAccount(*pw);
    return std::nullopt;
}

std::optional<Account> LinuxAccounts::findUid(uid_t uid) {
    std::lock_guard lock(nssMu);
    if (const passwd* pw = ::getpwuid(uid)) return toAccount(*pw);
    return std::nullopt;
}

std::optional<gid_t> LinuxAccounts::groupId() {
    std::lock_guard lock(nssMu);
    if (const group* gr = ::getgrnam(group_.c_str())) return gr->gr_gid;
    return std::nullopt;
}

std::vector<Account> LinuxAccounts::members() {
    auto gid = groupId();
    std::vector<Account> out;
    if (!gid) return out;
    std::lock_guard lock(nssMu);
    ::setpwent();
    while (const passwd* pw = ::getpwent())
        if (pw->pw_gid == *gid) out.push_back(toAccount(*pw));
    ::endpwent();
    return out;
}

void LinuxAccounts::ensureGroup() {
    if (!groupId()) runChecked({"groupadd", "--system", group_});
}

void LinuxAccounts::create(const std::string& name, const fs::path& home, const std::string& shell) {
    // -l: no lastlog/faillog entries (those live in /var/log, not ours to write);
    // -M: the home is made here, empty (no skeleton files to show in `my file list`).
    runChecked({"useradd", "-l", "-M", "-N", "-g", group_, "-d", home.string(), "-s", shell, "-c",
                "Luna appliance user", name});
    try {
        auto acct = find(name);
        if (!acct) throw std::runtime_error("useradd did not create " + name);
        if (::mkdir(home.c_str(), 0700) != 0) throw std::system_error(errno, std::generic_category(), "mkdir " + home.string());
        if (::chown(home.c_str(), acct->uid, acct->gid) != 0 || ::chmod(home.c_str(), 0700) != 0)
            throw std::system_error(errno, std::generic_category(), "chown " + home.string());
    } catch (...) {
        runProgram({"userdel", name});
        throw;
    }
}

void LinuxAccounts::remove(const std::string& name) {
    auto acct = find(name);
    if (!acct) return;
    // Not `userdel -r`: that would also remove a mail spool in /var, outside what sysconfd owns.
    runChecked({"userdel", name});
    std::error_code ec;
    if (!acct->home.empty() && acct->home.is_absolute() && acct->home != "/") fs::remove_all(acct->home, ec);
}

void LinuxAccounts::setPassword(const std::string& name, const std::string& password) {
    runChecked({"chpasswd"}, name + ":" + password + "\n");
}

void LinuxAccounts::requirePasswordChange(const std::string& name) { runChecked({"chage", "-d", "0", name}); }

void LinuxAccounts::setEnabled(const std::string& name, bool enable) {
    if (enable) runChecked({"usermod", "-U", "-e", "", name});
    else runChecked({"usermod", "-L", "-e", "1", name});
}

bool LinuxAccounts::enabled(const std::string& name) {
    std::lock_guard lock(nssMu);
    const spwd* sp = ::getspnam(name.c_str());
    if (!sp) return false;
    if (sp->sp_pwdp && sp->sp_pwdp[0] == '!') return false;
    if (sp->sp_expire >= 0 && sp->sp_expire <= today()) return false;
    return true;
}

PasswordAging LinuxAccounts::aging(const std::string& name) {
    std::lock_guard lock(nssMu);
    const spwd* sp = ::getspnam(name.c_str());
    if (!sp) throw std::runtime_error("no shadow entry for " + name);
    return PasswordAging{sp->sp_lstchg, sp->sp_max};
}

bool LinuxAccounts::hasProcesses(uid_t uid) {
    std::unique_ptr<DIR, int (*)(DIR*)> proc(::opendir("/proc"), ::closedir);
    if (!proc) return false;
    while (const dirent* e = ::readdir(proc.get())) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        std::ifstream status(std::string("/proc/") + e->d_name + "/status");
        std::string line;
        while (std::getline(status, line)) {
            if (!line.starts_with("Uid:")) continue;
            std::istringstream ids(line.substr(4));
            unsigned real = 0, effective = 0;
            if (ids >> real >> effective && (real == uid || effective == uid)) return true;
            break;
        }
    }
    return false;
}

} // namespace luna::sysconf
