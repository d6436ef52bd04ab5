// The one Hsm query the data plane makes when its login cache is stale: which role a
// session holds on a partition and whether HSM policy 21 still asks it to change its PIN.
#include "hsm/hsm_internal.h"
#include "luna/errors.h"

namespace luna::hsm {
using namespace detail;

std::optional<Hsm::LoginState> Hsm::partitionLoginState(const SessionId& s, std::uint64_t serial) const {
    std::lock_guard lock(mu_);
    auto role = sessionRole(s, serial);
    if (!role) return std::nullopt;
    bool expired = false;
    try {
        requireCurrentPin(*store_, serial, role);
    } catch (const Error& e) {
        if (e.code() != rc::PIN_EXPIRED) throw;
        expired = true;
    }
    return LoginState{*role, expired};
}

} // namespace luna::hsm
