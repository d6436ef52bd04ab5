// The my group: what every appliance user manages for itself (reference "my ..."): its
// password and its SSH public keys through sysconfd, its files directly. The files are the
// user's own, in its home (where scp puts them), so lunash handles them with the user's own
// rights; root never walks a user-writable directory for it.
#include "commands/groups.h"
#include "commands/sysconf_errors.h"

#include "shell.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>

namespace lunash {

void choosePassword(Context& ctx, const std::string& user, const std::function<void(const std::string&)>& set) {
    auto& out = ctx.out;
    out.line("Changing password for user " + user + ".");
    out.line();
    out.line("You can now choose the new password.");
    out.line();
    out.line("The password must be at least 8 characters long.");
    out.line("The password must contain characters from at least 3 of the following 4 categories:");
    out.line("    - Uppercase letters (A through Z)");
    out.line("    - Lowercase letters (a through z)");
    out.line("    - Numbers (0 through 9)");
    out.line("    - Non-alphanumeric characters (such as !, $, #, %)");
    out.line();
    auto pw = ctx.askSecret("New password: ", "Retype new password: ");
    set(pw);
    out.line("passwd: all authentication tokens updated successfully.");
}

namespace {

constexpr std::size_t kMaxKeyFile = 16384;

// ---- the user's files ----------------------------------------------------------------------

struct UserFile {
    std::string name;
    std::uint64_t size;
    std::time_t mtime;
};

// The user's home, opened once per command; names are resolved relative to it and symbolic
// links are never followed.
class Dir {
public:
    explicit Dir(const Context& ctx) : fd_(open(ctx.session.home)) {}
    ~Dir() { ::close(fd_); }
    Dir(const Dir&) = delete;
    Dir& operator=(const Dir&) = delete;
    int fd() const { return fd_; }

private:
    static int open(const std::string& home) {
        if (home.empty()) throw ShellError("Error: your file area cannot be found.");
        int fd = ::open(home.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) throw ShellError("Error: your file area cannot be opened: " + std::string(std::strerror(errno)));
        return fd;
    }
    int fd_;
};

// A file name as the user types it: one plain name in the file area.
void checkFileName(const std::string& name) {
    if (name.empty() || name.front() == '.' || name.find('/') != std::string::npos)
        throw ShellError("Error: '" + name + "' is not a file name.");
}

std::optional<UserFile> stat(const Dir& dir, const std::string& name) {
    struct stat st {};
    if (::fstatat(dir.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return UserFile{name, static_cast<std::uint64_t>(st.st_size), st.st_mtim.tv_sec};
}

std::vector<UserFile> listFiles(const Dir& dir) {
    std::vector<UserFile> files;
    int fd = ::dup(dir.fd());
    std::unique_ptr<DIR, int (*)(DIR*)> d(fd >= 0 ? ::fdopendir(fd) : nullptr, ::closedir);
    if (!d) throw ShellError("Error: your file area cannot be read.");
    while (const dirent* e = ::readdir(d.get())) {
        if (e->d_name[0] == '.') continue;
        if (auto f = stat(dir, e->d_name)) files.push_back(*f);
    }
    std::sort(files.begin(), files.end(), [](const UserFile& a, const UserFile& b) {
        return a.mtime != b.mtime ? a.mtime > b.mtime : a.name < b.name;
    });
    return files;
}

void unlinkFile(const Dir& dir, const std::string& name) {
    if (::unlinkat(dir.fd(), name.c_str(), 0) != 0)
        throw ShellError("Error: '" + name + "' could not be deleted: " + std::strerror(errno));
}

void fileList(Context& ctx, const Args&) {
    Dir dir(ctx);
    auto files = listFiles(dir);
    std::size_t width = 1;
    for (const auto& f : files) width = std::max(width, std::to_string(f.size).size());
    if (!files.empty()) ctx.out.line();
    for (const auto& f : files) {
        char when[32];
        std::tm tm{};
        ::localtime_r(&f.mtime, &tm);
        std::strftime(when, sizeof when, "%b %e %H:%M", &tm);
        ctx.out.line(padLeft(std::to_string(f.size), width) + " " + when + " " + f.name);
    }
}

void fileDelete(Context& ctx, const Args& args) {
    const auto name = args.str("filename");
    checkFileName(name);
    Dir dir(ctx);
    if (!stat(dir, name)) throw ShellError("Error: File " + name + " does not exist.");
    unlinkFile(dir, name);
}

void proceedOrForce(Context& ctx, const Args& args, const std::string& warning) {
    if (args.has("force")) return;
    ctx.out.line(warning);
    ctx.requireProceed(
        "If you are sure that you wish to proceed, then enter 'proceed', otherwise this command will abort.\n\n");
    ctx.out.line("Proceeding...");
}

void fileClear(Context& ctx, const Args& args) {
    proceedOrForce(ctx, args, "WARNING !! This command will delete all user files.");
    Dir dir(ctx);
    for (const auto& f : listFiles(dir)) unlinkFile(dir, f.name);
}

// ---- password --------------------------------------------------------------------------------

std::string day(std::int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    ::gmtime_r(&tt, &tm);   // shadow keeps days; show the day, not a time zone's view of its midnight
    char buf[32];
    std::strftime(buf, sizeof buf, "%b %d, %Y", &tm);
    return buf;
}

void passwordSet(Context& ctx, const Args&) {
    choosePassword(ctx, ctx.session.user, [&](const std::string& pw) {
        explained(ctx, [&] { ctx.sysconf().setMyPassword(pw); });
    });
}

void passwordExpiryShow(Context& ctx, const Args&) {
    auto e = explained(ctx, [&] { return ctx.sysconf().myPasswordExpiry(); });
    const std::string pending = "password must be changed";
    auto field = [&](std::string_view label, const std::string& value) {
        ctx.out.line(padRight(label, kValueColumn) + ": " + value);
    };
    field("Last password change", e.mustChange ? pending : e.lastChange > 0 ? day(e.lastChange) : "unknown");
    field("Password expires", e.mustChange ? pending : e.expires < 0 ? "never" : day(e.expires));
}

// ---- public keys ---------------------------------------------------------------------------

void keyAdd(Context& ctx, const Args& args) {
    const auto name = args.str("key");
    checkFileName(name);
    Dir dir(ctx);
    int fd = ::openat(dir.fd(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw ShellError("Error: File " + name + " does not exist.");
    std::string text;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) <= kMaxKeyFile) {
        text.resize(static_cast<std::size_t>(st.st_size));
        ssize_t n = ::read(fd, text.data(), text.size());
        text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    }
    ::close(fd);
    if (text.empty()) throw ShellError("Error: " + name + " is not a public key file.");
    explained(ctx, [&] { ctx.sysconf().addMyPublicKey(name, text); });
}

void keyDelete(Context& ctx, const Args& args) {
    explained(ctx, [&] { ctx.sysconf().deleteMyPublicKey(args.str("key")); });
}

void keyClear(Context& ctx, const Args& args) {
    proceedOrForce(ctx, args, "WARNING !! This command will delete all User SSH Public Keys.");
    explained(ctx, [&] { ctx.sysconf().clearMyPublicKeys(); });
}

void keyList(Context& ctx, const Args&) {
    auto keys = explained(ctx, [&] { return ctx.sysconf().myPublicKeys(); });
    ctx.out.line("SSH Public Keys for user '" + ctx.session.user + "':");
    ctx.out.line();
    ctx.out.line("Name        Type     Bits    Fingerprint");
    ctx.out.line(std::string(78, '-'));
    for (const auto& k : keys) {
        auto type = k.type + " ";
        ctx.out.line(padRight(k.name + " ", 12) + padRight(type, 8) + padRight(std::to_string(k.bits) + " ", 9) +
                     k.fingerprint);
    }
}

ArgSpec forceArg() { return {.name = "force", .shortForm = "f", .kind = ArgKind::Flag, .help = "Force the action without prompting."}; }

ArgSpec keyArg(std::string_view help) {
    return {.name = "key", .kind = ArgKind::String, .valueName = "<lunash_user_public_key>", .help = help,
            .required = true, .positional = true};
}

} // namespace

void registerMyCommands(CommandTable& t) {
    t.addGroup({{"my"}, "m", "Manage the current user's files, passwords, and public keys."});
    t.addGroup({{"my", "file"}, "f", "Manage the files of the currently logged in user."});
    t.add({.path = {"my", "file", "clear"},
           .shortForm = "c",
           .args = {forceArg()},
           .roles = kEveryone,
           .help = "Delete all of the files owned by the currently logged in user.",
           .handler = fileClear});
    t.add({.path = {"my", "file", "delete"},
           .shortForm = "d",
           .args = {{.name = "filename", .kind = ArgKind::String, .valueName = "<filename>",
                     .help = "Specifies the name of the file to delete.", .required = true, .positional = true}},
           .roles = kEveryone,
           .help = "Delete a file owned by the currently logged in user.",
           .handler = fileDelete});
    t.add({.path = {"my", "file", "list"},
           .shortForm = "l",
           .roles = kEveryone,
           .help = "List the files owned by the currently logged in user.",
           .handler = fileList});
    t.addGroup({{"my", "password"}, "pa", "Manage the password of the currently logged in user."});
    t.addGroup({{"my", "password", "expiry"}, "e", "Password expiry information."});
    t.add({.path = {"my", "password", "expiry", "show"},
           .shortForm = "s",
           .roles = kEveryone,
           .help = "Displays password expiry information for the currently logged in user.",
           .handler = passwordExpiryShow});
    t.add({.path = {"my", "password", "set"},
           .shortForm = "s",
           .roles = kEveryone,
           .help = "Change the password for the currently logged in user.",
           .handler = passwordSet});
    t.addGroup({{"my", "public-key"}, "pu", "Manage the SSH public keys of the currently logged in user."});
    t.add({.path = {"my", "public-key", "add"},
           .shortForm = "a",
           .args = {keyArg("Specifies the name of the public key to add (a file in your file area).")},
           .roles = kEveryone,
           .help = "Adds an SSH public key for the currently logged in user.",
           .handler = keyAdd});
    t.add({.path = {"my", "public-key", "clear"},
           .shortForm = "c",
           .args = {forceArg()},
           .roles = kEveryone,
           .help = "Deletes all SSH public keys for the currently logged in user.",
           .handler = keyClear});
    t.add({.path = {"my", "public-key", "delete"},
           .shortForm = "d",
           .args = {keyArg("Specifies the name of the public key to delete.")},
           .roles = kEveryone,
           .help = "Deletes an SSH public key for the currently logged in user.",
           .handler = keyDelete});
    t.add({.path = {"my", "public-key", "list"},
           .shortForm = "l",
           .roles = kEveryone,
           .help = "Lists the SSH public keys owned by the currently logged in user.",
           .handler = keyList});
}

} // namespace lunash
