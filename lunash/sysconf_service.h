// What the user and my commands need from sysconfd (com.safenet.Luna.Users), as a small
// interface: sysconf_dbus.cpp implements it over D-Bus; unit tests use a fake. Refusals
// arrive as luna::Error with the CKR sysconfd named and its sentence as what(); an
// unreachable sysconfd is CKR_DEVICE_ERROR.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lunash {

struct ApplianceUser {
    std::string name, role, status;   // role "none" if it has none; status "enabled"/"disabled"
    bool radius = false;
};

struct PasswordExpiryInfo {
    std::int64_t lastChange = 0;   // seconds since the epoch; 0 unknown
    std::int64_t expires = -1;     // -1 never
    bool mustChange = false;
};

struct PublicKeyInfo {
    std::string name, type;
    std::uint32_t bits = 0;
    std::string fingerprint;
};

class SysconfService {
public:
    virtual ~SysconfService() = default;
    // user ...
    virtual std::vector<ApplianceUser> listUsers() = 0;
    virtual void addUser(const std::string& name) = 0;
    virtual void deleteUser(const std::string& name) = 0;
    virtual void enableUser(const std::string& name) = 0;
    virtual void disableUser(const std::string& name) = 0;
    virtual void setUserPassword(const std::string& name, const std::string& password) = 0;
    virtual void addRole(const std::string& name, const std::string& role) = 0;
    virtual void deleteRole(const std::string& name, const std::string& role) = 0;
    virtual void clearRoles(const std::string& name) = 0;
    virtual std::vector<std::string> listRoles() = 0;
    virtual std::vector<std::string> rolesOf(const std::string& name) = 0;
    // my ...
    virtual void setMyPassword(const std::string& password) = 0;
    virtual PasswordExpiryInfo myPasswordExpiry() = 0;
    virtual std::vector<PublicKeyInfo> myPublicKeys() = 0;
    virtual void addMyPublicKey(const std::string& name, const std::string& key) = 0;
    virtual void deleteMyPublicKey(const std::string& name) = 0;
    virtual void clearMyPublicKeys() = 0;
};

// Connects to sysconfd on the system bus (DBUS_SYSTEM_BUS_ADDRESS in tests).
std::unique_ptr<SysconfService> connectSysconf();

} // namespace lunash
