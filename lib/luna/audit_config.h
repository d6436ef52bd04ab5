// The audit logging configuration the Auditor sets (seed ch.1, LunaSH `audit config`): which
// event categories are logged on failure and/or success, and how often cbsd rotates the log
// files. Shared by the HSM core (which decides what to log), hsmd, cbsd and lunash.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace luna::audit {

// Bits of the event mask. The outcome bits say when an enabled category is logged; the
// category bits say which. A mask with categories but no outcome logs nothing.
enum class Bit : std::uint32_t {
    Failure = 1u << 0,
    Success = 1u << 1,
    Access = 1u << 2,       // logins, sessions, object modification
    Manage = 1u << 3,       // HSM management: init, partitions, policies, PINs
    KeyManage = 1u << 4,    // key and object create/destroy/generate/wrap
    Asymmetric = 1u << 5,   // asymmetric key usage (sign/verify)
    AsymFirst = 1u << 6,    // first asymmetric usage of a key only
    Symmetric = 1u << 7,    // symmetric key usage (encrypt/decrypt)
    SymFirst = 1u << 8,     // first symmetric usage of a key only
    External = 1u << 9,     // CA_LogExternal messages
    LogManage = 1u << 10,   // audit log configuration, time, secret, verification
};
constexpr std::uint32_t bit(Bit b) { return static_cast<std::uint32_t>(b); }
inline constexpr std::uint32_t kOutcomeBits = bit(Bit::Failure) | bit(Bit::Success);
inline constexpr std::uint32_t kCategoryBits = 0x7FCu;
inline constexpr std::uint32_t kAllBits = kOutcomeBits | kCategoryBits;

// One word of `audit config -parameter event -value <list>`, as the reference lists them:
// the full word or the letter it brackets ([f]ailure, asymmetri[c], a[l]l ...).
struct EventWord {
    std::string_view word;
    char shortcut;
    std::uint32_t bits;      // 0 for none; kAllBits for all
    std::string_view help;
};
inline constexpr std::array kEventWords = std::to_array<EventWord>({
    {"failure", 'f', bit(Bit::Failure), "log command failures"},
    {"success", 's', bit(Bit::Success), "log command successes"},
    {"access", 'a', bit(Bit::Access), "log access attempts (logins)"},
    {"manage", 'm', bit(Bit::Manage), "log HSM management (init/reset/etc)"},
    {"keymanage", 'k', bit(Bit::KeyManage), "key management events (key create/delete)"},
    {"asymmetric", 'c', bit(Bit::Asymmetric), "asymmetric key usage (sig/ver)"},
    {"first", 'r', bit(Bit::AsymFirst), "first asymmetric key usage only (sig/ver)"},
    {"symmetric", 'y', bit(Bit::Symmetric), "symmetric key usage (enc/dec)"},
    {"symfirst", 'i', bit(Bit::SymFirst), "first symmetric key usage only (enc/dec)"},
    {"external", 'x', bit(Bit::External), "log messages from CA_LogExternal"},
    {"logmanage", 'g', bit(Bit::LogManage), "log events relating to log configuration"},
    {"all", 'l', kAllBits, "log everything (user will be warned)"},
    {"none", 'n', 0, "turn logging off"},
});
static_assert(kEventWords.size() == 13);

// Parses the comma-separated -value list. Outcomes without a category mean every category
// ("-value failure": log all command failures); categories without an outcome are refused,
// as the reference asks for f, s or both. Throws luna::Error(ARGUMENTS_BAD) naming the word.
std::uint32_t parseEventMask(std::string_view value);
// "Log everything", "Log critical events only", or the outcomes and categories in words.
std::string describeEventMask(std::uint32_t mask);
// The help text `-value ?` prints: one line per word with its shortcut.
std::vector<std::string> eventWordHelp();

enum class Rotation : std::uint8_t { Hourly, Daily, Weekly, Monthly, Never };
struct RotationName {
    Rotation value;
    std::string_view name;
};
inline constexpr std::array kRotationNames = std::to_array<RotationName>({
    {Rotation::Hourly, "hourly"},
    {Rotation::Daily, "daily"},
    {Rotation::Weekly, "weekly"},
    {Rotation::Monthly, "monthly"},
    {Rotation::Never, "never"},
});
static_assert(kRotationNames.size() == 5);
inline constexpr Rotation kDefaultRotation = Rotation::Daily;

// The full word or its first letter ([h]ourly, [d]aily, ...), any case.
std::optional<Rotation> rotationFromName(std::string_view s);
std::string_view rotationName(Rotation r);

} // namespace luna::audit
