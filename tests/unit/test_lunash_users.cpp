// lunash's user and my groups without a bus: a fake SysconfService records the requests and
// refuses the way sysconfd does; a scripted console answers prompts; a temp dir is the file
// area. Outputs are checked line by line against the reference's examples.
#define BOOST_TEST_MODULE lunash_users
#include <boost/test/unit_test.hpp>

#include "temp_dir.h"

#include "parser.h"
#include "registry.h"
#include "lunash_test_support.h"
#include "shell.h"

#include "luna/errors.h"

#include <deque>
#include <fstream>
#include <sstream>

using namespace lunash;
using namespace lunash::test;

namespace {

class FakeSysconf final : public SysconfService {
public:
    std::vector<std::string> calls;
    std::optional<luna::Error> refuse;   // the next request's refusal
    std::vector<PublicKeyInfo> keys;
    PasswordExpiryInfo expiry;

    void act(std::string what) {
        if (refuse) {
            auto e = *refuse;
            refuse.reset();
            throw e;
        }
        calls.push_back(std::move(what));
    }
    std::vector<ApplianceUser> listUsers() override {
        act("list");
        return {{"cindy", "none", "enabled"},  {"james", "none", "disabled"},   {"admin", "admin", "enabled"},
                {"audit", "audit", "enabled"}, {"monitor", "monitor", "enabled"}, {"operator", "operator", "disabled"}};
    }
    void addUser(const std::string& n) override { act("add " + n); }
    void deleteUser(const std::string& n) override { act("delete " + n); }
    void enableUser(const std::string& n) override { act("enable " + n); }
    void disableUser(const std::string& n) override { act("disable " + n); }
    void setUserPassword(const std::string& n, const std::string& p) override { act("password " + n + " " + p); }
    void addRole(const std::string& n, const std::string& r) override { act("role add " + n + " " + r); }
    void deleteRole(const std::string& n, const std::string& r) override { act("role delete " + n + " " + r); }
    void clearRoles(const std::string& n) override { act("role clear " + n); }
    std::vector<std::string> listRoles() override { return {"admin", "operator", "monitor", "audit"}; }
    std::vector<std::string> rolesOf(const std::string& n) override {
        act("roles of " + n);
        return {"operator"};
    }
    void setMyPassword(const std::string& p) override { act("my password " + p); }
    PasswordExpiryInfo myPasswordExpiry() override { return expiry; }
    std::vector<PublicKeyInfo> myPublicKeys() override { return keys; }
    void addMyPublicKey(const std::string& n, const std::string& k) override { act("key add " + n + " " + k); }
    void deleteMyPublicKey(const std::string& n) override { act("key delete " + n); }
    void clearMyPublicKeys() override { act("key clear"); }
};

struct Fixture {
    luna::test::TempDir home;
    FakeSysconf* sysconf = new FakeSysconf;   // owned by the shell once connected
    std::unique_ptr<SysconfService> owned{sysconf};
    ScriptedConsole console;
    std::ostringstream out;
    std::unique_ptr<Shell> shell;

    explicit Fixture(std::optional<Role> role = Role::Admin) {
        Session s;
        s.role = role;
        s.user = "admin";
        s.home = home.path().string();
        s.sshClient = "10.0.0.1/5555";
        shell = std::make_unique<Shell>(
            table(), s, console, out, [] () -> std::unique_ptr<HsmService> { throw std::runtime_error("no hsm here"); },
            [this] { return std::move(owned); });
    }
    // The output of one command line.
    std::string run(std::string_view line, bool expectOk = true) {
        out.str("");
        auto r = shell->run(line);
        BOOST_TEST(r.ok == expectOk, line);
        return out.str();
    }
    void file(const std::string& name, const std::string& content) { std::ofstream(home.path() / name) << content; }
};

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

} // namespace

BOOST_AUTO_TEST_CASE(table_is_consistent_with_the_new_groups) {
    auto problems = table().problems();
    for (const auto& p : problems) BOOST_TEST_MESSAGE(p);
    BOOST_TEST(problems.empty());
    for (auto line : {"u l", "user ro a -u james -r operator", "m pa e s", "my pu l", "my f c -f", "user de -u x"})
        BOOST_TEST((parseLine(table(), line, Role::Admin).status == ParseStatus::Command), line);
}

BOOST_AUTO_TEST_CASE(roles_see_what_the_reference_allows) {
    auto visible = [](std::optional<Role> role, std::string_view group) {
        std::vector<std::string> out;
        for (const auto* n : table().visibleChildren(table().root(), role)) out.push_back(n->name);
        return std::find(out.begin(), out.end(), group) != out.end();
    };
    BOOST_TEST(visible(Role::Admin, "user"));
    for (auto r : {Role::Operator, Role::Monitor, Role::Audit}) {
        BOOST_TEST(!visible(r, "user"));
        BOOST_TEST(visible(r, "my"));
    }
    BOOST_TEST(!visible(std::nullopt, "my"));
    auto r = parseLine(table(), "user add -username eve", Role::Operator);
    BOOST_TEST((r.error == ParseError::NotPermitted));
}

BOOST_AUTO_TEST_CASE(user_list_matches_the_reference_layout) {
    Fixture f;
    auto out = f.run("user list");
    BOOST_TEST(out ==
               "\n"
               "                    Users                           Roles         Status     RADIUS\n"
               "     --------------------                        --------       --------   --------\n"
               "                    cindy                            none        enabled         no\n"
               "                    james                            none       disabled         no\n"
               "                    admin                           admin        enabled         no\n"
               "                    audit                           audit        enabled         no\n"
               "                  monitor                         monitor        enabled         no\n"
               "                 operator                        operator       disabled         no\n"
               "\n"
               "Command Result : 0 (Success)\n");
}

BOOST_AUTO_TEST_CASE(add_enable_disable_delete) {
    Fixture f;
    f.run("user add -username james");
    BOOST_TEST(contains(f.run("user disable -u james"), "james was disabled successfully.\n"));
    BOOST_TEST(contains(f.run("user enable -u james"), "james was enabled successfully.\n"));
    f.run("user delete -u james");
    BOOST_TEST(f.sysconf->calls ==
               (std::vector<std::string>{"add james", "disable james", "enable james", "delete james"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(refusals_show_the_sentence_and_the_failure_line) {
    Fixture f;
    f.sysconf->refuse = luna::Error(luna::rc::USER_BUILTIN, "The built-in user admin cannot be deleted.");
    auto out = f.run("user delete -u admin", false);
    BOOST_TEST(out ==
               "\nError: The built-in user admin cannot be deleted.\n"
               "Error: 'user delete' failed. (80010011 : CKR_USER_BUILTIN)\n"
               "\n"
               "Command Result : 65535 (Luna Shell execution)\n");
    f.sysconf->refuse = luna::Error(luna::rc::USER_NOT_FOUND, "User bob does not exist.");
    out = f.run("user enable -u bob", false);
    BOOST_TEST(!contains(out, "enabled successfully"));
    BOOST_TEST(f.sysconf->calls.empty());
}

BOOST_AUTO_TEST_CASE(user_password_asks_twice) {
    Fixture f;
    f.console.answers = {"Str0ng-pass", "Str0ng-pass"};
    auto out = f.run("user password james");
    BOOST_TEST(contains(out, "Changing password for user james.\n\nYou can now choose the new password.\n\n"
                             "The password must be at least 8 characters long.\n"));
    BOOST_TEST(contains(out, "passwd: all authentication tokens updated successfully.\n"));
    f.console.answers = {"Str0ng-pass", "other"};
    out = f.run("user password", false);   // own password: the session's user
    BOOST_TEST(contains(out, "Changing password for user admin."));
    BOOST_TEST(f.sysconf->calls == (std::vector<std::string>{"password james Str0ng-pass"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(user_roles) {
    Fixture f;
    BOOST_TEST(contains(f.run("user role add -username james -role audit"), "User james was successfully modified.\n"));
    BOOST_TEST(contains(f.run("user role delete -role audit -username james"), "User james was successfully modified.\n"));
    f.console.answers = {"quit"};
    f.run("user role clear -username james", false);
    f.console.answers = {"proceed"};
    auto out = f.run("user role clear -username james");
    BOOST_TEST(contains(out, "WARNING !! This command will delete all james's role assignments.\n"));
    BOOST_TEST(contains(out, "Proceeding...\nRole list cleared for user james\n"));
    BOOST_TEST(f.run("user role list") ==
               "\nAvailable Roles:\n--------------------------------------------------\n"
               "admin\naudit\nmonitor\noperator\n\nCommand Result : 0 (Success)\n");
    BOOST_TEST(contains(f.run("user role list -u james"), "operator\n"));
    BOOST_TEST(f.sysconf->calls == (std::vector<std::string>{"role add james audit", "role delete james audit",
                                                              "role clear james", "roles of james"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(my_password) {
    Fixture f(Role::Monitor);
    f.console.answers = {"M0nitor-pass", "M0nitor-pass"};
    auto out = f.run("my password set");
    BOOST_TEST(contains(out, "passwd: all authentication tokens updated successfully."));
    BOOST_TEST(f.sysconf->calls == (std::vector<std::string>{"my password M0nitor-pass"}), boost::test_tools::per_element());

    f.sysconf->expiry = {1488153600, -1, false};   // 2017-02-27
    out = f.run("my password expiry show");
    BOOST_TEST(out == "\n"
                      "Last password change                                            : Feb 27, 2017\n"
                      "Password expires                                                : never\n"
                      "\nCommand Result : 0 (Success)\n");
    f.sysconf->expiry = {0, -1, true};
    BOOST_TEST(contains(f.run("my password expiry show"), ": password must be changed\n"));
}

BOOST_AUTO_TEST_CASE(my_public_keys) {
    Fixture f(Role::Operator);
    f.file("id.pub", "ssh-ed25519 AAAA test\n");
    f.run("my public-key add id.pub");
    BOOST_TEST(f.sysconf->calls == (std::vector<std::string>{"key add id.pub ssh-ed25519 AAAA test\n"}),
               boost::test_tools::per_element());
    BOOST_TEST(contains(f.run("my public-key add missing.pub", false), "Error: File missing.pub does not exist."));
    BOOST_TEST(contains(f.run("my public-key add ../etc/passwd", false), "is not a file name"));
    std::filesystem::create_symlink("/etc/passwd", f.home.path() / "link.pub");
    BOOST_TEST(contains(f.run("my public-key add link.pub", false), "does not exist"));   // never followed

    f.sysconf->keys = {{"pub1", "ssh-rsa", 1024, "08:95:7b:9c:57:27:2e:cc:6f:f2:99:e4:19:41:1c:e9"}};
    BOOST_TEST(f.run("my public-key list") ==
               "\nSSH Public Keys for user 'admin':\n\n"
               "Name        Type     Bits    Fingerprint\n"
               "------------------------------------------------------------------------------\n"
               "pub1        ssh-rsa 1024     08:95:7b:9c:57:27:2e:cc:6f:f2:99:e4:19:41:1c:e9\n"
               "\nCommand Result : 0 (Success)\n");
    f.run("my public-key delete pub1");
    f.console.answers = {"proceed"};
    BOOST_TEST(contains(f.run("my public-key clear"), "WARNING !! This command will delete all User SSH Public Keys.\n"));
    BOOST_TEST(f.sysconf->calls.back() == "key clear");
}

BOOST_AUTO_TEST_CASE(my_files) {
    Fixture f(Role::Monitor);
    f.file("supportInfo.txt", std::string(2178, 'x'));
    f.file("a.pid", "515");
    f.file(".hidden", "not listed");
    std::filesystem::create_directory(f.home.path() / "subdir");
    auto out = f.run("my file list");
    BOOST_TEST(contains(out, "2178 "));
    BOOST_TEST(contains(out, " supportInfo.txt\n"));
    BOOST_TEST(contains(out, "   3 "));   // sizes right-aligned
    BOOST_TEST(!contains(out, "hidden"));
    BOOST_TEST(!contains(out, "subdir"));
    f.run("my file delete a.pid");
    BOOST_TEST(!std::filesystem::exists(f.home.path() / "a.pid"));
    BOOST_TEST(contains(f.run("my file delete a.pid", false), "Error: File a.pid does not exist."));
    BOOST_TEST(contains(f.run("my file delete ../x", false), "is not a file name"));
    f.console.answers = {"quit"};
    f.run("my file clear", false);
    BOOST_TEST(std::filesystem::exists(f.home.path() / "supportInfo.txt"));
    f.run("my file clear -force");
    BOOST_TEST(!std::filesystem::exists(f.home.path() / "supportInfo.txt"));
    BOOST_TEST(std::filesystem::exists(f.home.path() / ".hidden"));
    BOOST_TEST(std::filesystem::exists(f.home.path() / "subdir"));
}
