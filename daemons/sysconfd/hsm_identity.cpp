#include "hsm_identity.h"

#include "luna/errors.h"

#include <sdbus-c++/sdbus-c++.h>

namespace luna::sysconfd {
namespace {
constexpr const char* kHsm = "com.safenet.Luna.Hsm";

template <class T>
T read(sdbus::IProxy& p, const char* name) {
    try {
        return p.getProperty(name).onInterface(kHsm).get<T>();
    } catch (const sdbus::Error& e) {
        if (auto code = codeFromDbusErrorName(e.getName())) throw Error(*code, e.getMessage());
        throw Error(rc::TOKEN_NOT_PRESENT, "The HSM is not reachable (" + e.getMessage() + ")");
    }
}
} // namespace

HsmdIdentity::HsmdIdentity() = default;
HsmdIdentity::~HsmdIdentity() = default;

sdbus::IProxy& HsmdIdentity::hsm() {
    if (!proxy_) {
        try {
            conn_ = sdbus::createSystemBusConnection();
            proxy_ = sdbus::createProxy(*conn_, kHsm, "/com/safenet/Luna/Hsm");
        } catch (const sdbus::Error& e) {
            throw Error(rc::TOKEN_NOT_PRESENT, "The HSM is not reachable (" + e.getMessage() + ")");
        }
    }
    return *proxy_;
}

std::string HsmdIdentity::serial() { return read<std::string>(hsm(), "SerialNumber"); }
std::uint32_t HsmdIdentity::licensedPartitions() { return read<std::uint32_t>(hsm(), "LicensedPartitions"); }

} // namespace luna::sysconfd
