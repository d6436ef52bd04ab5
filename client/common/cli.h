// Command-line pieces shared by vtl and lunacm: options given as `-name value` or by their
// shortcut (`-n value`), and the splitting of a typed line into words ("quoted words" keep
// their spaces, LunaCM reference ch.1).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace luna::client {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::string_view name;          // "-name" is typed without the dash here: "name"
    std::string_view shortcut;      // "n" ("" if none)
    std::string_view valueName;     // "<role>"; empty for a flag
    std::string_view help;
    bool required = false;
    // The value runs over several words up to the next -option (`-name Crypto Officer`).
    bool multiWord = false;
};

class Options {
public:
    bool has(std::string_view name) const { return values_.count(std::string(name)) != 0; }
    std::optional<std::string> get(std::string_view name) const;
    std::string value(std::string_view name) const { return get(name).value_or(""); }
    void set(std::string_view name, std::string v) { values_[std::string(name)] = std::move(v); }

private:
    std::map<std::string, std::string> values_;
};

// Matches each `-word` against the specs (by name or shortcut; case-insensitively unless
// `caseSensitive`, as vtl's -c and -C differ). A repeated option: the last one counts.
// Throws UsageError for an unknown option, a missing value, a stray word or a missing
// required option.
Options parseOptions(std::span<const std::string> words, std::span<const OptionSpec> specs, bool caseSensitive = false);

// The syntax line of a command: "role login -name <role> [-password <password>]".
std::string syntaxLine(std::string_view command, std::span<const OptionSpec> specs);

// Splits a typed line into words; double quotes group words and are dropped.
std::vector<std::string> splitWords(std::string_view line);

} // namespace luna::client
