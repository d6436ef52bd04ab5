// Runs lunacm command lines against the table (commands.h): finds the row by full name or
// shortcut (any case), checks the options, runs the handler and prints LunaCM's result line:
//   Command Result : No Error
//   Command Result : 0xa0 (CKR_PIN_INCORRECT)
//   Command Result : 0xb (User Cancelled Operation)
#pragma once

#include "commands.h"

namespace luna::lunacm {

class Shell {
public:
    explicit Shell(State& state);
    // One command line; true when it succeeded (an empty line is a success).
    bool run(const std::string& line);
    bool exitRequested() const { return exit_; }
    void banner();

private:
    void help(const std::vector<std::string>& words);
    State& st_;
    std::vector<CommandRow> rows_;
    std::vector<GroupRow> groups_;
    bool exit_ = false;
};

} // namespace luna::lunacm
