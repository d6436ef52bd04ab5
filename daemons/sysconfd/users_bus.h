// com.safenet.Luna.Users on sysconfd's object: LunaSH `user` and `my` (XML in lib/dbus/).
// Thin: every method is gate.serve(request row) around one UserManager call.
#pragma once

#include "gatekeeper.h"

#include "sysconf/users.h"

#include "users_adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

namespace luna::sysconfd {

class UsersBus final : public sdbus::AdaptorInterfaces<com::safenet::Luna::Users_adaptor> {
public:
    UsersBus(sdbus::IConnection& conn, const std::string& objectPath, Gatekeeper& gate, sysconf::UserManager& users);
    ~UsersBus();

private:
    std::vector<sdbus::Struct<std::string, std::string, std::string, bool>> List() override;
    void Add(const std::string& username) override;
    void Delete(const std::string& username) override;
    void Enable(const std::string& username) override;
    void Disable(const std::string& username) override;
    void SetPassword(const std::string& username, const std::string& password) override;
    void AddRole(const std::string& username, const std::string& role) override;
    void DeleteRole(const std::string& username, const std::string& role) override;
    void ClearRoles(const std::string& username) override;
    std::vector<std::string> ListRoles() override;
    std::vector<std::string> GetRoles(const std::string& username) override;
    void SetMyPassword(const std::string& password) override;
    std::tuple<int64_t, int64_t, bool> GetMyPasswordExpiry() override;
    std::vector<sdbus::Struct<std::string, std::string, uint32_t, std::string>> ListMyPublicKeys() override;
    void AddMyPublicKey(const std::string& name, const std::string& key) override;
    void DeleteMyPublicKey(const std::string& name) override;
    void ClearMyPublicKeys() override;

    Gatekeeper& gate_;
    sysconf::UserManager& users_;
};

} // namespace luna::sysconfd
