// lunash's command table, parser, completion, help and dispatcher, without a bus: a fake
// HsmService records what would have been applied, a scripted console answers prompts.
#define BOOST_TEST_MODULE lunash
#include <boost/test/unit_test.hpp>

#include "completion.h"
#include "match.h"
#include "parser.h"
#include "registry.h"
#include "lunash_test_support.h"
#include "role.h"
#include "shell.h"

#include "luna/errors.h"

#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace lunash;
using namespace lunash::test;

namespace {

ParseResult parse(std::string_view line, std::optional<Role> role = Role::Admin) { return parseLine(table(), line, role); }

class FakeHsm final : public HsmService {
public:
    std::vector<std::string> calls;
    std::optional<std::uint32_t> refuse;    // every mutating call fails with this CKR
    bool initialized = false;

    void act(std::string what) {
        if (refuse) throw luna::Error(*refuse);
        calls.push_back(std::move(what));
    }
    HsmProperties properties() override {
        HsmProperties p;
        p.label = "fake";
        p.serial = "123";
        p.model = "Luna K7 (simulated)";
        p.authMethod = "Password";
        p.tamperState = "No tampers";
        p.initialized = initialized;
        p.soLoginAttemptsLeft = 3;
        return p;
    }
    bool init(const std::string& l, const std::string& pw, const std::string& d) override {
        act("init " + l + " " + pw + " " + d);
        return true;
    }
    bool initFromTemplate(const std::string& l, const std::string& pw, const std::string& d,
                          const std::string& t) override {
        act("init " + l + " " + pw + " " + d + " template " + t);
        return true;
    }
    void login(const std::string& pw) override { act("login " + pw); }
    void logout() override { act("logout"); }
    bool loggedIn() override { return false; }
    void changePassword(const std::string& o, const std::string& n) override { act("changepw " + o + " " + n); }
    void zeroize() override { act("zeroize"); }
    void factoryReset() override { act("factoryreset"); }
    std::vector<HsmPolicy> policies() override { return {{7, "Enable cloning", 1, "Allow cloning", 1, true}}; }
    bool changePolicy(std::uint32_t id, std::uint32_t v) override {
        act("changepolicy " + std::to_string(id) + " " + std::to_string(v));
        return false;
    }
    std::string exportPolicyTemplate() override { return ""; }
    std::string createPartition(const std::string& n, std::uint64_t s, bool all) override {
        act("create " + n + " " + std::to_string(s) + (all ? " all" : ""));
        return "123001";
    }
    void deletePartition(const std::string& p) override { act("delete " + p); }
    void resizePartition(const std::string& p, std::uint64_t s, bool) override { act("resize " + p + " " + std::to_string(s)); }
    void renamePartition(const std::string& p, const std::string& n) override { act("rename " + p + " " + n); }
    std::vector<PartitionSummary> listPartitions() override { return {{"123001", "p1", 2, 1000, 100, 900}}; }
    PartitionDetails showPartition(const std::string&) override { return {}; }
};

struct Session_ {
    FakeHsm* hsm = nullptr;
    ScriptedConsole console;
    std::ostringstream out;
    std::unique_ptr<Shell> shell;
    explicit Session_(std::optional<Role> role = Role::Admin, std::string ssh = "10.0.0.1/5555") {
        Session s;
        s.role = role;
        s.user = "tester";
        s.sshClient = std::move(ssh);
        shell = std::make_unique<Shell>(table(), s, console, out, [this] {
            auto h = std::make_unique<FakeHsm>();
            hsm = h.get();
            return h;
        });
        hsm = nullptr;
    }
    FakeHsm& fake() {
        if (!hsm) shell->run("hsm logout");   // any HSM command makes the connection
        hsm->calls.clear();
        return *hsm;
    }
    RunResult run(std::string_view line) {
        out.str("");
        return shell->run(line);
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(table_is_consistent) {
    auto problems = table().problems();
    for (const auto& p : problems) BOOST_TEST_MESSAGE(p);
    BOOST_TEST(problems.empty());
}

BOOST_AUTO_TEST_CASE(match_rules) {
    std::vector<std::string> names{"show", "showpolicies", "selftest"}, shorts{"sh", "showp", "sel"};
    BOOST_TEST((matchWord("show", names, shorts).kind == MatchKind::Unique));
    BOOST_TEST(matchWord("sh", names, shorts).index == 0u);           // documented short beats the prefix rule
    BOOST_TEST(matchWord("SHOWPOL", names, shorts).index == 1u);      // case-insensitive prefix
    auto amb = matchWord("s", names, shorts);
    BOOST_TEST((amb.kind == MatchKind::Ambiguous));
    BOOST_TEST(amb.candidates.size() == 3u);
    BOOST_TEST((matchWord("x", names, shorts).kind == MatchKind::None));
    BOOST_TEST((matchWord("", names, shorts).kind == MatchKind::None));
}

BOOST_AUTO_TEST_CASE(abbreviations_and_short_forms) {
    auto r = parse("hsm sh");
    BOOST_TEST((r.status == ParseStatus::Command));
    BOOST_TEST(r.node->fullName() == "hsm show");
    BOOST_TEST(parse("hs showp").node->fullName() == "hsm showpolicies");
    BOOST_TEST(parse("HSM SHOW").node->fullName() == "hsm show");
    BOOST_TEST(parse("he").node->fullName() == "help");
    BOOST_TEST(parse("e").node->fullName() == "exit");
    BOOST_TEST(parse("hsm inf s").node->fullName() == "hsm information show");
    auto c = parse("par cr -par p1");
    BOOST_TEST((c.status == ParseStatus::Command));
    BOOST_TEST(c.node->fullName() == "partition create");
    BOOST_TEST(c.args.str("partition") == "p1");
    auto p = parse("hsm changepo -p 7 -v 0 -f");
    BOOST_TEST(p.args.str("policy") == "7");
    BOOST_TEST(p.args.has("force"));
    BOOST_TEST(parse("sta sy c all").node->fullName() == "status sysstat code");
}

BOOST_AUTO_TEST_CASE(quotes_group_words) {
    auto r = parse("partition rename -partition p1 -newname \"user partition1\"");
    BOOST_TEST(r.args.str("newname") == "user partition1");
    BOOST_TEST((parse("hsm init -label 'a b").error == ParseError::UnbalancedQuote));
}

BOOST_AUTO_TEST_CASE(bad_input_messages) {
    auto check = [](std::string_view line, ParseError e, std::string_view msg) {
        auto r = parse(line);
        BOOST_TEST((r.status == ParseStatus::Error), line);
        BOOST_TEST((r.error == e), line);
        BOOST_TEST(r.message == msg, line);
    };
    check("foo", ParseError::UnknownCommand, "Error: Unknown command 'foo'.");
    check("hsm frob", ParseError::UnknownCommand, "Error: Unknown command 'hsm frob'.");
    check("h", ParseError::AmbiguousCommand, "Error: Ambiguous command 'h' (matches: help, hsm).");
    check("hsm lo", ParseError::AmbiguousCommand, "Error: Ambiguous command 'hsm lo' (matches: login, logout).");
    check("hsm init", ParseError::MissingArgument, "Error: Missing required parameter '-label' for 'hsm init'.");
    check("hsm init -label", ParseError::MissingValue, "Error: Parameter '-label' needs a value: -label <hsm_label>.");
    check("hsm init -d x -label y", ParseError::AmbiguousOption,
          "Error: Ambiguous parameter '-d' for 'hsm init' (matches: -defaultdomain, -domain).");
    check("hsm show -x", ParseError::UnknownOption, "Error: Unknown parameter '-x' for 'hsm show'.");
    check("hsm show extra", ParseError::ExtraArgument, "Error: Unexpected argument 'extra' for 'hsm show'.");
    check("partition create -partition p1 -size 12k", ParseError::BadNumber,
          "Error: Invalid value '12k' for -size: a decimal number is required.");
    check("partition create -partition p1 -partition p2", ParseError::RepeatedOption,
          "Error: Parameter '-partition' is given more than once.");
    check("status sysstat code", ParseError::MissingArgument,
          "Error: Missing required argument {all|<status_code>} for 'status sysstat code'.");
}

BOOST_AUTO_TEST_CASE(help_requests) {
    BOOST_TEST((parse("hsm").status == ParseStatus::Help));
    BOOST_TEST((parse("?").status == ParseStatus::Help));
    BOOST_TEST((parse("hsm show ?").status == ParseStatus::Help));
    BOOST_TEST((parse("hsm init -help").status == ParseStatus::Help));   // no arity error when asking
    BOOST_TEST(syntaxLine(*parse("par cr ?").node) ==
               "partition create -partition <name> [-size <bytes>] [-allfreestorage] [-force]");
}

BOOST_AUTO_TEST_CASE(role_filtering) {
    auto names = [](std::optional<Role> role, const Node& at) {
        std::vector<std::string> out;
        for (const auto* n : table().visibleChildren(at, role)) out.push_back(n->name);
        return out;
    };
    const Node& hsm = *parse("hsm").node;
    BOOST_TEST(names(Role::Monitor, hsm) == (std::vector<std::string>{"information", "show", "showpolicies"}),
               boost::test_tools::per_element());
    BOOST_TEST(names(Role::Operator, hsm) ==
                   (std::vector<std::string>{"information", "login", "logout", "show", "showpolicies"}),
               boost::test_tools::per_element());
    BOOST_TEST(names(Role::Audit, hsm) == (std::vector<std::string>{"show"}), boost::test_tools::per_element());
    // The audit group's section: hsm show, my, network show (tests/unit/data/lunash-reference-roles.txt).
    BOOST_TEST(names(Role::Audit, table().root()) ==
                   (std::vector<std::string>{"help", "exit", "hsm", "audit", "my", "network"}),
               boost::test_tools::per_element());
    BOOST_TEST(names(std::nullopt, table().root()).empty());
    auto r = parse("hsm ini -label x", Role::Monitor);
    BOOST_TEST((r.error == ParseError::NotPermitted));
    BOOST_TEST(r.message == "Error: The monitor role may not run 'hsm init'.");
    // A prefix unique for the admin may be unique differently for another role.
    BOOST_TEST((parse("hsm lo", Role::Monitor).error == ParseError::NotPermitted ||
                parse("hsm lo", Role::Monitor).error == ParseError::UnknownCommand));
    BOOST_TEST(parse("hsm i", Role::Monitor).node->fullName() == "hsm information");
}

BOOST_AUTO_TEST_CASE(completion) {
    auto c = [](std::string_view line, std::optional<Role> role = Role::Admin) { return completions(table(), line, role); };
    BOOST_TEST(c("hsm sh") == (std::vector<std::string>{"show", "showpolicies"}), boost::test_tools::per_element());
    BOOST_TEST(c("par") == (std::vector<std::string>{"partition"}), boost::test_tools::per_element());
    BOOST_TEST(c("hsm i", Role::Monitor) == (std::vector<std::string>{"information"}), boost::test_tools::per_element());
    BOOST_TEST(c("hsm i") == (std::vector<std::string>{"information", "init"}), boost::test_tools::per_element());
    BOOST_TEST(c("partition create -partition p1 -") ==
                   (std::vector<std::string>{"-allfreestorage", "-force", "-size"}),
               boost::test_tools::per_element());
    BOOST_TEST(c("partition create -partition ").empty());   // a value is expected
    BOOST_TEST(c("") == (std::vector<std::string>{"help", "exit", "hsm", "partition", "status", "client", "ntls", "sysconf", "user", "my", "syslog", "service", "network"}),
               boost::test_tools::per_element());
    BOOST_TEST(c("frob ").empty());
}

BOOST_AUTO_TEST_CASE(dispatcher_results) {
    Session_ s;
    auto& hsm = s.fake();
    auto r = s.run("hsm login -password x");
    BOOST_TEST(r.ok);
    BOOST_TEST(s.out.str() == "\n'hsm login' successful.\n\nCommand Result : 0 (Success)\n");
    BOOST_TEST(hsm.calls == (std::vector<std::string>{"login x"}), boost::test_tools::per_element());

    hsm.refuse = luna::rc::PIN_INCORRECT;
    r = s.run("hsm login -password y");
    BOOST_TEST(!r.ok);
    BOOST_TEST(s.out.str().find("Error: 'hsm login' failed. (") != std::string::npos);
    BOOST_TEST(s.out.str().find("Command Result : 65535 (Luna Shell execution)") != std::string::npos);
    hsm.refuse.reset();

    r = s.run("par cr -par p1 -size abc");
    BOOST_TEST(!r.ok);
    BOOST_TEST(s.out.str().find("Syntax: partition create") != std::string::npos);
    BOOST_TEST(hsm.calls.size() == 1u);      // nothing applied

    BOOST_TEST(s.run("").ran == false);
    BOOST_TEST(s.run("exit").exit);
}

BOOST_AUTO_TEST_CASE(confirmations) {
    Session_ s;
    auto& hsm = s.fake();
    s.console.answers = {"maybe", "quit"};
    auto r = s.run("hsm zeroize");
    BOOST_TEST(!r.ok);
    BOOST_TEST(s.out.str().find("Command aborted.") != std::string::npos);
    BOOST_TEST(hsm.calls.empty());
    s.console.answers = {"proceed"};
    BOOST_TEST(s.run("hsm zeroize").ok);
    BOOST_TEST(s.run("partition delete -partition p1 -force").ok);   // -force: nothing asked
    BOOST_TEST(hsm.calls == (std::vector<std::string>{"zeroize", "delete p1"}), boost::test_tools::per_element());
    s.console.answers = {};                                           // end of input is quit
    BOOST_TEST(!s.run("partition create -partition p2").ok);
    BOOST_TEST(hsm.calls.size() == 2u);
}

BOOST_AUTO_TEST_CASE(factory_reset_only_on_the_console) {
    Session_ remote;
    auto& hsm = remote.fake();
    auto r = remote.run("hsm factoryreset -force");
    BOOST_TEST(!r.ok);
    BOOST_TEST(remote.out.str().find("'hsm factoryReset' can only be run from the local") != std::string::npos);
    BOOST_TEST(hsm.calls.empty());

    Session_ local(Role::Admin, "");
    auto& h2 = local.fake();
    BOOST_TEST(local.run("hsm factoryreset -force").ok);
    BOOST_TEST(h2.calls == (std::vector<std::string>{"factoryreset"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(init_prompts_for_what_is_missing) {
    Session_ s;
    auto& hsm = s.fake();
    s.console.answers = {"pw-123456", "pw-123456", "dom", "dom", "proceed"};
    BOOST_TEST(s.run("hsm init -label L").ok);
    BOOST_TEST(hsm.calls == (std::vector<std::string>{"init L pw-123456 dom"}), boost::test_tools::per_element());
    s.console.answers = {"a-1234567", "b-1234567"};
    BOOST_TEST(!s.run("hsm init -label L").ok);                     // confirmation differs
    BOOST_TEST(hsm.calls.size() == 1u);
}

BOOST_AUTO_TEST_CASE(roles_file) {
    auto dir = std::filesystem::temp_directory_path() / ("lunash-roles-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto f = dir / "roles";
    std::ofstream(f) << "# comment\n7001 operator\nalice monitor\nbob nosuchrole\n7002 audit extra\n";
    BOOST_TEST((roleForUser(f, 0, "root") == Role::Admin));
    BOOST_TEST((roleForUser(f, 7001, "admin") == Role::Operator));   // the file wins over the name
    BOOST_TEST((roleForUser(f, 7005, "alice") == Role::Monitor));
    BOOST_TEST((roleForUser(f, 7006, "monitor") == Role::Monitor));  // standard user name
    BOOST_TEST(!roleForUser(f, 7007, "bob").has_value());
    BOOST_TEST(!roleForUser(f, 7002, "carol").has_value());           // malformed line ignored
    std::filesystem::remove_all(dir);
}
