// The roles file as sysconfd edits it: the appliance's record of which user holds which role
// (hsmd, sysconfd and lunash resolve callers through it, see lib/luna/appliance_roles.h).
// Edits keep every line sysconfd does not own (comments, uid entries an installer added) as
// they were; save() replaces the file atomically with its owner and mode kept.
#pragma once

#include "luna/appliance_roles.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace luna::sysconf {

class RolesFile {
public:
    // A missing file reads as empty; malformed lines are kept as they are but never match.
    static RolesFile load(const std::filesystem::path& path);
    static RolesFile parse(std::string_view content);

    std::optional<AppRole> roleOf(std::string_view who) const;
    void set(std::string_view who, AppRole role);   // replaces every earlier line for `who`
    void erase(std::string_view who);
    std::string render() const;

    // Atomic replace; refuses to write content that would not read back the same.
    void save(const std::filesystem::path& path) const;

private:
    struct Line {
        std::string text;
        std::optional<RoleLine> entry;
    };
    std::vector<Line> lines_;
};

} // namespace luna::sysconf
