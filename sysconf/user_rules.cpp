#include "sysconf/user_rules.h"

#include "luna/errors.h"

#include <algorithm>

namespace luna::sysconf {
namespace {

bool isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_';
}

} // namespace

bool isBuiltinUser(std::string_view name) {
    return std::find(kBuiltinUsers.begin(), kBuiltinUsers.end(), name) != kBuiltinUsers.end();
}

void checkUserName(std::string_view name) {
    const std::string shown(name);
    if (name.empty() || name.size() > kUserNameMax)
        throw Error(rc::USER_NAME_INVALID, "User names must be 1 to " + std::to_string(kUserNameMax) + " characters");
    if (!std::all_of(name.begin(), name.end(), isNameChar))
        throw Error(rc::USER_NAME_INVALID,
                    "Invalid user name '" + shown + "': use only letters, digits, '-', '.' and '_'");
    const char first = name.front();
    if (first == '.' || first == '-' || (first >= '0' && first <= '9'))
        throw Error(rc::USER_NAME_INVALID, "Invalid user name '" + shown + "': it cannot start with a dot, dash or number");
    if (std::find(kReservedNames.begin(), kReservedNames.end(), name) != kReservedNames.end())
        throw Error(rc::USER_NAME_INVALID, "The user name '" + shown + "' is reserved");
}

void checkPassword(std::string_view password) {
    if (password.size() < kPasswordMin)
        throw Error(rc::PASSWORD_QUALITY, "The password must be at least 8 characters long.");
    if (password.size() > kPasswordMax)
        throw Error(rc::PASSWORD_QUALITY, "The password must be at most 255 characters long.");
    bool upper = false, lower = false, digit = false, other = false;
    for (char c : password) {
        if (c < 0x20 || c > 0x7e)
            throw Error(rc::PASSWORD_QUALITY, "The password may contain printable ASCII characters only.");
        if (c >= 'A' && c <= 'Z') upper = true;
        else if (c >= 'a' && c <= 'z') lower = true;
        else if (c >= '0' && c <= '9') digit = true;
        else other = true;
    }
    if (int(upper) + int(lower) + int(digit) + int(other) < 3)
        throw Error(rc::PASSWORD_QUALITY,
                    "The password must contain characters from at least 3 of the following 4 categories: "
                    "uppercase letters, lowercase letters, numbers, non-alphanumeric characters.");
}

AppRole parseRole(std::string_view role) {
    if (auto r = appRoleFromName(role)) return *r;
    throw Error(rc::ROLE_INVALID,
                "Invalid role '" + std::string(role) + "'. Valid values: admin, operator, monitor, audit");
}

void checkKeyName(std::string_view name) {
    if (name.empty() || name.size() > 64 || name.front() == '.' || !std::all_of(name.begin(), name.end(), isNameChar))
        throw Error(rc::SSH_KEY_INVALID, "Invalid public key name '" + std::string(name) +
                                             "': 1 to 64 letters, digits, '-', '.' or '_', not starting with a dot");
}

} // namespace luna::sysconf
