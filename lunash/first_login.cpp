// A password that must be changed is changed before the session does anything else, however
// the user logged in. sshd (UsePAM no) forces the change itself only after a password login:
// a public-key login with an expired password reaches lunash, and lunash makes the same demand
// as OpenSSH's own (session.c do_pwchange): on a terminal the new password is chosen, under
// the appliance's rule, through sysconfd, and the user logs in again; without one, nothing runs.
#include "shell.h"

#include "luna/errors.h"

#include <functional>

namespace lunash {

void choosePassword(Context& ctx, const std::string& user, const std::function<void(const std::string&)>& set);   // my.cpp

std::optional<int> Shell::enforcePasswordChange(bool terminal) {
    // On the serial console login(1) has enforced it already; only sshd lets a key through.
    if (!session_.viaSsh()) return std::nullopt;
    PasswordExpiryInfo expiry;
    try {
        expiry = sysconf().myPasswordExpiry();
    } catch (const std::exception&) {
        // No sysconfd on this bus (a shell for the HSM alone, as some tests run it) or no
        // answer: it keeps the accounts, so there is no password state to enforce here.
        return std::nullopt;
    }
    if (!expiry.mustChange) return std::nullopt;
    out_.line("WARNING: Your password has expired.");
    if (!terminal) {
        out_.line("Password change required but no TTY available.");
        out_.flush();
        return 1;
    }
    out_.line("You must change your password now and login again!");
    Context ctx(out_, console_, session_, table_, table_.root(), [this]() -> HsmService& { return hsm(); },
                [this]() -> SysconfService& { return sysconf(); });
    try {
        choosePassword(ctx, session_.user, [&](const std::string& pw) { sysconf().setMyPassword(pw); });
    } catch (const luna::Error& e) {
        out_.line(std::string("passwd: ") + e.what());
        out_.line("passwd: password unchanged");
    } catch (const ShellError& e) {
        out_.line(e.what());
        out_.line("passwd: password unchanged");
    }
    out_.flush();
    return 1;
}

} // namespace lunash
