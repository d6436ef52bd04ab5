// The D-Bus face of the HSM at /com/safenet/Luna/Hsm: com.safenet.Luna.Hsm and
// com.safenet.Luna.Partitions (XML in lib/dbus/). Every handler has one shape:
// identify the caller -> authorize its appliance role -> act on the core -> emit the
// property changes -> reply; a luna::Error becomes the registry's D-Bus error.
#pragma once

#include "luna/appliance_roles.h"
#include "hsm/hsm.h"
#include "data_socket.h"
#include "work_queue.h"

#include "hsm_adaptor.h"
#include "partitions_adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>

namespace luna::hsmd {

inline constexpr const char* kObjectPath = "/com/safenet/Luna/Hsm";

class HsmBus final : public sdbus::AdaptorInterfaces<com::safenet::Luna::Hsm_adaptor,
                                                     com::safenet::Luna::Partitions_adaptor, sdbus::Properties_adaptor> {
public:
    // dataPlane: the data socket's counters, or nullptr when hsmd serves D-Bus only.
    HsmBus(sdbus::IConnection& conn, hsm::Hsm& hsm, RoleMap& roles, WorkQueue& work,
           const DataPlaneCounters* dataPlane = nullptr);
    ~HsmBus();

    // Emits PropertiesChanged for what changed since the last call; other objects' methods
    // that change the HSM (audit init: AuditRoleInitialized) call it too.
    void publishChanges();

private:
    struct Caller {
        std::string sender;   // unique bus name: the session that owns HSM logins
        AppRole role;
    };
    Caller authorize(Permit permit);
    template <class Fn>
    auto guarded(Fn&& fn) -> decltype(fn());
    template <class Fn, class... R>
    void offload(sdbus::Result<R...>&& result, Fn fn);

    // com.safenet.Luna.Hsm
    void Init(sdbus::Result<bool>&& result, std::string label, std::string soPassword, std::string domain) override;
    void InitFromTemplate(sdbus::Result<bool>&& result, std::string label, std::string soPassword,
                          std::string domain, std::string policyTemplate) override;
    void Login(sdbus::Result<>&& result, std::string password) override;
    void Logout() override;
    void ChangePassword(sdbus::Result<>&& result, std::string oldPassword, std::string newPassword) override;
    void Zeroize() override;
    void FactoryReset() override;
    bool GetLoginState() override;
    std::vector<sdbus::Struct<uint32_t, std::string, uint32_t, std::string, uint32_t, bool>> GetPolicies() override;
    bool ChangePolicy(const uint32_t& policyId, const uint32_t& value) override;
    std::string ExportPolicyTemplate() override;
    std::string Status() override;
    std::string Label() override;
    std::string SerialNumber() override;
    std::string Model() override;
    std::string PartNumber() override;
    std::string FirmwareVersion() override;
    std::string AuthenticationMethod() override;
    bool Initialized() override;
    bool ManuallyZeroized() override;
    bool SecureTransportMode() override;
    std::string TamperState() override;
    bool AuditRoleInitialized() override;
    bool RpvInitialized() override;
    bool FipsMode() override;
    uint32_t SoLoginAttemptsLeft() override;
    uint32_t MaxPartitions() override;
    uint32_t LicensedPartitions() override;
    uint32_t PartitionCount() override;
    uint64_t StorageTotal() override;
    uint64_t StorageUsed() override;
    uint64_t StorageFree() override;
    bool Simulated() override;
    uint64_t UpTime() override;
    uint64_t BusyTime() override;
    uint64_t CommandCount() override;
    uint64_t OperationRequests() override;
    uint64_t OperationErrors() override;

    // com.safenet.Luna.Partitions
    std::string Create(const std::string& name, const uint64_t& size, const bool& allFreeStorage) override;
    void Delete(const std::string& partition) override;
    void Resize(const std::string& partition, const uint64_t& size, const bool& allFreeStorage) override;
    void Rename(const std::string& partition, const std::string& newName) override;
    std::vector<sdbus::Struct<std::string, std::string, uint32_t, uint64_t, uint64_t, uint64_t>> List() override;
    std::map<std::string, sdbus::Variant> Show(const std::string& partition) override;
    std::vector<sdbus::Struct<uint32_t, std::string, uint32_t, std::string, uint32_t, bool, bool>> GetPolicies(
        const std::string& partition) override;
    std::vector<sdbus::Struct<std::string, std::string, uint32_t, uint64_t, uint64_t, uint64_t>> Partitions() override;

    hsm::HsmInfo info();
    void onNameOwnerChanged(sdbus::Message& signal);

    sdbus::IConnection& conn_;
    hsm::Hsm& hsm_;
    RoleMap& roles_;
    WorkQueue& work_;
    sdbus::Slot nameWatch_;
    std::mutex snapMu_;
    std::map<std::string, std::string> lastHsm_;
    std::vector<sdbus::Struct<std::string, std::string, uint32_t, uint64_t, uint64_t, uint64_t>> lastPartitions_;
    const DataPlaneCounters* dataPlane_;
    const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::atomic<std::uint64_t> busCalls_{0};
    std::mutex uidMu_;
    std::map<std::string, uid_t> uidBySender_;
};

} // namespace luna::hsmd
