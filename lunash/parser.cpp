#include "parser.h"

#include "match.h"

#include <cctype>
#include <charconv>

namespace lunash {

std::optional<std::vector<std::string>> tokenize(std::string_view line) {
    std::vector<std::string> out;
    std::string cur;
    bool inWord = false;
    char quote = 0;
    for (char c : line) {
        if (quote) {
            if (c == quote) quote = 0;
            else cur += c;
        } else if (c == '"' || c == '\'') {
            quote = c;
            inWord = true;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            if (inWord) out.push_back(std::move(cur));
            cur.clear();
            inWord = false;
        } else {
            cur += c;
            inWord = true;
        }
    }
    if (quote) return std::nullopt;
    if (inWord) out.push_back(std::move(cur));
    return out;
}

namespace {

bool isHelpWord(std::string_view w) { return w == "?" || lower(w) == "-help" || w == "-?"; }

std::string joined(const std::vector<std::string>& names, std::string_view prefix = "") {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + std::string(prefix) + n;
    return out;
}

ParseResult fail(ParseError e, const Node* at, std::string message) {
    ParseResult r;
    r.status = ParseStatus::Error;
    r.error = e;
    r.node = at;
    r.message = "Error: " + std::move(message);
    return r;
}

std::string inQuotes(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string pathWith(const Node& at, std::string_view word) {
    auto p = at.fullName();
    return p.empty() ? std::string(word) : p + " " + std::string(word);
}

// One level: select a child of `at` from `word` among what the role sees; if the role sees
// none, look among all children to tell "not yours" from "no such command".
ParseResult selectChild(const CommandTable& table, const Node& at, const std::string& word,
                        std::optional<Role> role, const Node*& out) {
    auto pick = [&](const std::vector<const Node*>& among) {
        std::vector<std::string> names, shorts;
        for (const auto* c : among) {
            names.push_back(c->name);
            shorts.push_back(c->shortForm);
        }
        return std::make_pair(matchWord(word, names, shorts), names);
    };
    auto visibleKids = table.visibleChildren(at, role);
    auto [m, names] = pick(visibleKids);
    if (m.kind == MatchKind::Unique) {
        out = visibleKids[m.index];
        return {};
    }
    if (m.kind == MatchKind::Ambiguous) {
        std::vector<std::string> which;
        for (auto i : m.candidates) which.push_back(names[i]);
        return fail(ParseError::AmbiguousCommand, &at,
                    "Ambiguous command " + inQuotes(pathWith(at, word)) + " (matches: " + joined(which) + ").");
    }
    std::vector<const Node*> all(at.children.begin(), at.children.end());
    auto [hidden, hiddenNames] = pick(all);
    if (hidden.kind == MatchKind::Unique) {
        const Node* n = all[hidden.index];
        std::string who = role ? "The " + std::string(roleName(*role)) + " role" : "A user without an appliance role";
        return fail(ParseError::NotPermitted, &at,
                    who + " may not run " + inQuotes(n->fullName()) + ".");
    }
    return fail(ParseError::UnknownCommand, &at, "Unknown command " + inQuotes(pathWith(at, word)) + ".");
}

bool validNumber(const std::string& v) {
    if (v.empty() || v.size() > 20) return false;
    for (char c : v)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    return ec == std::errc() && p == v.data() + v.size();
}

ParseResult parseArgs(const Node& cmd, const std::vector<std::string>& words, std::size_t i) {
    const auto& specs = cmd.command->args;
    const auto where = inQuotes(cmd.fullName());
    ParseResult r;
    r.status = ParseStatus::Command;
    r.node = &cmd;
    std::vector<std::string> optNames, optShorts;
    std::vector<const ArgSpec*> options, positionals;
    for (const auto& a : specs) {
        if (a.positional) {
            positionals.push_back(&a);
        } else {
            options.push_back(&a);
            optNames.emplace_back(a.name);
            optShorts.emplace_back(a.shortForm);
        }
    }
    std::size_t nextPositional = 0;
    auto accept = [&](const ArgSpec& a, const std::string& value) -> std::optional<ParseResult> {
        const std::string shown = a.positional ? std::string(a.valueName) : "-" + std::string(a.name);
        if (a.kind == ArgKind::Number && !validNumber(value))
            return fail(ParseError::BadNumber, &cmd,
                        "Invalid value " + inQuotes(value) + " for " + shown + ": a decimal number is required.");
        if (a.kind == ArgKind::Enum) {
            for (auto c : a.choices)
                if (lower(c) == lower(value)) {
                    r.args.set(a.name, std::string(c));
                    return std::nullopt;
                }
            std::vector<std::string> cs(a.choices.begin(), a.choices.end());
            return fail(ParseError::BadChoice, &cmd,
                        "Invalid value " + inQuotes(value) + " for " + shown + ": expected one of " + joined(cs) + ".");
        }
        r.args.set(a.name, value);
        return std::nullopt;
    };
    for (; i < words.size(); ++i) {
        const auto& w = words[i];
        if (isHelpWord(w)) {
            ParseResult h;
            h.status = ParseStatus::Help;
            h.node = &cmd;
            return h;
        }
        if (w.size() > 1 && w[0] == '-') {
            auto m = matchWord(std::string_view(w).substr(1), optNames, optShorts);
            if (m.kind == MatchKind::Ambiguous) {
                std::vector<std::string> which;
                for (auto k : m.candidates) which.push_back(optNames[k]);
                return fail(ParseError::AmbiguousOption, &cmd,
                            "Ambiguous parameter " + inQuotes(w) + " for " + where + " (matches: " + joined(which, "-") + ").");
            }
            if (m.kind == MatchKind::None)
                return fail(ParseError::UnknownOption, &cmd, "Unknown parameter " + inQuotes(w) + " for " + where + ".");
            const ArgSpec& a = *options[m.index];
            if (r.args.has(a.name))
                return fail(ParseError::RepeatedOption, &cmd,
                            "Parameter " + inQuotes("-" + std::string(a.name)) + " is given more than once.");
            if (a.kind == ArgKind::Flag) {
                r.args.set(a.name, "");
                continue;
            }
            if (i + 1 >= words.size())
                return fail(ParseError::MissingValue, &cmd,
                            "Parameter " + inQuotes("-" + std::string(a.name)) + " needs a value: -" + std::string(a.name) +
                                " " + std::string(a.valueName) + ".");
            if (auto bad = accept(a, words[++i])) return *bad;
            continue;
        }
        if (nextPositional >= positionals.size())
            return fail(ParseError::ExtraArgument, &cmd, "Unexpected argument " + inQuotes(w) + " for " + where + ".");
        const ArgSpec& a = *positionals[nextPositional];
        if (a.rest) {
            std::string all;
            for (; i < words.size(); ++i) all += (all.empty() ? "" : " ") + words[i];
            r.args.set(a.name, all);
            ++nextPositional;
            break;
        }
        ++nextPositional;
        if (auto bad = accept(a, w)) return *bad;
    }
    for (const auto& a : specs)
        if (a.required && !r.args.has(a.name)) {
            if (a.positional)
                return fail(ParseError::MissingArgument, &cmd,
                            "Missing required argument " + std::string(a.valueName) + " for " + where + ".");
            return fail(ParseError::MissingArgument, &cmd,
                        "Missing required parameter " + inQuotes("-" + std::string(a.name)) + " for " + where + ".");
        }
    return r;
}

} // namespace

ParseResult parseLine(const CommandTable& table, std::string_view line, std::optional<Role> role) {
    auto words = tokenize(line);
    if (!words) return fail(ParseError::UnbalancedQuote, &table.root(), "Unbalanced quotation marks.");
    if (words->empty()) return {};
    const Node* at = &table.root();
    std::size_t i = 0;
    while (at->isGroup()) {
        if (i >= words->size() || isHelpWord((*words)[i])) {
            ParseResult h;
            h.status = ParseStatus::Help;
            h.node = at;
            return h;
        }
        const Node* next = nullptr;
        auto r = selectChild(table, *at, (*words)[i], role, next);
        if (r.status == ParseStatus::Error) return r;
        at = next;
        ++i;
    }
    return parseArgs(*at, *words, i);
}

std::string syntaxLine(const Node& command) {
    std::string out = command.fullName();
    if (!command.command) return out;
    // As the reference writes it: required arguments first, then the optional ones, then
    // the switches, -force last.
    auto rank = [](const ArgSpec& a) { return a.required ? 0 : a.kind != ArgKind::Flag ? 1 : a.name == "force" ? 3 : 2; };
    for (int r = 0; r <= 3; ++r)
        for (const auto& a : command.command->args) {
            if (rank(a) != r) continue;
            std::string piece = a.positional ? std::string(a.valueName) : "-" + std::string(a.name);
            if (!a.positional && a.kind != ArgKind::Flag && !a.valueName.empty()) piece += " " + std::string(a.valueName);
            out += " " + (a.required ? piece : "[" + piece + "]");
        }
    return out;
}

} // namespace lunash

namespace lunash {

std::optional<std::uint64_t> Args::number(std::string_view name) const {
    auto v = get(name);
    if (!v) return std::nullopt;
    std::uint64_t n = 0;
    std::from_chars(v->data(), v->data() + v->size(), n);
    return n;
}

} // namespace lunash
