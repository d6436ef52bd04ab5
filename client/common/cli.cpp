#include "cli.h"

#include "config_file.h"

#include <cctype>

namespace luna::client {

std::optional<std::string> Options::get(std::string_view name) const {
    auto it = values_.find(std::string(name));
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

Options parseOptions(std::span<const std::string> words, std::span<const OptionSpec> specs, bool caseSensitive) {
    Options out;
    auto same = [&](std::string_view a, std::string_view b) { return caseSensitive ? a == b : equalsNoCase(a, b); };
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w.size() < 2 || w[0] != '-') throw UsageError("Unexpected argument '" + w + "'");
        const std::string_view typed = std::string_view(w).substr(1);
        const OptionSpec* spec = nullptr;
        for (const auto& s : specs)
            if (same(typed, s.name) || (!s.shortcut.empty() && same(typed, s.shortcut))) spec = &s;
        if (!spec) throw UsageError("Unknown option '" + w + "'");
        if (spec->valueName.empty()) {
            out.set(spec->name, "");
            continue;
        }
        if (i + 1 >= words.size()) throw UsageError("Option -" + std::string(spec->name) + " needs a value " + std::string(spec->valueName));
        std::string v = words[++i];
        while (spec->multiWord && i + 1 < words.size() && !words[i + 1].starts_with("-")) v += " " + words[++i];
        out.set(spec->name, std::move(v));
    }
    for (const auto& s : specs)
        if (s.required && !out.has(s.name)) throw UsageError("Option -" + std::string(s.name) + " is required");
    return out;
}

std::string syntaxLine(std::string_view command, std::span<const OptionSpec> specs) {
    std::string line(command);
    for (const auto& s : specs) {
        std::string part = "-" + std::string(s.name);
        if (!s.valueName.empty()) part += " " + std::string(s.valueName);
        line += s.required ? " " + part : " [" + part + "]";
    }
    return line;
}

std::vector<std::string> splitWords(std::string_view line) {
    std::vector<std::string> out;
    std::string cur;
    bool inWord = false, quoted = false;
    for (char c : line) {
        if (c == '"') {
            quoted = !quoted;
            inWord = true;
        } else if (!quoted && std::isspace(static_cast<unsigned char>(c))) {
            if (inWord) out.push_back(std::move(cur));
            cur.clear();
            inWord = false;
        } else {
            cur += c;
            inWord = true;
        }
    }
    if (quoted) throw UsageError("A quotation mark is not closed");
    if (inWord) out.push_back(std::move(cur));
    return out;
}

} // namespace luna::client
