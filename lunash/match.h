// How a typed word selects one of several names (sub-commands at a level, or a command's
// options): the full name, else the reference's documented short form, else a prefix that
// only one name has. Case-insensitive, as the reference says commands and options are.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lunash {

enum class MatchKind { None, Unique, Ambiguous };

struct Match {
    MatchKind kind = MatchKind::None;
    std::size_t index = 0;                  // for Unique
    std::vector<std::size_t> candidates;    // for Ambiguous: every name the prefix fits
};

Match matchWord(std::string_view typed, const std::vector<std::string>& names,
                const std::vector<std::string>& shortForms);

std::string lower(std::string_view s);

} // namespace lunash
