#define BOOST_TEST_MODULE lunash_audit
// lunash's audit group against the LunaSH reference ("audit ..."): who sees it, arguments,
// prompts and confirmations, the reference's output layouts, the user's files (secret,
// archives), and what reaches the audit service (a fake: no bus, no HSM).
#include <boost/test/unit_test.hpp>

#include "temp_dir.h"

#include "audit_service.h"
#include "hsm_service.h"
#include "parser.h"
#include "registry.h"
#include "lunash_test_support.h"
#include "shell.h"

#include "luna/audit_config.h"
#include "luna/audit_line.h"
#include "luna/errors.h"

#include <deque>
#include <fstream>
#include <iterator>
#include <sstream>

using namespace lunash;
using namespace lunash::test;

namespace {

std::string record(std::uint64_t seq) {
    const std::array<std::uint8_t, 32> prev{};
    const std::array<std::uint8_t, 48> raw{};
    return luna::audit::renderLine(seq, 1700000000, "S/N 123456 session 1 Access 0:0 operation LUNA_LOGIN returned RC_OK(0x00000000)",
                                   prev, raw);
}

class FakeAudit final : public AuditService {
public:
    std::vector<std::string> calls;
    std::optional<std::uint32_t> mask;
    std::string rotation;
    AuditStatus st{.serial = "123456", .roleInitialized = true, .loggedIn = true, .daemonSeen = true,
                   .configured = true, .eventMask = luna::audit::kAllBits, .rotation = "daily", .stored = 3};
    std::map<std::string, std::string> files;   // name -> content
    std::vector<std::string> verified;
    std::string successor;
    AuditVerifyResult result{5, 9, 5, true, {}};

    void init(const std::string& pw, const std::string& d) override { calls.push_back("init " + pw + " " + d); }
    void login(const std::string& pw) override { calls.push_back("login " + pw); }
    void logout() override { calls.push_back("logout"); }
    void changePassword(const std::string& o, const std::string& n) override { calls.push_back("changepw " + o + " " + n); }
    AuditStatus status() override { return st; }
    void setConfig(std::optional<std::uint32_t> m, const std::string& r) override {
        mask = m;
        rotation = r;
        calls.push_back("config");
    }
    void sync(std::int64_t) override { calls.push_back("sync"); }
    std::pair<std::string, std::vector<std::uint8_t>> exportSecret() override { return {"123456.lws", {'L', 'W', 'S'}}; }
    void importSecret(const std::vector<std::uint8_t>& b, const std::string& s, const std::string& t) override {
        calls.push_back("import " + std::string(b.begin(), b.end()) + " " + s + " " + t);
    }
    AuditVerifyResult verify(const std::vector<std::string>& recs, const std::string& succ, bool) override {
        verified = recs;
        successor = succ;
        return result;
    }
    std::pair<std::string, std::vector<AuditLogFile>> listLogs() override {
        std::vector<AuditLogFile> out;
        for (auto it = files.rbegin(); it != files.rend(); ++it)
            out.push_back({it->first, it->first.find('/') == std::string::npos, it->second.size(), 1700000000});
        std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.name.substr(a.name.size() - 12) > b.name.substr(b.name.size() - 12); });
        return {"123456", out};
    }
    std::string readLog(const std::string& n) override { return files.at(n); }
    void clearLogs() override { calls.push_back("clear"); }
    std::vector<AuditRelpHost> relp;
    std::vector<AuditRelpHost> relpHosts() override { return relp; }
    void addRelpHost(const std::string& h, std::uint16_t p) override {
        calls.push_back("relp add " + h + " " + std::to_string(p));
        relp.push_back({h, p, "up to date", 0, 0, ""});
    }
    void deleteRelpHost(const std::string& h) override { calls.push_back("relp delete " + h); }
    void clearRelpHosts() override { calls.push_back("relp clear"); }
};

class FakeHsm final : public HsmService {
public:
    FakeAudit* auditFake = new FakeAudit;
    std::unique_ptr<AuditService> owned{auditFake};
    AuditService& audit() override { return *owned; }
    [[noreturn]] static void no() { throw luna::Error(luna::rc::FUNCTION_NOT_SUPPORTED); }
    HsmProperties properties() override { no(); }
    bool init(const std::string&, const std::string&, const std::string&) override { no(); }
    bool initFromTemplate(const std::string&, const std::string&, const std::string&, const std::string&) override {
        no();
    }
    void login(const std::string&) override { no(); }
    void logout() override { no(); }
    bool loggedIn() override { no(); }
    void changePassword(const std::string&, const std::string&) override { no(); }
    void zeroize() override { no(); }
    void factoryReset() override { no(); }
    std::vector<HsmPolicy> policies() override { no(); }
    bool changePolicy(std::uint32_t, std::uint32_t) override { no(); }
    std::string exportPolicyTemplate() override { no(); }
    std::string createPartition(const std::string&, std::uint64_t, bool) override { no(); }
    void deletePartition(const std::string&) override { no(); }
    void resizePartition(const std::string&, std::uint64_t, bool) override { no(); }
    void renamePartition(const std::string&, const std::string&) override { no(); }
    std::vector<PartitionSummary> listPartitions() override { no(); }
    PartitionDetails showPartition(const std::string&) override { no(); }
};

struct Fixture {
    luna::test::TempDir home;
    FakeHsm* hsm = new FakeHsm;
    std::unique_ptr<HsmService> ownedHsm{hsm};
    FakeAudit& audit = *hsm->auditFake;
    ScriptedConsole console;
    std::ostringstream out;
    std::unique_ptr<Shell> shell;

    Fixture() {
        Session s;
        s.role = Role::Audit;
        s.user = "audit";
        s.home = home.path().string();
        shell = std::make_unique<Shell>(table(), s, console, out, [this] { return std::move(ownedHsm); });
    }
    std::string run(std::string_view line, bool expectOk = true) {
        out.str("");
        auto r = shell->run(line);
        BOOST_TEST(r.ok == expectOk, line);
        return out.str();
    }
};

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

} // namespace

BOOST_AUTO_TEST_CASE(only_the_audit_role_sees_the_group) {
    BOOST_TEST(table().problems().empty());
    auto visible = [](std::optional<Role> role) {
        for (const auto* n : table().visibleChildren(table().root(), role))
            if (n->name == "audit") return true;
        return false;
    };
    BOOST_TEST(visible(Role::Audit));
    for (auto r : {Role::Admin, Role::Operator, Role::Monitor}) BOOST_TEST(!visible(r));
    BOOST_TEST((parseLine(table(), "audit show", Role::Admin).error == ParseError::NotPermitted));
    // The reference's short forms.
    for (auto line : {"a sh", "a logi", "a logo", "a co -p e -v all", "a ch", "a sy", "a i -f", "a l l", "a l tai -f x",
                      "a l tar", "a l u", "a l v -f x", "a l c -f", "a se e", "a se i -f x -serials 1 -serialt 2"})
        BOOST_TEST((parseLine(table(), line, Role::Audit).status == ParseStatus::Command), line);
}

BOOST_AUTO_TEST_CASE(init_asks_and_confirms) {
    Fixture f;
    f.console.answers = {"proceed", "dom-1", "dom-1", "AuditPw-1", "AuditPw-1"};
    auto out = f.run("audit init");
    BOOST_TEST(contains(out, "The AUDIT role will be initialized."));
    BOOST_TEST(contains(out, "Command Result : 0 (Success)"));
    BOOST_TEST(f.audit.calls.back() == "init AuditPw-1 dom-1");
    f.console.answers = {"quit"};
    out = f.run("audit init -domain d -password p", false);
    BOOST_TEST(contains(out, "Command aborted."));
    BOOST_TEST(f.audit.calls.size() == 1u);
    f.run("audit init -force -defaultdomain -password p");
    BOOST_TEST(f.audit.calls.back() == "init p defaultdomain");
}

BOOST_AUTO_TEST_CASE(config_events_and_rotation) {
    Fixture f;
    f.run("audit config -parameter event -value f,s,m");
    BOOST_TEST(*f.audit.mask == luna::audit::parseEventMask("failure,success,manage"));
    f.run("audit config -p rotate -v hourly");
    BOOST_TEST(!f.audit.mask.has_value());
    BOOST_TEST(f.audit.rotation == "hourly");
    auto out = f.run("audit config -p event -v all");
    BOOST_TEST(contains(out, "WARNING: Logging everything"));
    out = f.run("audit config -p event -v ?");
    BOOST_TEST(contains(out, "   asymmetri[c]: asymmetric key usage (sig/ver)"));
    const auto before = f.audit.calls.size();
    out = f.run("audit config -p event -v access", false);
    BOOST_TEST(contains(out, "Error: 'audit config' failed."));
    out = f.run("audit config -p color -v red", false);
    BOOST_TEST(contains(out, "Invalid parameter 'color'"));
    BOOST_TEST(f.audit.calls.size() == before);
}

BOOST_AUTO_TEST_CASE(show_as_the_reference_lays_it_out) {
    Fixture f;
    auto out = f.run("audit show");
    for (auto line : {"HSM Logging Status:\n\nHSM found logging daemon\nLogging has been configured\n"
                      "HSM is currently storing 3 log records.\n\nHSM Audit Role: logged in\n",
                      "Current Logging Configuration\n-----------------------------\nevent mask        : Log everything\n"
                      "rotation interval : daily\n"})
        BOOST_TEST(contains(out, line), out);
    f.audit.st.loggedIn = false;
    out = f.run("audit show");
    BOOST_TEST(contains(out, "HSM Audit Role: not logged in"));
    BOOST_TEST(!contains(out, "Current Logging Configuration"));
    out = f.run("audit show -serial 999", false);
    BOOST_TEST(contains(out, "no HSM with serial number 999"));
}

BOOST_AUTO_TEST_CASE(secret_files_live_in_the_users_home) {
    Fixture f;
    auto out = f.run("audit secret export");
    BOOST_TEST(contains(out, "The encrypted log secret file 123456.lws now available for scp."));
    std::ifstream in(f.home.path() / "123456.lws");
    BOOST_TEST(std::string((std::istreambuf_iterator<char>(in)), {}) == "LWS");
    out = f.run("audit secret import -serialtarget 123456 -serialsource 123456 -file 123456.lws");
    BOOST_TEST(contains(out, "Successfully imported the encrypted log secret 123456.lws"));
    BOOST_TEST(f.audit.calls.back() == "import LWS 123456 123456");
    out = f.run("audit secret import -serialt 1 -serials 2 -file missing.lws", false);
    BOOST_TEST(contains(out, "Cannot find the file 'missing.lws'"));
    out = f.run("audit secret import -serialt 1 -serials 2 -file ../etc/passwd", false);
}

BOOST_AUTO_TEST_CASE(log_list_tail_verify_clear) {
    Fixture f;
    std::string one, two;
    for (int i = 1; i <= 4; ++i) one += record(i);
    for (int i = 5; i <= 9; ++i) two += record(i);
    f.audit.files["ready_for_archive/hsm_123456_00000001.log"] = one;
    f.audit.files["hsm_123456_00000002.log"] = two;

    auto out = f.run("audit log list");
    BOOST_TEST(contains(out, "Logs that are in progress\n\n2240 Nov 14 22:13 hsm_123456_00000002.log\n"), out);
    BOOST_TEST(contains(out, "Logs that are ready for archive:\n\n1792 Nov 14 22:13 hsm_123456_00000001.log\n"), out);

    out = f.run("audit log tail -file hsm_123456_00000002.log -entries 2");
    BOOST_TEST(contains(out, "\n8,23/11/14 22:13:20,S/N 123456 session 1 Access 0:0 operation LUNA_LOGIN returned "
                             "RC_OK(0x00000000)\n9,"),
               out);
    BOOST_TEST(!contains(out, "\n7,"));

    // A rotated file is closed by the next file's first record.
    out = f.run("audit log verify -file hsm_123456_00000001.log");
    BOOST_TEST(contains(out, "Log file being verified ready_for_archive/hsm_123456_00000001.log."));
    BOOST_TEST(contains(out, "Verifying log on HSM with serial 123456"));
    BOOST_TEST(contains(out, "Verified messages 5 to 9"));
    BOOST_TEST(f.audit.verified.size() == 4u);
    BOOST_TEST(f.audit.successor == record(5));
    // A run of the file: the record after -end closes it.
    f.run("audit log verify -file hsm_123456_00000002.log -start 6 -end 7");
    BOOST_TEST(f.audit.verified.size() == 2u);
    BOOST_TEST(f.audit.successor == record(8));
    f.audit.result.problems = {{"modified", 2, 6, "line 2 (record 6) was modified"}};
    out = f.run("audit log verify -file hsm_123456_00000002.log", false);
    BOOST_TEST(contains(out, "   modified: line 2 (record 6) was modified"));
    BOOST_TEST(contains(out, "Error: 'audit log verify' failed. (80000D05 : LUNA_RET_LOG_BAD_RECORD_HMAC)"));

    f.console.answers = {"quit"};
    out = f.run("audit log clear", false);
    BOOST_TEST(contains(out, "All audit logs for this HSM will be destroyed!!!"));
    BOOST_TEST(std::count(f.audit.calls.begin(), f.audit.calls.end(), "clear") == 0);
    f.run("audit log clear -force");
    BOOST_TEST(f.audit.calls.back() == "clear");
}
