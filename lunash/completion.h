// Tab completion from the rows: the words that can follow what is typed so far, for the
// role of the session. Pure, so that unit tests drive it without a terminal.
#pragma once

#include "registry.h"

#include <string>
#include <string_view>
#include <vector>

namespace lunash {

// Candidates for the word under the cursor (the text after the last blank of `before`).
std::vector<std::string> completions(const CommandTable& table, std::string_view before, std::optional<Role> role);

} // namespace lunash
