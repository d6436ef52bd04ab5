// lunash's syslog, service, sysconf and network groups without a bus: a fake PlatformService
// records the requests and refuses the way sysconfd does; a temp dir is the file area. The
// shell checks what it can before asking (ports, file names); sysconfd's sentence precedes
// the failure line; archives land in the file area.
#define BOOST_TEST_MODULE lunash_platform
#include <boost/test/unit_test.hpp>

#include "temp_dir.h"

#include "parser.h"
#include "platform_service.h"
#include "registry.h"
#include "lunash_test_support.h"
#include "shell.h"

#include "luna/errors.h"

#include <sys/mman.h>
#include <unistd.h>

#include <deque>
#include <fstream>
#include <sstream>

using namespace lunash;
using namespace lunash::test;

namespace {

int memFile(const std::string& content) {
    int fd = ::memfd_create("fake", MFD_CLOEXEC);
    BOOST_REQUIRE(fd >= 0);
    BOOST_REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    return fd;
}

class FakePlatform final : public PlatformService {
public:
    std::vector<std::string> calls;
    std::optional<luna::Error> refuse;
    std::string imported;

    void act(std::string what) {
        if (refuse) {
            auto e = *refuse;
            refuse.reset();
            throw e;
        }
        calls.push_back(std::move(what));
    }
    std::vector<RemoteLogHost> remoteHosts() override {
        act("hosts");
        return {{"192.20.9.160", 6767, "tcp"}, {"192.20.11.155", 514, "udp"}};
    }
    void addRemoteHost(const std::string& h, std::uint16_t p, const std::string& pr) override {
        act("add " + h + " " + std::to_string(p) + " " + pr);
    }
    void deleteRemoteHost(const std::string& h) override { act("delete " + h); }
    void clearRemoteHosts() override { act("clear"); }
    std::vector<RemoteLogHost> auditHosts() override {
        act("audit hosts");
        return {};
    }
    void addAuditHost(const std::string& h, std::uint16_t p, const std::string& pr) override {
        act("audit add " + h + " " + std::to_string(p) + " " + pr);
    }
    void deleteAuditHost(const std::string& h) override { act("audit delete " + h); }
    void clearAuditHosts() override { act("audit clear"); }
    void setSeverity(const std::string& l, const std::string& v, const std::string& h) override {
        act("severity " + l + " " + v + " " + h);
    }
    SyslogConfiguration syslogConfiguration() override {
        act("config");
        return {4, "weekly", {{"lunalogs", "info"}, {"messages", "*"}}, {{"lunalogs", "192.20.11.50", "info"}}};
    }
    void setRotations(std::uint32_t n) override { act("rotations " + std::to_string(n)); }
    void setPeriod(const std::string& p) override { act("period " + p); }
    void rotateLogs() override { act("rotate"); }
    std::vector<LogFileEntry> logFiles() override { return {{"lunalogs", 570795, "Mar  1 14:27"}}; }
    std::vector<std::string> tail(const std::string& log, std::optional<std::uint64_t> n, const std::string& s) override {
        act("tail " + log + " " + (n ? std::to_string(*n) : "all") + " " + s);
        if (log == "hsm") throw luna::Error(luna::rc::LOG_NOT_FOUND, "HSM log does not exist");
        return {"line one", "line two"};
    }
    UniqueFd archiveLogs() override {
        act("tarlogs");
        return UniqueFd(memFile("TGZ"));
    }
    UniqueFd exportLog() override { return UniqueFd(memFile("messages")); }
    UniqueFd cleanupLogs() override { return UniqueFd(memFile("TGZ2")); }
    std::vector<ServiceEntry> services() override {
        return {{"syslog", "Syslog service", "rsyslog.service", "loaded"},
                {"webserver", "REST API service", "luna-webserver.service", "not-found"}};
    }
    ServiceState serviceStatus(const std::string& n) override {
        act("status " + n);
        return {"rsyslog.service", "loaded", "active", "running", "enabled", 42};
    }
    void startService(const std::string& n) override { act("start " + n); }
    void stopService(const std::string& n) override { act("stop " + n); }
    void restartService(const std::string& n) override { act("restart " + n); }
    std::string backupConfig(const std::string& d) override {
        act("backup " + d);
        return "local_host_Config_20170301_1200.tar.gz";
    }
    std::vector<BackupFile> backups() override { return {{"local_host_Config_20170301_1200.tar.gz", 14551, "Before"}}; }
    std::pair<std::string, std::vector<std::pair<std::string, std::string>>> showBackup(const std::string&) override {
        return {"Before", {{"hostname", "local_host"}}};
    }
    void deleteBackup(const std::string& n) override { act("delete backup " + n); }
    void clearBackups() override { act("clear backups"); }
    std::string restoreConfig(const std::string& n, const std::string& s) override {
        act("restore " + n + " " + s);
        return "auto.tar.gz";
    }
    std::vector<ServiceReset> factoryReset(const std::string& s) override {
        act("factoryreset " + s);
        return {{"webserver", true, ""}, {"ssh", false, "sshd refused it"}};
    }
    UniqueFd exportBackup(const std::string&) override { return UniqueFd(memFile("BACKUP")); }
    void importBackup(int fd, const std::string& n) override {
        act("import " + n);
        char buf[64];
        auto len = ::pread(fd, buf, sizeof buf, 0);
        imported.assign(buf, static_cast<std::size_t>(std::max<ssize_t>(len, 0)));
    }
    ApplianceTime time() override { return {0, "Wed Mar  1 13:58:00 EST 2017", "America/New_York", "EST", "offset"}; }
    std::string setTime(const std::string& t, const std::string& d) override {
        act("time " + t + " " + d);
        return "Wed Mar  1 13:58:00 EST 2017";
    }
    void setTimeZone(const std::string& z) override { act("zone " + z); }
    std::vector<std::string> timeZones(const std::string&) override { return {"America/Kentucky/Louisville"}; }
    std::vector<std::string> ntpServers() override { return {"server time.nrc.ca"}; }
    void addNtpServer(const std::string& h, const NtpServerOptions& o) override {
        act("ntp add " + h + (o.iburst ? " iburst" : "") + (o.key ? " key " + std::to_string(o.key) : ""));
    }
    void deleteNtpServer(const std::string& h) override { act("ntp delete " + h); }
    void enableNtp() override { act("ntp enable"); }
    void disableNtp() override { act("ntp disable"); }
    std::pair<bool, bool> ntpStatus() override { return {true, true}; }
    std::string ntpConfiguration() override { return "server 127.127.1.0\n"; }
    void setBanner(const std::string& t) override { act("banner " + t); }
    void clearBanner() override { act("banner clear"); }
    bool forceSoLogin() override { return false; }
    void setForceSoLogin(bool e) override { act(e ? "so on" : "so off"); }
    std::vector<HostKeyInfo> sshFingerprints() override { return {{"RSA", 2048, "SHA256:abc"}}; }
    std::pair<std::string, std::string> licenseFingerprint() override { return {"66331", "*1368R7JF78AHLF2"}; }
    std::vector<LicenseEntry> licenses() override { return {{1, "LUNA_PARTITIONS", "1.0", 10}}; }
    std::pair<std::string, bool> applyLicense(const std::string&) override {
        act("license");
        return {"LUNA_PARTITIONS_5PACK", false};
    }
    void revokeLicense(std::uint32_t i) override { act("revoke " + std::to_string(i)); }
    void reboot() override { act("reboot"); }
    void powerOff() override { act("poweroff"); }
};

struct Fixture {
    luna::test::TempDir home;
    FakePlatform* platform = new FakePlatform;
    ScriptedConsole console;
    std::ostringstream out;
    std::unique_ptr<Shell> shell;

    explicit Fixture(Role role = Role::Admin) {
        setPlatformConnector([p = platform] { return std::unique_ptr<PlatformService>(p); });
        Session s;
        s.role = role;
        s.user = "admin";
        s.home = home.path().string();
        shell = std::make_unique<Shell>(table(), s, console, out,
                                        []() -> std::unique_ptr<HsmService> { throw luna::Error(luna::rc::TOKEN_NOT_PRESENT); });
    }
    ~Fixture() { setPlatformConnector({}); }
    std::string run(std::string_view line, bool expectOk = true) {
        out.str("");
        auto r = shell->run(line);
        BOOST_TEST(r.ok == expectOk, line);
        return out.str();
    }
    std::string file(const std::string& name) {
        std::ifstream in(home.path() / name);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
};

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

} // namespace

BOOST_AUTO_TEST_CASE(table_and_short_forms) {
    BOOST_TEST(table().problems().empty());
    for (auto line : {"sysl re a -h 192.0.2.1 -pr relp -po 15515", "se r syslog", "sysc c b -d x", "sysc n ad time.nrc.ca",
                      "sysc timez se UTC", "sysc l a -fi x.lic -fo", "ne s", "sysl sh -f", "sysl tai -l lunalogs -e 5"})
        BOOST_TEST((parseLine(table(), line, Role::Admin).status == ParseStatus::Command), line);
}

BOOST_AUTO_TEST_CASE(roles_follow_the_reference) {
    auto allowed = [](std::string_view line, Role role) {
        return parseLine(table(), line, role).status == ParseStatus::Command;
    };
    for (auto line : {"syslog show", "syslog tail -logname lunalogs", "syslog tarlogs", "service list", "service status ntls",
                      "sysconf config list", "sysconf ntp status", "sysconf fingerprint ssh", "sysconf license list",
                      "network show", "sysconf timezone show"})
        BOOST_TEST(allowed(line, Role::Monitor), line);
    for (auto line : {"syslog remotehost add -host x", "syslog rotate", "service restart ntls", "sysconf ntp enable",
                      "sysconf time 10:00", "sysconf appliance reboot"}) {
        BOOST_TEST(allowed(line, Role::Operator), line);
        BOOST_TEST(!allowed(line, Role::Monitor), line);
    }
    for (auto line : {"syslog severity set -logname lunalogs -loglevel info", "syslog cleanup", "sysconf config backup -d x",
                      "sysconf config factoryreset -service all", "sysconf banner clear", "sysconf license apply -fi x",
                      "sysconf forcesologin show"}) {
        BOOST_TEST(allowed(line, Role::Admin), line);
        BOOST_TEST(!allowed(line, Role::Operator), line);
    }
    BOOST_TEST(!allowed("syslog show", Role::Audit));
}

BOOST_AUTO_TEST_CASE(remote_hosts) {
    Fixture f;
    BOOST_TEST(contains(f.run("syslog remotehost list"),
               "Remote logging server(s):\n=========================\n\n   192.20.9.160:6767, tcp\n"
               "   192.20.11.155:514, udp\n\nCommand Result : 0 (Success)\n"));
    auto out = f.run("syslog remotehost add -host 192.0.2.1 -protocol relp -port 15515");
    BOOST_TEST(contains(out, "192.0.2.1 added successfully"));
    BOOST_TEST(f.platform->calls.back() == "add 192.0.2.1 15515 relp");
    f.run("syslog remotehost add -host 192.0.2.1");
    BOOST_TEST(f.platform->calls.back() == "add 192.0.2.1 514 udp");
    const auto n = f.platform->calls.size();
    out = f.run("syslog remotehost add -host 192.0.2.1 -port 70000", false);
    BOOST_TEST(contains(out, "out of range"));
    f.run("syslog remotehost add -host 192.0.2.1 -protocol sctp", false);
    BOOST_TEST(f.platform->calls.size() == n);   // refused before sysconfd was asked
    f.platform->refuse = luna::Error(luna::rc::CONFIG_VALUE_INVALID, "'bad host' is not a valid host name or IP address");
    out = f.run("syslog remotehost add -host \"bad host\"", false);
    BOOST_TEST(contains(out, "Error: 'bad host' is not a valid host name or IP address\n"));
    BOOST_TEST(contains(out, "CKR_CONFIG_VALUE_INVALID"));
}

BOOST_AUTO_TEST_CASE(show_tail_and_archives) {
    Fixture f;
    auto out = f.run("syslog show -files");
    BOOST_TEST(contains(out, "     Rotations:                         4\n"));
    BOOST_TEST(contains(out, "lunalogs:\n   192.20.11.50        info\n"));
    BOOST_TEST(contains(out, "lunalogs                    570795 Mar  1 14:27\n"));
    BOOST_TEST(contains(f.run("syslog tail -logname lunalogs -entries 2"), "line one\nline two\n\nCommand Result : 0 (Success)\n"));
    BOOST_TEST(f.platform->calls.back() == "tail lunalogs 2 ");
    out = f.run("syslog tail -logname hsm", false);
    BOOST_TEST(contains(out, "HSM log does not exist\n\nCommand Result : 65535 (Luna Shell execution)\n"));
    f.run("syslog tarlogs");
    BOOST_TEST(f.file("logs.tgz") == "TGZ");
    f.run("syslog export");
    BOOST_TEST(f.file("syslog") == "messages");
    out = f.run("syslog rotations 101", false);
    BOOST_TEST(contains(out, "between 1 and 100"));
}

BOOST_AUTO_TEST_CASE(config_commands) {
    Fixture f;
    BOOST_TEST(contains(f.run("sysconf config backup -description \"Configuration Backup 17-03-01\""),
                        "Created configuration backup file: local_host_Config_20170301_1200.tar.gz"));
    BOOST_TEST(f.platform->calls.back() == "backup Configuration Backup 17-03-01");
    auto out = f.run("sysconf config factoryreset -service all -force", false);   // one service failed
    BOOST_TEST(contains(out, " webserver :          succeeded\n"));
    BOOST_TEST(contains(out, " ssh       :          failed (sshd refused it)\n"));
    std::ofstream(f.home.path() / "mine.tar.gz") << "ARCHIVE";
    f.run("sysconf config import -file mine.tar.gz -force");
    BOOST_TEST(f.platform->imported == "ARCHIVE");
    const auto n = f.platform->calls.size();
    BOOST_TEST(contains(f.run("sysconf config import -file ../etc/shadow -force", false), "is not a file name"));
    BOOST_TEST(contains(f.run("sysconf config import -file none.tar.gz -force", false), "Cannot find none.tar.gz"));
    BOOST_TEST(contains(f.run("sysconf config list -devicetype hsm", false), "not supported"));
    BOOST_TEST(f.platform->calls.size() == n);
    f.run("sysconf config export -file local_host_Config_20170301_1200.tar.gz -force");
    BOOST_TEST(f.file("local_host_Config_20170301_1200.tar.gz") == "BACKUP");
    BOOST_TEST(contains(f.run("sysconf config restore -file a.tar.gz -service ntls -force"), "Restore the ntls configuration: Succeeded."));
}

BOOST_AUTO_TEST_CASE(time_ntp_license) {
    Fixture f;
    BOOST_TEST(contains(f.run("sysconf time 13:58 20170301"), "Wed Mar  1 13:58:00 EST 2017"));
    BOOST_TEST(f.platform->calls.back() == "time 13:58 20170301");
    BOOST_TEST(contains(f.run("status date"), "Wed Mar  1 13:58:00 EST 2017\n\nCommand Result : 0 (Success)\n"));
    f.run("sysconf ntp addserver time.nrc.ca -iburst -key 7");
    BOOST_TEST(f.platform->calls.back() == "ntp add time.nrc.ca iburst key 7");
    BOOST_TEST(contains(f.run("sysconf ntp addserver time.nrc.ca -version 2", false), "must be 3 or 4"));
    BOOST_TEST(contains(f.run("sysconf fingerprint license"), "HSM serial #66331 : *1368R7JF78AHLF2"));
    BOOST_TEST(contains(f.run("sysconf license list"), "1     LUNA_PARTITIONS                   1.0         10"));
    std::ofstream(f.home.path() / "five.lic") << "16 ...";
    auto out = f.run("sysconf license apply -filename five.lic -force", false);   // no HSM SO session here
    BOOST_TEST(contains(out, "Update Result : 12 (Error detecting HSM)"));
    BOOST_TEST(f.platform->calls.back() != "license");
}
