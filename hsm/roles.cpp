#include "hsm/roles.h"

#include "luna/errors.h"

#include <string>

namespace luna::hsm {
namespace {
// The seed's "valid characters" list for passwords and domains (ch.7): space and
// !#$%'+,-./0-9:=?@A-Z[^_a-z}~ . Its "invalid" list is garbled (it repeats ' ), so the
// positive list decides; see docs/decisions/credentials.md.
bool validCredentialChar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    constexpr std::string_view extra = " !#$%'+,-./:=?@[^_}~";
    return extra.find(c) != std::string_view::npos;
}

void checkCharset(std::string_view s, std::uint32_t code, std::string_view what) {
    for (char c : s)
        if (!validCredentialChar(c))
            throw Error(code, std::string(what) + " contains the character '" + std::string(1, c) +
                                  "', which is not allowed");
}
} // namespace

std::optional<Role> roleFromShortName(std::string_view s) {
    for (const auto& r : kRoles)
        if (r.shortName == s) return r.role;
    return std::nullopt;
}

void checkSoPassword(std::string_view pw) {
    if (pw.size() < 7 || pw.size() > 256)
        throw Error(rc::PIN_LEN_RANGE, "The HSM SO password must be 7 to 256 characters long");
    checkCharset(pw, rc::PIN_INVALID, "The password");
}

void checkDomain(std::string_view domain) {
    if (domain.empty() || domain.size() > 128)
        throw Error(rc::DOMAIN_INVALID, "The cloning domain must be 1 to 128 characters long");
    checkCharset(domain, rc::DOMAIN_INVALID, "The cloning domain");
}

void checkHsmLabel(std::string_view label) {
    if (label.empty() || label.size() > 32) throw Error(rc::LABEL_INVALID, "The label must be 1 to 32 characters long");
    if (label.front() == ' ') throw Error(rc::LABEL_INVALID, "The label must not start with a space");
    for (char c : label)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            throw Error(rc::LABEL_INVALID, "The label contains a control character");
}

void checkPartitionName(std::string_view name) {
    if (name.empty() || name.size() > 32)
        throw Error(rc::PARTITION_NAME_INVALID, "The partition name must be 1 to 32 characters long");
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '-' || c == '.';
        if (!ok)
            throw Error(rc::PARTITION_NAME_INVALID,
                        "The partition name may contain only letters, digits, '_', '-' and '.'");
    }
    bool numeric = name.find_first_not_of("0123456789") == std::string_view::npos;
    if (numeric)
        throw Error(rc::PARTITION_NAME_INVALID,
                    "The partition name must not be all digits (it would read as a serial number)");
}

void checkPartitionPin(std::string_view pin, std::uint32_t minLen, std::uint32_t maxLen) {
    if (pin.size() < minLen || pin.size() > maxLen)
        throw Error(rc::PIN_LEN_RANGE, "The password must be " + std::to_string(minLen) + " to " +
                                           std::to_string(maxLen) + " characters long");
    checkCharset(pin, rc::PIN_INVALID, "The password");
}

} // namespace luna::hsm
