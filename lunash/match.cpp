#include "match.h"

#include <cctype>

namespace lunash {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

Match matchWord(std::string_view typed, const std::vector<std::string>& names,
                const std::vector<std::string>& shortForms) {
    Match m;
    const auto t = lower(typed);
    if (t.empty()) return m;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (lower(names[i]) == t) return {MatchKind::Unique, i, {}};
    for (std::size_t i = 0; i < shortForms.size() && i < names.size(); ++i)
        if (!shortForms[i].empty() && lower(shortForms[i]) == t) return {MatchKind::Unique, i, {}};
    for (std::size_t i = 0; i < names.size(); ++i)
        if (lower(names[i]).starts_with(t)) m.candidates.push_back(i);
    if (m.candidates.size() == 1) return {MatchKind::Unique, m.candidates.front(), {}};
    if (m.candidates.size() > 1) m.kind = MatchKind::Ambiguous;
    return m;
}

} // namespace lunash
