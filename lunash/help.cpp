#include "help.h"

#include "parser.h"

#include <algorithm>
#include <cctype>

namespace lunash {
namespace {

std::string groupTitle(const Node& n) {
    std::string t = n.name;
    if (!t.empty()) t[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(t[0])));
    return "> " + t;
}

void printList(Output& out, const CommandTable& table, const Node& node, std::optional<Role> role) {
    if (node.parent) {
        out.line(node.fullName() + " - " + node.help);
        out.line();
        out.line("The following sub-commands are available:");
    } else {
        out.line("The following top-level commands are available:");
    }
    out.line();
    auto kids = table.visibleChildren(node, role);
    std::size_t w = 4;
    for (const auto* k : kids) w = std::max(w, k->name.size());
    w += 4;
    out.line(padRight("Name", w) + padRight("(short)", 10) + "Description");
    for (const auto* k : kids)
        out.line(padRight(k->name, w) + padRight(k->shortForm, 10) + (k->isGroup() ? groupTitle(*k) : k->help));
}

void printSyntax(Output& out, const Node& node) {
    out.line(node.fullName() + " - " + node.help);
    out.line();
    out.line("Syntax: " + syntaxLine(node));
    const auto& args = node.command->args;
    if (args.empty()) return;
    out.line();
    std::vector<std::string> names;
    std::size_t w = std::string_view("Parameter").size();
    for (const auto& a : args) {
        std::string n = a.positional ? std::string(a.valueName) : "-" + std::string(a.name);
        if (!a.positional && a.kind != ArgKind::Flag) n += " " + std::string(a.valueName);
        w = std::max(w, n.size());
        names.push_back(std::move(n));
    }
    w += 4;
    out.line(padRight("Parameter", w) + padRight("Short", 8) + "Description");
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string sh = args[i].shortForm.empty() ? "" : "-" + std::string(args[i].shortForm);
        std::string help(args[i].help);
        if (args[i].kind == ArgKind::Enum) {
            help += " (";
            for (std::size_t c = 0; c < args[i].choices.size(); ++c)
                help += (c ? "|" : "") + std::string(args[i].choices[c]);
            help += ")";
        }
        out.line(padRight(names[i], w) + padRight(sh, 8) + help);
    }
}

} // namespace

void printHelp(Output& out, const CommandTable& table, const Node& node, std::optional<Role> role) {
    if (node.isGroup()) printList(out, table, node, role);
    else printSyntax(out, node);
}

} // namespace lunash
