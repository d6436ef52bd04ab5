#include "console.h"

#include <termios.h>
#include <unistd.h>

#include <cerrno>

namespace lunash {

FdConsole::FdConsole(int fd, std::ostream& out) : fd_(fd), out_(out), tty_(::isatty(fd) == 1) {}

std::optional<std::string> FdConsole::rawLine() {
    std::string line;
    for (;;) {
        char c;
        ssize_t n = ::read(fd_, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (line.empty()) return std::nullopt;
            break;
        }
        if (c == '\n') break;
        line += c;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

std::optional<std::string> FdConsole::readLine(std::string_view prompt) {
    out_ << prompt << std::flush;
    auto line = rawLine();
    // Input that does not come from a terminal is not echoed by one: show it, so that a
    // piped session reads like a typed one.
    if (!tty_) out_ << (line ? *line : "") << '\n' << std::flush;
    return line;
}

std::optional<std::string> FdConsole::readSecret(std::string_view prompt) {
    out_ << prompt << std::flush;
    termios saved{};
    bool restore = false;
    if (tty_ && ::tcgetattr(fd_, &saved) == 0) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        restore = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
    }
    auto line = rawLine();
    if (restore) ::tcsetattr(fd_, TCSAFLUSH, &saved);
    out_ << '\n' << std::flush;
    return line;
}

} // namespace lunash
