// luna-snmp: the Net-SNMP AgentX subagent that exports SAFENET-HSM-MIB, CHRYSALIS-UTSP-MIB
// and SAFENET-APPLIANCE-MIB from the appliance daemons' D-Bus state. The master is the real
// snmpd; this process connects to it, and keeps reconnecting, over AgentX.
//
// Two threads: the collector reads D-Bus into snapshots (collector.h); this one runs the
// Net-SNMP loop and serves the newest snapshot (agent.h).
#include "agent.h"
#include "collector.h"
#include "config.h"
#include "log.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include <systemd/sd-daemon.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <getopt.h>
#include <string>
#include <unistd.h>

#ifndef LUNA_VERSION
#error "LUNA_VERSION: the appliance software version, set by the build"
#endif

namespace {

constexpr const char* kApp = "luna-snmp";
volatile std::sig_atomic_t stopSignal = 0;

void onStop(int sig) { stopSignal = sig; }

void usage(std::FILE* to) {
    std::fprintf(to,
                 "usage: luna-snmp [--config FILE] [--syslog] [--debug TOKENS]\n"
                 "  --config FILE   read only FILE (default: luna-snmp.conf on Net-SNMP's search path,\n"
                 "                  SNMPCONFPATH); tokens: agentXSocket, agentXPingInterval,\n"
                 "                  agentXTimeout, agentXRetries, lunaRefreshInterval, lunaHsmBusName\n"
                 "  --syslog        log to syslog (daemon) instead of stderr\n"
                 "  --debug TOKENS  Net-SNMP debug tokens, e.g. agentx\n");
}

int onMasterConnected(int, int, void*, void*) {
    sd_notify(0, "STATUS=connected to the AgentX master");
    return SNMP_ERR_NOERROR;
}

struct Loop {
    luna::snmp::Agent* agent;
    luna::snmp::Collector* collector;
};

// Picks up a new snapshot between requests, on the agent thread.
void onTick(unsigned int, void* arg) {
    auto* loop = static_cast<Loop*>(arg);
    loop->agent->update(loop->collector->latest());
}

} // namespace

int main(int argc, char** argv) {
    std::string configFile;
    bool syslogOn = false;
    static const option opts[] = {
        {"config", required_argument, nullptr, 'c'}, {"syslog", no_argument, nullptr, 's'},
        {"debug", required_argument, nullptr, 'D'},  {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, 'V'},      {nullptr, 0, nullptr, 0},
    };
    for (int c; (c = getopt_long(argc, argv, "c:sD:hV", opts, nullptr)) != -1;) {
        switch (c) {
        case 'c': configFile = optarg; break;
        case 's': syslogOn = true; break;
        case 'D':
            debug_register_tokens(optarg);
            snmp_set_do_debugging(1);
            break;
        case 'h': usage(stdout); return 0;
        case 'V': std::printf("luna-snmp %s\n", LUNA_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    if (!configFile.empty() && access(configFile.c_str(), R_OK) != 0) {
        std::fprintf(stderr, "luna-snmp: cannot read %s\n", configFile.c_str());
        return 2;
    }

    luna::snmp::useSyslog(syslogOn);
    if (syslogOn) snmp_enable_syslog_ident(kApp, LOG_DAEMON);
    else snmp_enable_stderrlog();

    // A subagent needs no MIB files (it serves numeric OIDs) and keeps no persistent state.
    setenv("MIBS", "", 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    if (!configFile.empty()) {
        netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
        netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_OPTIONALCONFIG, configFile.c_str());
    }

    struct sigaction sa {};
    sa.sa_handler = onStop;   // no SA_RESTART: the signal must end the select() we wait in
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);   // a master that vanishes mid-write is handled as a disconnect
    std::signal(SIGHUP, SIG_IGN);

    luna::snmp::Settings settings;
    luna::snmp::Agent agent;
    init_agent(kApp);
    luna::snmp::registerConfigTokens(settings);
    agent.registerObjects();
    snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, onMasterConnected, nullptr);
    init_snmp(kApp);   // reads the configuration and opens the AgentX session (or starts retrying)

    auto source = luna::snmp::makeDbusSource(settings.dbus);
    luna::snmp::Collector collector(*source, settings.refreshInterval, LUNA_VERSION);
    collector.start();
    Loop loop{&agent, &collector};
    snmp_alarm_register(1, SA_REPEAT, onTick, &loop);

    luna::snmp::logLine(LOG_INFO, "started (version " LUNA_VERSION "), tables refreshed every " +
                                      std::to_string(settings.refreshInterval.count()) + " ms from " +
                                      settings.dbus.hsmBusName);
    sd_notify(0, "READY=1\nSTATUS=serving the SafeNet MIBs; waiting for the AgentX master");

    while (!stopSignal) agent_check_and_process(1);

    sd_notify(0, "STOPPING=1");
    luna::snmp::logLine(LOG_INFO, "stopping on signal " + std::to_string(stopSignal));
    collector.stop();
    snmp_shutdown(kApp);
    return 0;
}
