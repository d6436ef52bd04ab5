// Hands audit records to syslog with facility local3 (seed ch.1, "Remote Audit Logging"),
// as the receiver's template expects them: `$template AuditFormat,"%msg:F,94:2%\n"` takes the
// second '^'-separated field of the message, so the message is "<HSM serial>^<record>" and the
// record (its 447 characters, without the newline) comes out on the receiver exactly as in the
// appliance's log file. Sent as RFC 3164 datagrams to a local socket (/dev/log: the
// appliance's rsyslog, which forwards local3 to the audit remote hosts).
#pragma once

#include <string>

namespace luna::cbsd {

class SyslogOut {
public:
    // An empty path disables the hand-off.
    explicit SyslogOut(std::string socketPath, std::string tag = "cbsd");
    ~SyslogOut();
    SyslogOut(const SyslogOut&) = delete;
    SyslogOut& operator=(const SyslogOut&) = delete;

    // False when the record could not be handed over (no syslog daemon listening).
    bool send(const std::string& serial, const std::string& record);
    static std::string format(const std::string& tag, int pid, long now, const std::string& serial,
                              const std::string& record);

private:
    bool connect();
    std::string path_;
    std::string tag_;
    int fd_ = -1;
};

} // namespace luna::cbsd
