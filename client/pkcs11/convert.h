// Between the application's C structures and the protocol's canonical forms: attribute values
// (native CK_ULONG and CK_BBOOL <-> lib/proto/attribute_kinds.h) and mechanism parameters
// (CK_GCM_PARAMS & co. <-> proto::MechParams). Every pointer and length the application gives
// is checked here; a refusal is a luna::Error with the CKR PKCS#11 prescribes.
#pragma once

#include "proto/messages.h"

#include <p11-kit/pkcs11.h>

#include <string>
#include <string_view>

namespace luna::p11 {

// A template as the HSM takes it. CKR_ARGUMENTS_BAD for a NULL array with a count,
// CKR_ATTRIBUTE_VALUE_INVALID for a value of the wrong size, CKR_ATTRIBUTE_TYPE_INVALID for
// nested templates (CKA_WRAP_TEMPLATE ...), which the protocol does not carry.
proto::Template toWire(const CK_ATTRIBUTE* attrs, CK_ULONG count);

// The size the application's buffer needs for a canonical value (CK_ULONG is 8 bytes on the
// wire, sizeof(CK_ULONG) here).
CK_ULONG nativeSize(std::uint32_t type, std::span<const std::uint8_t> canonical);
// Writes nativeSize() bytes to `out`.
void toNative(std::uint32_t type, std::span<const std::uint8_t> canonical, void* out);

// The mechanism with its parameters. CKR_MECHANISM_PARAM_INVALID when the parameter block is
// missing or has the wrong size for a mechanism that needs one.
proto::Mechanism toWire(const CK_MECHANISM* mechanism);

// Fixed-width, blank-padded PKCS#11 text fields.
void padded(unsigned char* field, std::size_t width, std::string_view text);
std::string unpadded(const unsigned char* field, std::size_t width);

// Converts a handle or type an application passes as CK_ULONG to the protocol's u32, or
// throws `rv` when it does not fit.
std::uint32_t narrow(CK_ULONG v, CK_RV rv);

} // namespace luna::p11
