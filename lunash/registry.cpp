#include "registry.h"

#include "match.h"

#include <algorithm>
#include <functional>
#include <set>
#include <stdexcept>

namespace lunash {

std::string Node::fullName() const {
    if (!parent) return {};
    auto up = parent->fullName();
    return up.empty() ? name : up + " " + name;
}

CommandTable::CommandTable() : root_(&nodes_.emplace_back()) {}

Node* CommandTable::child(Node* parent, std::string_view name) {
    for (auto* c : parent->children)
        if (c->name == name) return c;
    return nullptr;
}

Node* CommandTable::ensurePath(const std::vector<std::string_view>& path) {
    if (path.empty()) throw std::logic_error("lunash: a row without a name");
    Node* n = root_;
    for (auto word : path) {
        Node* c = child(n, word);
        if (!c) {
            c = &nodes_.emplace_back();
            c->name = std::string(word);
            c->parent = n;
            // Sub-commands read alphabetically, as in the reference; the top level keeps the
            // registration order (help and exit first).
            auto at = n->children.end();
            if (n != root_)
                at = std::find_if(n->children.begin(), n->children.end(), [&](const Node* k) { return k->name > word; });
            n->children.insert(at, c);
        }
        n = c;
    }
    return n;
}

void CommandTable::addGroup(GroupRow row) {
    Node* n = ensurePath(row.path);
    if (n->command) throw std::logic_error("lunash: group " + n->fullName() + " is also a command");
    n->shortForm = std::string(row.shortForm);
    n->help = std::string(row.help);
}

void CommandTable::add(CommandRow row) {
    Node* n = ensurePath(row.path);
    if (n->command || !n->children.empty())
        throw std::logic_error("lunash: command " + n->fullName() + " registered twice or is a group");
    const CommandRow& r = rows_.emplace_back(std::move(row));
    n->command = &r;
    n->shortForm = std::string(r.shortForm);
    n->help = std::string(r.help);
    n->roles = r.roles;
    for (const Node* up = n->parent; up; up = up->parent) const_cast<Node*>(up)->roles = up->roles | r.roles;
}

std::vector<const Node*> CommandTable::visibleChildren(const Node& n, std::optional<Role> role) const {
    std::vector<const Node*> out;
    for (const auto* c : n.children)
        if (visible(*c, role)) out.push_back(c);
    return out;
}

std::vector<const Node*> CommandTable::commands() const {
    std::vector<const Node*> out;
    std::function<void(const Node&)> walk = [&](const Node& n) {
        if (n.command) out.push_back(&n);
        for (const auto* c : n.children) walk(*c);
    };
    walk(*root_);
    return out;
}

std::vector<std::string> CommandTable::problems() const {
    std::vector<std::string> out;
    std::function<void(const Node&)> walk = [&](const Node& n) {
        std::set<std::string> names, shorts;
        for (const auto* c : n.children) {
            auto where = c->fullName();
            if (c->help.empty()) out.push_back(where + ": no help text");
            if (!names.insert(c->name).second) out.push_back(where + ": duplicate name");
            if (!c->shortForm.empty()) {
                if (!shorts.insert(c->shortForm).second) out.push_back(where + ": duplicate short form");
                std::vector<std::string> siblings;
                for (const auto* s : n.children) siblings.push_back(s->name);
                std::vector<std::string> shortsHere;
                for (const auto* s : n.children) shortsHere.push_back(s->shortForm);
                auto m = matchWord(c->shortForm, siblings, shortsHere);
                if (m.kind != MatchKind::Unique || siblings[m.index] != c->name)
                    out.push_back(where + ": short form '" + c->shortForm + "' does not select it");
            }
            if (c->isGroup() && c->children.empty()) out.push_back(where + ": empty group");
            if (c->command) {
                std::set<std::string_view> argNames, argShorts;
                for (const auto& a : c->command->args) {
                    if (!argNames.insert(a.name).second) out.push_back(where + ": duplicate argument " + std::string(a.name));
                    if (!a.shortForm.empty() && !argShorts.insert(a.shortForm).second)
                        out.push_back(where + ": duplicate argument short form " + std::string(a.shortForm));
                    if (a.kind == ArgKind::Enum && a.choices.empty())
                        out.push_back(where + ": enum argument without choices");
                }
                if (c->command->roles.empty()) out.push_back(where + ": no role may run it");
                if (!c->command->handler) out.push_back(where + ": no handler");
            }
            walk(*c);
        }
    };
    walk(*root_);
    return out;
}

} // namespace lunash
