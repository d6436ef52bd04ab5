#include "log.h"

#include <cstdio>
#include <mutex>

namespace luna::snmp {
namespace {
std::mutex mu;
bool toSyslog = false;
} // namespace

void useSyslog(bool on) {
    std::lock_guard lock(mu);
    toSyslog = on;
    if (on) openlog("luna-snmp", LOG_PID, LOG_DAEMON);
}

void logLine(int priority, const std::string& text) {
    std::lock_guard lock(mu);
    if (toSyslog) {
        syslog(priority, "%s", text.c_str());
    } else {
        std::fprintf(stderr, "luna-snmp: %s\n", text.c_str());
        std::fflush(stderr);
    }
}
} // namespace luna::snmp
