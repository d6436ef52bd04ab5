#include "syslog_out.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace luna::cbsd {
namespace {
constexpr int kLocal3Info = 19 * 8 + 6;   // facility local3, severity info: <158>
}

SyslogOut::SyslogOut(std::string socketPath, std::string tag) : path_(std::move(socketPath)), tag_(std::move(tag)) {}

SyslogOut::~SyslogOut() {
    if (fd_ >= 0) ::close(fd_);
}

std::string SyslogOut::format(const std::string& tag, int pid, long now, const std::string& serial,
                              const std::string& record) {
    std::time_t t = static_cast<std::time_t>(now);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
    std::string r = record;
    if (!r.empty() && r.back() == '\n') r.pop_back();
    return "<" + std::to_string(kLocal3Info) + ">" + stamp + " " + tag + "[" + std::to_string(pid) + "]: " + serial +
           "^" + r;
}

bool SyslogOut::connect() {
    if (fd_ >= 0) return true;
    if (path_.empty() || path_.size() >= sizeof(sockaddr_un::sun_path)) return false;
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.c_str(), path_.size());
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        fd_ = -1;
        return false;
    }
    return true;
}

bool SyslogOut::send(const std::string& serial, const std::string& record) {
    if (path_.empty()) return true;
    const auto msg = format(tag_, static_cast<int>(::getpid()), static_cast<long>(std::time(nullptr)), serial, record);
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!connect()) return false;
        if (::send(fd_, msg.data(), msg.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(msg.size())) return true;
        ::close(fd_);   // the syslog daemon restarted: reconnect once
        fd_ = -1;
    }
    return false;
}

} // namespace luna::cbsd
