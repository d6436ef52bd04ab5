// role list / login / logout / init / changepw / resetpw / show on the current slot.
#include "commands.h"

#include "client/common/vendor.h"

#include <cstdio>

namespace luna::lunacm {

namespace {

proto::Bytes bytes(const std::string& s) { return proto::Bytes(s.begin(), s.end()); }

// The role -name names, where several -name words make one name ("Crypto Officer").
Role named(const client::Options& o) { return parseRole(o.value("name")); }

void list(State&, const client::Options&) {
    std::printf("%8sRoles             (short)\n%8s=========================\n", "", "");
    for (auto r : {Role::PartitionSo, Role::CryptoOfficer, Role::CryptoUser})
        std::printf("%8s%-20s%s\n", "", std::string(roleInfo(r).longName).c_str(), std::string(roleInfo(r).shortName).c_str());
}

void login(State& st, const client::Options& o) {
    const auto role = named(o);
    const auto slot = st.current();
    auto& s = st.session(slot);
    const auto pin = password(st, o, "password", "enter password: ");
    s.link->ok(proto::LoginReq{s.handle, roleInfo(role).userType, bytes(pin)});
    s.loggedIn = role;
}

void logout(State& st, const client::Options&) {
    const auto slot = st.current();
    auto& s = st.session(slot);
    s.link->ok(proto::LogoutReq{s.handle});
    s.loggedIn.reset();
}

// The PSO creates the Crypto Officer, the Crypto Officer creates the Crypto User.
void init(State& st, const client::Options& o) {
    const auto role = named(o);
    if (role == Role::PartitionSo) throw Error(CKR_USER_TYPE_INVALID, "The Partition SO is created by partition init");
    const auto slot = st.current();
    auto& s = st.session(slot);
    const auto pin = password(st, o, "password", "Enter new password: ", "Re-enter new password: ");
    s.link->ok(proto::InitPinReq{s.handle, roleInfo(role).userType, bytes(pin)});
}

// The logged-in role changes its own password (a password-authenticated partition has only
// the one credential, so -oldpw/-newpw and the prompts change the same thing).
void changepw(State& st, const client::Options& o) {
    const auto role = named(o);
    const auto slot = st.current();
    auto& s = st.session(slot);
    if (s.loggedIn != role)
        throw Error(CKR_USER_NOT_LOGGED_IN, "Log in as " + std::string(roleInfo(role).longName) + " first");
    const auto oldPin = password(st, o, "oldpw", "enter existing password: ");
    const auto newPin = password(st, o, "newpw", "enter new password: ", "re-enter new password: ");
    s.link->ok(proto::SetPinReq{s.handle, bytes(oldPin), bytes(newPin)});
}

// The PSO resets the Crypto Officer (when HSM policy 15 allows), the CO resets the CU.
void resetpw(State& st, const client::Options& o) {
    const auto role = named(o);
    if (o.has("slot")) st.setCurrent(std::strtoull(o.value("slot").c_str(), nullptr, 10));
    const auto slot = st.current();
    auto& s = st.session(slot);
    const auto pin = password(st, o, "password", "Enter new password: ", "Re-enter new password: ");
    s.link->ok(proto::ResetPinReq{s.handle, roleInfo(role).userType, bytes(pin)});
}

void show(State& st, const client::Options& o) {
    const auto role = named(o);
    const auto slot = st.current();
    auto t = st.call(slot, proto::GetTokenInfoReq{slot.partition.slot});
    bool initialized = true, locked = false;
    std::uint32_t left = t.psoAttemptsLeft;
    if (role == Role::CryptoOfficer) initialized = t.coInitialized, locked = t.coLocked, left = t.coAttemptsLeft;
    if (role == Role::CryptoUser) initialized = t.cuInitialized, locked = t.cuLocked, left = t.cuAttemptsLeft;
    if (role == Role::PartitionSo) initialized = (t.flags & CKF_TOKEN_INITIALIZED) != 0;
    std::printf("\n%14sState of role '%s':\n", "", std::string(roleInfo(role).longName).c_str());
    auto row = [](const char* k, const std::string& v) { std::printf("%22s%-38s%s\n", "", k, v.c_str()); };
    row("Initialized:", initialized ? "yes" : "no");
    row("Locked out:", locked ? "yes" : "no");
    row("Primary authentication type:", "PW");
    row("Failed login attempts before lockout:", std::to_string(left));
}

const client::OptionSpec kName{"name", "n", "<role>", "The role: po, co or cu (Partition SO, Crypto Officer, Crypto User)", true, true};

} // namespace

std::vector<CommandRow> roleCommands() {
    return {
        {"role", "ro", "changepw", "cp",
         {kName, {"oldpw", "old", "<oldpassword>", "The current password"},
          {"newpw", "new", "<newpassword>", "The new password"}, {"prompt", "p", "", "Prompt for the passwords"},
          {"force", "f", "", "Do not ask for confirmation"}},
         "Change the logged-in role's password", changepw},
        {"role", "ro", "init", "in", {kName, {"password", "p", "<password>", "The initial password"}},
         "Initialize a role on the partition", init},
        {"role", "ro", "list", "li", {}, "List roles on the partition", list},
        {"role", "ro", "login", "logi", {kName, {"password", "p", "<password>", "The role's password"}}, "Role login", login},
        {"role", "ro", "logout", "logo", {}, "Role logout", logout},
        {"role", "ro", "resetpw", "r",
         {kName, {"password", "p", "<password>", "The new password"}, {"slot", "s", "<slotnumber>", "Target slot"}},
         "Reset password", resetpw},
        {"role", "ro", "show", "s", {kName}, "Show state of a role", show},
    };
}

} // namespace luna::lunacm
