// The rows of the error registry, ordered by code. Standard PKCS#11 values from the
// PKCS#11 v2.40 header; vendor values (0x8000xxxx) from the guide's ch.19 table;
// project-assigned values (0x8001xxxx) documented in docs/errors.md.
#include "luna/errors.h"

#include <array>

namespace luna {
namespace {
constexpr std::array kErrors = std::to_array<ErrorDef>({
    {0x00000000, "CKR_OK", "Success"},
    {0x00000003, "CKR_SLOT_ID_INVALID", "The slot or partition identifier is not valid"},
    {0x00000005, "CKR_GENERAL_ERROR", "General error"},
    {0x00000007, "CKR_ARGUMENTS_BAD", "Invalid arguments"},
    {0x00000012, "CKR_ATTRIBUTE_TYPE_INVALID", "Attribute type is not valid"},
    {0x00000013, "CKR_ATTRIBUTE_VALUE_INVALID", "Attribute value is not valid"},
    {0x00000020, "CKR_DATA_INVALID", "Data is not valid"},
    {0x00000030, "CKR_DEVICE_ERROR", "Device error"},
    {0x00000054, "CKR_FUNCTION_NOT_SUPPORTED", "Function is not supported"},
    {0x00000082, "CKR_OBJECT_HANDLE_INVALID", "Object handle is not valid"},
    {0x00000091, "CKR_OPERATION_NOT_INITIALIZED", "Operation is not initialized"},
    {0x000000A0, "CKR_PIN_INCORRECT", "Incorrect password"},
    {0x000000A1, "CKR_PIN_INVALID", "The password contains characters that are not allowed"},
    {0x000000A2, "CKR_PIN_LEN_RANGE", "The password length is outside the allowed range"},
    {0x000000A3, "CKR_PIN_EXPIRED", "The password has expired and must be changed first"},
    {0x000000A4, "CKR_PIN_LOCKED", "The role is locked out after too many failed logins"},
    {0x000000D1, "CKR_TEMPLATE_INCONSISTENT", "Template is inconsistent"},
    {0x000000E0, "CKR_TOKEN_NOT_PRESENT", "Token is not present"},
    {0x000000E1, "CKR_TOKEN_NOT_RECOGNIZED", "Token is not recognized"},
    {0x00000100, "CKR_USER_ALREADY_LOGGED_IN", "The role is already logged in"},
    {0x00000101, "CKR_USER_NOT_LOGGED_IN", "The required role is not logged in"},
    {0x00000102, "CKR_USER_PIN_NOT_INITIALIZED", "The role has not been initialized"},
    {0x00000103, "CKR_USER_TYPE_INVALID", "Invalid user type"},
    {0x00000104, "CKR_USER_ANOTHER_ALREADY_LOGGED_IN", "Another role is already logged in"},
    {0x00000105, "CKR_USER_TOO_MANY_TYPES", "Too many user types logged in"},
    {0x00000150, "CKR_BUFFER_TOO_SMALL", "Buffer is too small"},
    {0x80000005, "CKR_CONTAINER_HANDLE_INVALID", "Partition handle is not valid"},
    {0x80000006, "CKR_TOO_MANY_CONTAINERS", "The maximum number of partitions has been reached"},
    {0x80000007, "CKR_USER_LOCKED_OUT", "User is locked out"},
    {0x8000001A, "CKR_USER_NOT_AUTHORIZED", "The user is not authorized for this operation"},
    {0x8000001B, "CKR_MAX_OBJECT_COUNT_EXCEEDED", "Maximum object count exceeded"},
    {0x8000001C, "CKR_SO_LOGIN_FAILURE_THRESHOLD", "HSM SO login failure threshold reached: the HSM has been zeroized"},
    {0x8000002A, "CKR_HSM_STORAGE_FULL", "Not enough free HSM storage"},
    {0x8000002C, "CKR_CONTAINER_OBJECT_STORAGE_FULL", "Not enough free partition storage"},
    {0x80000030, "CKR_OPERATION_NOT_ALLOWED", "Operation is not allowed"},
    {0x80000031, "CKR_LICENSE_CAPACITY_EXCEEDED", "License capacity exceeded"},
    {0x80000035, "CKR_LOG_FULL", "The audit log is full"},
    {0x8000003B, "CKR_AUDIT_LOGIN_TIMEOUT_IN_PROGRESS", "Audit role login is locked out; wait for the timeout to expire"},
    {0x8000003C, "CKR_AUDIT_LOGIN_FAILURE_THRESHOLD", "Audit role login failure threshold reached"},
    {0x8000006E, "CKR_CMD_NOT_ALLOWED_HSM_IN_TRANSPORT", "Command not allowed while the HSM is in Secure Transport Mode"},
    {0x8000006F, "CKR_OBJECT_ALREADY_EXISTS", "Object already exists"},
    {0x80000076, "CKR_HSM_TAMPERED", "The HSM is tampered"},
    {0x80000077, "CKR_CONFIG_CHANGE_ILLEGAL", "Configuration change is not allowed"},
    {0x80010001, "CKR_CONFIG_FAILS_DEPENDENCIES", "The configuration change fails a policy dependency"},
    {0x80010002, "CKR_POLICY_ID_INVALID", "Unknown or unsupported policy number"},
    {0x80010003, "CKR_POLICY_VALUE_INVALID", "Policy value is outside what the capability allows"},
    {0x80010004, "CKR_HSM_ZEROIZED", "The HSM is zeroized"},
    {0x80010005, "CKR_HSM_NOT_INITIALIZED", "The HSM is not initialized"},
    {0x80010006, "CKR_STORAGE_CORRUPT", "The HSM store failed an integrity check"},
    {0x80010007, "CKR_ACCESS_DENIED", "The appliance role of the caller may not run this command"},
    {0x80010008, "CKR_LABEL_INVALID", "Invalid label"},
    {0x80010009, "CKR_SIZE_INVALID", "Invalid size"},
    {0x8001000A, "CKR_PARTITION_NAME_INVALID", "Invalid partition name"},
    {0x8001000B, "CKR_PARTITION_NOT_FOUND", "No partition with that name or serial number"},
    {0x8001000C, "CKR_DOMAIN_INVALID", "Invalid cloning domain"},
    {0x8001000D, "CKR_TEMPLATE_INVALID", "Invalid policy template"},
});
} // namespace

std::span<const ErrorDef> errorTable() { return kErrors; }

} // namespace luna
