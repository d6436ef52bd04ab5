// sysconfd's SNMP logic without a bus or systemd: the reference's name/password/protocol
// rules, master keys (RFC 3414's test vector), snmpd.conf rendered and read back, snmpd's
// persistent store edited, the manager's discipline (snmpd stopped before its store is
// read, a refused candidate changes nothing, a failed activation restores both files), and
// when snmpd is installed, snmpd itself accepting and refusing candidates.
#define BOOST_TEST_MODULE snmp_config
#include <boost/test/unit_test.hpp>

#include "temp_dir.h"

#include "luna/errors.h"
#include "services/service_control.h"
#include "sysconf/atomic_file.h"
#include "sysconf/lsta_config.h"
#include "sysconf/snmp_config.h"
#include "sysconf/snmp_manager.h"
#include "sysconf/snmp_usm_store.h"

#include <unistd.h>

using namespace luna;
using namespace luna::sysconf;
using luna::test::TempDir;
namespace fs = std::filesystem;

namespace {

template <class Fn>
std::uint32_t refusal(Fn&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.code();
    }
    return 0;
}

struct FakeServices final : services::ServiceControl {
    bool running = false, enabled = false, failStart = false;
    std::vector<std::string> calls;
    std::function<void()> onStop;
    services::UnitStatus status(const std::string&) override {
        services::UnitStatus s;
        s.loadState = "loaded";
        s.activeState = running ? "active" : "inactive";
        s.unitFileState = enabled ? "enabled" : "disabled";
        return s;
    }
    void start(const std::string& u) override {
        calls.push_back("start " + u);
        if (failStart) throw Error(rc::SERVICE_FAILED, "no");
        running = true;
    }
    void stop(const std::string& u) override {
        calls.push_back("stop " + u);
        if (running && onStop) onStop();
        running = false;
    }
    void restart(const std::string& u) override {
        calls.push_back("restart " + u);
        if (running && onStop) onStop();
        running = !failStart;
        if (failStart) throw Error(rc::SERVICE_FAILED, "no");
    }
    void tryRestart(const std::string& u) override {
        if (running) restart(u);
    }
    void enable(const std::string& u) override {
        calls.push_back("enable " + u);
        enabled = true;
    }
    void disable(const std::string& u) override {
        calls.push_back("disable " + u);
        enabled = false;
    }
    void reboot() override {}
    void powerOff() override {}
};

struct FakeCheck final : SnmpdCheck {
    std::string refuse;   // refuse when the store or file holds this
    int checks = 0;
    void check(const SnmpSettings& s, const std::string& store) override {
        ++checks;
        if (!refuse.empty() && (store.find(refuse) != std::string::npos || s.render({}).find(refuse) != std::string::npos))
            throw Error(rc::CONFIG_VALUE_INVALID, "snmpd refuses the configuration: " + refuse);
    }
};

struct Tree {
    TempDir dir;
    SnmpPaths paths;
    FakeServices services;
    FakeCheck check;
    std::vector<std::string> logged;
    SnmpManager manager;
    Tree()
        : paths{dir.path() / "etc/snmp/snmpd.conf", dir.path() / "var/snmp/snmpd.conf", dir.path() / "etc/luna/lsta.conf",
                dir.path() / "scratch"},
          manager(paths, {}, services, check,
                  [this](const std::string& f, const std::string& l, const std::string& t, bool pid, const std::string& m) {
                      logged.push_back(f + "." + l + " " + t + (pid ? "[pid]" : "") + ": " + m);
                  }) {}
    std::string conf() { return readFile(paths.snmpdConf).value_or(""); }
    std::string store() { return readFile(paths.usmStore).value_or(""); }
};

const std::string kGood = "authPa$$w0rd", kGood2 = "privPa$$w0rd";

} // namespace

BOOST_AUTO_TEST_CASE(reference_rules) {
    BOOST_CHECK_NO_THROW(checkSnmpSecName("admin"));
    BOOST_CHECK_NO_THROW(checkSnmpSecName(std::string(31, 'a')));
    BOOST_CHECK_EQUAL(refusal([] { checkSnmpSecName(std::string(32, 'a')); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(refusal([] { checkSnmpSecName(""); }), rc::CONFIG_VALUE_INVALID);
    for (auto bad : {"a b", "a\"b", "a\\b", "-e", "a#b", "a\nb"})
        BOOST_CHECK_MESSAGE(refusal([&] { checkSnmpSecName(bad); }) == rc::CONFIG_VALUE_INVALID, bad);
    BOOST_CHECK_NO_THROW(checkSnmpPassword("x", "12345678"));
    BOOST_CHECK_NO_THROW(checkSnmpPassword("x", std::string(128, 'p')));
    BOOST_CHECK_EQUAL(refusal([] { checkSnmpPassword("x", "1234567"); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(refusal([] { checkSnmpPassword("x", std::string(129, 'p')); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(checkAuthProtocol("sha"), "SHA");
    BOOST_CHECK_EQUAL(checkAuthProtocol(""), "SHA");
    BOOST_CHECK_EQUAL(refusal([] { checkAuthProtocol("MD5"); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(checkPrivProtocol("Aes"), "AES");
    BOOST_CHECK_EQUAL(refusal([] { checkPrivProtocol("DES"); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(checkEngineId("800007C70300E05290AB60"), "800007c70300e05290ab60");
    for (auto bad : {"0x0029403200", "00294032", "0029403200z0", "002940320"})
        BOOST_CHECK_MESSAGE(refusal([&] { checkEngineId(bad); }) == rc::CONFIG_VALUE_INVALID, bad);
}

BOOST_AUTO_TEST_CASE(master_key_rfc3414_vector) {
    // RFC 3414 A.3.2: "maplesyrup" with SHA.
    BOOST_CHECK_EQUAL(snmpShaMasterKey("maplesyrup"), "0x9fb5cc0381497b3793528939ff788d5d79145211");
}

BOOST_AUTO_TEST_CASE(settings_round_trip) {
    SnmpSettings s;
    s.addUser("admin");
    s.addUser("Jon");
    BOOST_CHECK_EQUAL(refusal([&] { s.addUser("admin"); }), rc::CONFIG_ENTRY_EXISTS);
    NotificationTarget t{"10.124.0.87", 162, "admin", "0029403200", false, snmpShaMasterKey(kGood), snmpShaMasterKey(kGood2)};
    s.addTarget(t);
    t.address = "192.20.11.64";
    t.inform = true;
    t.engineId = "";
    s.addTarget(t);
    BOOST_CHECK_EQUAL(refusal([&] { s.addTarget(t); }), rc::CONFIG_ENTRY_EXISTS);
    t.address = "10.0.0.300";
    BOOST_CHECK_EQUAL(refusal([&] { s.addTarget(t); }), rc::CONFIG_VALUE_INVALID);
    t.address = "myhost";
    BOOST_CHECK_EQUAL(refusal([&] { s.addTarget(t); }), rc::CONFIG_VALUE_INVALID);

    const auto text = s.render({});
    BOOST_CHECK(text.find("master agentx") != std::string::npos);
    BOOST_CHECK(text.find("rwuser admin priv") != std::string::npos);
    BOOST_CHECK(text.find(kGood) == std::string::npos);   // keys only
    BOOST_CHECK(text.find("community") == std::string::npos);
    auto back = SnmpSettings::parse(text);
    BOOST_CHECK(back.users() == s.users());
    BOOST_REQUIRE_EQUAL(back.targets().size(), 2u);
    BOOST_CHECK_EQUAL(back.targets()[0].engineId, "0029403200");
    BOOST_CHECK_EQUAL(back.targets()[1].inform, true);
    BOOST_CHECK_EQUAL(back.targets()[1].authKey, snmpShaMasterKey(kGood));
    BOOST_CHECK_EQUAL(back.render({}), text);

    BOOST_CHECK_EQUAL(refusal([&] { back.deleteTargets("10.124.0.87", 1162); }), rc::CONFIG_ENTRY_NOT_FOUND);
    BOOST_CHECK_EQUAL(back.deleteTargets("10.124.0.87", 162), 1u);
    BOOST_CHECK_EQUAL(refusal([&] { back.deleteUser("nobody"); }), rc::CONFIG_ENTRY_NOT_FOUND);
}

BOOST_AUTO_TEST_CASE(usm_store_editing) {
    const std::string store =
        "usmUser 1 3 0x80001f88801 \"admin\" \"admin\" NULL .1.3.6.1.6.3.10.1.1.3 0xab .1.3.6.1.6.3.10.1.2.4 0xcd \"\"\n"
        "usmUser 1 3 0x80001f88801 0x4a6f6e \"Jon\" NULL .1.3.6.1.6.3.10.1.1.3 0xab .1.3.6.1.6.3.10.1.2.4 0xcd \"\"\n"
        "createUser pete SHA -m 0x01 AES -m 0x02\n"
        "engineBoots 7\noldEngineID 0x80001f88801\n";
    BOOST_CHECK((usmStoreUsers(store) == std::vector<std::string>{"admin", "Jon", "pete"}));
    auto without = usmStoreWithout(store, "Jon");
    BOOST_CHECK((usmStoreUsers(without) == std::vector<std::string>{"admin", "pete"}));
    BOOST_CHECK(without.find("engineBoots 7") != std::string::npos);
    auto none = usmStoreWithoutUsers(store);
    BOOST_CHECK(usmStoreUsers(none).empty());
    BOOST_CHECK(none.find("oldEngineID 0x80001f88801") != std::string::npos);
    auto with = usmStoreWith(none, "new", "0xaa", "0xbb");
    BOOST_CHECK(with.ends_with("\ncreateUser new SHA -m 0xaa AES -m 0xbb\n"));
}

BOOST_AUTO_TEST_CASE(manager_user_changes_stop_snmpd_first) {
    Tree t;
    t.services.running = true;
    // What snmpd does when it stops: the createUser lines become usmUser lines.
    t.services.onStop = [&] {
        if (!fs::exists(t.paths.usmStore)) return;
        auto s = t.store();
        std::string out;
        std::istringstream in(s);
        for (std::string l; std::getline(in, l);) {
            if (l.starts_with("createUser ")) {
                std::istringstream w(l);
                std::string tok, name;
                w >> tok >> name;
                out += "usmUser 1 3 0x80 \"" + name + "\" \"" + name + "\" NULL .1 0x1 .2 0x2 \"\"\n";
            } else out += l + "\n";
        }
        writeFileAtomic(t.paths.usmStore, out);
    };
    t.manager.addUser("admin", kGood, "SHA", kGood2, "AES");
    BOOST_CHECK((t.services.calls == std::vector<std::string>{"stop snmpd.service", "restart snmpd.service"}));
    BOOST_CHECK((t.manager.users() == std::vector<std::string>{"admin"}));
    BOOST_CHECK(t.store().find("createUser admin SHA -m " + snmpShaMasterKey(kGood)) != std::string::npos);
    BOOST_CHECK(t.store().find(kGood) == std::string::npos);
    t.manager.addUser("Jon", kGood, "sha", kGood2, "aes");
    // admin's createUser was turned into usmUser by the stop; Jon's is new.
    BOOST_CHECK((usmStoreUsers(t.store()) == std::vector<std::string>{"admin", "Jon"}));
    t.manager.deleteUser("admin");
    BOOST_CHECK((usmStoreUsers(t.store()) == std::vector<std::string>{"Jon"}));
    BOOST_CHECK(t.conf().find("rwuser admin") == std::string::npos);
    BOOST_CHECK(t.services.running);
    t.manager.clearUsers();
    BOOST_CHECK(usmStoreUsers(t.store()).empty());
    BOOST_CHECK(t.manager.users().empty());
}

BOOST_AUTO_TEST_CASE(manager_refusals_change_nothing) {
    Tree t;
    t.manager.addUser("admin", kGood, "SHA", kGood2, "AES");
    const auto conf = t.conf(), store = t.store();
    const int checks = t.check.checks;
    BOOST_CHECK_EQUAL(refusal([&] { t.manager.addUser("admin", kGood, "SHA", kGood2, "AES"); }), rc::CONFIG_ENTRY_EXISTS);
    BOOST_CHECK_EQUAL(refusal([&] { t.manager.addUser(std::string(32, 'x'), kGood, "SHA", kGood2, "AES"); }),
                      rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(refusal([&] { t.manager.addUser("bob", "short", "SHA", kGood2, "AES"); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(refusal([&] { t.manager.addUser("bob", kGood, "MD5", kGood2, "AES"); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(refusal([&] { t.manager.deleteUser("bob"); }), rc::CONFIG_ENTRY_NOT_FOUND);
    BOOST_CHECK_EQUAL(refusal([&] { t.manager.deleteTargets("10.0.0.1", 162); }), rc::CONFIG_ENTRY_NOT_FOUND);
    BOOST_CHECK_EQUAL(refusal([&] { t.manager.addTarget("10.0.0.1.", 162, "admin", "", false, kGood, "SHA", kGood2, "AES"); }),
                      rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(checks, t.check.checks);   // refused before snmpd was asked
    // snmpd's own refusal: nothing written.
    t.check.refuse = "rwuser bob";
    BOOST_CHECK_EQUAL(refusal([&] { t.manager.addUser("bob", kGood, "SHA", kGood2, "AES"); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(t.conf(), conf);
    BOOST_CHECK_EQUAL(t.store(), store);
    BOOST_CHECK(t.services.calls.empty());   // snmpd was not running: never started
}

BOOST_AUTO_TEST_CASE(manager_failed_activation_restores) {
    Tree t;
    t.services.running = true;
    t.manager.addTarget("10.124.0.87", 162, "admin", "0029403200", false, kGood, "SHA", kGood2, "AES");
    t.manager.addUser("admin", kGood, "SHA", kGood2, "AES");
    const auto conf = t.conf(), store = t.store();
    t.services.failStart = true;
    BOOST_CHECK_EQUAL(refusal([&] { t.manager.addUser("Jon", kGood, "SHA", kGood2, "AES"); }), rc::CONFIG_ACTIVATION_FAILED);
    BOOST_CHECK_EQUAL(t.conf(), conf);
    BOOST_CHECK_EQUAL(t.store(), store);
    t.services.running = true;
    BOOST_CHECK_EQUAL(refusal([&] { t.manager.clearTargets(); }), rc::CONFIG_ACTIVATION_FAILED);
    BOOST_CHECK_EQUAL(t.conf(), conf);
    t.services.failStart = false;
    t.services.running = true;
    BOOST_CHECK_EQUAL(t.manager.deleteTargets("10.124.0.87", 162), 1u);
    BOOST_CHECK(t.manager.targets().empty());
}

BOOST_AUTO_TEST_CASE(trap_host_and_test_records) {
    Tree t;
    BOOST_CHECK(!t.manager.trapHost());
    BOOST_CHECK_EQUAL(refusal([&] { t.manager.enableTrap(); }), rc::CONFIG_ENTRY_NOT_FOUND);
    auto h = makeTrapHost("mysnmphost", "admin", "800007c70300e05290ab60", "SHA", "p4$$w0rdX", "AES", "pr1vat3Pwd");
    t.manager.setTrapHost(h);
    auto back = t.manager.trapHost();
    BOOST_REQUIRE(back);
    BOOST_CHECK_EQUAL(back->host, "mysnmphost");
    BOOST_CHECK_EQUAL(back->port, 162);
    BOOST_CHECK_EQUAL(back->engineId, "800007c70300e05290ab60");
    BOOST_CHECK_EQUAL(back->authKey, snmpShaMasterKey("p4$$w0rdX"));
    BOOST_CHECK(readFile(t.paths.lstaConf)->find("p4$$w0rdX") == std::string::npos);
    BOOST_CHECK_EQUAL(makeTrapHost("10.1.2.3:1162", "a", "", "", "12345678", "", "87654321").port, 1162);
    BOOST_CHECK_EQUAL(refusal([] { makeTrapHost("bad_host!", "a", "", "", "12345678", "", "87654321"); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(refusal([] { makeTrapHost("h:0", "a", "", "", "12345678", "", "87654321"); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(refusal([] { makeTrapHost("h", "", "", "", "12345678", "", "87654321"); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(refusal([] { makeTrapHost("h", "a", "", "", "1234567", "", "87654321"); }), rc::CONFIG_VALUE_INVALID);
    t.manager.enableTrap();
    BOOST_CHECK((t.services.calls == std::vector<std::string>{"enable luna-lsta.service", "restart luna-lsta.service"}));
    t.manager.clearTrapHost();
    BOOST_CHECK(!t.manager.trapHost());

    t.manager.trapTest("daemon", "crit", "smartd", "Device: /dev/sda, Temperature 45 .gt 44", true);
    BOOST_REQUIRE_EQUAL(t.logged.size(), 1u);
    BOOST_CHECK_EQUAL(t.logged[0], "daemon.crit smartd[pid]: ***TEST : Device: /dev/sda, Temperature 45 > 44");
    t.manager.trapTest("local5", "warn", "NTLS", "x", false);
    BOOST_CHECK_EQUAL(t.logged[1], "local5.warning NTLS: ***TEST : x");
    BOOST_CHECK_EQUAL(refusal([&] { t.manager.trapTest("local8", "crit", "x", "m", false); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(refusal([&] { t.manager.trapTest("daemon", "loud", "x", "m", false); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(refusal([&] { t.manager.trapTest("daemon", "crit", "a b", "m", false); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(refusal([&] { t.manager.trapTest("daemon", "crit", "x", "line\nbreak", false); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK_EQUAL(t.logged.size(), 2u);
}

// snmpd itself, when installed: a good candidate passes, an unknown token and a bad key are
// refused with snmpd's own words.
BOOST_AUTO_TEST_CASE(trial_snmpd) {
    if (::access("/usr/sbin/snmpd", X_OK) != 0) {
        BOOST_TEST_MESSAGE("snmpd is not installed: skipped");
        return;
    }
    TempDir dir;
    TrialSnmpd trial(dir.path() / "scratch", {});
    SnmpSettings s;
    s.addUser("admin");
    s.addTarget({"127.0.0.1", 16162, "admin", "8000000001020304", false, snmpShaMasterKey(kGood), snmpShaMasterKey(kGood2)});
    const auto good = usmStoreWith("", "admin", snmpShaMasterKey(kGood), snmpShaMasterKey(kGood2));
    BOOST_CHECK_NO_THROW(trial.check(s, good));
    try {
        trial.check(s, good + "createUser bad SHA -m 0x12 AES -m 0x34\n");
        BOOST_ERROR("a short master key was accepted");
    } catch (const Error& e) {
        BOOST_CHECK_EQUAL(e.code(), rc::CONFIG_VALUE_INVALID);
        BOOST_CHECK_MESSAGE(std::string(e.detail()).find("could not generate localized") != std::string::npos, e.detail());
    }
    BOOST_CHECK_EQUAL(refusal([&] { trial.check(s, good + "bogusToken 1\n"); }), rc::CONFIG_VALUE_INVALID);
    BOOST_CHECK(fs::is_empty(dir.path() / "scratch"));   // nothing left behind
}

// The two files change together: a store that cannot be written leaves snmpd.conf as it was.
BOOST_AUTO_TEST_CASE(manager_second_file_failing_restores_the_first) {
    Tree t;
    t.manager.addTarget("10.124.0.87", 162, "admin", "", false, kGood, "SHA", kGood2, "AES");
    const auto conf = t.conf();
    fs::remove_all(t.paths.usmStore.parent_path());
    fs::create_directories(t.paths.usmStore.parent_path().parent_path());
    writeFileAtomic(t.paths.usmStore.parent_path(), "not a directory");
    BOOST_CHECK_THROW(t.manager.addUser("admin", kGood, "SHA", kGood2, "AES"), std::exception);
    BOOST_CHECK_EQUAL(t.conf(), conf);
    BOOST_CHECK(t.manager.users().empty());
}
