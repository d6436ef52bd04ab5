// Each role sees exactly the commands the LunaSH reference allows it: every command in
// lunash's table is run by the roles that the reference's "User Privileges" block names
// (tests/unit/data/lunash-reference-roles.txt, made by tools/reference-roles), no more, no
// fewer. A command of the reference that lunash does not have yet is not a failure here;
// one that lunash has and the reference does not name is.
#define BOOST_TEST_MODULE lunash_reference_roles
#include <boost/test/unit_test.hpp>

#include "registry.h"
#include "role.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

using namespace lunash;

namespace {

// The reference's role names for a command, in the data file's order.
std::map<std::string, std::set<std::string>> referenceRoles() {
    std::map<std::string, std::set<std::string>> out;
    std::ifstream in(LUNA_REFERENCE_ROLES);
    BOOST_REQUIRE_MESSAGE(in, "cannot read " LUNA_REFERENCE_ROLES);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto colon = line.find(':');
        BOOST_REQUIRE(colon != std::string::npos);
        std::istringstream words(line.substr(colon + 1));
        std::set<std::string> roles;
        for (std::string w; words >> w;) roles.insert(w);
        out[line.substr(0, colon)] = roles;
    }
    return out;
}

std::set<std::string> tableRoles(const Node& n) {
    std::set<std::string> out;
    for (const auto& [role, name] : kRoleNames)
        if (n.roles.has(role)) out.insert(std::string(name));
    return out;
}

std::string joined(const std::set<std::string>& s) {
    std::string out;
    for (const auto& r : s) out += (out.empty() ? "" : " ") + r;
    return out.empty() ? "(none)" : out;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_command_has_the_reference_roles) {
    const auto reference = referenceRoles();
    BOOST_REQUIRE_GT(reference.size(), 300u);   // the whole reference was read
    CommandTable table;
    registerAllCommands(table);
    std::size_t checked = 0;
    for (const Node* n : table.commands()) {
        const auto name = n->fullName();
        auto it = reference.find(name);
        BOOST_TEST_CONTEXT(name) {
            const bool known = it != reference.end();
            BOOST_TEST(known, "'" << name << "' is not a command of the reference");
            if (!known) continue;
            BOOST_TEST(joined(tableRoles(*n)) == joined(it->second));
            ++checked;
        }
    }
    BOOST_TEST_MESSAGE(checked << " commands checked against the reference");
    BOOST_TEST(checked > 100u);
}
