#include "boundary.h"

#include "luna/errors.h"

#include <algorithm>
#include <array>

namespace luna::p11 {

namespace {
// Where the firmware has an equivalent, the CKR it maps that condition to (ch.19); else the
// nearest standard code. Conditions only the control plane (lunash, sysconfd) can meet are
// listed too, so the table says what happens to every code, not just the likely ones.
constexpr auto kRows = std::to_array<BoundaryRow>({
    {rc::CONFIG_FAILS_DEPENDENCIES, 0x00000001},        // CKR_CANCEL: LUNA_RET_RM_CONFIG_CHANGE_FAILS_DEPENDENCIES
    {rc::POLICY_ID_INVALID, 0x00000020},                // CKR_DATA_INVALID: LUNA_RET_RM_ELEMENT_ID_INVALID
    {rc::POLICY_VALUE_INVALID, 0x00000020},             // CKR_DATA_INVALID: LUNA_RET_RM_ELEMENT_VALUE_INVALID
    {rc::HSM_ZEROIZED, 0x000000E1},                     // CKR_TOKEN_NOT_RECOGNIZED: no usable partition behind the slot
    {rc::HSM_NOT_INITIALIZED, 0x000000E1},              // CKR_TOKEN_NOT_RECOGNIZED
    {rc::STORAGE_CORRUPT, 0x00000030},                  // CKR_DEVICE_ERROR
    {rc::ACCESS_DENIED, 0x8000001A},                    // CKR_USER_NOT_AUTHORIZED
    {rc::LABEL_INVALID, 0x00000007},                    // CKR_ARGUMENTS_BAD: C_InitToken's label
    {rc::SIZE_INVALID, 0x00000007},                     // CKR_ARGUMENTS_BAD
    {rc::PARTITION_NAME_INVALID, 0x00000007},           // CKR_ARGUMENTS_BAD
    {rc::PARTITION_NOT_FOUND, 0x00000003},              // CKR_SLOT_ID_INVALID
    {rc::DOMAIN_INVALID, 0x00000007},                   // CKR_ARGUMENTS_BAD
    {rc::TEMPLATE_INVALID, 0x00000007},                 // CKR_ARGUMENTS_BAD
    {rc::USER_NAME_INVALID, 0x00000005},                // appliance users: CKR_GENERAL_ERROR ...
    {rc::USER_NOT_FOUND, 0x00000005},
    {rc::USER_ALREADY_EXISTS, 0x00000005},
    {rc::USER_BUILTIN, 0x00000005},
    {rc::USER_LOGGED_IN, 0x00000005},
    {rc::PASSWORD_QUALITY, 0x00000005},
    {rc::ROLE_INVALID, 0x00000005},
    {rc::SSH_KEY_INVALID, 0x00000005},
    {rc::SSH_KEY_NOT_FOUND, 0x00000005},
    {rc::CONFIG_ACTIVATION_FAILED, 0x00000005},         // ... never on the data plane
});
static_assert(std::is_sorted(kRows.begin(), kRows.end(),
                             [](const BoundaryRow& a, const BoundaryRow& b) { return a.project < b.project; }));
constexpr std::uint32_t kProjectBlock = 0x80010000;
} // namespace

std::span<const BoundaryRow> boundaryTable() { return kRows; }

std::uint32_t boundaryCkr(std::uint32_t code) {
    if ((code & 0xFFFF0000u) == kProjectBlock) {
        auto it = std::lower_bound(kRows.begin(), kRows.end(), code,
                                   [](const BoundaryRow& r, std::uint32_t c) { return r.project < c; });
        return it != kRows.end() && it->project == code ? it->returned : 0x00000005;
    }
    return findError(code) ? code : 0x00000005;   // CKR_GENERAL_ERROR for a code nobody registered
}

} // namespace luna::p11
