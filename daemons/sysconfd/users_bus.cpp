#include "users_bus.h"

namespace luna::sysconfd {

UsersBus::UsersBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate,
                   sysconf::UserManager& users)
    : AdaptorInterfaces(conn, objectPath), gate_(gate), users_(users) {
    registerAdaptor();
}

UsersBus::~UsersBus() { unregisterAdaptor(); }

std::vector<sdbus::Struct<std::string, std::string, std::string, bool>> UsersBus::List() {
    return gate_.serve(getObject(), Request::UsersList, "", [&](const Caller&) {
        std::vector<sdbus::Struct<std::string, std::string, std::string, bool>> rows;
        for (const auto& u : users_.list())
            rows.emplace_back(u.name, u.role ? std::string(appRoleName(*u.role)) : "none",
                              u.enabled ? "enabled" : "disabled", false);
        return rows;
    });
}

void UsersBus::Add(const std::string& username) {
    gate_.serve(getObject(), Request::UsersAdd, username, [&](const Caller&) { users_.add(username); });
}

void UsersBus::Delete(const std::string& username) {
    gate_.serve(getObject(), Request::UsersDelete, username,
                [&](const Caller& c) { users_.remove(username, c.user); });
}

void UsersBus::Enable(const std::string& username) {
    gate_.serve(getObject(), Request::UsersEnable, username, [&](const Caller&) { users_.enable(username); });
}

void UsersBus::Disable(const std::string& username) {
    gate_.serve(getObject(), Request::UsersDisable, username,
                [&](const Caller& c) { users_.disable(username, c.user); });
}

void UsersBus::SetPassword(const std::string& username, const std::string& password) {
    gate_.serve(getObject(), Request::UsersSetPassword, username,
                [&](const Caller& c) { users_.setPassword(username, password, c.user); });
}

void UsersBus::AddRole(const std::string& username, const std::string& role) {
    gate_.serve(getObject(), Request::UsersAddRole, username + " " + role,
                [&](const Caller&) { users_.addRole(username, role); });
}

void UsersBus::DeleteRole(const std::string& username, const std::string& role) {
    gate_.serve(getObject(), Request::UsersDeleteRole, username + " " + role,
                [&](const Caller&) { users_.deleteRole(username, role); });
}

void UsersBus::ClearRoles(const std::string& username) {
    gate_.serve(getObject(), Request::UsersClearRoles, username, [&](const Caller&) { users_.clearRole(username); });
}

std::vector<std::string> UsersBus::ListRoles() {
    return gate_.serve(getObject(), Request::UsersListRoles, "", [](const Caller&) {
        std::vector<std::string> roles;
        for (auto [role, name] : kAppRoleNames) roles.emplace_back(name);
        return roles;
    });
}

std::vector<std::string> UsersBus::GetRoles(const std::string& username) {
    return gate_.serve(getObject(), Request::UsersGetRoles, username, [&](const Caller&) {
        auto u = users_.get(username);
        return u.role ? std::vector<std::string>{std::string(appRoleName(*u.role))} : std::vector<std::string>{};
    });
}

void UsersBus::SetMyPassword(const std::string& password) {
    gate_.serve(getObject(), Request::MySetPassword, "",
                [&](const Caller& c) { users_.setOwnPassword(c.user, password); });
}

std::tuple<int64_t, int64_t, bool> UsersBus::GetMyPasswordExpiry() {
    return gate_.serve(getObject(), Request::MyPasswordExpiry, "", [&](const Caller& c) {
        auto e = users_.passwordExpiry(c.user);
        return std::tuple<int64_t, int64_t, bool>(e.lastChange, e.expires, e.mustChange);
    });
}

std::vector<sdbus::Struct<std::string, std::string, uint32_t, std::string>> UsersBus::ListMyPublicKeys() {
    return gate_.serve(getObject(), Request::MyListPublicKeys, "", [&](const Caller& c) {
        std::vector<sdbus::Struct<std::string, std::string, uint32_t, std::string>> rows;
        for (const auto& k : users_.keys(c.user)) rows.emplace_back(k.name, k.key.type, k.key.bits, k.key.fingerprint);
        return rows;
    });
}

void UsersBus::AddMyPublicKey(const std::string& name, const std::string& key) {
    gate_.serve(getObject(), Request::MyAddPublicKey, name, [&](const Caller& c) { users_.addKey(c.user, name, key); });
}

void UsersBus::DeleteMyPublicKey(const std::string& name) {
    gate_.serve(getObject(), Request::MyDeletePublicKey, name,
                [&](const Caller& c) { users_.deleteKey(c.user, name); });
}

void UsersBus::ClearMyPublicKeys() {
    gate_.serve(getObject(), Request::MyClearPublicKeys, "", [&](const Caller& c) { users_.clearKeys(c.user); });
}

} // namespace luna::sysconfd
