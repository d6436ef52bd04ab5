// Shared by the lunash unit tests: the full command table, and a console whose answers to
// prompts (confirmations, passwords) a test scripts in advance; no answer left is end of input.
#pragma once

#include "console.h"
#include "registry.h"

#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace lunash::test {

inline const CommandTable& table() {
    static const struct Registered {
        CommandTable t;
        Registered() { registerAllCommands(t); }
    } table;
    return table.t;
}

class ScriptedConsole final : public Console {
public:
    std::deque<std::string> answers;
    std::optional<std::string> readLine(std::string_view) override { return next(); }
    std::optional<std::string> readSecret(std::string_view) override { return next(); }

private:
    std::optional<std::string> next() {
        if (answers.empty()) return std::nullopt;
        auto a = answers.front();
        answers.pop_front();
        return a;
    }
};

} // namespace lunash::test
