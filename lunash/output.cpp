#include "output.h"

namespace lunash {

std::string padRight(std::string_view s, std::size_t width) {
    std::string out(s);
    if (out.size() < width) out.append(width - out.size(), ' ');
    return out;
}

std::string padLeft(std::string_view s, std::size_t width) {
    std::string out;
    if (s.size() < width) out.assign(width - s.size(), ' ');
    out += s;
    return out;
}

void Output::line(std::string_view s) { os_ << s << '\n'; }

void Output::field(std::string_view label, std::string_view value, std::size_t column) {
    std::string l(label);
    if (l.size() >= column) l += ' ';
    os_ << padRight(l, column) << value << '\n';
}

void Output::field(std::string_view label, std::uint64_t value, std::size_t column) {
    field(label, std::to_string(value), column);
}

void Output::heading(std::string_view title) {
    std::string t(title);
    t += ':';
    os_ << t << '\n' << std::string(t.size(), '=') << '\n';
}

} // namespace lunash
