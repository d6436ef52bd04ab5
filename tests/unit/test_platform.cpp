// The appliance platform's rules without a bus, a root or an /etc: host/port checks, the
// syslog drop-in and rotation settings (rendered, read back, and, when rsyslogd and
// logrotate are installed, accepted by them), NTP servers, time zones and wall clock times,
// the service catalogue, and configuration backups (restore, factory reset, refusals) on a
// temp tree with recorded program checks.
#define BOOST_TEST_MODULE platform
#include <boost/test/unit_test.hpp>

#include "temp_dir.h"

#include "luna/errors.h"
#include "services/catalog.h"
#include "services/service_control.h"
#include "sysconf/appliance_settings.h"
#include "sysconf/atomic_file.h"
#include "sysconf/clock.h"
#include "sysconf/config_backup.h"
#include "sysconf/config_files.h"
#include "sysconf/log_rotation.h"
#include "sysconf/net_rules.h"
#include "sysconf/ntp_config.h"
#include "sysconf/run_program.h"
#include "sysconf/syslog_config.h"
#include "sysconf/timezone.h"

#include <fcntl.h>
#include <unistd.h>

#include <set>

using namespace luna;
using namespace luna::sysconf;
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

bool installed(const char* tool) { return runProgram({"sh", "-c", std::string("command -v ") + tool}).status == 0; }

} // namespace

// ---- hosts and ports

BOOST_AUTO_TEST_CASE(hosts) {
    for (const char* ok : {"192.0.2.1", "::1", "fe80::1", "siem.example.com", "localhost", "a-b.c", "host.", "x1"})
        BOOST_TEST(refusal([&] { checkHost(ok); }) == 0u, ok);
    for (const char* bad : {"", "300.1.2.3", "1.2.3.4.5", "bad host", "bad_host", "-a.com", "a-.com", "a..b", "1.2.3",
                            "x\" then action()", "a/b", "ex ample", ":::1", "\n"})
        BOOST_TEST(refusal([&] { checkHost(bad); }) == rc::CONFIG_VALUE_INVALID, bad);
    BOOST_TEST(refusal([] { checkHost(std::string(254, 'a')); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([] { checkHost(std::string(64, 'a') + ".com"); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(checkPort(1) == 1);
    BOOST_TEST(checkPort(65535) == 65535);
    BOOST_TEST(refusal([] { checkPort(0); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([] { checkPort(65536); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([] { checkPort(-1); }) == rc::CONFIG_VALUE_INVALID);
}

// ---- syslog

BOOST_AUTO_TEST_CASE(syslog_settings_round_trip) {
    SyslogSettings s;
    BOOST_TEST(s.localLevels().at("lunalogs") == 6);
    BOOST_TEST(s.localLevels().at("cron") == 5);
    s.addHost("192.0.2.10", 514, Transport::Udp);
    s.addHost("siem.example.com", 6514, Transport::Tcp);
    s.addHost("::1", 20514, Transport::Relp);
    s.setLevel("lunalogs", parseSeverity("critical"));
    s.setLevel("secure", parseSeverity("warn"), "SIEM.example.com");
    const auto text = s.render("/var/log");
    auto back = SyslogSettings::parse(text);
    BOOST_TEST(back.render("/var/log") == text);
    BOOST_TEST(back.hosts().size() == 3u);
    BOOST_TEST((back.hosts()[2].transport == Transport::Relp));
    BOOST_TEST(back.hosts()[1].levels.at("secure") == 4);
    BOOST_TEST(back.localLevels().at("lunalogs") == 2);
    BOOST_TEST(text.find("module(load=\"omrelp\")") != std::string::npos);
    BOOST_TEST(text.find("type=\"omrelp\" name=\"luna-remote-3\" target=\"::1\" port=\"20514\"") != std::string::npos);
    BOOST_TEST(text.find("type=\"omfwd\" name=\"luna-remote-1\" target=\"192.0.2.10\" port=\"514\" protocol=\"udp\"") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(syslog_refusals_change_nothing) {
    SyslogSettings s;
    s.addHost("192.0.2.10", 514, Transport::Udp);
    const auto before = s.render("/var/log");
    BOOST_TEST(refusal([&] { s.addHost("192.0.2.10", 514, Transport::Tcp); }) == rc::CONFIG_ENTRY_EXISTS);
    BOOST_TEST(refusal([&] { s.addHost("bad host", 514, Transport::Tcp); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([&] { s.addHost("192.0.2.11", 0, Transport::Tcp); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([&] { s.addHost("192.0.2.11", 65536, Transport::Tcp); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([&] { s.deleteHost("192.0.2.99"); }) == rc::CONFIG_ENTRY_NOT_FOUND);
    BOOST_TEST(refusal([&] { s.setLevel("messages", 3); }) == rc::CONFIG_VALUE_INVALID);   // '*' locally
    BOOST_TEST(refusal([&] { s.setLevel("hsm", 3); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([&] { s.setLevel("cron", 3, "192.0.2.99"); }) == rc::CONFIG_ENTRY_NOT_FOUND);
    BOOST_TEST(refusal([] { parseSeverity("loud"); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([] { parseTransport("sctp"); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(s.render("/var/log") == before);
    for (auto [name, level] : std::initializer_list<std::pair<const char*, int>>{
             {"emergency", 0}, {"emerg", 0}, {"alert", 1}, {"crit", 2}, {"critical", 2}, {"err", 3}, {"error", 3},
             {"warning", 4}, {"warn", 4}, {"notice", 5}, {"INFO", 6}, {"debug", 7}})
        BOOST_TEST(parseSeverity(name) == level, name);
}

BOOST_AUTO_TEST_CASE(syslog_foreign_file_is_not_guessed) {
    BOOST_TEST(refusal([] { SyslogSettings::parse("*.* @@192.0.2.1:514\n"); }) == rc::GENERAL_ERROR);
    BOOST_TEST(refusal([] { SyslogSettings::parse("# luna-syslog 1\n# luna-remote bad_host 514 udp\n"); }) == rc::GENERAL_ERROR);
    BOOST_TEST(SyslogSettings::parse("").hosts().empty());
}

BOOST_AUTO_TEST_CASE(rsyslogd_accepts_the_drop_in) {
    if (!installed("rsyslogd")) return;   // deps/debian-packages.txt installs it; the integration tests need it anyway
    test::TempDir t;
    SyslogSettings s;
    s.addHost("192.0.2.10", 514, Transport::Udp);
    s.addHost("siem.example.com", 6514, Transport::Tcp);
    s.addHost("::1", 20514, Transport::Relp);
    s.setLevel("cron", 7, "::1");
    fs::create_directories(t.path() / "work");
    writeFileAtomic(t.path() / "dropin.conf", s.render(t.path() / "log"));
    writeFileAtomic(t.path() / "main.conf", "global(workDirectory=\"" + (t.path() / "work").string() + "\")\n" +
                                                "include(file=\"" + (t.path() / "dropin.conf").string() + "\")\n");
    auto r = runProgram({"rsyslogd", "-N1", "-f", (t.path() / "main.conf").string()});
    BOOST_TEST(r.status == 0, r.output);
}

BOOST_AUTO_TEST_CASE(rotation) {
    RotationSettings r;
    BOOST_TEST(r.rotations == 4);
    r.rotations = RotationSettings::checkRotations(5);
    r.period = parsePeriod("daily");
    const auto text = r.render({"/var/log/lunalogs", "/var/log/messages"}, "/usr/lib/rsyslog/rsyslog-rotate");
    BOOST_TEST(text.find("    daily\n    rotate 4\n") != std::string::npos);
    auto back = RotationSettings::parse(text);
    BOOST_TEST(back.rotations == 5);
    BOOST_TEST((back.period == RotationPeriod::Daily));
    BOOST_TEST(refusal([] { RotationSettings::checkRotations(0); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([] { RotationSettings::checkRotations(101); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([] { parsePeriod("yearly"); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([] { RotationSettings::parse("/var/log/x { weekly }\n"); }) == rc::GENERAL_ERROR);
    if (!installed("logrotate")) return;
    test::TempDir t;
    fs::create_directories(t.path() / "log");
    fs::permissions(t.path() / "log", fs::perms(0755));
    writeFileAtomic(t.path() / "luna", r.render({t.path() / "log/lunalogs"}, ""), FileOwner{::geteuid(), ::getegid(), 0644});
    auto run = runProgram({"logrotate", "--debug", "--state", "/dev/null", (t.path() / "luna").string()});
    BOOST_TEST(run.status == 0, run.output);
}

// ---- ntp

BOOST_AUTO_TEST_CASE(ntp_servers) {
    NtpSettings s;
    s.addServer({"time.nrc.ca", false, true, true, 0, 0});
    s.addServer({"192.0.2.5", true, false, false, 7, 4});
    BOOST_TEST(s.servers()[0].line() == "server time.nrc.ca iburst prefer");
    BOOST_TEST(s.servers()[1].line() == "server 192.0.2.5 burst key 7 version 4");
    const auto text = s.render("/var/lib/ntpsec/ntp.drift");
    BOOST_TEST(text.find("server 127.127.1.0\nfudge 127.127.1.0 stratum 10\n") != std::string::npos);
    auto back = NtpSettings::parse(text);
    BOOST_TEST(back.servers().size() == 2u);
    BOOST_TEST(back.render("/var/lib/ntpsec/ntp.drift") == text);
    BOOST_TEST(refusal([&] { s.addServer({"TIME.nrc.ca"}); }) == rc::CONFIG_ENTRY_EXISTS);
    BOOST_TEST(refusal([&] { s.addServer({"bad host"}); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([&] { s.addServer({"127.127.1.0"}); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([&] { s.addServer({"192.0.2.6", false, false, false, 70000, 0}); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([&] { s.addServer({"192.0.2.6", false, false, false, 0, 2}); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([&] { s.deleteServer("192.0.2.99"); }) == rc::CONFIG_ENTRY_NOT_FOUND);
    s.deleteServer("time.NRC.ca");
    BOOST_TEST(s.servers().size() == 1u);
    // Lines render() never writes are dropped, not passed on.
    BOOST_TEST(NtpSettings::parse("server evil;rm\nserver 192.0.2.1 iburst\npool x\n").servers().size() == 1u);
}

// ---- time

BOOST_AUTO_TEST_CASE(time_zones_and_wall_clock) {
    if (!fs::exists("/usr/share/zoneinfo/America/New_York")) return;   // tzdata
    test::TempDir t;
    TimeZones z(t.path(), "/usr/share/zoneinfo");
    BOOST_TEST(z.current() == "UTC");
    z.set("America/New_York");
    BOOST_TEST(z.current() == "America/New_York");
    BOOST_TEST(fs::read_symlink(t.path() / "localtime") == "/usr/share/zoneinfo/America/New_York");
    BOOST_TEST(readFile(t.path() / "timezone").value() == "America/New_York\n");
    for (const char* bad : {"", "Nowhere/City", "../../etc/passwd", "America/../UTC", "/UTC", "America/New York", "zone.tab"})
        BOOST_TEST(refusal([&] { z.set(bad); }) == rc::CONFIG_VALUE_INVALID, bad);
    BOOST_TEST(z.current() == "America/New_York");
    // 2017-03-01 13:58 EST is 18:58 UTC; July is EDT.
    BOOST_TEST(z.parseWallClock("13:58", "20170301", 0) == 1488394680);
    BOOST_TEST(z.format(1488394680, "%a %b %e %H:%M:%S %Z %Y") == "Wed Mar  1 13:58:00 EST 2017");
    BOOST_TEST(z.abbreviation(1499000000) == "EDT");
    for (auto [hhmm, date] : std::initializer_list<std::pair<const char*, const char*>>{
             {"24:00", ""}, {"1:30", ""}, {"12:60", ""}, {"12-30", ""}, {"12:30", "20170230"}, {"12:30", "2017031"},
             {"12:30", "19690101"}, {"12:30", "2017013x"}})
        BOOST_TEST(refusal([&] { z.parseWallClock(hhmm, date, 0); }) == rc::CONFIG_VALUE_INVALID, hhmm << " " << date);
    auto zones = z.list("kentucky");
    BOOST_TEST((std::find(zones.begin(), zones.end(), "America/Kentucky/Louisville") != zones.end()));
}

BOOST_AUTO_TEST_CASE(offset_clock) {
    test::TempDir t;
    OffsetClock c(t.path() / "offset");
    const auto now = static_cast<std::int64_t>(::time(nullptr));
    BOOST_TEST(std::llabs(c.now() - now) <= 1);
    c.set(now + 86400);
    BOOST_TEST(std::llabs(c.now() - (now + 86400)) <= 1);
    BOOST_TEST(std::llabs(static_cast<std::int64_t>(::time(nullptr)) - now) <= 2);   // the system clock did not move
}

// ---- appliance settings

BOOST_AUTO_TEST_CASE(banner_and_so_login) {
    test::TempDir t;
    BOOST_TEST(refusal([] { checkBanner(""); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([] { checkBanner(std::string(8193, 'a')); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([] { checkBanner("caf\xc3\xa9"); }) == rc::CONFIG_VALUE_INVALID);
    BOOST_TEST(refusal([] { checkBanner(std::string("a\0b", 3)); }) == rc::CONFIG_VALUE_INVALID);
    setBanner(t.path() / "luna/banner", "Monitored.\n\td=(^_-)");
    BOOST_TEST(readFile(t.path() / "luna/banner").value() == "Monitored.\n\td=(^_-)\n");
    clearBanner(t.path() / "luna/banner");
    BOOST_TEST(!fs::exists(t.path() / "luna/banner"));
    BOOST_TEST(!forceSoLogin(t.path() / "so"));
    setForceSoLogin(t.path() / "so", true);
    BOOST_TEST(forceSoLogin(t.path() / "so"));
    setForceSoLogin(t.path() / "so", false);
    BOOST_TEST(!forceSoLogin(t.path() / "so"));
}

BOOST_AUTO_TEST_CASE(service_catalogue) {
    std::set<std::string_view> names;
    for (const auto& s : services::kServices) {
        BOOST_TEST(names.insert(s.name).second);
        BOOST_TEST(s.unit.ends_with(".service"));
    }
    BOOST_TEST(names.size() == 11u);
    BOOST_TEST(services::findService("syslog")->unit == "rsyslog.service");
    BOOST_TEST(services::findService("ntls")->unit == "ntlsd.service");
    BOOST_TEST(!services::findService("sshd"));
    BOOST_TEST(!services::findService("SYSLOG"));
    // What this software appliance has no daemon for is marked, not pretended.
    std::set<std::string_view> notBuilt;
    for (const auto& s : services::kServices)
        if (!s.built) notBuilt.insert(s.name);
    BOOST_TEST((notBuilt == std::set<std::string_view>{"stc", "sysstat", "webserver"}));
}

namespace {

// Units that exist: everything else is "not-found", as systemd's LoadUnit says.
class FakeUnits final : public services::ServiceControl {
public:
    explicit FakeUnits(std::set<std::string> units) : units_(std::move(units)) {}
    services::UnitStatus status(const std::string& unit) override {
        asked.push_back(unit);
        return {units_.count(unit) ? "loaded" : "not-found", "inactive", "dead", "", 0};
    }
    void start(const std::string&) override {}
    void stop(const std::string&) override {}
    void restart(const std::string&) override {}
    void tryRestart(const std::string&) override {}
    void enable(const std::string&) override {}
    void disable(const std::string&) override {}
    void reboot() override {}
    void powerOff() override {}
    std::vector<std::string> asked;

private:
    std::set<std::string> units_;
};

} // namespace

BOOST_AUTO_TEST_CASE(service_units_resolve) {
    const auto& network = *services::findService("network");
    FakeUnits debian({"networking.service", "systemd-networkd.service"});
    BOOST_TEST(services::resolveUnit(network, debian) == "networking.service");
    FakeUnits image({"systemd-networkd.service"});   // packaging/image: networkd only
    BOOST_TEST(services::resolveUnit(network, image) == "systemd-networkd.service");
    FakeUnits none({});
    BOOST_TEST(services::resolveUnit(network, none) == "networking.service");
    BOOST_TEST(services::resolveUnit(*services::findService("ntls"), none) == "ntlsd.service");
    // A service that is not built is never looked up.
    FakeUnits any({"stcd.service"});
    BOOST_TEST(services::resolveUnit(*services::findService("stc"), any) == "stcd.service");
    BOOST_TEST(any.asked.empty());
}

// ---- configuration backups

namespace {

void put(const fs::path& p, std::string_view content) {
    fs::create_directories(p.parent_path());
    writeFileAtomic(p, content);
}

// Records what was checked; refuses candidates whose content holds "REFUSE".
class RecordingChecks final : public ConfigChecks {
public:
    void check(Check what, const fs::path& candidate) override {
        checked.insert(what);
        if (readFile(candidate).value_or("").find("REFUSE") != std::string::npos) throw std::runtime_error("refused it");
    }
    std::set<Check> checked;
};

PlatformPaths testPaths(const fs::path& dir) {
    auto p = PlatformPaths::fromRoots(dir / "etc", dir / "state");
    p.logDir = dir / "log";
    p.ntlsConf = dir / "ntls/ntls.conf";
    p.factoryDir = dir / "factory";
    return p;
}

struct Appliance {
    test::TempDir dir;
    PlatformPaths paths = testPaths(dir.path());
    RecordingChecks checks;
    std::vector<std::string> restarted;
    int stamp = 0;
    ConfigBackups backups{paths, checks, hooks()};

    Appliance() {
        put(paths.applianceIdFile, "0123456789abcdef\n");
        put(paths.hostnameFile, "luna7\n");
        put(paths.factoryDir / "ssh/sshd_config", "# factory sshd\n");
    }
    ConfigBackups::Hooks hooks() {
        ConfigBackups::Hooks h;
        h.formatNow = [this](const char*) { return "20170301_" + std::to_string(1200 + stamp++); };
        h.systemInfo = [] { return std::vector<std::pair<std::string, std::string>>{{"hostname", "luna7"}}; };
        h.afterFactoryReset = [this](const std::vector<std::string>& s) { restarted = s; };
        return h;
    }
    std::string read(const fs::path& p) const { return readFile(p).value_or("<absent>"); }
};

} // namespace

BOOST_AUTO_TEST_CASE(backup_restore_round_trip) {
    if (!installed("tar")) return;
    Appliance a;
    put(a.paths.rsyslogDropIn, "# luna-syslog 1\n# v1\n");
    put(a.paths.sshdConfig, "Port 22\n");
    put(a.paths.keysDir / "admin", "restrict,pty ssh-ed25519 AAAA admin-key\n");
    setBanner(a.paths.bannerFile, "v1 banner");
    TimeZones(a.paths.etcDir, "/usr/share/zoneinfo").set("UTC");
    const auto name = a.backups.create("Configuration Backup 17-03-01");
    BOOST_TEST(name == "luna7_Config_20170301_1200.tar.gz");
    auto listed = a.backups.list();
    BOOST_REQUIRE(listed.size() == 1u);
    BOOST_TEST(listed[0].description == "Configuration Backup 17-03-01");
    BOOST_TEST(a.backups.show(name).info.at(0).second == "luna7");

    // Changes after the backup.
    put(a.paths.rsyslogDropIn, "# luna-syslog 1\n# v2\n");
    put(a.paths.sshdConfig, "Port 2222\n");
    put(a.paths.keysDir / "eve", "restrict,pty ssh-ed25519 BBBB eve-key\n");
    removeFileDurably(a.paths.keysDir / "admin");
    clearBanner(a.paths.bannerFile);
    put(a.paths.ntpConf, "server 192.0.2.1\n");   // absent in the backup

    const auto automatic = a.backups.restore(name, "all");
    BOOST_TEST(automatic == "luna7_Config_20170301_1201.tar.gz");
    BOOST_TEST(a.read(a.paths.rsyslogDropIn) == "# luna-syslog 1\n# v1\n");
    BOOST_TEST(a.read(a.paths.sshdConfig) == "Port 22\n");
    BOOST_TEST(a.read(a.paths.keysDir / "admin") == "restrict,pty ssh-ed25519 AAAA admin-key\n");
    BOOST_TEST(!fs::exists(a.paths.keysDir / "eve"));
    BOOST_TEST(a.read(a.paths.bannerFile) == "v1 banner\n");
    BOOST_TEST(!fs::exists(a.paths.ntpConf));
    BOOST_TEST(a.checks.checked.count(Check::Rsyslog) == 1u);
    BOOST_TEST(a.checks.checked.count(Check::Sshd) == 1u);
    BOOST_TEST(a.backups.show(automatic).description == "Automatic Backup Before Restoring: all");

    // One service only.
    put(a.paths.sshdConfig, "Port 2222\n");
    put(a.paths.rsyslogDropIn, "# luna-syslog 1\n# v3\n");
    a.backups.restore(name, "ssh");
    BOOST_TEST(a.read(a.paths.sshdConfig) == "Port 22\n");
    BOOST_TEST(a.read(a.paths.rsyslogDropIn) == "# luna-syslog 1\n# v3\n");

    a.backups.remove(name);
    BOOST_TEST(refusal([&] { a.backups.show(name); }) == rc::BACKUP_NOT_FOUND);
    a.backups.clear();
    BOOST_TEST(a.backups.list().empty());
}

BOOST_AUTO_TEST_CASE(restore_refusals_change_nothing) {
    if (!installed("tar")) return;
    Appliance a;
    put(a.paths.sshdConfig, "Port 22 REFUSE\n");
    put(a.paths.rsyslogDropIn, "# luna-syslog 1\n");
    const auto refused = a.backups.create("has a bad sshd_config");
    put(a.paths.sshdConfig, "Port 2222\n");
    put(a.paths.rsyslogDropIn, "# luna-syslog 1\n# now\n");
    BOOST_TEST(refusal([&] { a.backups.restore(refused, "all"); }) == rc::BACKUP_INVALID);
    BOOST_TEST(a.read(a.paths.sshdConfig) == "Port 2222\n");
    BOOST_TEST(a.read(a.paths.rsyslogDropIn) == "# luna-syslog 1\n# now\n");
    BOOST_TEST(a.backups.list().size() == 1u);   // no automatic backup either

    // Names, unknown files, services.
    for (const char* bad : {"../etc/passwd.tar.gz", "x.tgz", ".hidden.tar.gz", "a b.tar.gz", ""})
        BOOST_TEST(refusal([&] { a.backups.restore(bad, "all"); }) == rc::CONFIG_VALUE_INVALID, bad);
    BOOST_TEST(refusal([&] { a.backups.restore("none.tar.gz", "all"); }) == rc::BACKUP_NOT_FOUND);
    BOOST_TEST(refusal([&] { a.backups.restore(refused, "printer"); }) == rc::CONFIG_VALUE_INVALID);

    // Not a backup at all; a corrupt one.
    put(a.paths.backupDir() / "junk.tar.gz", "this is not gzip");
    BOOST_TEST(refusal([&] { a.backups.restore("junk.tar.gz", "all"); }) == rc::BACKUP_INVALID);
    auto bytes = a.read(a.paths.backupDir() / refused);
    put(a.paths.backupDir() / "cut.tar.gz", bytes.substr(0, bytes.size() / 2));
    BOOST_TEST(refusal([&] { a.backups.restore("cut.tar.gz", "all"); }) == rc::BACKUP_INVALID);

    // From another appliance.
    put(a.paths.sshdConfig, "Port 22\n");
    const auto good = a.backups.create("good");
    put(a.paths.applianceIdFile, "fedcba9876543210\n");
    put(a.paths.sshdConfig, "Port 2222\n");
    BOOST_TEST(refusal([&] { a.backups.restore(good, "all"); }) == rc::BACKUP_INVALID);
    BOOST_TEST(a.read(a.paths.sshdConfig) == "Port 2222\n");
}

BOOST_AUTO_TEST_CASE(a_manifest_cannot_name_other_paths) {
    if (!installed("tar")) return;
    Appliance a;
    put(a.paths.sshdConfig, "Port 22\n");
    const auto name = a.backups.create("x");
    // Rebuild the archive with a manifest that claims /etc/shadow as the ssh file.
    test::TempDir work;
    BOOST_REQUIRE(runProgram({"tar", "-xzf", (a.paths.backupDir() / name).string(), "-C", work.path().string()}).status == 0);
    auto manifest = readFile(work.path() / "manifest").value();
    const auto sshd = a.paths.sshdConfig.string();
    for (auto p = manifest.find(sshd); p != std::string::npos; p = manifest.find(sshd))
        manifest.replace(p, sshd.size(), (a.dir.path() / "etc/shadow").string());
    put(work.path() / "manifest", manifest);
    BOOST_REQUIRE(runProgram({"tar", "-czf", (a.paths.backupDir() / "evil.tar.gz").string(), "-C",
                              work.path().string(), "."}).status == 0);
    put(a.paths.sshdConfig, "Port 2222\n");
    a.backups.restore("evil.tar.gz", "all");   // nothing in it is one of ours: nothing to do
    BOOST_TEST(!fs::exists(a.dir.path() / "etc/shadow"));
    BOOST_TEST(a.read(a.paths.sshdConfig) == "Port 2222\n");
    // A checksum that does not match.
    manifest = readFile(work.path() / "manifest").value();
    auto restored = manifest;
    for (auto p = restored.find((a.dir.path() / "etc/shadow").string()); p != std::string::npos;
         p = restored.find((a.dir.path() / "etc/shadow").string()))
        restored.replace(p, (a.dir.path() / "etc/shadow").string().size(), sshd);
    put(work.path() / "files/1", "Port 6666\n");
    put(work.path() / "manifest", restored);
    BOOST_REQUIRE(runProgram({"tar", "-czf", (a.paths.backupDir() / "tampered.tar.gz").string(), "-C",
                              work.path().string(), "."}).status == 0);
    BOOST_TEST(refusal([&] { a.backups.restore("tampered.tar.gz", "all"); }) == rc::BACKUP_INVALID);
    BOOST_TEST(a.read(a.paths.sshdConfig) == "Port 2222\n");
}

BOOST_AUTO_TEST_CASE(factory_reset) {
    Appliance a;
    SyslogSettings s;
    s.addHost("192.0.2.1", 514, Transport::Udp);
    put(a.paths.rsyslogDropIn, s.render(a.paths.logDir));
    put(a.paths.sshdConfig, "Port 2222\n");
    put(a.paths.keysDir / "eve", "key\n");
    put(a.paths.ntlsConf, "timeout=5\n");
    setBanner(a.paths.bannerFile, "hello");
    put(a.paths.rolesFile, "daemon monitor\neve operator\n4242 admin\nadmin admin\n");
    NtpSettings n;
    n.addServer({"192.0.2.3"});
    put(a.paths.ntpConf, n.render(a.paths.ntpDriftFile));

    auto results = a.backups.factoryReset("ssh");
    BOOST_REQUIRE(results.size() == 1u);
    BOOST_TEST(results[0].ok);
    BOOST_TEST(a.read(a.paths.sshdConfig) == "# factory sshd\n");
    BOOST_TEST(!SyslogSettings::load(a.paths.rsyslogDropIn).hosts().empty());

    results = a.backups.factoryReset("all");
    BOOST_TEST(results.size() == kConfigServices.size());
    for (const auto& r : results) BOOST_TEST(r.ok, r.service << ": " << r.detail);
    BOOST_TEST(results.front().service == "webserver");
    BOOST_TEST(results.back().service == "network");
    BOOST_TEST(SyslogSettings::load(a.paths.rsyslogDropIn).hosts().empty());
    BOOST_TEST(a.read(a.paths.rsyslogDropIn) == SyslogSettings().render(a.paths.logDir));
    BOOST_TEST(NtpSettings::load(a.paths.ntpConf).servers().empty());
    BOOST_TEST(!fs::exists(a.paths.keysDir / "eve"));
    BOOST_TEST(!fs::exists(a.paths.ntlsConf));
    BOOST_TEST(!fs::exists(a.paths.bannerFile));
    BOOST_TEST(a.read(a.paths.etcDir / "timezone") == "Etc/UTC\n");
    // Built-in users with their roles; system accounts (daemons) keep theirs; appliance users lose theirs.
    BOOST_TEST(a.read(a.paths.rolesFile) ==
               "# Appliance users and their roles (sysconfd).\ndaemon monitor\nadmin admin\noperator operator\n"
               "monitor monitor\naudit audit\n");
    BOOST_TEST(RotationSettings::load(a.paths.logrotateConf).rotations == 4);
    BOOST_TEST(a.read(a.paths.hostnameFile) == "luna7\n");   // no factory copy shipped: left alone
    BOOST_TEST(a.restarted.size() == kConfigServices.size());
    BOOST_TEST(refusal([&] { a.backups.factoryReset("printer"); }) == rc::CONFIG_VALUE_INVALID);
}

BOOST_AUTO_TEST_CASE(apply_all_is_all_or_nothing) {
    test::TempDir t;
    put(t.path() / "a", "old a\n");
    fs::create_directories(t.path() / "dir");
    std::vector<FileState> targets{{t.path() / "a", FileState::Kind::File, "new a\n", 0644},
                                   {t.path() / "b", FileState::Kind::File, "new b\n", 0644},
                                   {t.path() / "dir", FileState::Kind::File, "not a file\n", 0644}};
    BOOST_CHECK_THROW(applyAll(targets), std::exception);
    BOOST_TEST(readFile(t.path() / "a").value() == "old a\n");
    BOOST_TEST(!fs::exists(t.path() / "b"));
}
