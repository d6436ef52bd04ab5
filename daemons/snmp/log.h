// luna-snmp's own log lines, from any thread (Net-SNMP's snmp_log is not thread-safe, and the
// collector runs beside the agent). The same sink Net-SNMP logs to: stderr (the journal under
// systemd) or syslog.
#pragma once

#include <string>
#include <syslog.h>

namespace luna::snmp {
void useSyslog(bool on);
void logLine(int priority, const std::string& text);
} // namespace luna::snmp
