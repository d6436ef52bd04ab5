// Runs one of the appliance's own read-only tools (df, ps, netstat, ...) with a fixed argv
// and a fixed PATH, never through a shell, and returns what it printed.
#pragma once

#include <string>
#include <vector>

namespace lunash {

struct ToolOutput {
    int status = -1;        // exit status; -1 if it could not run
    std::string text;       // stdout (stderr is discarded)
};

ToolOutput runTool(const std::vector<std::string>& argv);

} // namespace lunash
