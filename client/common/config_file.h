// The client configuration file (Chrystoki.conf on Linux, crystoki.ini on Windows) as sections
// of ordered key/value pairs, in either of the two syntaxes the real client accepts:
//
//   ini      [LunaSA Client]              braces   LunaSA Client = {
//            ServerName00=192.20.17.200               ServerName00 = 192.20.17.200;
//                                                  }
//
// Why not libconfig: the real Linux file is libconfig-like but not libconfig. Its section
// names carry spaces ("LunaSA Client") and its paths are unquoted (LibUNIX64 = /usr/...so;);
// libconfig 1.5 rejects both (docs/client.md). This parser takes the real file, and quoted
// values as libconfig writes them, too.
//
// Section and key names compare case-insensitively (the Windows file is an ini file). Writing
// keeps the file's syntax; comments are not kept.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace luna::client {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ConfigFile {
public:
    enum class Syntax { Braces, Ini };
    struct Entry {
        std::string key, value;
    };
    struct Section {
        std::string name;
        std::vector<Entry> entries;
    };

    // Throws ConfigError naming the line of the first thing it cannot read.
    static ConfigFile parse(std::string_view text);
    // A missing file is an empty configuration in the braces syntax (the Linux default).
    static ConfigFile load(const std::filesystem::path& file);

    std::string render() const;
    // Writes a temp file beside `file` and renames it over, so readers never see half a file.
    void save(const std::filesystem::path& file) const;

    Syntax syntax() const { return syntax_; }
    void setSyntax(Syntax s) { syntax_ = s; }
    const std::vector<Section>& sections() const { return sections_; }

    std::optional<std::string> get(std::string_view section, std::string_view key) const;
    void set(std::string_view section, std::string_view key, std::string_view value);
    bool erase(std::string_view section, std::string_view key);
    const Section* find(std::string_view section) const;

private:
    Section& sectionFor(std::string_view name);
    Syntax syntax_ = Syntax::Braces;
    std::vector<Section> sections_;
};

bool equalsNoCase(std::string_view a, std::string_view b);

} // namespace luna::client
