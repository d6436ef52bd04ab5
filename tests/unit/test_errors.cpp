#define BOOST_TEST_MODULE errors
#include <boost/test/unit_test.hpp>

#include "luna/errors.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

template <typename Row>
void checkSortedUnique(std::span<const Row> table) {
    BOOST_REQUIRE(!table.empty());
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (i > 0)
            BOOST_TEST(table[i - 1].code < table[i].code,
                       table[i - 1].name << " must sort strictly before " << table[i].name);
        BOOST_TEST(names.insert(table[i].name).second, "duplicate name " << table[i].name);
    }
}

bool isSymbol(std::string_view name, std::string_view prefix) {
    if (!name.starts_with(prefix) || name.size() == prefix.size()) return false;
    for (char c : name)
        if (!(std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
            return false;
    return true;
}

// D-Bus specification, "Error names": like an interface name.
bool isValidDbusErrorName(std::string_view n) {
    if (n.empty() || n.size() > 255) return false;
    int elements = 0;
    std::size_t start = 0;
    while (true) {
        auto dot = n.find('.', start);
        auto el = n.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (el.empty() || std::isdigit(static_cast<unsigned char>(el.front()))) return false;
        for (char c : el)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
        ++elements;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return elements >= 2;
}

// errors.h as text, found from this file's compile-time path (relative to the build directory
// when meson builds in-tree) either from the working directory or from the build root above
// the test executable (build/tests/unit/test-errors), so the test runs from anywhere.
std::string readRegistryHeader() {
    namespace fs = std::filesystem;
    const fs::path rel = fs::path(__FILE__).parent_path() / ".." / ".." / "lib" / "luna" / "errors.h";
    std::vector<fs::path> candidates{rel};
    std::error_code ec;
    if (rel.is_relative()) {
        auto exe = fs::read_symlink("/proc/self/exe", ec);
        if (!ec) candidates.push_back(exe.parent_path() / ".." / ".." / rel);
    }
    for (const auto& p : candidates) {
        std::ifstream in(p);
        if (!in) continue;
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }
    return {};
}

// An optional code as a printable number; "none" reads as 0x100000000 in a failure message.
constexpr std::uint64_t kNone = std::uint64_t{1} << 32;
std::uint64_t val(std::optional<std::uint32_t> code) { return code ? *code : kNone; }

} // namespace

BOOST_AUTO_TEST_SUITE(tables)

BOOST_AUTO_TEST_CASE(every_table_sorted_and_unique) {
    checkSortedUnique(luna::errorTable());
    checkSortedUnique(luna::libraryErrorTable());
    checkSortedUnique(luna::lunaRetTable());
}

BOOST_AUTO_TEST_CASE(names_and_messages_well_formed) {
    for (const auto& d : luna::errorTable()) {
        BOOST_TEST(isSymbol(d.name, "CKR_"), d.name);
        BOOST_TEST(!d.message.empty(), d.name);
    }
    for (const auto& d : luna::libraryErrorTable()) {
        BOOST_TEST(isSymbol(d.name, "RC_"), d.name);
        BOOST_TEST(!d.message.empty(), d.name);
    }
    for (const auto& d : luna::lunaRetTable()) BOOST_TEST(isSymbol(d.name, "LUNA_RET_"), d.name);
}

BOOST_AUTO_TEST_CASE(sizes_match_the_guide) {
    auto ckrs = luna::errorTable();
    auto vendor = std::count_if(ckrs.begin(), ckrs.end(),
                                [](const luna::ErrorDef& d) { return d.code >= 0x80000000 && d.code < 0x80010000; });
    // ch.19 lists 124 vendor-defined codes; three of them sit in the standard range.
    BOOST_TEST(vendor == 121);
    for (std::uint32_t low : {0x52u, 0xB2u, 0x141u}) BOOST_TEST(luna::findError(low).has_value(), low);
    BOOST_TEST(luna::libraryErrorTable().size() == 97u);
    BOOST_TEST(luna::lunaRetTable().size() == 347u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(registry)

// Every constant in luna::rc must be a row named CKR_<constant>. The header is parsed so a
// constant added later is covered without touching this test.
BOOST_AUTO_TEST_CASE(every_rc_constant_is_registered) {
    const std::string header = readRegistryHeader();
    BOOST_REQUIRE_MESSAGE(!header.empty(), "cannot find lib/luna/errors.h from " << __FILE__);
    auto begin = header.find("namespace rc {");
    auto end = header.find("} // namespace rc", begin);
    BOOST_REQUIRE(begin != std::string::npos && end != std::string::npos);
    const std::string body = header.substr(begin, end - begin);

    const std::regex constant(R"(inline constexpr std::uint32_t (\w+) = (0x[0-9A-Fa-f]+);)");
    int parsed = 0;
    for (std::sregex_iterator it(body.begin(), body.end(), constant), last; it != last; ++it) {
        ++parsed;
        const std::string name = "CKR_" + (*it)[1].str();
        const auto code = static_cast<std::uint32_t>(std::stoul((*it)[2].str(), nullptr, 16));
        auto def = luna::findError(code);
        BOOST_TEST_REQUIRE(def.has_value(), name << " is not in the registry");
        BOOST_TEST(def->name == name);
    }
    // A constant written in a form the regex misses would otherwise go unchecked.
    std::size_t declared = 0;
    for (auto pos = body.find("inline constexpr"); pos != std::string::npos; pos = body.find("inline constexpr", pos + 1))
        ++declared;
    BOOST_TEST(parsed == static_cast<int>(declared));
    BOOST_TEST(parsed > 50);

    // And the compiled values, for a few, against their names.
    BOOST_TEST(luna::findError(luna::rc::PIN_INCORRECT)->name == "CKR_PIN_INCORRECT");
    BOOST_TEST(luna::findError(luna::rc::HSM_STORAGE_FULL)->name == "CKR_HSM_STORAGE_FULL");
    BOOST_TEST(luna::findError(luna::rc::CONFIG_FAILS_DEPENDENCIES)->name == "CKR_CONFIG_FAILS_DEPENDENCIES");
}

BOOST_AUTO_TEST_CASE(name_code_dbus_round_trip) {
    for (const auto& d : luna::errorTable()) {
        BOOST_TEST_CONTEXT(d.name) {
            BOOST_TEST(luna::findError(d.code)->name == d.name);
            BOOST_TEST(luna::findErrorByName(d.name)->code == d.code);
            const std::string bus = luna::dbusErrorName(d.code);
            BOOST_TEST(isValidDbusErrorName(bus), bus);
            BOOST_TEST(bus == "com.safenet.Luna.Error." + std::string(d.name));
            BOOST_TEST(val(luna::codeFromDbusErrorName(bus)) == d.code);
            luna::Error e(d.code);
            BOOST_TEST(e.name() == d.name);
            BOOST_TEST(std::string(e.what()) == d.message);
        }
    }
}

BOOST_AUTO_TEST_CASE(unknown_codes_round_trip_too) {
    const std::uint32_t odd = 0x7FFF1234;
    BOOST_REQUIRE(!luna::findError(odd));
    const std::string bus = luna::dbusErrorName(odd);
    BOOST_TEST(isValidDbusErrorName(bus), bus);
    BOOST_TEST(val(luna::codeFromDbusErrorName(bus)) == odd);
    BOOST_TEST(!luna::codeFromDbusErrorName("org.freedesktop.DBus.Error.Failed"));
    BOOST_TEST(luna::Error(odd).name() == "CKR_UNKNOWN");
    BOOST_TEST(std::string(luna::Error(luna::rc::PIN_INCORRECT, "Wrong password for 'admin'").what()) ==
               "Wrong password for 'admin'");
}

BOOST_AUTO_TEST_CASE(spot_checks_against_the_guide_and_pkcs11) {
    struct Expect { std::uint32_t code; std::string_view name; };
    for (auto [code, name] : std::initializer_list<Expect>{
             {0x00000000, "CKR_OK"}, {0x00000001, "CKR_CANCEL"}, {0x0000001B, "CKR_ACTION_PROHIBITED"},
             {0x000000A0, "CKR_PIN_INCORRECT"}, {0x000000A4, "CKR_PIN_LOCKED"},
             {0x00000140, "CKR_CURVE_NOT_SUPPORTED"}, {0x000001B5, "CKR_EXCEEDED_MAX_ITERATIONS"},
             {0x000001B9, "CKR_PUBLIC_KEY_INVALID"}, {0x00000200, "CKR_FUNCTION_REJECTED"},
             {0x00000052, "CKR_FUNCTION_PARALLEL"}, {0x000000B2, "CKR_SESSION_EXCLUSIVE_EXISTS"},
             {0x00000141, "CKR_INSERTION_CALLBACK_NOT_SUPPORTED"}, {0x80000004, "CKR_RC_ERROR"},
             {0x80000009, "CKR_CLONING_PARAMETER_MISSING"}, {0x8000002A, "CKR_HSM_STORAGE_FULL"},
             {0x8000002C, "CKR_CONTAINER_OBJECT_STORAGE_FULL"}, {0x8000006E, "CKR_CMD_NOT_ALLOWED_HSM_IN_TRANSPORT"},
             {0x8000007A, "CKR_INVALID_BL_ITB_AUTH_HEADER"}, {0x80000114, "CKR_OBJECT_READ_ONLY"},
             {0x80000136, "CKR_KEY_NOT_ACTIVE"}}) {
        auto def = luna::findError(code);
        BOOST_TEST_REQUIRE(def.has_value(), name);
        BOOST_TEST(def->name == name);
    }
    BOOST_TEST(!luna::findError(0x1C0)); // older headers' misplaced CKR_EXCEEDED_MAX_ITERATIONS
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(library_codes)

BOOST_AUTO_TEST_CASE(guide_descriptions_are_the_messages) {
    auto locked = luna::findLibraryError(0xC0000108);
    BOOST_TEST_REQUIRE(locked.has_value());
    BOOST_TEST(locked->message == "PIN IS LOCKED");
    BOOST_TEST(locked->name == "RC_PIN_IS_LOCKED");
    BOOST_TEST(luna::findLibraryErrorByName("RC_OPERATION_TIMED_OUT")->code == 0xC0000303u);
    BOOST_TEST(luna::findLibraryErrorByName("RC_DATA_INVALID")->code == 0xC0000102u);
    BOOST_TEST(luna::findLibraryError(0xC0000102)->message == "INVALID DATA");
    BOOST_TEST(luna::findLibraryError(0xC0001100)->name == "RC_UNABLE_TO_CONNECT"); // last in the guide
    BOOST_TEST(luna::findLibraryError(0xC0000403)->name == "RC_FILE_IS_READ_ONLY");
    BOOST_TEST(!luna::findLibraryError(0xC0000A00));
    // A separate namespace: no library code lands in the CKR registry.
    for (const auto& d : luna::libraryErrorTable())
        if (d.code != 0) BOOST_TEST(!luna::findError(d.code), d.name);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(firmware_codes)

BOOST_AUTO_TEST_CASE(every_mapping_resolves) {
    int internal = 0, identity = 0;
    for (const auto& r : luna::lunaRetTable()) {
        if (r.ckrName.empty()) {
            ++internal;
            BOOST_TEST(!luna::ckrFromLunaRet(r.code), r.name);
            continue;
        }
        auto ckr = luna::findErrorByName(r.ckrName);
        BOOST_TEST_REQUIRE(ckr.has_value(), r.name << " maps to unregistered " << r.ckrName);
        BOOST_TEST(val(luna::ckrFromLunaRet(r.code)) == ckr->code);
        BOOST_TEST(luna::findLunaRet(r.code)->message == ckr->message);
        if (r.name.substr(9) == r.ckrName.substr(4)) ++identity;
    }
    BOOST_TEST(internal == 1);
    BOOST_TEST(identity == 94); // the guide's 93 LUNA_RET_X -> CKR_X rows, and FLAGS_INVALID
}

BOOST_AUTO_TEST_CASE(mappings_from_the_guide) {
    using namespace luna;
    BOOST_TEST(val(ckrFromLunaRet(0x00310102)) == rc::DEVICE_ERROR);     // SM_SESSION_REALLOC_ERROR
    BOOST_TEST(val(ckrFromLunaRet(0x00300002)) == rc::PIN_LOCKED);       // TOKEN_LOCKED_OUT
    BOOST_TEST(val(ckrFromLunaRet(0x00010A0B)) == rc::OPERATION_NOT_ALLOWED); // OPERATION_RESTRICTED
    BOOST_TEST(val(ckrFromLunaRet(0x00A00000)) == rc::PIN_INCORRECT);    // UM_PIN_INCORRECT
    BOOST_TEST(val(ckrFromLunaRet(0x00010A07)) == 0x1);   // ..FAILS_DEPENDENCIES -> CANCEL
    BOOST_TEST(val(ckrFromLunaRet(0x006A0001)) == 0x6A);  // guide misprint KR_
    BOOST_TEST(val(ckrFromLunaRet(0x80000D03)) == rc::LOG_FULL);         // guide misprint 0x8000d03
    BOOST_TEST(val(ckrFromLunaRet(0x80000902)) == rc::HSM_STORAGE_FULL);
    BOOST_TEST(findLunaRet(0x00300142)->name == "LUNA_RET_PED_UNPLUGGED");
    BOOST_TEST(findLunaRetByName("LUNA_RET_MTK_ZEROIZED")->code == 0x80000531u);
    // Same number, different namespaces.
    BOOST_TEST(findLunaRet(0x80000009)->name == "LUNA_RET_CONTAINER_LOCKED");
    BOOST_TEST(val(ckrFromLunaRet(0x80000009)) == rc::PIN_LOCKED);
    BOOST_TEST(findError(0x80000009)->name == "CKR_CLONING_PARAMETER_MISSING");
    // HSM-internal and unknown codes have no CKR.
    BOOST_TEST(findLunaRet(0x8000000D)->name == "LUNA_RET_OBJECT_DELETED");
    BOOST_TEST(!ckrFromLunaRet(0x8000000D));
    BOOST_TEST(!ckrFromLunaRet(0x12345678));
    BOOST_TEST(!findLunaRet(0x12345678));
}

BOOST_AUTO_TEST_CASE(lunash_origins_resolve) {
    for (const auto& o : luna::lunashOriginTable()) {
        BOOST_TEST_CONTEXT(o.ckrName) {
            auto ckr = luna::findErrorByName(o.ckrName);
            BOOST_TEST_REQUIRE(ckr.has_value());
            BOOST_TEST_REQUIRE(luna::findLunaRetByName(o.lunaRetName).has_value());
            BOOST_TEST(luna::lunaRetForCkr(ckr->code)->name == o.lunaRetName);
            // Only firmware codes that become this very CKR.
            BOOST_TEST(val(luna::ckrFromLunaRet(luna::findLunaRetByName(o.lunaRetName)->code)) == ckr->code);
            // An origin is listed only where the identical name does not already give one.
            BOOST_TEST(!luna::findLunaRetByName("LUNA_RET_" + std::string(o.ckrName.substr(4))));
        }
    }
    BOOST_TEST(luna::lunaRetForCkr(0x80000026)->name == "LUNA_RET_MTK_ZEROIZED"); // identity
    BOOST_TEST(!luna::lunaRetForCkr(luna::rc::PIN_LOCKED));                        // ambiguous
    BOOST_TEST(!luna::lunaRetForCkr(luna::rc::ACCESS_DENIED));                     // appliance-level
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(lunash_text)

BOOST_AUTO_TEST_CASE(failure_lines_as_in_the_guide) {
    using luna::lunashFailureLine;
    // guide ch.11
    BOOST_TEST(lunashFailureLine("hsm login", 0x8000002E) == "Error: 'hsm login' failed. (300142 : LUNA_RET_PED_UNPLUGGED)");
    // guide ch.19
    BOOST_TEST(lunashFailureLine("hsm update firmware", luna::rc::OPERATION_NOT_ALLOWED) ==
               "Error: 'hsm update firmware' failed. (10A0B : LUNA_RET_OPERATION_RESTRICTED)");
    BOOST_TEST(lunashFailureLine("hsm show", *luna::findLunaRet(0x00310102)) ==
               "Error: 'hsm show' failed. (310102 : LUNA_RET_SM_SESSION_REALLOC_ERROR)");
    // guide ch.3: a client library code, printed the same way
    BOOST_TEST(lunashFailureLine("hsm init", *luna::findLibraryError(0xC0000102)) ==
               "Error: 'hsm init' failed. (C0000102 : RC_DATA_INVALID)");
}

BOOST_AUTO_TEST_CASE(failure_lines_for_our_codes) {
    using luna::lunashFailureLine;
    BOOST_TEST(lunashFailureLine("hsm login", luna::rc::PIN_INCORRECT) ==
               "Error: 'hsm login' failed. (A00000 : LUNA_RET_UM_PIN_INCORRECT)");
    BOOST_TEST(lunashFailureLine("partition create", luna::rc::HSM_STORAGE_FULL) ==
               "Error: 'partition create' failed. (80000902 : LUNA_RET_HSM_STORAGE_FULL)");
    // No firmware origin that becomes this CKR: the CKR itself, same layout. The guide names
    // this one as what the user sees ("fails with error: CKR_CONFIG_FAILS_DEPENDENCIES").
    BOOST_TEST(lunashFailureLine("hsm changePolicy", luna::rc::CONFIG_FAILS_DEPENDENCIES) ==
               "Error: 'hsm changePolicy' failed. (80010001 : CKR_CONFIG_FAILS_DEPENDENCIES)");
    BOOST_TEST(lunashFailureLine("hsm login", luna::rc::PIN_LOCKED) == "Error: 'hsm login' failed. (A4 : CKR_PIN_LOCKED)");
    BOOST_TEST(lunashFailureLine("sysconf config factoryReset", luna::rc::ACCESS_DENIED) ==
               "Error: 'sysconf config factoryReset' failed. (80010007 : CKR_ACCESS_DENIED)");
    BOOST_TEST(lunashFailureLine("hsm show", 0x7FFFFFFF) == "Error: 'hsm show' failed. (7FFFFFFF : CKR_UNKNOWN)");
}

BOOST_AUTO_TEST_SUITE_END()
