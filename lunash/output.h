// The reference's output conventions in one place: "Label:   value" fields with the value in
// column 65, underlined headings, and the Command Result trailer.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace lunash {

inline constexpr std::size_t kValueColumn = 64;     // values start at column 65 (hsm show)

std::string padRight(std::string_view s, std::size_t width);
std::string padLeft(std::string_view s, std::size_t width);

class Output {
public:
    explicit Output(std::ostream& os) : os_(os) {}
    std::ostream& stream() { return os_; }

    void line(std::string_view s = {});
    // "Label:" padded to `column`, then the value (one blank at least).
    void field(std::string_view label, std::string_view value, std::size_t column = kValueColumn);
    void field(std::string_view label, std::uint64_t value, std::size_t column = kValueColumn);
    // "Title:" and a rule of '=' as long as it.
    void heading(std::string_view title);
    void flush() { os_.flush(); }

    static constexpr std::string_view kSuccess = "Command Result : 0 (Success)";
    static constexpr std::string_view kShellFailure = "Command Result : 65535 (Luna Shell execution)";

private:
    std::ostream& os_;
};

} // namespace lunash
