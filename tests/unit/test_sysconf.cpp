// sysconf without a bus, a root or an /etc: the appliance's user rules (names, roles,
// passwords, SSH keys), the roles file editor, atomic file changes with rollback, running
// tools, and the UserManager's rules over an in-memory Accounts.
#define BOOST_TEST_MODULE sysconf
#include <boost/test/unit_test.hpp>

#include "temp_dir.h"

#include "luna/errors.h"
#include "sysconf/accounts.h"
#include "sysconf/atomic_file.h"
#include "sysconf/roles_file.h"
#include "sysconf/run_program.h"
#include "sysconf/ssh_keys.h"
#include "sysconf/user_rules.h"
#include "sysconf/users.h"

#include <sys/stat.h>

#include <csignal>

#include <algorithm>
#include <map>
#include <set>

using namespace luna;
using namespace luna::sysconf;
namespace fs = std::filesystem;

namespace {

// The CKR a call refuses with, 0 if it does not throw.
template <class Fn>
std::uint32_t refusal(Fn&& fn) {
    try {
        fn();
    } catch (const luna::Error& e) {
        return e.code();
    }
    return 0;
}

const std::string kEd25519 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGhzEQeNfePFu8zOqOJKS7bZtyQQxmnx/rGzDjweQz8a test";
const std::string kEd25519Md5 = "ad:6b:fc:c3:54:e0:6a:77:6e:af:dc:a2:0a:bc:ab:1d";
const std::string kRsa2048 =
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCk+iQyF2DSLG4C4LVKmsvcLuYZimEdQ6mekIy6h/krLLYGH9mNMCdIzZBrF8831AXfVWljHao5"
    "E1IiffqHLWH4TZMbEnpaJ9ybmYJOcFRR/9QzhMCLL2wGUjhVrnQ8XpEQaAMnp9in4uFkcbQlz7DtAyaqWvvDhkkuZ/EfrP1UoIYbLTz9Y6vf94Ow4m"
    "A4V9rr/+m1NvWy/SroE/BPCjhkJneQRovs5mR2wThp4tYkXUQhDGZnPkoWjyJvotrikoWh5o2lrxksKdYUWisQ9kYzygg558FIeGoThqjgyuCfWls"
    "2Uaz6w5TPbPIsFK3E3SvbhgXhX0nbS/740ZDfiHDZ test";
const std::string kRsa2048Md5 = "b3:a6:74:dd:6b:63:6e:25:67:ef:23:15:36:10:0f:0a";
const std::string kEcdsa384 =
    "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBHwdck6Or6ZBbzpe/iXqIpY087FuWA/KymsJ7R92P"
    "sF9JWUBMKOmP98Ex+Cm7EfihYgAwApSk2YKknnp72aWy8SSF3bf4mzNM2PwZBFPS7B48OsjFuZqz5+RvsAEVm28aQ== root@vm";
const std::string kEcdsa384Md5 = "23:c7:75:8c:08:91:42:f1:a2:b7:90:64:b1:53:22:b7";

// Accounts in memory: what LinuxAccounts does to /etc, observable.
class FakeAccounts final : public Accounts {
public:
    struct Entry {
        Account account;
        bool member = true;
        std::string password = "!";   // locked until set
        bool enabled = true;
        std::int64_t lastChange = 19000;
        bool busy = false;
    };
    std::map<std::string, Entry> entries;
    bool group = false;
    uid_t nextUid = 1001;
    bool failSetPassword = false;

    std::optional<Account> find(const std::string& name) override {
        auto it = entries.find(name);
        return it == entries.end() ? std::nullopt : std::optional<Account>(it->second.account);
    }
    std::optional<Account> findUid(uid_t uid) override {
        for (auto& [n, e] : entries)
            if (e.account.uid == uid) return e.account;
        return std::nullopt;
    }
    std::vector<Account> members() override {
        std::vector<Account> out;
        for (auto& [n, e] : entries)
            if (e.member) out.push_back(e.account);
        return out;
    }
    void ensureGroup() override { group = true; }
    void create(const std::string& name, const fs::path& home, const std::string& shell) override {
        if (entries.count(name)) throw std::runtime_error("useradd: user exists");
        entries[name] = Entry{Account{name, nextUid++, 900, home, shell}};
    }
    void remove(const std::string& name) override { entries.erase(name); }
    void setPassword(const std::string& name, const std::string& password) override {
        if (failSetPassword) throw std::runtime_error("chpasswd failed");
        entries.at(name).password = password;
        entries.at(name).lastChange = 19500;
    }
    void requirePasswordChange(const std::string& name) override { entries.at(name).lastChange = 0; }
    void setEnabled(const std::string& name, bool enabled) override { entries.at(name).enabled = enabled; }
    bool enabled(const std::string& name) override { return entries.at(name).enabled; }
    PasswordAging aging(const std::string& name) override { return {entries.at(name).lastChange, 99999}; }
    bool hasProcesses(uid_t uid) override {
        for (auto& [n, e] : entries)
            if (e.account.uid == uid) return e.busy;
        return false;
    }
};

struct UsersFixture {
    test::TempDir dir;
    FakeAccounts accounts;
    UserManager users{UsersConfig{dir.path() / "etc/luna/roles", dir.path() / "etc/luna/ssh/authorized_keys",
                                  dir.path() / "home", "/usr/bin/lunash"},
                      accounts};
    UsersFixture() { users.provisionBuiltins(); }
    std::string roles() { return readFile(users.config().rolesFile).value_or(""); }
};

} // namespace

// ---- names, passwords, roles ----------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(rules)

BOOST_AUTO_TEST_CASE(user_names_follow_the_admin_guide) {
    for (std::string ok : std::vector<std::string>{"james", "a", "Z", "a.b_c-d", "user9", std::string(31, 'x'), "_x"})
        BOOST_TEST(refusal([&] { checkUserName(ok); }) == 0u, ok);
    for (std::string bad : {std::string(), std::string(32, 'x'), std::string("9lives"), std::string(".hidden"),
                            std::string("-x"), std::string("a b"), std::string("a:b"), std::string("a/b"),
                            std::string("caf\xc3\xa9"), std::string("x\n"), std::string("root"),
                            std::string("recover")})
        BOOST_TEST(refusal([&] { checkUserName(bad); }) == rc::USER_NAME_INVALID, bad);
}

BOOST_AUTO_TEST_CASE(passwords_need_8_characters_from_3_classes) {
    for (std::string ok : std::vector<std::string>{"Abcdefg1", "abcdef1!", "ABCDEF1!", "Abcdefg!", "PASSWORD-1",
                                                  std::string(200, 'a') + "A1"})
        BOOST_TEST(refusal([&] { checkPassword(ok); }) == 0u, ok);
    for (std::string bad : {"Abc1!", "", "abcdefgh", "abcdefg1", "ABCDEFG1", "PASSWORD", "12345678!",
                            "Abcdef1\n", "Abcdef1\t", "Abcdef1\xc3\xa9"})
        BOOST_TEST(refusal([&] { checkPassword(bad); }) == rc::PASSWORD_QUALITY, bad);
    BOOST_TEST(refusal([] { checkPassword("Ab1" + std::string(253, 'x')); }) == rc::PASSWORD_QUALITY);
    BOOST_TEST(refusal([] { checkPassword(std::string(kDefaultPassword)); }) == rc::PASSWORD_QUALITY);
}

BOOST_AUTO_TEST_CASE(roles_are_the_four_appliance_roles) {
    BOOST_TEST(static_cast<unsigned>(parseRole("admin")) == static_cast<unsigned>(AppRole::Admin));
    BOOST_TEST(static_cast<unsigned>(parseRole("audit")) == static_cast<unsigned>(AppRole::Audit));
    for (std::string bad : {"Admin", "root", "", "none", "admin "})
        BOOST_TEST(refusal([&] { parseRole(bad); }) == rc::ROLE_INVALID, bad);
}

BOOST_AUTO_TEST_CASE(builtin_users) {
    for (auto u : {"admin", "operator", "monitor", "audit"}) BOOST_TEST(isBuiltinUser(u));
    for (auto u : {"Admin", "james", "root", ""}) BOOST_TEST(!isBuiltinUser(u));
}

BOOST_AUTO_TEST_CASE(key_names) {
    for (std::string ok : {"pub1", "id_rsa.pub", "a"}) BOOST_TEST(refusal([&] { checkKeyName(ok); }) == 0u);
    for (std::string bad : std::vector<std::string>{"", ".ssh", "../x", "a b", std::string(65, 'k')})
        BOOST_TEST(refusal([&] { checkKeyName(bad); }) == rc::SSH_KEY_INVALID, bad);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- SSH public keys ------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(ssh_keys)

BOOST_AUTO_TEST_CASE(fingerprints_and_sizes_match_ssh_keygen) {
    auto ed = parsePublicKey(kEd25519 + "\n");
    BOOST_TEST(ed.type == "ssh-ed25519");
    BOOST_TEST(ed.bits == 256u);
    BOOST_TEST(ed.fingerprint == kEd25519Md5);
    auto rsa = parsePublicKey(kRsa2048);
    BOOST_TEST(rsa.bits == 2048u);
    BOOST_TEST(rsa.fingerprint == kRsa2048Md5);
    auto ec = parsePublicKey("\n" + kEcdsa384 + "\n\n");
    BOOST_TEST(ec.bits == 384u);
    BOOST_TEST(ec.fingerprint == kEcdsa384Md5);
}

BOOST_AUTO_TEST_CASE(anything_but_one_plain_key_is_refused) {
    const std::string blob = kEd25519.substr(12, 68);
    for (std::string bad : {
             std::string(),
             std::string("\n \n"),
             "command=\"/bin/sh\" " + kEd25519,              // options
             "restrict " + kEd25519,
             kEd25519 + "\n" + kEd25519,                      // two keys
             std::string("ssh-ed25519"),                      // no blob
             "ssh-ed25519 " + blob.substr(0, 40),             // truncated
             "ssh-ed25519 " + blob + "AAAA",                  // trailing data
             "ssh-rsa " + blob,                               // type mismatch
             "ssh-dss " + blob,                               // unsupported
             std::string("ssh-ed25519 !!!!"),                 // not base64
             "ssh-ed25519 " + blob + " comment\x01",          // control character
             std::string(20000, 'A'),
         })
        BOOST_TEST(refusal([&] { parsePublicKey(bad); }) == rc::SSH_KEY_INVALID, bad.substr(0, 60));
}

BOOST_AUTO_TEST_CASE(authorized_keys_round_trip_and_drop_foreign_lines) {
    std::vector<NamedKey> keys{{"pub1", parsePublicKey(kEd25519)}, {"work", parsePublicKey(kRsa2048)}};
    auto text = renderAuthorizedKeys(keys);
    BOOST_TEST(text.find("restrict,pty ssh-ed25519 ") != std::string::npos);
    auto back = parseAuthorizedKeys(text + kEd25519 + "\ncommand=\"x\" " + kEd25519 + " evil\n");
    BOOST_REQUIRE(back.size() == 2u);
    BOOST_TEST(back[0].name == "pub1");
    BOOST_TEST(back[1].key.fingerprint == kRsa2048Md5);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- files ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(files)

BOOST_AUTO_TEST_CASE(roles_file_keeps_what_it_does_not_own) {
    auto f = RolesFile::parse("# installed by the package\n4100 admin\nadmin admin\nbogus line here\n");
    f.set("james", AppRole::Operator);
    f.set("james", AppRole::Monitor);
    f.erase("admin");
    BOOST_TEST(f.render() == "# installed by the package\n4100 admin\nbogus line here\njames monitor\n");
    BOOST_TEST(f.roleOf("4100").has_value());
    BOOST_TEST(!f.roleOf("admin").has_value());
    BOOST_TEST(!f.roleOf("bogus").has_value());
}

BOOST_AUTO_TEST_CASE(atomic_write_keeps_mode_and_leaves_no_temp_files) {
    test::TempDir dir;
    auto p = dir.path() / "conf";
    writeFileAtomic(p, "one\n", FileOwner{::geteuid(), ::getegid(), 0640});
    writeFileAtomic(p, "two\n");
    BOOST_TEST(*readFile(p) == "two\n");
    BOOST_TEST((ownerOf(p)->mode) == 0640u);
    BOOST_TEST(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
    BOOST_TEST(!readFile(dir.path() / "missing").has_value());
}

BOOST_AUTO_TEST_CASE(refused_candidate_changes_nothing) {
    test::TempDir dir;
    auto p = dir.path() / "conf";
    writeFileAtomic(p, "good\n");
    fs::path seen;
    ConfigChange change{p, "bad\n", std::nullopt,
                        [&](const fs::path& candidate) {
                            seen = candidate;
                            BOOST_TEST(*readFile(candidate) == "bad\n");
                            throw std::runtime_error("syntax error on line 1");
                        },
                        [] { BOOST_FAIL("activated a refused file"); }};
    BOOST_TEST(refusal([&] { applyConfig(change); }) == rc::CONFIG_ACTIVATION_FAILED);
    BOOST_TEST(*readFile(p) == "good\n");
    BOOST_TEST(!fs::exists(seen));
}

BOOST_AUTO_TEST_CASE(failed_activation_restores_the_previous_file) {
    test::TempDir dir;
    auto p = dir.path() / "conf";
    writeFileAtomic(p, "old\n", FileOwner{::geteuid(), ::getegid(), 0600});
    std::vector<std::string> activatedWith;
    ConfigChange change{p, "new\n", std::nullopt, nullptr, [&] {
                            activatedWith.push_back(*readFile(p));
                            if (activatedWith.size() == 1) throw std::runtime_error("service failed to reload");
                        }};
    BOOST_TEST(refusal([&] { applyConfig(change); }) == rc::CONFIG_ACTIVATION_FAILED);
    BOOST_TEST(*readFile(p) == "old\n");
    BOOST_TEST(ownerOf(p)->mode == 0600u);
    BOOST_TEST(activatedWith == (std::vector<std::string>{"new\n", "old\n"}));

    // A file that did not exist before is removed again.
    auto fresh = dir.path() / "fresh";
    ConfigChange first{fresh, "x\n", std::nullopt, nullptr, [] { throw std::runtime_error("no"); }};
    BOOST_TEST(refusal([&] { applyConfig(first); }) == rc::CONFIG_ACTIVATION_FAILED);
    BOOST_TEST(!fs::exists(fresh));

    ConfigChange ok{p, "new\n", std::nullopt, [](const fs::path&) {}, [] {}};
    applyConfig(ok);
    BOOST_TEST(*readFile(p) == "new\n");
}

BOOST_AUTO_TEST_CASE(programs_get_input_and_report_output_and_status) {
    auto r = runProgram({"sh", "-c", "cat; echo oops >&2; exit 3"}, "fed\n");
    BOOST_TEST(r.status == 3);
    BOOST_TEST(r.output == "fed\noops\n");
    BOOST_TEST(runProgram({"sh", "-c", "echo $PATH"}).output == "/usr/sbin:/usr/bin:/sbin:/bin\n");
    BOOST_CHECK_THROW(runChecked({"false"}), std::runtime_error);
    auto slow = runProgram({"sleep", "10"}, {}, std::chrono::milliseconds(100));
    BOOST_TEST(slow.status == 128 + SIGKILL);
    try {
        runChecked({"sh", "-c", "echo 'useradd: user exists'; exit 9"}, "secret-password\n");
        BOOST_FAIL("no throw");
    } catch (const std::runtime_error& e) {
        BOOST_TEST(std::string(e.what()) == "sh failed (status 9): useradd: user exists");
    }
}

BOOST_AUTO_TEST_SUITE_END()

// ---- the user rules over fake accounts ------------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(users, UsersFixture)

BOOST_AUTO_TEST_CASE(factory_state) {
    BOOST_TEST(accounts.group);
    for (auto u : {"admin", "operator", "monitor", "audit"}) {
        auto& e = accounts.entries.at(u);
        BOOST_TEST(e.password == "PASSWORD");
        BOOST_TEST(e.lastChange == 0);   // change at first login
        BOOST_TEST(e.enabled == (std::string(u) == "admin"));
        BOOST_TEST(e.account.shell == "/usr/bin/lunash");
    }
    BOOST_TEST(roles() == "admin admin\noperator operator\nmonitor monitor\naudit audit\n");
    // Idempotent: a second provisioning changes nothing.
    accounts.entries.at("admin").password = "Changed-1";
    users.provisionBuiltins();
    BOOST_TEST(accounts.entries.at("admin").password == "Changed-1");
    BOOST_TEST(roles() == "admin admin\noperator operator\nmonitor monitor\naudit audit\n");
}

BOOST_AUTO_TEST_CASE(add_list_and_the_new_users_state) {
    users.add("james");
    auto& e = accounts.entries.at("james");
    BOOST_TEST(e.password == "PASSWORD");
    BOOST_TEST(e.lastChange == 0);
    BOOST_TEST(e.enabled);
    BOOST_TEST(e.account.home == dir.path() / "home/james");
    auto list = users.list();
    std::vector<std::string> names;
    for (auto& u : list) names.push_back(u.name);
    BOOST_TEST(names == (std::vector<std::string>{"james", "admin", "audit", "monitor", "operator"}));
    BOOST_TEST(!list[0].role.has_value());
    BOOST_TEST(users.applianceUser(e.account.uid).value_or("") == "james");
}

BOOST_AUTO_TEST_CASE(add_refusals) {
    users.add("james");
    accounts.entries["daemon"] = {Account{"daemon", 1, 1, "/usr/sbin", "/usr/sbin/nologin"}, false};
    BOOST_TEST(refusal([&] { users.add("james"); }) == rc::USER_ALREADY_EXISTS);
    BOOST_TEST(refusal([&] { users.add("James"); }) == rc::USER_ALREADY_EXISTS);
    BOOST_TEST(refusal([&] { users.add("daemon"); }) == rc::USER_ALREADY_EXISTS);
    BOOST_TEST(refusal([&] { users.add("admin"); }) == rc::USER_ALREADY_EXISTS);
    BOOST_TEST(refusal([&] { users.add("9lives"); }) == rc::USER_NAME_INVALID);
    BOOST_TEST(!users.applianceUser(1).has_value());   // daemon: an account, not an appliance user
}

BOOST_AUTO_TEST_CASE(a_half_made_user_is_removed_again) {
    accounts.failSetPassword = true;
    BOOST_CHECK_THROW(users.add("james"), std::runtime_error);
    BOOST_TEST(!accounts.find("james").has_value());
}

BOOST_AUTO_TEST_CASE(a_stale_role_line_never_passes_to_a_new_user) {
    writeFileAtomic(users.config().rolesFile, roles() + "james admin\n");
    users.add("james");
    BOOST_TEST(!users.get("james").role.has_value());
}

BOOST_AUTO_TEST_CASE(delete_rules) {
    for (auto u : {"admin", "operator", "monitor", "audit"})
        BOOST_TEST(refusal([&] { users.remove(u, "admin"); }) == rc::USER_BUILTIN);
    BOOST_TEST(refusal([&] { users.remove("nobody", "admin"); }) == rc::USER_NOT_FOUND);
    users.add("james");
    users.addRole("james", "admin");
    BOOST_TEST(refusal([&] { users.remove("james", "james"); }) == rc::USER_LOGGED_IN);
    accounts.entries.at("james").busy = true;
    BOOST_TEST(refusal([&] { users.remove("james", "admin"); }) == rc::USER_LOGGED_IN);
    accounts.entries.at("james").busy = false;
    users.addKey("james", "pub1", kEd25519);
    users.remove("james", "admin");
    BOOST_TEST(!accounts.find("james").has_value());
    BOOST_TEST(roles().find("james") == std::string::npos);
    BOOST_TEST(!fs::exists(users.config().keysDir / "james"));
}

BOOST_AUTO_TEST_CASE(enable_disable_rules) {
    BOOST_TEST(refusal([&] { users.disable("admin", ""); }) == rc::USER_BUILTIN);
    users.enable("operator");
    BOOST_TEST(accounts.entries.at("operator").enabled);
    users.disable("operator", "admin");
    BOOST_TEST(!accounts.entries.at("operator").enabled);
    users.add("boss");
    BOOST_TEST(refusal([&] { users.disable("boss", "boss"); }) == rc::OPERATION_NOT_ALLOWED);
    BOOST_TEST(refusal([&] { users.enable("nobody"); }) == rc::USER_NOT_FOUND);
}

BOOST_AUTO_TEST_CASE(role_rules) {
    users.add("james");
    for (auto u : {"admin", "operator", "monitor", "audit"}) {
        BOOST_TEST(refusal([&] { users.addRole(u, "monitor"); }) == rc::USER_BUILTIN);
        BOOST_TEST(refusal([&] { users.clearRole(u); }) == rc::USER_BUILTIN);
        BOOST_TEST(refusal([&] { users.deleteRole(u, u); }) == rc::USER_BUILTIN);
    }
    BOOST_TEST(refusal([&] { users.addRole("james", "root"); }) == rc::ROLE_INVALID);
    users.addRole("james", "operator");
    users.addRole("james", "audit");   // displaces the previous role
    BOOST_TEST(roles().find("james audit\n") != std::string::npos);
    BOOST_TEST(roles().find("james operator") == std::string::npos);
    BOOST_TEST(refusal([&] { users.deleteRole("james", "operator"); }) == rc::ROLE_INVALID);
    users.deleteRole("james", "audit");
    BOOST_TEST(!users.get("james").role.has_value());
    users.clearRole("james");   // nothing to clear is fine
}

BOOST_AUTO_TEST_CASE(password_rules) {
    users.add("james");
    BOOST_TEST(refusal([&] { users.setPassword("james", "weak", "admin"); }) == rc::PASSWORD_QUALITY);
    BOOST_TEST(accounts.entries.at("james").password == "PASSWORD");
    users.setPassword("james", "Str0ng-pass", "admin");
    BOOST_TEST(accounts.entries.at("james").password == "Str0ng-pass");
    // The auditor's credentials stay the auditor's.
    BOOST_TEST(refusal([&] { users.setPassword("audit", "Audit-pass1", "admin"); }) == rc::ACCESS_DENIED);
    users.setPassword("audit", "Audit-pass1", "audit");
    BOOST_TEST(refusal([&] { users.setOwnPassword("monitor", "short"); }) == rc::PASSWORD_QUALITY);

    auto before = users.passwordExpiry("monitor");
    BOOST_TEST(before.mustChange);
    BOOST_TEST(before.expires == -1);
    users.setOwnPassword("monitor", "M0nitor-pass");
    auto after = users.passwordExpiry("monitor");
    BOOST_TEST(!after.mustChange);
    BOOST_TEST(after.lastChange == 19500 * 86400);
}

BOOST_AUTO_TEST_CASE(key_rules) {
    users.addKey("monitor", "pub1", kEd25519);
    BOOST_TEST(refusal([&] { users.addKey("monitor", "pub1", kRsa2048); }) == rc::OBJECT_ALREADY_EXISTS);
    BOOST_TEST(refusal([&] { users.addKey("monitor", "pub2", kEd25519); }) == rc::OBJECT_ALREADY_EXISTS);
    BOOST_TEST(refusal([&] { users.addKey("monitor", "pub2", "ssh-ed25519 AAAA"); }) == rc::SSH_KEY_INVALID);
    users.addKey("monitor", "pub2", kRsa2048);
    BOOST_TEST(users.keys("monitor").size() == 2u);
    BOOST_TEST(users.keys("operator").empty());
    BOOST_TEST((ownerOf(users.config().keysDir / "monitor")->mode) == 0644u);
    BOOST_TEST(refusal([&] { users.deleteKey("monitor", "nope"); }) == rc::SSH_KEY_NOT_FOUND);
    users.deleteKey("monitor", "pub1");
    BOOST_TEST(users.keys("monitor").size() == 1u);
    users.clearKeys("monitor");
    BOOST_TEST(users.keys("monitor").empty());
    BOOST_TEST(!fs::exists(users.config().keysDir / "monitor"));
}

BOOST_AUTO_TEST_SUITE_END()
