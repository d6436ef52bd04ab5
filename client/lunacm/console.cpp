#include "console.h"

#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace luna::lunacm {

Console::Console() : tty_(::isatty(STDIN_FILENO) == 1) {}

std::optional<std::string> Console::readRaw(bool mask) {
    termios saved{};
    const bool raw = mask && tty_ && ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (raw) {
        termios t = saved;
        t.c_lflag &= static_cast<tcflag_t>(~(ECHO | ICANON));
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        ::tcsetattr(STDIN_FILENO, TCSANOW, &t);
    }
    std::string s;
    bool any = false;
    for (;;) {
        char c;
        const ssize_t n = ::read(STDIN_FILENO, &c, 1);
        if (n <= 0) break;
        any = true;
        if (c == '\n' || c == '\r') break;
        if (raw && (c == 0x7f || c == 0x08)) {
            if (!s.empty()) {
                s.pop_back();
                std::fputs("\b \b", stdout);
                std::fflush(stdout);
            }
            continue;
        }
        s += c;
        if (raw) {
            std::fputc('*', stdout);
            std::fflush(stdout);
        }
    }
    if (raw) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::fputc('\n', stdout);
    }
    if (!any) return std::nullopt;
    return s;
}

std::optional<std::string> Console::command(std::string_view prompt) {
    std::fwrite(prompt.data(), 1, prompt.size(), stdout);
    std::fflush(stdout);
    auto l = readRaw(false);
    if (!l && !tty_) std::fputc('\n', stdout);
    return l;
}

std::string Console::secret(std::string_view prompt) {
    std::printf("\n%*s%.*s", 14, "", static_cast<int>(prompt.size()), prompt.data());
    std::fflush(stdout);
    auto s = readRaw(true);
    if (!s) throw Cancelled{};
    if (!tty_) std::fputc('\n', stdout);
    return *s;
}

std::string Console::line(std::string_view prompt) {
    std::printf("\n%*s%.*s", 14, "", static_cast<int>(prompt.size()), prompt.data());
    std::fflush(stdout);
    auto s = readRaw(false);
    if (!s) throw Cancelled{};
    if (!tty_) std::fputc('\n', stdout);
    return *s;
}

bool Console::proceed() {
    for (;;) {
        std::printf("\n%*sType 'proceed' to continue, or 'quit' to quit now -> ", 14, "");
        std::fflush(stdout);
        auto a = readRaw(false);
        if (!tty_) std::fputc('\n', stdout);
        if (!a || *a == "quit") return false;
        if (*a == "proceed") return true;
    }
}

} // namespace luna::lunacm
