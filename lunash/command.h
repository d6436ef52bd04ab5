// The command table's rows. Every command lunash knows is one CommandRow: its full name,
// the reference's short form, its arguments, the roles that may run it, its help text and
// its handler. Help, `<group> -help`, the per-role command list, completion, abbreviation
// and argument checks are all computed from these rows (registry.h, parser.h, help.h).
#pragma once

#include "role.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lunash {

class Context;

enum class ArgKind {
    Flag,       // -force: present or not, takes no value
    String,     // -label <hsm_label>
    Number,     // -size <bytes>: decimal, fits 64 bits
    Password,   // -password <password>: a string never echoed into logs
    Enum,       // one of ArgSpec::choices (case-insensitive)
};

struct ArgSpec {
    std::string_view name = {};     // typed as "-name"; for a positional argument, its placeholder
    std::string_view shortForm = {};    // the reference's "Shortcut" column, without the dash ("" if none)
    ArgKind kind = ArgKind::String;
    std::string_view valueName = {};    // "<hsm_label>" in the syntax line ("" for flags)
    std::string_view help = {};
    bool required = false;          // must be on the command line (prompted values are not "required")
    bool positional = false;        // given without a "-name" (status sysstat code all)
    bool rest = false;              // positional that takes every remaining word (help hsm show)
    std::vector<std::string_view> choices = {};   // for Enum
};

// A group level of the tree ("hsm", "hsm information"): name, short form and help only.
// Which roles see a group follows from the commands under it.
struct GroupRow {
    std::vector<std::string_view> path;
    std::string_view shortForm;
    std::string_view help;
};

class Args;
using Handler = std::function<void(Context&, const Args&)>;

struct CommandRow {
    std::vector<std::string_view> path = {};    // {"hsm", "show"}
    std::string_view shortForm = {};        // short form of the last word: "sh"
    std::vector<ArgSpec> args = {};
    RoleSet roles = {};
    std::string_view help = {};             // one line for lists; syntax help adds the arguments
    Handler handler = {};
    // How the reference names the command in its messages when it differs from the path
    // ("hsm changePolicy"): 'hsm changePolicy' successful / failed.
    std::string_view reportName = {};
};

// Parsed argument values of one invocation, by ArgSpec::name.
class Args {
public:
    void set(std::string_view name, std::string value) { values_[std::string(name)] = std::move(value); }
    bool has(std::string_view name) const { return values_.find(name) != values_.end(); }
    std::optional<std::string> get(std::string_view name) const {
        auto it = values_.find(name);
        return it == values_.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    std::string str(std::string_view name) const { return get(name).value_or(""); }
    // Numbers were checked by the parser; absent gives nullopt.
    std::optional<std::uint64_t> number(std::string_view name) const;
    const std::map<std::string, std::string, std::less<>>& all() const { return values_; }

private:
    std::map<std::string, std::string, std::less<>> values_;
};

// A refusal lunash itself decides (bad input, local-console-only command, a user who typed
// 'quit'): printed as is, then "Command Result : 65535 (Luna Shell execution)".
class ShellError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace lunash
