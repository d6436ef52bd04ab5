// The appliance's syslog settings (LunaSH `syslog remotehost`, `syslog severity set`) and
// the rsyslog drop-in that carries them. The drop-in is the only record: its first lines
// hold the settings as "# luna-..." comments that parse() reads back, the rest is rsyslog
// RainerScript rendered from them. Nothing a caller typed reaches the file unchecked: hosts
// and ports pass net_rules.h, names and levels come from the tables below.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace luna::sysconf {

// RFC 5424 severities, most severe first: rsyslog's name and the reference's other spelling
// ("emergency,alert,critical/crit,error/err,warning/warn,notice,info,debug").
struct SeverityDef {
    int level;
    std::string_view name;      // emerg, alert, crit, err, warning, notice, info, debug
    std::string_view alias;     // emergency, alert, critical, error, warn, notice, info, debug
};
inline constexpr std::array<SeverityDef, 8> kSeverities{{
    {0, "emerg", "emergency"}, {1, "alert", "alert"},   {2, "crit", "critical"}, {3, "err", "error"},
    {4, "warning", "warn"},    {5, "notice", "notice"}, {6, "info", "info"},     {7, "debug", "debug"},
}};
// Either spelling, case-insensitive; CKR_CONFIG_VALUE_INVALID otherwise.
int parseSeverity(std::string_view name);
std::string_view severityName(int level);

// The logs `syslog severity set -logname` knows, and which messages each one holds
// (RHEL-style files, as the appliance keeps them). Facility numbers are syslog's.
struct LogDef {
    std::string_view name;          // lunalogs, messages, cron, secure, boot
    std::string_view file;          // under the log directory
    std::string_view filter;        // RainerScript condition on the facility
    bool localConfigurable;         // the reference shows '*' (all levels, fixed) for the others
    int defaultLocal;               // -1 = all levels
    int defaultRemote;
};
inline constexpr std::array<LogDef, 5> kLogs{{
    {"lunalogs", "lunalogs", "$syslogfacility == 21", true, 6, 6},
    {"messages", "messages",
     // local3 (19) is the audit records': the audit role's (audit_forwarding.h), not the admin's.
     "$syslogfacility != 2 and $syslogfacility != 4 and $syslogfacility != 9 and $syslogfacility != 10 and "
     "$syslogfacility != 19 and $syslogfacility != 21 and $syslogfacility != 23",
     false, -1, 6},
    {"cron", "cron", "$syslogfacility == 9", true, 5, 5},
    {"secure", "secure", "($syslogfacility == 4 or $syslogfacility == 10)", false, -1, 6},
    {"boot", "boot.log", "$syslogfacility == 23", false, -1, 6},
}};
const LogDef* findLog(std::string_view name);

// Every file the appliance's logging writes under `logDir` (the kLogs files, ntp.log,
// snmpd.log): what rotates, what `syslog tarlogs` archives, what `syslog cleanup` deletes.
std::vector<std::filesystem::path> applianceLogFiles(const std::filesystem::path& logDir);

enum class Transport { Udp, Tcp, Relp };
std::string_view transportName(Transport t);
Transport parseTransport(std::string_view name);   // udp, tcp, relp; CKR_CONFIG_VALUE_INVALID

struct RemoteHost {
    std::string host;
    std::uint16_t port = 514;
    Transport transport = Transport::Udp;
    std::map<std::string, int, std::less<>> levels;   // per log name; every log present
};

class SyslogSettings {
public:
    // Defaults: no remote host, lunalogs at info and cron at notice locally.
    SyslogSettings();
    // The settings in a drop-in this class rendered; throws CKR_GENERAL_ERROR on a file that
    // is not ours (nothing is guessed from foreign text).
    static SyslogSettings parse(std::string_view dropIn);
    // Absent file: defaults.
    static SyslogSettings load(const std::filesystem::path& dropIn);

    const std::vector<RemoteHost>& hosts() const { return hosts_; }
    const std::map<std::string, int, std::less<>>& localLevels() const { return local_; }

    // Checked edits: CKR_CONFIG_VALUE_INVALID, CKR_CONFIG_ENTRY_EXISTS, CKR_CONFIG_ENTRY_NOT_FOUND.
    void addHost(std::string_view host, std::int64_t port, Transport transport);
    void deleteHost(std::string_view host);
    void clearHosts() { hosts_.clear(); }
    // host empty: the local level (lunalogs and cron only); else that remote host's level.
    void setLevel(std::string_view log, int level, std::string_view host = {});

    // The whole drop-in: settings header, local files under logDir, one forwarding action per
    // remote host (RELP and TCP with a disk-assisted queue in rsyslog's work directory).
    std::string render(const std::filesystem::path& logDir) const;

private:
    RemoteHost* findHost(std::string_view host);
    std::vector<RemoteHost> hosts_;
    std::map<std::string, int, std::less<>> local_;
};

} // namespace luna::sysconf
