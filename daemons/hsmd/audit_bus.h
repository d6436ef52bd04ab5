// The audit face of the HSM at /com/safenet/Luna/Audit: com.safenet.Luna.Audit (XML in
// lib/dbus/). The Auditor's commands need the appliance role audit; FetchRecords, OpenRecords
// and Acknowledge only cbsd's uid (--cbs-user). Handlers have HsmBus's shape: identify and
// authorize the caller -> act on the core -> reply; a luna::Error becomes the registry's
// D-Bus error. Every record the core adds wakes cbsd with RecordsAvailable.
#pragma once

#include "luna/appliance_roles.h"
#include "hsm/hsm.h"
#include "work_queue.h"

#include "audit_adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

namespace luna::hsmd {

inline constexpr const char* kAuditObjectPath = "/com/safenet/Luna/Audit";

class AuditBus final : public sdbus::AdaptorInterfaces<com::safenet::Luna::Audit_adaptor> {
public:
    // `hsmChanged`: after a method that changes the HSM's own properties (audit init makes
    // AuditRoleInitialized true), so com.safenet.Luna.Hsm emits PropertiesChanged.
    AuditBus(sdbus::IConnection& conn, hsm::Hsm& hsm, RoleMap& roles, WorkQueue& work, std::set<uid_t> cbsUids,
             std::function<void()> hsmChanged = {});
    ~AuditBus();

private:
    std::string authorizeAuditor();   // the caller's unique name (its session)
    void authorizeCbs();
    template <class Fn, class... R>
    void offload(sdbus::Result<R...>&& result, Fn fn);
    void notifyLoop();

    void Init(sdbus::Result<>&& result, std::string password, std::string domain) override;
    void Login(sdbus::Result<>&& result, std::string password) override;
    void Logout() override;
    void ChangePassword(sdbus::Result<>&& result, std::string oldPassword, std::string newPassword) override;
    std::map<std::string, sdbus::Variant> Show() override;
    void SetConfig(const uint32_t& eventMask, const bool& keepMask, const std::string& rotation) override;
    void Sync(const int64_t& hostTime) override;
    std::tuple<std::string, std::vector<uint8_t>> ExportSecret() override;
    void ImportSecret(const std::vector<uint8_t>& secret, const std::string& serialSource,
                      const std::string& serialTarget) override;
    void Verify(sdbus::Result<uint64_t, uint64_t, uint32_t, bool,
                              std::vector<sdbus::Struct<std::string, uint32_t, uint64_t, std::string>>>&& result,
                std::vector<std::string> records, std::string successor, bool external) override;
    std::tuple<uint64_t, std::string, std::string> FetchRecords(const uint64_t& after, const uint32_t& max) override;
    std::tuple<sdbus::UnixFd, uint64_t, uint64_t, uint64_t, uint64_t, std::string> OpenRecords(
        const uint64_t& after) override;
    void Acknowledge(const uint64_t& upTo) override;

    hsm::Hsm& hsm_;
    RoleMap& roles_;
    WorkQueue& work_;
    std::set<uid_t> cbsUids_;
    std::function<void()> hsmChanged_;

    std::mutex notifyMu_;
    std::condition_variable notifyCv_;
    std::uint64_t pending_ = 0;   // newest sequence not yet signalled, under notifyMu_
    bool stopping_ = false;
    std::thread notifier_;
};

} // namespace luna::hsmd
