// The interactive session on a terminal: libedit line editing, history and tab completion.
#pragma once

#include "shell.h"

namespace lunash {

// Reads commands until exit or end of input; returns whether every command succeeded.
bool runInteractive(Shell& shell, const std::string& prompt);

} // namespace lunash
