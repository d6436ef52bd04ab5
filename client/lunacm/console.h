// lunacm's questions and answers: the command prompt, passwords (echoed as '*' on a
// terminal), and the "Type 'proceed' to continue, or 'quit' to quit now ->" confirmation.
// Input is read a byte at a time so that a script piped to lunacm keeps the answers meant
// for later commands.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace luna::lunacm {

class Console {
public:
    Console();
    bool interactive() const { return tty_; }
    // The next command line; nullopt at the end of input.
    std::optional<std::string> command(std::string_view prompt);
    // A password; throws Cancelled at the end of input.
    std::string secret(std::string_view prompt);
    std::string line(std::string_view prompt);
    // True for "proceed", false for "quit" (or the end of input).
    bool proceed();

private:
    std::optional<std::string> readRaw(bool mask);
    bool tty_;
};

// The user typed 'quit' at a confirmation (LunaCM: "0xb (User Cancelled Operation)").
struct Cancelled {};

} // namespace luna::lunacm
