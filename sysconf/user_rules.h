// The appliance's rules for users, checked before anything is touched. Pure functions: the
// unit tests run them without a bus, a root or an /etc. Each refusal is a luna::Error whose
// message is the sentence lunash prints.
#pragma once

#include "luna/appliance_roles.h"

#include <array>
#include <string>
#include <string_view>

namespace luna::sysconf {

// The permanent users (admin guide, "Default Users"): each holds the role of its name, can
// be neither created nor destroyed; admin is always enabled, the others start disabled.
inline constexpr std::array<std::string_view, 4> kBuiltinUsers{"admin", "operator", "monitor", "audit"};
bool isBuiltinUser(std::string_view name);

// Names no appliance user may take: root's and the serial-console recovery account's.
inline constexpr std::array<std::string_view, 2> kReservedNames{"root", "recover"};

// Every new account's password, to be changed at the first login (admin guide, ch.3).
inline constexpr std::string_view kDefaultPassword = "PASSWORD";

// `user add`: 1 to 31 characters from a-z A-Z 0-9 - . _, not starting with a dot, a dash
// or a digit (admin guide, "User Naming Guidelines"). Throws CKR_USER_NAME_INVALID.
inline constexpr std::size_t kUserNameMax = 31;
void checkUserName(std::string_view name);

// At least 8 characters, from at least 3 of: uppercase, lowercase, digits, other
// characters; printable ASCII only, at most 255. Throws CKR_PASSWORD_QUALITY.
inline constexpr std::size_t kPasswordMin = 8;
inline constexpr std::size_t kPasswordMax = 255;
void checkPassword(std::string_view password);
// The reference's wording of the rules, as `my password set` prints them.
inline constexpr std::string_view kPasswordRulesText =
    "The password must be at least 8 characters long.\n"
    "The password must contain characters from at least 3 of the following 4 categories:\n"
    "    - Uppercase letters (A through Z)\n"
    "    - Lowercase letters (a through z)\n"
    "    - Numbers (0 through 9)\n"
    "    - Non-alphanumeric characters (such as !, $, #, %)";

// admin, operator, monitor or audit. Throws CKR_ROLE_INVALID.
AppRole parseRole(std::string_view role);

// The name a public key is known by (the file it came from): 1 to 64 characters from
// a-z A-Z 0-9 - . _, not starting with a dot. Throws CKR_SSH_KEY_INVALID.
void checkKeyName(std::string_view name);

} // namespace luna::sysconf
