// From a typed line to a command and its checked arguments. Words select tree levels by
// full name, documented short form or unique prefix (match.h); options likewise among the
// command's ArgSpecs. Every refusal names what was wrong; the caller prints it with the
// syntax of the level where parsing stopped.
#pragma once

#include "registry.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lunash {

// Splits on blanks; "double" and 'single' quotes group words ("user partition1").
// nullopt when a quote is not closed.
std::optional<std::vector<std::string>> tokenize(std::string_view line);

enum class ParseStatus {
    Empty,      // nothing but blanks
    Command,    // node is a command; args are checked
    Help,       // "?", "-help" or a bare group: show the syntax of node
    Error,      // message says why; node is the level where parsing stopped
};

enum class ParseError {
    None,
    UnbalancedQuote,
    UnknownCommand,
    AmbiguousCommand,
    NotPermitted,       // the word names a command the role may not run
    UnknownOption,
    AmbiguousOption,
    RepeatedOption,
    MissingValue,
    MissingArgument,
    ExtraArgument,
    BadNumber,
    BadChoice,
};

struct ParseResult {
    ParseStatus status = ParseStatus::Empty;
    ParseError error = ParseError::None;
    const Node* node = nullptr;
    Args args;
    std::string message;
};

ParseResult parseLine(const CommandTable& table, std::string_view line, std::optional<Role> role);

// "-label <hsm_label>" / "[-force]": the syntax line of a command as the reference writes it.
std::string syntaxLine(const Node& command);

} // namespace lunash
