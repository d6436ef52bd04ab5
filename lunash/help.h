// Help text, all of it computed from the rows: the command list of a level as the role sees
// it, and the syntax and parameters of a command.
#pragma once

#include "output.h"
#include "registry.h"

namespace lunash {

// A group: its sub-commands (the top level: "The following top-level commands are
// available:"); a command: its syntax line and parameter table.
void printHelp(Output& out, const CommandTable& table, const Node& node, std::optional<Role> role);

} // namespace lunash
