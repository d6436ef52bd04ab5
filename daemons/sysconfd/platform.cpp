#include "platform.h"

#include "appliance_bus.h"
#include "config_bus.h"
#include "hsm_identity.h"
#include "services_bus.h"
#include "snmp_bus.h"
#include "syslog_bus.h"
#include "sysconf_bus.h"
#include "time_bus.h"
#include "timedated_clock.h"

#include "services/systemd_control.h"
#include "sysconf/appliance_settings.h"
#include "sysconf/atomic_file.h"
#include "sysconf/clock.h"
#include "sysconf/config_backup.h"
#include "sysconf/config_checks.h"
#include "sysconf/ntp_manager.h"
#include "sysconf/platform_paths.h"
#include "sysconf/snmp_manager.h"
#include "sysconf/syslog_manager.h"
#include "sysconf/timezone.h"

#include "luna/errors.h"

#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <fstream>

#ifndef LUNA_VERSION
#define LUNA_VERSION "0"
#endif

namespace luna::sysconfd {
namespace {

namespace fs = std::filesystem;

enum : int {
    kStateDir = 1000, kLogDir, kRsyslogConf, kRsyslogDropIn, kLogrotateConf, kNtpConf, kNtpDrift, kSshDir,
    kSnmpdConf, kNtlsConf, kApplianceId, kZoneinfo, kFactory, kClock, kSnmpStore, kLstaConf, kSnmpAgentAddress,
    kAgentxSocket, kSnmpd, kProvisionSyslog,
};

std::unique_ptr<sysconf::Clock> makeClock(const std::string& spec) {
    if (spec == "system") return std::make_unique<TimedatedClock>();
    if (spec.starts_with("offset:") && spec.size() > 7 && spec[7] == '/')
        return std::make_unique<sysconf::OffsetClock>(spec.substr(7));
    throw Error(rc::ARGUMENTS_BAD, "--clock must be 'system' or 'offset:/absolute/file'");
}

std::string uptimeText() {
    std::ifstream in("/proc/uptime");
    double up = 0;
    in >> up;
    const auto s = static_cast<long>(up);
    return std::to_string(s / 86400) + " days, " + std::to_string(s % 86400 / 3600) + ":" +
           (s % 3600 / 60 < 10 ? "0" : "") + std::to_string(s % 3600 / 60);
}

} // namespace

std::vector<option> PlatformOptions::longOptions() {
    return {
        {"state-dir", required_argument, nullptr, kStateDir},
        {"log-dir", required_argument, nullptr, kLogDir},
        {"rsyslog-conf", required_argument, nullptr, kRsyslogConf},
        {"rsyslog-dropin", required_argument, nullptr, kRsyslogDropIn},
        {"logrotate-conf", required_argument, nullptr, kLogrotateConf},
        {"ntp-conf", required_argument, nullptr, kNtpConf},
        {"ntp-drift", required_argument, nullptr, kNtpDrift},
        {"ssh-dir", required_argument, nullptr, kSshDir},
        {"snmpd-conf", required_argument, nullptr, kSnmpdConf},
        {"ntls-conf", required_argument, nullptr, kNtlsConf},
        {"appliance-id-file", required_argument, nullptr, kApplianceId},
        {"zoneinfo-dir", required_argument, nullptr, kZoneinfo},
        {"factory-dir", required_argument, nullptr, kFactory},
        {"clock", required_argument, nullptr, kClock},
        {"provision-syslog", no_argument, nullptr, kProvisionSyslog},
        {"snmp-store", required_argument, nullptr, kSnmpStore},
        {"lsta-conf", required_argument, nullptr, kLstaConf},
        {"snmp-agent-address", required_argument, nullptr, kSnmpAgentAddress},
        {"agentx-socket", required_argument, nullptr, kAgentxSocket},
        {"snmpd", required_argument, nullptr, kSnmpd},
    };
}

bool PlatformOptions::parse(int c, const char* arg) {
    switch (c) {
    case kStateDir: stateDir = arg; return true;
    case kLogDir: logDir = arg; return true;
    case kRsyslogConf: rsyslogConf = arg; return true;
    case kRsyslogDropIn: rsyslogDropIn = arg; return true;
    case kLogrotateConf: logrotateConf = arg; return true;
    case kNtpConf: ntpConf = arg; return true;
    case kNtpDrift: ntpDriftFile = arg; return true;
    case kSshDir: sshDir = arg; return true;
    case kSnmpdConf: snmpdConf = arg; return true;
    case kNtlsConf: ntlsConf = arg; return true;
    case kApplianceId: applianceIdFile = arg; return true;
    case kZoneinfo: zoneinfoDir = arg; return true;
    case kFactory: factoryDir = arg; return true;
    case kClock: clock = arg; return true;
    case kProvisionSyslog: provisionSyslog = true; return true;
    case kSnmpStore: snmpUsmStore = arg; return true;
    case kLstaConf: lstaConf = arg; return true;
    case kSnmpAgentAddress: snmpAgentAddress = arg; return true;
    case kAgentxSocket: agentxSocket = arg; return true;
    case kSnmpd: snmpd = arg; return true;
    default: return false;
    }
}

const char* PlatformOptions::usage() {
    return "appliance platform (syslog, services, sysconf config/ntp/time/license; defaults under --etc-dir):\n"
           "  --state-dir DIR    backups, licences, scratch (default /var/lib/luna-sysconf)\n"
           "  --log-dir DIR      the appliance's logs (default /var/log)\n"
           "  --rsyslog-conf F --rsyslog-dropin F --logrotate-conf F --ntp-conf F --ntp-drift F\n"
           "  --ssh-dir DIR --snmpd-conf F --ntls-conf F --appliance-id-file F\n"
           "  --zoneinfo-dir DIR --factory-dir DIR (shipped factory copies, /usr/share/luna/factory)\n"
           "  --snmp-store F     snmpd's persistent store, its users (default /var/lib/snmp/snmpd.conf)\n"
           "  --lsta-conf F      the SNMP trap agent's trap host (default <etc>/luna/lsta.conf)\n"
           "  --snmp-agent-address A --agentx-socket P  snmpd.conf's fixed lines (udp:161, /var/agentx/master)\n"
           "  --snmpd PATH       the snmpd that checks a candidate configuration (/usr/sbin/snmpd)\n"
           "  --clock system|offset:FILE  system: set through systemd-timedated; offset: an appliance\n"
           "                     clock kept as an offset in FILE (tests: the host clock never changes)\n"
           "  --provision-syslog when the syslog drop-in is missing (a fresh install), write the factory\n"
           "                     syslog configuration: the appliance's local logs and their rotation\n";
}

struct Platform::Parts {
    sysconf::PlatformPaths paths;
    sysconf::SystemChecks checks;
    services::SystemdControl services;
    std::unique_ptr<sysconf::Clock> clock;
    sysconf::TimeZones zones;
    HsmdIdentity hsm;
    sysconf::SyslogManager syslog;
    sysconf::NtpManager ntp;
    sysconf::ConfigBackups backups;
    sysconf::TrialSnmpd snmpdCheck;
    sysconf::SnmpManager snmp;
    SyslogBus syslogBus;
    ServicesBus servicesBus;
    ConfigBus configBus;
    TimeBus timeBus;
    NtpBus ntpBus;
    ApplianceBus applianceBus;
    SnmpBus snmpBus;

    Parts(sdbus::IConnection& conn, Gatekeeper& gate, sysconf::PlatformPaths p, const PlatformOptions& o)
        : paths(std::move(p)),
          checks(paths.scratchDir()),
          clock(makeClock(o.clock)),
          zones(paths.etcDir, paths.zoneinfoDir),
          syslog(paths, checks, services),
          ntp(paths, services),
          backups(paths, checks, hooks()),
          snmpdCheck(paths.scratchDir(), snmpAgent(o), o.snmpd),
          snmp(sysconf::SnmpPaths{paths.snmpdConf, paths.snmpUsmStore, paths.lstaConf, paths.scratchDir()}, snmpAgent(o),
               services, snmpdCheck),
          syslogBus(conn, kObjectPath, gate, syslog, [this](std::int64_t t) { return zones.format(t, "%b %-d %H:%M"); }),
          servicesBus(conn, kObjectPath, gate, services),
          configBus(conn, kObjectPath, gate, backups),
          timeBus(conn, kObjectPath, gate, *clock, zones),
          ntpBus(conn, kObjectPath, gate, ntp),
          applianceBus(conn, kObjectPath, gate, paths, hsm, services),
          snmpBus(conn, kObjectPath, gate, snmp) {}

    static sysconf::SnmpAgentSettings snmpAgent(const PlatformOptions& o) {
        sysconf::SnmpAgentSettings a;
        a.agentAddress = o.snmpAgentAddress;
        a.agentxSocket = o.agentxSocket;
        return a;
    }

    sysconf::ConfigBackups::Hooks hooks() {
        sysconf::ConfigBackups::Hooks h;
        h.formatNow = [this](const char* fmt) { return zones.format(clock->now(), fmt); };
        h.systemInfo = [this] { return systemInfo(); };
        h.afterFactoryReset = [this](const std::vector<std::string>& done) { afterFactoryReset(done); };
        return h;
    }

    std::vector<std::pair<std::string, std::string>> systemInfo() {
        std::vector<std::pair<std::string, std::string>> info;
        auto host = sysconf::readFile(paths.hostnameFile).value_or("");
        host = host.substr(0, host.find_first_of("\r\n"));
        if (host.empty()) {
            char buf[256] = {};
            ::gethostname(buf, sizeof buf - 1);
            host = buf;
        }
        info.emplace_back("hostname", host);
        info.emplace_back("Software Version", "Luna appliance " LUNA_VERSION);
        std::string serial = "unknown";
        try {
            serial = hsm.serial();
        } catch (const std::exception&) {
        }
        info.emplace_back("HSM Serial Number", serial);
        info.emplace_back("uptime", uptimeText());
        info.emplace_back("Current time", zones.format(clock->now(), "%a %b %e %H:%M:%S %Z %Y"));
        return info;
    }

    void afterFactoryReset(const std::vector<std::string>& done) {
        auto restart = [&](const char* unit) {
            try {
                services.tryRestart(unit);
            } catch (const std::exception& e) {
                ::syslog(LOG_WARNING, "restarting %s after the factory reset failed: %s", unit, e.what());
            }
        };
        for (const auto& s : done) {
            if (s == "syslog") restart("rsyslog.service");
            if (s == "ntp") restart("ntpsec.service");
            if (s == "snmp") restart("snmpd.service");
            // sshd reads sshd_config only when it starts; with KillMode=process (Debian's
            // ssh.service) the open sessions, this one included, survive the restart. Users,
            // passwords and keys need nothing: sshd reads them at each login.
            if (s == "ssh") restart("ssh.service");
        }
        // "On successful ... sysconf config factoryreset (option "all") the ... SO Login
        // Enforcement feature is reset to disabled."
        if (done.size() == sysconf::kConfigServices.size()) sysconf::setForceSoLogin(paths.forceSoLoginFile, false);
    }

    // A fresh install has Debian's rsyslog configuration only: the appliance's own logs
    // (lunalogs, messages, secure, ...) and their rotation start from the factory values,
    // the same files `sysconf config factoryreset -service syslog` writes (rsyslog, if it
    // runs, is restarted to read them). Once the drop-in exists it is the admin's: never
    // rewritten here. A failure is logged; sysconfd serves anyway.
    void provisionSyslog() {
        if (fs::exists(paths.rsyslogDropIn)) return;
        try {
            for (const auto& r : backups.factoryReset("syslog"))
                if (!r.ok) throw std::runtime_error(r.service + ": " + r.detail);
            ::syslog(LOG_INFO, "wrote the factory syslog configuration (%s)", paths.rsyslogDropIn.c_str());
        } catch (const std::exception& e) {
            ::syslog(LOG_WARNING, "could not write the factory syslog configuration: %s", e.what());
        }
    }
};

Platform::Platform(sdbus::IConnection& conn, Gatekeeper& gate, const PlatformOptions& o, const fs::path& etcDir,
                   const fs::path& rolesFile, const fs::path& keysDir) {
    auto p = sysconf::PlatformPaths::fromRoots(etcDir, o.stateDir);
    p.logDir = o.logDir;
    p.rolesFile = rolesFile;
    p.keysDir = keysDir;
    if (!o.rsyslogConf.empty()) p.rsyslogConf = o.rsyslogConf;
    if (!o.rsyslogDropIn.empty()) p.rsyslogDropIn = o.rsyslogDropIn;
    if (!o.logrotateConf.empty()) p.logrotateConf = o.logrotateConf;
    if (!o.ntpConf.empty()) p.ntpConf = o.ntpConf;
    p.ntpDriftFile = o.ntpDriftFile;
    if (!o.sshDir.empty()) {
        p.sshDir = o.sshDir;
        p.sshdConfig = o.sshDir / "sshd_config";
    }
    if (!o.snmpdConf.empty()) p.snmpdConf = o.snmpdConf;
    p.ntlsConf = o.ntlsConf;
    if (!o.applianceIdFile.empty()) p.applianceIdFile = o.applianceIdFile;
    if (!o.snmpUsmStore.empty()) p.snmpUsmStore = o.snmpUsmStore;
    if (!o.lstaConf.empty()) p.lstaConf = o.lstaConf;
    p.zoneinfoDir = o.zoneinfoDir;
    p.factoryDir = o.factoryDir;
    fs::create_directories(p.stateDir);
    ::chmod(p.stateDir.c_str(), 0700);
    parts_ = std::make_unique<Parts>(conn, gate, std::move(p), o);
    if (o.provisionSyslog) parts_->provisionSyslog();
}

Platform::~Platform() = default;

} // namespace luna::sysconfd
