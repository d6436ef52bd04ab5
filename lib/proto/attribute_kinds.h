// How each PKCS#11 attribute's value travels on the wire. Clients differ in the size of
// CK_ULONG (4 or 8 bytes), so the protocol fixes one canonical form; the PKCS#11 module
// converts with these same helpers, and the HSM stores values in this form.
//   Bool       CK_BBOOL, 1 byte (0 or 1)
//   Ulong      CK_ULONG, 8 bytes big-endian
//   UlongArray CK_ULONG[], 8 bytes big-endian each (CKA_ALLOWED_MECHANISMS)
//   Date       CK_DATE, 8 ASCII digits YYYYMMDD (or empty)
//   Template   CK_ATTRIBUTE[] (wrap/unwrap/derive templates): not carried; refused
//   Bytes      everything else, as is
#pragma once

#include "proto/wire.h"

#include <cstdint>
#include <optional>
#include <span>

namespace luna::proto {

enum class ValueKind : std::uint8_t { Bytes, Bool, Ulong, UlongArray, Date, Template };

ValueKind attributeKind(std::uint32_t type);

Bytes encodeBool(bool v);
Bytes encodeUlong(std::uint64_t v);
std::optional<bool> decodeBool(std::span<const std::uint8_t> v);
std::optional<std::uint64_t> decodeUlong(std::span<const std::uint8_t> v);

// True when `value` has the canonical shape of its attribute's kind.
bool wellFormed(std::uint32_t type, std::span<const std::uint8_t> value);

} // namespace luna::proto
