#include "luna/errors.h"

#include <algorithm>
#include <cstdio>

namespace luna {
namespace {
constexpr std::string_view kDbusPrefix = "com.safenet.Luna.Error.";

std::string describe(std::uint32_t code, const std::string& detail) {
    auto def = findError(code);
    std::string base = def ? std::string(def->message) : "Unknown error";
    return detail.empty() ? base : detail;
}
} // namespace

std::optional<ErrorDef> findError(std::uint32_t code) {
    auto table = errorTable();
    auto it = std::lower_bound(table.begin(), table.end(), code,
                               [](const ErrorDef& d, std::uint32_t c) { return d.code < c; });
    if (it == table.end() || it->code != code) return std::nullopt;
    return *it;
}

std::optional<ErrorDef> findErrorByName(std::string_view name) {
    for (const auto& d : errorTable())
        if (d.name == name) return d;
    return std::nullopt;
}

std::string dbusErrorName(std::uint32_t code) {
    if (auto def = findError(code)) return std::string(kDbusPrefix) + std::string(def->name);
    char buf[32];
    std::snprintf(buf, sizeof buf, "CKR_0x%08X", code);
    return std::string(kDbusPrefix) + buf;
}

std::optional<std::uint32_t> codeFromDbusErrorName(std::string_view dbusName) {
    if (!dbusName.starts_with(kDbusPrefix)) return std::nullopt;
    auto rest = dbusName.substr(kDbusPrefix.size());
    if (auto def = findErrorByName(rest)) return def->code;
    unsigned v = 0;
    if (rest.starts_with("CKR_0x") && std::sscanf(std::string(rest.substr(6)).c_str(), "%x", &v) == 1) return v;
    return std::nullopt;
}

std::string lunashFailureLine(std::string_view command, const ErrorDef& shown) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "%X", shown.code);
    std::string line = "Error: '";
    line.append(command).append("' failed. (").append(hex).append(" : ").append(shown.name).append(")");
    return line;
}

std::string lunashFailureLine(std::string_view command, std::uint32_t ckr) {
    if (auto fw = lunaRetForCkr(ckr)) return lunashFailureLine(command, *fw);
    if (auto def = findError(ckr)) return lunashFailureLine(command, *def);
    return lunashFailureLine(command, ErrorDef{ckr, "CKR_UNKNOWN", "Unknown error"});
}

Error::Error(std::uint32_t code, std::string detail)
    : std::runtime_error(describe(code, detail)), code_(code), detail_(std::move(detail)) {}

Error::Error(std::uint32_t code) : Error(code, std::string()) {}

std::string_view Error::name() const noexcept {
    auto def = findError(code_);
    return def ? def->name : std::string_view("CKR_UNKNOWN");
}

} // namespace luna
