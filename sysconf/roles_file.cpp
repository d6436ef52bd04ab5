#include "sysconf/roles_file.h"

#include "sysconf/atomic_file.h"

#include <stdexcept>

namespace luna::sysconf {

RolesFile RolesFile::load(const std::filesystem::path& path) {
    auto content = readFile(path);
    return parse(content ? *content : std::string());
}

RolesFile RolesFile::parse(std::string_view content) {
    RolesFile f;
    std::size_t pos = 0;
    while (pos < content.size()) {
        auto nl = content.find('\n', pos);
        auto text = content.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? content.size() : nl + 1;
        Line line{std::string(text), std::nullopt};
        try {
            line.entry = parseRoleLine(text);
        } catch (const std::invalid_argument&) {
        }
        f.lines_.push_back(std::move(line));
    }
    return f;
}

std::optional<AppRole> RolesFile::roleOf(std::string_view who) const {
    std::optional<AppRole> role;   // the last line wins, as in RoleMap
    for (const auto& l : lines_)
        if (l.entry && l.entry->who == who) role = l.entry->role;
    return role;
}

void RolesFile::set(std::string_view who, AppRole role) {
    erase(who);
    std::string text = std::string(who) + " " + std::string(appRoleName(role));
    lines_.push_back({text, RoleLine{std::string(who), role}});
}

void RolesFile::erase(std::string_view who) {
    std::erase_if(lines_, [&](const Line& l) { return l.entry && l.entry->who == who; });
}

std::string RolesFile::render() const {
    std::string out;
    for (const auto& l : lines_) out += l.text + "\n";
    return out;
}

void RolesFile::save(const std::filesystem::path& path) const {
    auto content = render();
    // Validate the candidate the way its readers will read it.
    auto check = parse(content);
    for (const auto& l : lines_)
        if (l.entry && check.roleOf(l.entry->who) != roleOf(l.entry->who))
            throw std::logic_error("roles file would not read back as written");
    writeFileAtomic(path, content);
}

} // namespace luna::sysconf
