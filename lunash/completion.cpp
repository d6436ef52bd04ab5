#include "completion.h"

#include "match.h"
#include "parser.h"

#include <cctype>

namespace lunash {

std::vector<std::string> completions(const CommandTable& table, std::string_view before, std::optional<Role> role) {
    auto words = tokenize(before);
    if (!words) return {};
    std::string current;
    if (!before.empty() && !std::isspace(static_cast<unsigned char>(before.back())) && !words->empty()) {
        current = words->back();
        words->pop_back();
    }
    const auto cur = lower(current);
    std::vector<std::string> out;
    const Node* at = &table.root();
    std::size_t i = 0;
    for (; i < words->size() && at->isGroup(); ++i) {
        auto kids = table.visibleChildren(*at, role);
        std::vector<std::string> names, shorts;
        for (const auto* k : kids) {
            names.push_back(k->name);
            shorts.push_back(k->shortForm);
        }
        auto m = matchWord((*words)[i], names, shorts);
        if (m.kind != MatchKind::Unique) return {};
        at = kids[m.index];
    }
    if (at->isGroup()) {
        for (const auto* k : table.visibleChildren(*at, role))
            if (k->name.starts_with(cur)) out.push_back(k->name);
        return out;
    }
    // Options of a command: those not given yet; after an option that takes a value, only
    // an enum's choices.
    const auto& specs = at->command->args;
    std::vector<std::string> names, shorts;
    for (const auto& a : specs) {
        names.emplace_back(a.positional ? "" : std::string(a.name));
        shorts.emplace_back(a.shortForm);
    }
    std::vector<bool> used(specs.size(), false);
    const ArgSpec* pendingValue = nullptr;
    for (; i < words->size(); ++i) {
        pendingValue = nullptr;
        const auto& w = (*words)[i];
        if (w.size() < 2 || w[0] != '-') continue;
        auto m = matchWord(std::string_view(w).substr(1), names, shorts);
        if (m.kind != MatchKind::Unique) continue;
        used[m.index] = true;
        if (specs[m.index].kind != ArgKind::Flag) {
            if (i + 1 < words->size()) ++i;
            else pendingValue = &specs[m.index];
        }
    }
    if (pendingValue) {
        for (auto c : pendingValue->choices)
            if (lower(c).starts_with(cur)) out.emplace_back(c);
        return out;
    }
    for (std::size_t k = 0; k < specs.size(); ++k) {
        if (used[k] || specs[k].positional) {
            if (specs[k].positional && specs[k].kind == ArgKind::Enum)
                for (auto c : specs[k].choices)
                    if (lower(c).starts_with(cur)) out.emplace_back(c);
            continue;
        }
        std::string opt = "-" + std::string(specs[k].name);
        if (opt.starts_with(cur)) out.push_back(opt);
    }
    return out;
}

} // namespace lunash
