// One registry for every error the appliance reports: PKCS#11 / Luna return code,
// its symbolic name, the message a person reads, and the D-Bus error name derived
// from it. Daemons throw luna::Error; bus glue, lunash and the PKCS#11 library all
// translate through this table so the same refusal reads the same everywhere.
// Three code namespaces, three tables (layout and rules: docs/errors.md): CKRs (errorTable,
// what daemons throw), client library RC_ codes and firmware LUNA_RET_ codes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace luna {

struct ErrorDef {
    std::uint32_t code;          // CKR_* value (vendor codes have bit 31 set)
    std::string_view name;       // symbolic name, e.g. "CKR_PIN_INCORRECT"
    std::string_view message;    // what a person reads
};

// Codes the core throws by name; values are the PKCS#11 / SafeNet vendor CKRs (ch.19).
namespace rc {
inline constexpr std::uint32_t OK = 0x00000000;
inline constexpr std::uint32_t GENERAL_ERROR = 0x00000005;
inline constexpr std::uint32_t ARGUMENTS_BAD = 0x00000007;
inline constexpr std::uint32_t ATTRIBUTE_TYPE_INVALID = 0x00000012;
inline constexpr std::uint32_t ATTRIBUTE_VALUE_INVALID = 0x00000013;
inline constexpr std::uint32_t DEVICE_ERROR = 0x00000030;
inline constexpr std::uint32_t DATA_INVALID = 0x00000020;
inline constexpr std::uint32_t OBJECT_HANDLE_INVALID = 0x00000082;
inline constexpr std::uint32_t OPERATION_NOT_INITIALIZED = 0x00000091;
inline constexpr std::uint32_t PIN_INCORRECT = 0x000000A0;
inline constexpr std::uint32_t PIN_INVALID = 0x000000A1;
inline constexpr std::uint32_t PIN_LEN_RANGE = 0x000000A2;
inline constexpr std::uint32_t PIN_EXPIRED = 0x000000A3;
inline constexpr std::uint32_t PIN_LOCKED = 0x000000A4;
inline constexpr std::uint32_t SLOT_ID_INVALID = 0x00000003;
inline constexpr std::uint32_t TEMPLATE_INCONSISTENT = 0x000000D1;
inline constexpr std::uint32_t TOKEN_NOT_PRESENT = 0x000000E0;
inline constexpr std::uint32_t TOKEN_NOT_RECOGNIZED = 0x000000E1;
inline constexpr std::uint32_t USER_ALREADY_LOGGED_IN = 0x00000100;
inline constexpr std::uint32_t USER_NOT_LOGGED_IN = 0x00000101;
inline constexpr std::uint32_t USER_PIN_NOT_INITIALIZED = 0x00000102;
inline constexpr std::uint32_t USER_TYPE_INVALID = 0x00000103;
inline constexpr std::uint32_t USER_ANOTHER_ALREADY_LOGGED_IN = 0x00000104;
inline constexpr std::uint32_t USER_TOO_MANY_TYPES = 0x00000105;
inline constexpr std::uint32_t FUNCTION_NOT_SUPPORTED = 0x00000054;
inline constexpr std::uint32_t BUFFER_TOO_SMALL = 0x00000150;
inline constexpr std::uint32_t WRAPPED_KEY_INVALID = 0x00000110;
inline constexpr std::uint32_t CONTAINER_HANDLE_INVALID = 0x80000005;
inline constexpr std::uint32_t TOO_MANY_CONTAINERS = 0x80000006;
inline constexpr std::uint32_t USER_LOCKED_OUT = 0x80000007;
inline constexpr std::uint32_t USER_NOT_AUTHORIZED = 0x8000001A;
inline constexpr std::uint32_t MAX_OBJECT_COUNT_EXCEEDED = 0x8000001B;
inline constexpr std::uint32_t SO_LOGIN_FAILURE_THRESHOLD = 0x8000001C;
inline constexpr std::uint32_t HSM_STORAGE_FULL = 0x8000002A;
inline constexpr std::uint32_t CONTAINER_OBJECT_STORAGE_FULL = 0x8000002C;
inline constexpr std::uint32_t OPERATION_NOT_ALLOWED = 0x80000030;
inline constexpr std::uint32_t LICENSE_CAPACITY_EXCEEDED = 0x80000031;
inline constexpr std::uint32_t LOG_FULL = 0x80000035;
inline constexpr std::uint32_t LOG_NO_KCV = 0x80000036;
inline constexpr std::uint32_t LOG_BAD_RECORD_HMAC = 0x80000037;
inline constexpr std::uint32_t LOG_AUDIT_NOT_INITIALIZED = 0x80000039;
inline constexpr std::uint32_t AUDIT_LOGIN_TIMEOUT_IN_PROGRESS = 0x8000003B;
inline constexpr std::uint32_t AUDIT_LOGIN_FAILURE_THRESHOLD = 0x8000003C;
inline constexpr std::uint32_t CMD_NOT_ALLOWED_HSM_IN_TRANSPORT = 0x8000006E;
inline constexpr std::uint32_t OBJECT_ALREADY_EXISTS = 0x8000006F;
inline constexpr std::uint32_t HSM_TAMPERED = 0x80000076;
inline constexpr std::uint32_t CONFIG_CHANGE_ILLEGAL = 0x80000077;
// Project-assigned codes (0x8001xxxx): conditions the guide names without a numeric
// value, or appliance-level refusals. Listed in docs/errors.md.
inline constexpr std::uint32_t CONFIG_FAILS_DEPENDENCIES = 0x80010001;
inline constexpr std::uint32_t POLICY_ID_INVALID = 0x80010002;
inline constexpr std::uint32_t POLICY_VALUE_INVALID = 0x80010003;
inline constexpr std::uint32_t HSM_ZEROIZED = 0x80010004;
inline constexpr std::uint32_t HSM_NOT_INITIALIZED = 0x80010005;
inline constexpr std::uint32_t STORAGE_CORRUPT = 0x80010006;
inline constexpr std::uint32_t ACCESS_DENIED = 0x80010007;
inline constexpr std::uint32_t LABEL_INVALID = 0x80010008;
inline constexpr std::uint32_t SIZE_INVALID = 0x80010009;
inline constexpr std::uint32_t PARTITION_NAME_INVALID = 0x8001000A;
inline constexpr std::uint32_t PARTITION_NOT_FOUND = 0x8001000B;
inline constexpr std::uint32_t DOMAIN_INVALID = 0x8001000C;
inline constexpr std::uint32_t TEMPLATE_INVALID = 0x8001000D;
// Appliance users and configuration (sysconfd).
inline constexpr std::uint32_t USER_NAME_INVALID = 0x8001000E;
inline constexpr std::uint32_t USER_NOT_FOUND = 0x8001000F;
inline constexpr std::uint32_t USER_ALREADY_EXISTS = 0x80010010;
inline constexpr std::uint32_t USER_BUILTIN = 0x80010011;
inline constexpr std::uint32_t USER_LOGGED_IN = 0x80010012;
inline constexpr std::uint32_t PASSWORD_QUALITY = 0x80010013;
inline constexpr std::uint32_t ROLE_INVALID = 0x80010014;
inline constexpr std::uint32_t SSH_KEY_INVALID = 0x80010015;
inline constexpr std::uint32_t SSH_KEY_NOT_FOUND = 0x80010016;
inline constexpr std::uint32_t CONFIG_ACTIVATION_FAILED = 0x80010017;
// Appliance platform: syslog, services, configuration backup, time, licences (sysconfd).
inline constexpr std::uint32_t CONFIG_VALUE_INVALID = 0x80010040;
inline constexpr std::uint32_t CONFIG_ENTRY_NOT_FOUND = 0x80010041;
inline constexpr std::uint32_t CONFIG_ENTRY_EXISTS = 0x80010042;
inline constexpr std::uint32_t BACKUP_INVALID = 0x80010043;
inline constexpr std::uint32_t BACKUP_NOT_FOUND = 0x80010044;
inline constexpr std::uint32_t SERVICE_UNKNOWN = 0x80010045;
inline constexpr std::uint32_t SERVICE_FAILED = 0x80010046;
inline constexpr std::uint32_t SERVICE_MANAGER_UNAVAILABLE = 0x80010047;
inline constexpr std::uint32_t LICENSE_INVALID = 0x80010048;
inline constexpr std::uint32_t LICENSE_ALREADY_APPLIED = 0x80010049;
inline constexpr std::uint32_t LICENSE_NOT_FOUND = 0x8001004A;
inline constexpr std::uint32_t LOG_NOT_FOUND = 0x8001004B;
// NTLS client registry and settings (ntlsd).
inline constexpr std::uint32_t CLIENT_NAME_INVALID = 0x80010020;
inline constexpr std::uint32_t CLIENT_NOT_FOUND = 0x80010021;
inline constexpr std::uint32_t CLIENT_ALREADY_EXISTS = 0x80010022;
inline constexpr std::uint32_t CERTIFICATE_INVALID = 0x80010023;
inline constexpr std::uint32_t CERTIFICATE_IN_USE = 0x80010024;
inline constexpr std::uint32_t PARTITION_ALREADY_ASSIGNED = 0x80010025;
inline constexpr std::uint32_t PARTITION_NOT_ASSIGNED = 0x80010026;
inline constexpr std::uint32_t ADDRESS_INVALID = 0x80010027;
inline constexpr std::uint32_t NTLS_SETTING_INVALID = 0x80010028;
} // namespace rc

// Every row of the registry, ordered by code (checked by a unit test).
std::span<const ErrorDef> errorTable();

// Lookup; nullopt for a code the registry does not know.
std::optional<ErrorDef> findError(std::uint32_t code);
std::optional<ErrorDef> findErrorByName(std::string_view name);

// "com.safenet.Luna.Error.CKR_PIN_INCORRECT" for a code, or a generic name for unknown ones.
std::string dbusErrorName(std::uint32_t code);
// Inverse of dbusErrorName; nullopt if the name is not one of ours.
std::optional<std::uint32_t> codeFromDbusErrorName(std::string_view dbusName);

// ---- Client library return codes (guide ch.19 "Library Codes", lib/luna/library_errors.cpp).
// A namespace apart from CKRs (0xC000xxxx): name "RC_...", message the guide's description.
std::span<const ErrorDef> libraryErrorTable();
std::optional<ErrorDef> findLibraryError(std::uint32_t code);
std::optional<ErrorDef> findLibraryErrorByName(std::string_view name);

// ---- Firmware return codes (guide ch.19 "Keycard and Token Return Codes",
// lib/luna/luna_ret_table.cpp). Also a namespace apart: LUNA_RET 0x80000009 is not CKR 0x80000009.
struct LunaRetDef {
    std::uint32_t code;          // LUNA_RET_* value
    std::string_view name;       // "LUNA_RET_PED_UNPLUGGED"
    std::string_view ckrName;    // the CKR it becomes; empty for the one HSM-internal code
};
std::span<const LunaRetDef> lunaRetTable();
// As a registry entry: name "LUNA_RET_...", message that of the CKR it becomes.
std::optional<ErrorDef> findLunaRet(std::uint32_t code);
std::optional<ErrorDef> findLunaRetByName(std::string_view name);
// The CKR a firmware code becomes; nullopt for an unknown or HSM-internal code (callers
// report CKR_GENERAL_ERROR then).
std::optional<std::uint32_t> ckrFromLunaRet(std::uint32_t code);

// Which firmware code lunash shows for a CKR: the identically named LUNA_RET_X when it maps to
// CKR_X, else the row of lunashOriginTable() naming the CKR (a firmware code that becomes that
// CKR), else nullopt: lunash then shows the CKR itself. luna_ret_table.cpp says why each
// listed pair is what it is.
struct LunashOrigin {
    std::string_view ckrName;
    std::string_view lunaRetName;
};
std::span<const LunashOrigin> lunashOriginTable();
std::optional<ErrorDef> lunaRetForCkr(std::uint32_t ckr);

// lunash's line for a command that failed, without the newline and without the
// "Command Result : 65535 (Luna Shell execution)" trailer that follows after a blank line:
//     Error: 'hsm login' failed. (300142 : LUNA_RET_PED_UNPLUGGED)
// The guide's examples (ch.3, 11, 19) always show a code, uppercase hex without "0x" or
// leading zeros, and the symbolic name of that code in the namespace it came from: firmware
// (310102 : LUNA_RET_SM_SESSION_REALLOC_ERROR) or client library (C0000102 : RC_DATA_INVALID).
// Our daemons refuse with CKRs, so the CKR overload shows lunaRetForCkr(ckr) when there is one
// (reproducing the guide's lines: CKR_PED_UNPLUGGED gives the line above,
// CKR_OPERATION_NOT_ALLOWED gives "(10A0B : LUNA_RET_OPERATION_RESTRICTED)"), else the CKR in
// the same layout ("(80010007 : CKR_ACCESS_DENIED)"); an unregistered code shows as
// CKR_UNKNOWN. The ErrorDef overload prints a code the caller already has (a LUNA_RET or RC
// entry) as is. Command names are printed as given: lunash passes its canonical spelling.
std::string lunashFailureLine(std::string_view command, std::uint32_t ckr);
std::string lunashFailureLine(std::string_view command, const ErrorDef& shown);

// The exception every layer throws for a refusal. what() is a sentence for a person.
class Error : public std::runtime_error {
public:
    Error(std::uint32_t code, std::string detail);
    explicit Error(std::uint32_t code);
    std::uint32_t code() const noexcept { return code_; }
    std::string_view name() const noexcept;
    const std::string& detail() const noexcept { return detail_; }

private:
    std::uint32_t code_;
    std::string detail_;
};

} // namespace luna
