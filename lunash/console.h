// Where a command's questions go: confirmations ("Type 'proceed' ...") and passwords. The
// same input that carries commands answers them (a terminal, an ssh channel or a pipe), read
// one byte at a time so that nothing meant for the next command is consumed early.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace lunash {

class Console {
public:
    virtual ~Console() = default;
    // Prints prompt, reads one line; nullopt at end of input.
    virtual std::optional<std::string> readLine(std::string_view prompt) = 0;
    // As readLine, without echo on a terminal.
    virtual std::optional<std::string> readSecret(std::string_view prompt) = 0;
};

class FdConsole final : public Console {
public:
    FdConsole(int fd, std::ostream& out);
    std::optional<std::string> readLine(std::string_view prompt) override;
    std::optional<std::string> readSecret(std::string_view prompt) override;
    bool isTerminal() const { return tty_; }

private:
    std::optional<std::string> rawLine();
    int fd_;
    std::ostream& out_;
    bool tty_;
};

} // namespace lunash
