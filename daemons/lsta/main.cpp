// lsta, the Luna SNMP trap agent: follows the system journal (where syslog records land on
// this appliance) from the moment it starts, applies the guide's rules (rules.h) and sends
// each match as an SNMPv3 SAFENET-APPLIANCE-MIB notification to the trap host that
// `sysconf snmp trap set` configured (/etc/luna/lsta.conf), with Net-SNMP's snmptrap (as
// the original lsta does). Its own log lines are the guide's (facility local5).
#include "rules.h"

#include "sysconf/atomic_file.h"
#include "sysconf/lsta_config.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <spawn.h>
#include <sys/wait.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <getopt.h>
#include <string>
#include <vector>

extern char** environ;

namespace {

volatile std::sig_atomic_t stopSignal = 0;
void onSignal(int s) { stopSignal = s; }

std::string field(sd_journal* j, const char* name) {
    const void* data = nullptr;
    size_t len = 0;
    if (sd_journal_get_data(j, name, &data, &len) < 0) return {};
    std::string s(static_cast<const char*>(data), len);
    auto eq = s.find('=');
    return eq == std::string::npos ? std::string() : s.substr(eq + 1);
}

std::string hostAndAddress() {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    std::string addr = "127.0.0.1";
    ifaddrs* ifs = nullptr;
    if (::getifaddrs(&ifs) == 0) {
        for (auto* i = ifs; i; i = i->ifa_next) {
            if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || std::strcmp(i->ifa_name, "lo") == 0) continue;
            char buf[INET_ADDRSTRLEN];
            ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, buf, sizeof buf);
            addr = buf;
            break;
        }
        ::freeifaddrs(ifs);
    }
    return std::string(host) + ":" + addr;
}

// "[<host>:<IP> / <log file> / <YYYY Mon DD HH:MM:SS> / <process[pid]> / <1|0>]"
std::string logReference(sd_journal* j, const std::string& process, bool asserted) {
    uint64_t usec = 0;
    sd_journal_get_realtime_usec(j, &usec);
    std::time_t t = static_cast<std::time_t>(usec / 1000000);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char when[32];
    std::strftime(when, sizeof when, "%Y %b %d %H:%M:%S", &tm);
    auto pid = field(j, "SYSLOG_PID");
    if (pid.empty()) pid = field(j, "_PID");
    const std::string who = process + (pid.empty() || process == "kernel" ? "" : "[" + pid + "]");
    return "[" + hostAndAddress() + " / messages / " + when + " / " + who + " / " + (asserted ? "1" : "0") + "]";
}

int sendTrap(const std::string& snmptrap, const luna::sysconf::TrapHost& h, luna::lsta::Trap trap, const std::string& ref) {
    std::vector<std::string> argv = {snmptrap, "-v", "3", "-u", h.secName, "-l", "authPriv", "-a", h.authProtocol,
                                     "-3m", h.authKey, "-x", h.privProtocol, "-3M", h.privKey};
    if (!h.engineId.empty()) {
        argv.push_back("-e");
        argv.push_back("0x" + h.engineId);
    }
    argv.push_back("udp:" + h.host + ":" + std::to_string(h.port));
    argv.push_back("");
    argv.push_back(luna::lsta::trapOid(trap));
    argv.push_back(std::string(luna::lsta::kLogReferenceOid));
    argv.push_back("s");
    argv.push_back(ref);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawn(&pid, snmptrap.c_str(), nullptr, nullptr, args.data(), environ) != 0) return -1;
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

} // namespace

int main(int argc, char** argv) {
    std::string config = "/etc/luna/lsta.conf", snmptrap = "/usr/bin/snmptrap";
    option opts[] = {{"config", required_argument, nullptr, 'c'},
                     {"snmptrap", required_argument, nullptr, 's'},
                     {"help", no_argument, nullptr, 'h'},
                     {nullptr, 0, nullptr, 0}};
    for (int c; (c = getopt_long(argc, argv, "", opts, nullptr)) != -1;) {
        if (c == 'c') config = optarg;
        else if (c == 's') snmptrap = optarg;
        else {
            std::fprintf(stderr, "usage: lsta [--config /etc/luna/lsta.conf] [--snmptrap /usr/bin/snmptrap]\n");
            return c == 'h' ? 0 : 2;
        }
    }
    openlog("lsta", 0, LOG_LOCAL5);
    syslog(LOG_INFO, "Starting Luna SNMP Trap Agent");
    std::optional<luna::sysconf::TrapHost> host;
    try {
        host = luna::sysconf::TrapHost::load(config);
    } catch (const std::exception&) {
    }
    if (!host) {
        syslog(LOG_ERR, "Error opening %s", config.c_str());
        return 1;
    }
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);

    sd_journal* j = nullptr;
    if (int r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM); r < 0) {
        syslog(LOG_ERR, "Cannot open the system journal: %s", std::strerror(-r));
        return 1;
    }
    // Only what is logged from now on.
    sd_journal_seek_tail(j);
    sd_journal_previous(j);
    sd_notify(0, "READY=1\nSTATUS=watching the journal");
    while (!stopSignal) {
        int r;
        while (!stopSignal && (r = sd_journal_next(j)) > 0) {
            const auto process = field(j, "SYSLOG_IDENTIFIER");
            if (process.empty() || process == "lsta") continue;
            luna::lsta::Record rec{process, 6, field(j, "MESSAGE")};
            auto prio = field(j, "PRIORITY");
            if (!prio.empty()) rec.severity = prio[0] - '0';
            auto match = luna::lsta::classify(rec);
            if (!match) continue;
            const auto ref = logReference(j, process, match->asserted);
            const int status = sendTrap(snmptrap, *host, match->trap, ref);
            if (status != 0) syslog(LOG_ERR, "snmptrap failed: %d", status);
            else syslog(LOG_INFO, "%s for %s", std::string(luna::lsta::trapName(match->trap)).c_str(), ref.c_str());
        }
        if (!stopSignal) sd_journal_wait(j, 1000000);
    }
    sd_journal_close(j);
    syslog(LOG_INFO, "Luna SNMP Trap Agent terminated: %s", stopSignal == SIGINT ? "Interrupt" : "Terminated");
    return 0;
}
