// SysconfService over D-Bus with the proxy generated from lib/dbus/com.safenet.Luna.Users.xml.
#include "sysconf_service.h"

#include "users_proxy.h"

#include "luna/errors.h"

#include <sdbus-c++/sdbus-c++.h>

namespace lunash {
namespace {

constexpr const char* kBusName = "com.safenet.Luna.Sysconf";
constexpr const char* kObject = "/com/safenet/Luna/Sysconf";

class UsersProxy final : public sdbus::ProxyInterfaces<com::safenet::Luna::Users_proxy> {
public:
    explicit UsersProxy(sdbus::IConnection& c) : ProxyInterfaces(c, kBusName, kObject) { registerProxy(); }
    ~UsersProxy() { unregisterProxy(); }
};

// A refusal sysconfd names keeps its CKR and sentence; anything else (no sysconfd on the
// bus, the bus refused the call) means the configuration service is not reachable.
template <class Fn>
auto call(Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const sdbus::Error& e) {
        if (auto code = luna::codeFromDbusErrorName(e.getName())) throw luna::Error(*code, e.getMessage());
        throw luna::Error(luna::rc::DEVICE_ERROR,
                          "The appliance configuration service is not reachable (" + e.getMessage() + ")");
    }
}

class DbusSysconf final : public SysconfService {
public:
    DbusSysconf() : conn_(call([] { return sdbus::createSystemBusConnection(); })), users_(*conn_) {}

    std::vector<ApplianceUser> listUsers() override {
        std::vector<ApplianceUser> out;
        for (auto& r : call([&] { return users_.List(); }))
            out.push_back({r.get<0>(), r.get<1>(), r.get<2>(), r.get<3>()});
        return out;
    }
    void addUser(const std::string& n) override { call([&] { users_.Add(n); }); }
    void deleteUser(const std::string& n) override { call([&] { users_.Delete(n); }); }
    void enableUser(const std::string& n) override { call([&] { users_.Enable(n); }); }
    void disableUser(const std::string& n) override { call([&] { users_.Disable(n); }); }
    void setUserPassword(const std::string& n, const std::string& p) override {
        call([&] { users_.SetPassword(n, p); });
    }
    void addRole(const std::string& n, const std::string& r) override { call([&] { users_.AddRole(n, r); }); }
    void deleteRole(const std::string& n, const std::string& r) override { call([&] { users_.DeleteRole(n, r); }); }
    void clearRoles(const std::string& n) override { call([&] { users_.ClearRoles(n); }); }
    std::vector<std::string> listRoles() override { return call([&] { return users_.ListRoles(); }); }
    std::vector<std::string> rolesOf(const std::string& n) override { return call([&] { return users_.GetRoles(n); }); }
    void setMyPassword(const std::string& p) override { call([&] { users_.SetMyPassword(p); }); }
    PasswordExpiryInfo myPasswordExpiry() override {
        auto [last, expires, must] = call([&] { return users_.GetMyPasswordExpiry(); });
        return {last, expires, must};
    }
    std::vector<PublicKeyInfo> myPublicKeys() override {
        std::vector<PublicKeyInfo> out;
        for (auto& k : call([&] { return users_.ListMyPublicKeys(); }))
            out.push_back({k.get<0>(), k.get<1>(), k.get<2>(), k.get<3>()});
        return out;
    }
    void addMyPublicKey(const std::string& n, const std::string& k) override {
        call([&] { users_.AddMyPublicKey(n, k); });
    }
    void deleteMyPublicKey(const std::string& n) override { call([&] { users_.DeleteMyPublicKey(n); }); }
    void clearMyPublicKeys() override { call([&] { users_.ClearMyPublicKeys(); }); }

private:
    std::unique_ptr<sdbus::IConnection> conn_;
    UsersProxy users_;
};

} // namespace

std::unique_ptr<SysconfService> connectSysconf() { return std::make_unique<DbusSysconf>(); }

} // namespace lunash
