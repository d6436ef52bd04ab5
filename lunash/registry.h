// The command table: rows registered by the group files (commands/*.cpp), arranged as a
// tree of words. A group file adds its GroupRow and CommandRows through register<Group>();
// commands/groups.cpp lists the groups.
#pragma once

#include "command.h"

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lunash {

struct Node {
    std::string name;
    std::string shortForm;
    std::string help;
    const CommandRow* command = nullptr;    // set for a command, null for a group
    const Node* parent = nullptr;
    std::vector<Node*> children;            // alphabetical; the root's in registration order
    RoleSet roles;                          // a command's roles; for a group, the union below it

    bool isGroup() const { return command == nullptr; }
    std::string fullName() const;           // "hsm information show"; "" for the root
};

class CommandTable {
public:
    CommandTable();
    CommandTable(const CommandTable&) = delete;
    CommandTable& operator=(const CommandTable&) = delete;

    void addGroup(GroupRow row);
    void add(CommandRow row);

    const Node& root() const { return *root_; }
    // A node is visible to a role when the role may run it (a group: some command under it).
    static bool visible(const Node& n, std::optional<Role> role) { return n.roles.has(role); }
    std::vector<const Node*> visibleChildren(const Node& n, std::optional<Role> role) const;
    // Every command in tree order (for docs and tests).
    std::vector<const Node*> commands() const;

    // Consistency of the rows: every group has help, names and short forms are unique among
    // siblings, a documented short form resolves to its own row, argument names and short
    // forms are unique within a command. Empty when all is well.
    std::vector<std::string> problems() const;

private:
    Node* child(Node* parent, std::string_view name);
    Node* ensurePath(const std::vector<std::string_view>& path);
    std::deque<Node> nodes_;
    std::deque<CommandRow> rows_;
    Node* root_;
};

// Registers every group of the shell (commands/groups.cpp).
void registerAllCommands(CommandTable& table);

} // namespace lunash
