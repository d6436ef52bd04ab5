// lunash's `sysconf snmp ...` without a bus: a fake SnmpService records the requests and
// refuses the way sysconfd does. Outputs and prompts are the reference's; roles too.
#define BOOST_TEST_MODULE lunash_snmp
#include <boost/test/unit_test.hpp>

#include "parser.h"
#include "registry.h"
#include "lunash_test_support.h"
#include "shell.h"
#include "snmp_service.h"

#include "luna/errors.h"

#include <deque>
#include <sstream>

using namespace lunash;
using namespace lunash::test;

namespace {

struct FakeSnmp final : SnmpService {
    std::vector<std::string> calls;
    bool running = true, enabled = true;
    std::vector<std::string> userNames{"admin", "Jon"};
    std::optional<SnmpTrapHost> host;
    std::pair<bool, bool> status() override { return {running, enabled}; }
    void enable() override { calls.push_back("enable"); }
    void disable() override { calls.push_back("disable"); }
    std::vector<std::string> users() override { return userNames; }
    void addUser(const std::string& n, const std::string& a, const std::string& ap, const std::string& p,
                 const std::string& pp) override {
        if (n.size() > 31) throw luna::Error(luna::rc::CONFIG_VALUE_INVALID, "The security name must be 1 to 31 characters long");
        calls.push_back("add " + n + " " + a + " " + ap + " " + p + " " + pp);
    }
    void deleteUser(const std::string& n) override { calls.push_back("delete " + n); }
    void clearUsers() override { calls.push_back("clear users"); }
    std::vector<SnmpTarget> targets() override {
        return {{"10.124.0.87", 162, "0029403200", "admin", "trap"}, {"192.20.11.64", 162, "00473984504", "James", "trap"}};
    }
    void addTarget(const SnmpNewTarget& t) override {
        calls.push_back("target " + t.address + ":" + std::to_string(t.port) + " " + t.secName + " " + t.notifyType + " " +
                        t.engineId);
    }
    std::uint32_t deleteTargets(const std::string& a, std::uint16_t p) override {
        calls.push_back("untarget " + a + ":" + std::to_string(p));
        return 1;
    }
    void clearTargets() override { calls.push_back("clear targets"); }
    std::optional<SnmpTrapHost> trapHost() override { return host; }
    void setTrapHost(const SnmpTrapHostChange& h) override { calls.push_back("trap " + h.host + " " + h.secName + " " + h.engineId); }
    void clearTrapHost() override { calls.push_back("clear trap"); }
    std::pair<bool, bool> trapStatus() override { return {true, true}; }
    void enableTrap() override { calls.push_back("enable trap"); }
    void disableTrap() override { calls.push_back("disable trap"); }
    void testTrap(const std::string& f, const std::string& l, const std::string& p, const std::string& m, bool pid) override {
        calls.push_back("test " + f + "." + l + " " + p + (pid ? "[pid]" : "") + ": " + m);
    }
};

struct Fixture {
    FakeSnmp* snmp = new FakeSnmp;
    ScriptedConsole console;
    std::ostringstream out;
    std::unique_ptr<Shell> shell;
    explicit Fixture(Role role = Role::Admin) {
        setSnmpConnector([p = snmp] { return std::unique_ptr<SnmpService>(p); });
        Session s;
        s.role = role;
        s.user = "admin";
        shell = std::make_unique<Shell>(table(), s, console, out,
                                        []() -> std::unique_ptr<HsmService> { throw luna::Error(luna::rc::TOKEN_NOT_PRESENT); });
    }
    ~Fixture() { setSnmpConnector({}); }
    std::string run(std::string_view line, bool expectOk = true) {
        out.str("");
        auto r = shell->run(line);
        BOOST_TEST(r.ok == expectOk, line);
        return out.str();
    }
};

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

} // namespace

BOOST_AUTO_TEST_CASE(short_forms_and_roles) {
    BOOST_TEST(table().problems().empty());
    auto allowed = [](std::string_view line, Role role) { return parseLine(table(), line, role).status == ParseStatus::Command; };
    for (auto line : {"sysc sn s", "sysc sn u l", "sysc sn n l", "sysc sn t sh"}) BOOST_TEST(allowed(line, Role::Monitor), line);
    for (auto line : {"sysc sn e", "sysc sn d", "sysc sn u a -s x -authpa 12345678 -privpa 12345678", "sysc sn u d -s x",
                      "sysc sn u c -f", "sysc sn n a -i 10.0.0.1 -authpa 12345678 -privpa 12345678 -s x", "sysc sn n d -i 10.0.0.1",
                      "sysc sn n c -f", "sysc sn t se -h x", "sysc sn t c -f", "sysc sn t e", "sysc sn t d",
                      "sysc sn t t -logf daemon -logl crit -pr smartd -m x -pi"}) {
        BOOST_TEST(allowed(line, Role::Operator), line);
        BOOST_TEST(!allowed(line, Role::Monitor), line);
    }
    BOOST_TEST(!allowed("sysconf snmp show", Role::Audit));
}

BOOST_AUTO_TEST_CASE(agent_and_users) {
    Fixture f;
    BOOST_TEST(contains(f.run("sysconf snmp show"), "SNMP is running\nSNMP is enabled\n"));
    BOOST_TEST(contains(f.run("sysconf snmp enable"), "SNMP is enabled\nStarting snmpd:"));
    BOOST_TEST(contains(f.run("sysconf snmp disable"), "[   OK   ]\nSNMP is stopped\n"));
    auto out = f.run("sysconf snmp user add -secname admin -authpassword authPa$$w0rd -authprotocol SHA -privpassword privPa$$w0rd -privprotocol AES");
    BOOST_TEST(contains(out, "SNMP user account \"admin\" added\n"));
    BOOST_TEST(f.snmp->calls.back() == "add admin authPa$$w0rd SHA privPa$$w0rd AES");
    BOOST_TEST(contains(f.run("sysconf snmp user list"), "SNMP Users:\n-----------\nadmin\nJon\n"));
    BOOST_TEST(contains(f.run("sysconf snmp user delete -secname User"), "SNMP user account \"User\" deleted\n"));
    out = f.run("sysconf snmp user add -secname abcdefghijabcdefghijabcdefghij123 -authpassword 12345678 -privpassword 12345678", false);
    BOOST_TEST(contains(out, "Error: The security name must be 1 to 31 characters long\n"));
    f.console.answers = {"proceed"};
    out = f.run("sysconf snmp user clear");
    BOOST_TEST(contains(out, "WARNING !! This command deletes all user account information from the SNMP Agent.\n"));
    BOOST_TEST(contains(out, "Proceeding...\nSNMP user account information cleared\n"));
    f.console.answers = {"quit"};
    f.snmp->calls.clear();
    f.run("sysconf snmp user clear", false);
    BOOST_TEST(f.snmp->calls.empty());
}

BOOST_AUTO_TEST_CASE(notifications_and_traps) {
    Fixture f;
    auto out = f.run("sysconf snmp notification add -ipaddress 10.124.0.87 -authpassword authPa$$w0rd -privpassword privPa$$w0rd -secname admin -engineid 0029403200");
    BOOST_TEST(contains(out, "SNMP notification target information added\n"));
    BOOST_TEST(f.snmp->calls.back() == "target 10.124.0.87:162 admin trap 0029403200");
    f.run("sysconf snmp notification add -i 10.0.0.1 -authpa 12345678 -privpa 12345678 -s x -n inform -u 1162");
    BOOST_TEST(f.snmp->calls.back() == "target 10.0.0.1:1162 x inform ");
    BOOST_TEST(contains(f.run("sysconf snmp notification list"),
                        "SNMP Notification Targets:\n--------------------------\n10.124.0.87:162 \"0029403200\" \"admin\"\n"
                        "192.20.11.64:162 \"00473984504\" \"James\"\n"));
    BOOST_TEST(contains(f.run("sysconf snmp notification delete -ipaddress 192.20.11.64"), "SNMP notification target information deleted\n"));
    BOOST_TEST(f.snmp->calls.back() == "untarget 192.20.11.64:162");
    f.console.answers = {"proceed"};
    BOOST_TEST(contains(f.run("sysconf snmp notification clear"),
                        "WARNING !! This command deletes all notification target information from the SNMP Agent.\n"));

    BOOST_TEST(contains(f.run("sysconf snmp trap set -host mysnmphost -secname admin -engineid 800007c70300e05290ab60 -authprotocol SHA -authpwd p4$$w0rd -privprotocol AES -privpwd pr1vat3Pwd"),
                        "Please use 'service restart lsta' for the new configuration to take effect.\n"));
    BOOST_TEST(contains(f.run("sysconf snmp trap show"), "SNMP Trap is not configured."));
    f.snmp->host = SnmpTrapHost{"mysnmphost", 162, "admin", "800007c70300e05290ab60", "SHA", "AES"};
    BOOST_TEST(contains(f.run("sysconf snmp trap show"),
                        "SNMP Trap is configured as the following:\n"
                        "  SNMP Trap Host                  : mysnmphost:162\n"
                        "  SNMP Version                    : 3\n"
                        "  SNMP v3 Security Name           : admin\n"
                        "  SNMP v3 Engine ID               : 0x800007c70300e05290ab60\n"
                        "  SNMP v3 Security Level          : authPriv\n"
                        "  SNMP v3 Authentication protocol : SHA\n"
                        "  SNMP v3 Privacy protocol        : AES\n"));
    f.console.answers = {"proceed"};
    auto clear = f.run("sysconf snmp trap clear");
    BOOST_TEST(contains(clear, "Proceeding...\n\nPlease use 'service restart lsta'"));
    BOOST_TEST(contains(f.run("sysconf snmp trap enable"), "SNMP trap agent is enabled\nStarting lsta:"));
    BOOST_TEST(contains(f.run("sysconf snmp trap disable"), "SNMP trap agent is disabled\nShutting down lsta:"));
    f.run("sysconf snmp trap test -logfacility daemon -loglevel crit -process smartd -message \"Reading 0 .lt Threshold 2000\" -pid");
    BOOST_TEST(f.snmp->calls.back() == "test daemon.crit smartd[pid]: Reading 0 .lt Threshold 2000");
}
