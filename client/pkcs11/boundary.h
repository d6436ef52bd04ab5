// What crosses the PKCS#11 boundary (docs/errors.md, "Project-assigned codes"): the
// registry's project codes 0x8001xxxx mean nothing to a program built against SafeNet's
// headers, so each becomes the standard or SafeNet vendor CKR an application can act on.
// Standard and vendor codes pass as they are; anything unknown becomes CKR_GENERAL_ERROR.
#pragma once

#include <cstdint>
#include <span>

namespace luna::p11 {

struct BoundaryRow {
    std::uint32_t project;       // a 0x8001xxxx registry code
    std::uint32_t returned;      // what C_* returns for it
};
std::span<const BoundaryRow> boundaryTable();

std::uint32_t boundaryCkr(std::uint32_t code);

} // namespace luna::p11
