#include "config_file.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace luna::client {

bool equalsNoCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// The braces syntax: `Name With Spaces = { Key = Value; Key = "quoted"; }` with # and //
// line comments and /* */ block comments between tokens.
class BracesParser {
public:
    explicit BracesParser(std::string_view text) : t_(text) {}

    std::vector<ConfigFile::Section> run() {
        std::vector<ConfigFile::Section> out;
        for (skip(); pos_ < t_.size(); skip()) {
            ConfigFile::Section s;
            s.name = name("a section name");
            expect('=');
            skip();
            expect('{');
            for (skip(); peek() != '}'; skip()) {
                if (pos_ >= t_.size()) fail("the section '" + s.name + "' is not closed with '}'");
                ConfigFile::Entry e;
                e.key = name("a key");
                expect('=');
                e.value = value();
                s.entries.push_back(std::move(e));
            }
            ++pos_;   // '}'
            skip();
            if (peek() == ';') ++pos_;
            out.push_back(std::move(s));
        }
        return out;
    }

private:
    char peek() const { return pos_ < t_.size() ? t_[pos_] : '\0'; }

    [[noreturn]] void fail(const std::string& what) const {
        const auto line = 1 + std::count(t_.begin(), t_.begin() + static_cast<std::ptrdiff_t>(std::min(pos_, t_.size())), '\n');
        throw ConfigError("line " + std::to_string(line) + ": " + what);
    }

    void expect(char c) {
        skip();
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++pos_;
    }

    void skip() {
        for (;;) {
            while (pos_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[pos_]))) ++pos_;
            if (peek() == '#' || t_.substr(pos_, 2) == "//") {
                while (pos_ < t_.size() && t_[pos_] != '\n') ++pos_;
            } else if (t_.substr(pos_, 2) == "/*") {
                const auto end = t_.find("*/", pos_ + 2);
                if (end == std::string_view::npos) fail("a comment is not closed");
                pos_ = end + 2;
            } else {
                return;
            }
        }
    }

    // Names run to the '=' and may hold spaces ("LunaSA Client"), never braces or ';'.
    std::string name(const char* what) {
        const auto start = pos_;
        while (pos_ < t_.size() && t_[pos_] != '=' && t_[pos_] != '\n') {
            if (std::string_view("{};\"").find(t_[pos_]) != std::string_view::npos) fail(std::string("expected ") + what);
            ++pos_;
        }
        auto n = trim(t_.substr(start, pos_ - start));
        if (n.empty() || peek() != '=') fail(std::string("expected ") + what + " followed by '='");
        return std::string(n);
    }

    // A value is a quoted string, or everything up to ';' (or the end of the line, or '}').
    std::string value() {
        while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t')) ++pos_;
        std::string v;
        if (peek() == '"') {
            for (++pos_;; ++pos_) {
                if (pos_ >= t_.size() || t_[pos_] == '\n') fail("a quoted value is not closed");
                if (t_[pos_] == '"') break;
                if (t_[pos_] == '\\' && pos_ + 1 < t_.size()) ++pos_;
                v += t_[pos_];
            }
            ++pos_;
            skip();
        } else {
            const auto start = pos_;
            while (pos_ < t_.size() && t_[pos_] != ';' && t_[pos_] != '\n' && t_[pos_] != '}') ++pos_;
            v = std::string(trim(t_.substr(start, pos_ - start)));
            while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t')) ++pos_;
        }
        if (peek() == ';') ++pos_;
        return v;
    }

    std::string_view t_;
    std::size_t pos_ = 0;
};

std::vector<ConfigFile::Section> parseIni(std::string_view text) {
    std::vector<ConfigFile::Section> out;
    std::size_t lineNo = 0;
    for (std::size_t start = 0; start <= text.size();) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        auto line = trim(text.substr(start, end - start));
        ++lineNo;
        start = end + 1;
        if (line.empty() || line.front() == ';' || line.front() == '#') continue;
        if (line.front() == '[') {
            if (line.back() != ']') throw ConfigError("line " + std::to_string(lineNo) + ": expected ']'");
            out.push_back({std::string(trim(line.substr(1, line.size() - 2))), {}});
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string_view::npos || out.empty() || trim(line.substr(0, eq)).empty())
            throw ConfigError("line " + std::to_string(lineNo) + ": expected [Section] or Key=Value");
        out.back().entries.push_back({std::string(trim(line.substr(0, eq))), std::string(trim(line.substr(eq + 1)))});
    }
    return out;
}

bool needsQuotes(std::string_view v) {
    return v.empty() || v.find_first_of(";}\"#\n") != std::string_view::npos || v.front() == ' ' || v.back() == ' ' ||
           v.starts_with("//") || v.starts_with("/*");
}

} // namespace

ConfigFile ConfigFile::parse(std::string_view text) {
    ConfigFile f;
    std::size_t i = 0;
    // The first thing that is not a blank or a comment line decides the syntax.
    for (;;) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i < text.size() && (text[i] == '#' || text[i] == ';')) {
            while (i < text.size() && text[i] != '\n') ++i;
            continue;
        }
        break;
    }
    f.syntax_ = i < text.size() && text[i] == '[' ? Syntax::Ini : Syntax::Braces;
    f.sections_ = f.syntax_ == Syntax::Ini ? parseIni(text) : BracesParser(text).run();
    return f;
}

ConfigFile ConfigFile::load(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        if (std::filesystem::exists(file)) throw ConfigError("cannot read " + file.string());
        return {};
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    try {
        return parse(ss.str());
    } catch (const ConfigError& e) {
        throw ConfigError(file.string() + ": " + e.what());
    }
}

std::string ConfigFile::render() const {
    std::string out;
    for (const auto& s : sections_) {
        if (syntax_ == Syntax::Ini) {
            out += "[" + s.name + "]\n";
            for (const auto& e : s.entries) out += e.key + "=" + e.value + "\n";
            out += "\n";
            continue;
        }
        out += s.name + " = {\n";
        for (const auto& e : s.entries) {
            std::string v = e.value;
            if (needsQuotes(v)) {
                std::string q = "\"";
                for (char c : v) {
                    if (c == '"' || c == '\\') q += '\\';
                    q += c;
                }
                v = q + "\"";
            }
            out += "   " + e.key + " = " + v + ";\n";
        }
        out += "}\n";
    }
    return out;
}

void ConfigFile::save(const std::filesystem::path& file) const {
    auto tmp = file;
    tmp += ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << render();
        out.flush();
        if (!out) throw ConfigError("cannot write " + tmp.string());
    }
    std::error_code ec;
    std::filesystem::rename(tmp, file, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw ConfigError("cannot replace " + file.string());
    }
}

const ConfigFile::Section* ConfigFile::find(std::string_view section) const {
    for (const auto& s : sections_)
        if (equalsNoCase(s.name, section)) return &s;
    return nullptr;
}

std::optional<std::string> ConfigFile::get(std::string_view section, std::string_view key) const {
    if (const auto* s = find(section))
        for (const auto& e : s->entries)
            if (equalsNoCase(e.key, key)) return e.value;
    return std::nullopt;
}

ConfigFile::Section& ConfigFile::sectionFor(std::string_view name) {
    for (auto& s : sections_)
        if (equalsNoCase(s.name, name)) return s;
    sections_.push_back({std::string(name), {}});
    return sections_.back();
}

void ConfigFile::set(std::string_view section, std::string_view key, std::string_view value) {
    auto& s = sectionFor(section);
    for (auto& e : s.entries)
        if (equalsNoCase(e.key, key)) {
            e.value = value;
            return;
        }
    s.entries.push_back({std::string(key), std::string(value)});
}

bool ConfigFile::erase(std::string_view section, std::string_view key) {
    for (auto& s : sections_) {
        if (!equalsNoCase(s.name, section)) continue;
        const auto before = s.entries.size();
        std::erase_if(s.entries, [&](const Entry& e) { return equalsNoCase(e.key, key); });
        return s.entries.size() != before;
    }
    return false;
}

} // namespace luna::client
