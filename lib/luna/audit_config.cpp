#include "luna/audit_config.h"

#include "luna/errors.h"

#include <algorithm>
#include <cctype>

namespace luna::audit {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

const EventWord* findWord(std::string_view w) {
    auto l = lower(w);
    for (const auto& e : kEventWords)
        if (l == e.word || (l.size() == 1 && l[0] == e.shortcut)) return &e;
    return nullptr;
}

} // namespace

std::uint32_t parseEventMask(std::string_view value) {
    std::uint32_t mask = 0;
    bool none = false, any = false;
    while (true) {
        auto comma = value.find(',');
        auto word = trim(value.substr(0, comma));
        if (word.empty()) throw Error(rc::ARGUMENTS_BAD, "Empty event in the list; separate events with commas");
        const auto* e = findWord(word);
        if (!e) throw Error(rc::ARGUMENTS_BAD, "Unknown event '" + std::string(word) + "' (use -value ? for the list)");
        any = true;
        if (e->bits == 0) none = true;
        mask |= e->bits;
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    if (!any) throw Error(rc::ARGUMENTS_BAD, "No event given");
    if (none) {
        if (mask != 0) throw Error(rc::ARGUMENTS_BAD, "'none' cannot be combined with other events");
        return 0;
    }
    if ((mask & kOutcomeBits) == 0)
        throw Error(rc::ARGUMENTS_BAD,
                    "Specify when the events are logged: failure (f), success (s), or both");
    if ((mask & kCategoryBits) == 0) mask |= kCategoryBits;   // "failure": all command failures
    return mask;
}

std::string describeEventMask(std::uint32_t mask) {
    if ((mask & kAllBits) == kAllBits) return "Log everything";
    if ((mask & kOutcomeBits) == 0 || (mask & kCategoryBits) == 0) return "Log critical events only";
    std::string out = "Log ";
    const bool f = mask & bit(Bit::Failure), s = mask & bit(Bit::Success);
    out += f && s ? "failures and successes" : f ? "failures" : "successes";
    if ((mask & kCategoryBits) == kCategoryBits) return out + " of all events";
    out += " of:";
    bool first = true;
    for (const auto& e : kEventWords) {
        if (e.bits == 0 || e.bits == kAllBits || (e.bits & kOutcomeBits) || !(mask & e.bits)) continue;
        out += first ? " " : ", ";
        out += e.word;
        first = false;
    }
    return out;
}

std::vector<std::string> eventWordHelp() {
    std::vector<std::string> out;
    for (const auto& e : kEventWords) {
        std::string w(e.word);
        auto pos = w.find(e.shortcut);
        w = w.substr(0, pos) + "[" + std::string(1, e.shortcut) + "]" + w.substr(pos + 1);
        out.push_back(w + ": " + std::string(e.help));
    }
    return out;
}

std::optional<Rotation> rotationFromName(std::string_view s) {
    auto l = lower(trim(s));
    for (const auto& r : kRotationNames)
        if (l == r.name || (l.size() == 1 && l[0] == r.name[0])) return r.value;
    return std::nullopt;
}

std::string_view rotationName(Rotation r) {
    for (const auto& n : kRotationNames)
        if (n.value == r) return n.name;
    return "daily";
}

} // namespace luna::audit
