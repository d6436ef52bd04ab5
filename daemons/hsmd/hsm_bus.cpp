#include "hsm_bus.h"

#include "luna/errors.h"

#include <syslog.h>

namespace luna::hsmd {
namespace {
using Iface = com::safenet::Luna::Hsm_adaptor;
using PartIface = com::safenet::Luna::Partitions_adaptor;

constexpr Permit kReaders = AppRole::Admin | AppRole::Operator | AppRole::Monitor;
// What `hsm show` reads: the audit user has that command too (reference, "audit").
constexpr Permit kShow = kReaders | AppRole::Audit;
constexpr Permit kOperators = AppRole::Admin | AppRole::Operator;
constexpr Permit kAdmin = {static_cast<unsigned>(AppRole::Admin)};

sdbus::Error toBusError(const luna::Error& e) { return sdbus::Error(dbusErrorName(e.code()), e.what()); }

// Every failure leaves as a named registry error; anything unexpected is a device error.
template <class Fn>
auto translate(Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const luna::Error& e) {
        throw toBusError(e);
    } catch (const sdbus::Error&) {
        throw;
    } catch (const std::exception& e) {
        syslog(LOG_ERR, "internal error: %s", e.what());
        throw sdbus::Error(dbusErrorName(rc::GENERAL_ERROR), std::string("internal error: ") + e.what());
    }
}

using PartitionRow = sdbus::Struct<std::string, std::string, uint32_t, uint64_t, uint64_t, uint64_t>;

std::vector<PartitionRow> partitionRows(const std::vector<hsm::PartitionInfo>& parts) {
    std::vector<PartitionRow> rows;
    for (const auto& p : parts)
        rows.emplace_back(p.serial, p.name, p.objectCount, p.totalBytes, p.usedBytes, p.freeBytes());
    return rows;
}

// Property values keyed by name, rendered as text only to see which ones a call
// changed; PropertiesChanged then re-reads them through the getters.
std::map<std::string, std::string> hsmProperties(const hsm::HsmInfo& i) {
    auto b = [](bool v) { return std::string(v ? "1" : "0"); };
    return {
        {"Status", i.status},
        {"Label", i.label},
        {"Initialized", b(i.initialized)},
        {"ManuallyZeroized", b(i.manuallyZeroized)},
        {"SecureTransportMode", b(i.transportMode)},
        {"TamperState", b(i.tampered)},
        {"AuditRoleInitialized", b(i.auditRoleInitialized)},
        {"RpvInitialized", b(i.rpvInitialized)},
        {"FipsMode", b(i.fipsMode)},
        {"SoLoginAttemptsLeft", std::to_string(i.soLoginAttemptsLeft)},
        {"MaxPartitions", std::to_string(i.maxPartitions)},
        {"LicensedPartitions", std::to_string(i.licensedPartitions)},
        {"PartitionCount", std::to_string(i.partitionCount)},
        {"StorageTotal", std::to_string(i.storageTotal)},
        {"StorageUsed", std::to_string(i.storageUsed)},
        {"StorageFree", std::to_string(i.storageFree)},
    };
}
} // namespace

HsmBus::HsmBus(sdbus::IConnection& conn, hsm::Hsm& hsm, RoleMap& roles, WorkQueue& work,
               const DataPlaneCounters* dataPlane)
    : AdaptorInterfaces(conn, kObjectPath), conn_(conn), hsm_(hsm), roles_(roles), work_(work), dataPlane_(dataPlane) {
    // HSM logins live as long as the caller's connection: one bus-wide match, set up before
    // any call can arrive, ends them (sdbus recipe §4).
    nameWatch_ = conn_.addMatch(
        "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
        "interface='org.freedesktop.DBus',member='NameOwnerChanged'",
        [this](sdbus::Message& m) { onNameOwnerChanged(m); });
    lastHsm_ = hsmProperties(hsm_.info());
    lastPartitions_ = partitionRows(hsm_.listPartitions());
    registerAdaptor();
}

HsmBus::~HsmBus() { unregisterAdaptor(); }

void HsmBus::onNameOwnerChanged(sdbus::Message& m) {
    std::string name, oldOwner, newOwner;
    m >> name >> oldOwner >> newOwner;
    if (!newOwner.empty() || name.empty() || name[0] != ':') return;
    {
        std::lock_guard lock(uidMu_);
        uidBySender_.erase(name);
    }
    hsm_.endSession(name);
}

HsmBus::Caller HsmBus::authorize(Permit permit) {
    ++busCalls_;
    const auto* msg = getObject().getCurrentlyProcessedMessage();
    if (!msg) throw sdbus::Error(dbusErrorName(rc::ACCESS_DENIED), "no caller");
    const std::string sender = msg->getSender();
    uid_t uid;
    {
        std::lock_guard lock(uidMu_);
        auto it = uidBySender_.find(sender);
        if (it == uidBySender_.end()) {
            // EUID is what the bus daemon recorded at connect (SO_PEERCRED): trustworthy.
            it = uidBySender_.emplace(sender, msg->getCredsEuid()).first;
            // Audit records name the caller: the appliance's access id and the caller's uid.
            hsm_.setSessionOrigin(sender, 2147483651u, static_cast<std::uint32_t>(it->second));
        }
        uid = it->second;
    }
    auto role = roles_.roleOf(uid);
    if (!role || !permit.allows(*role)) {
        syslog(LOG_NOTICE, "refused %s.%s from uid %u (%s)", msg->getInterfaceName().c_str(),
               msg->getMemberName().c_str(), static_cast<unsigned>(uid),
               role ? std::string(appRoleName(*role)).c_str() : "no appliance role");
        throw sdbus::Error(dbusErrorName(rc::ACCESS_DENIED),
                           role ? "The " + std::string(appRoleName(*role)) + " role may not run this command"
                                : "The caller has no appliance role");
    }
    return {sender, *role};
}

// Property getters cannot see their caller (sdbus-c++ 1.2 exposes no current message to
// them), so properties carry only what the appliance shows any of its users and SNMP
// anyway; who may talk to hsmd at all is the D-Bus policy's decision
// (systemd/dbus-1/system.d). Methods are authorized per appliance role.
hsm::HsmInfo HsmBus::info() {
    return translate([&] { return hsm_.info(); });
}

// Emit PropertiesChanged for what a call changed (success or failure: a failed login
// changes the attempts left).
void HsmBus::publishChanges() {
    std::vector<std::string> changedHsm;
    bool partitionsChanged = false;
    {
        std::lock_guard lock(snapMu_);
        auto now = hsmProperties(hsm_.info());
        for (auto& [k, v] : now)
            if (lastHsm_[k] != v) changedHsm.push_back(k);
        lastHsm_ = std::move(now);
        auto rows = partitionRows(hsm_.listPartitions());
        partitionsChanged = rows != lastPartitions_;
        lastPartitions_ = std::move(rows);
    }
    if (!changedHsm.empty()) emitPropertiesChangedSignal(Iface::INTERFACE_NAME, changedHsm);
    if (partitionsChanged) emitPropertiesChangedSignal(PartIface::INTERFACE_NAME, {"Partitions"});
}

template <class Fn>
auto HsmBus::guarded(Fn&& fn) -> decltype(fn()) {
    struct Publish {
        HsmBus* self;
        ~Publish() {
            try {
                self->publishChanges();
            } catch (...) {
            }
        }
    } publish{this};
    return translate(std::forward<Fn>(fn));
}

// Slow calls run on the work queue; the caller was identified before leaving the loop thread.
template <class Fn, class... R>
void HsmBus::offload(sdbus::Result<R...>&& result, Fn fn) {
    auto reply = std::make_shared<sdbus::Result<R...>>(std::move(result));
    work_.post([this, reply, fn = std::move(fn)]() mutable {
        try {
            auto values = guarded(fn);
            std::apply([&](auto&&... v) { reply->returnResults(v...); }, values);
        } catch (const sdbus::Error& e) {
            reply->returnError(e);
        }
    });
}

// ---- com.safenet.Luna.Hsm -------------------------------------------------------------------

void HsmBus::Init(sdbus::Result<bool>&& result, std::string label, std::string soPassword, std::string domain) {
    auto caller = authorize(kAdmin);
    offload(std::move(result), [=, this] {
        bool hard = hsm_.init(caller.sender, label, soPassword, domain);
        syslog(LOG_NOTICE, "HSM %s-initialized by %s", hard ? "hard" : "soft", caller.sender.c_str());
        return std::tuple<bool>(hard);
    });
}

void HsmBus::InitFromTemplate(sdbus::Result<bool>&& result, std::string label, std::string soPassword,
                              std::string domain, std::string policyTemplate) {
    auto caller = authorize(kAdmin);
    offload(std::move(result), [=, this] {
        bool hard = hsm_.init(caller.sender, label, soPassword, domain, std::string_view(policyTemplate));
        syslog(LOG_NOTICE, "HSM %s-initialized with a policy template by %s", hard ? "hard" : "soft",
               caller.sender.c_str());
        return std::tuple<bool>(hard);
    });
}

void HsmBus::Login(sdbus::Result<>&& result, std::string password) {
    auto caller = authorize(kOperators);
    offload(std::move(result), [=, this] {
        hsm_.loginSo(caller.sender, password);
        return std::tuple<>();
    });
}

void HsmBus::Logout() {
    auto caller = authorize(kOperators);
    guarded([&] { hsm_.logoutSo(caller.sender); });
}

void HsmBus::ChangePassword(sdbus::Result<>&& result, std::string oldPassword, std::string newPassword) {
    authorize(kAdmin);
    offload(std::move(result), [=, this] {
        hsm_.changeSoPassword(oldPassword, newPassword);
        return std::tuple<>();
    });
}

void HsmBus::Zeroize() {
    auto caller = authorize(kAdmin);
    guarded([&] { hsm_.zeroize(); });
    syslog(LOG_WARNING, "HSM zeroized by %s", caller.sender.c_str());
}

void HsmBus::FactoryReset() {
    auto caller = authorize(kAdmin);
    guarded([&] { hsm_.factoryReset(); });
    syslog(LOG_WARNING, "HSM factory reset by %s", caller.sender.c_str());
}

bool HsmBus::GetLoginState() {
    auto caller = authorize(kShow);
    return translate([&] { return hsm_.soLoggedIn(caller.sender); });
}

std::vector<sdbus::Struct<uint32_t, std::string, uint32_t, std::string, uint32_t, bool>> HsmBus::GetPolicies() {
    authorize(kReaders);
    return translate([&] {
        std::vector<sdbus::Struct<uint32_t, std::string, uint32_t, std::string, uint32_t, bool>> rows;
        for (const auto& r : hsm_.hsmPolicies())
            rows.emplace_back(r.def->id, std::string(r.def->capabilityName), r.capability,
                              std::string(r.def->policyName), r.value,
                              r.destructive.offToOn || r.destructive.onToOff);
        return rows;
    });
}

bool HsmBus::ChangePolicy(const uint32_t& policyId, const uint32_t& value) {
    auto caller = authorize(kAdmin);
    return guarded([&] {
        auto effect = hsm_.changeHsmPolicy(caller.sender, policyId, value);
        syslog(LOG_NOTICE, "HSM policy %u set to %u%s", policyId, value, effect.destructive ? " (destructive)" : "");
        return effect.destructive || effect.zeroizeHsm;
    });
}

std::string HsmBus::ExportPolicyTemplate() {
    authorize(kReaders);
    return translate([&] { return hsm_.exportHsmTemplate(); });
}

std::string HsmBus::Status() { return info().status; }
std::string HsmBus::Label() { return info().label; }
std::string HsmBus::SerialNumber() { return info().serial; }
std::string HsmBus::Model() { return info().model; }
std::string HsmBus::PartNumber() { return info().partNumber; }
std::string HsmBus::FirmwareVersion() { return info().firmware; }
std::string HsmBus::AuthenticationMethod() { return info().authMethod; }
bool HsmBus::Initialized() { return info().initialized; }
bool HsmBus::ManuallyZeroized() { return info().manuallyZeroized; }
bool HsmBus::SecureTransportMode() { return info().transportMode; }
std::string HsmBus::TamperState() { return info().tampered ? "Tampered" : "No tampers"; }
bool HsmBus::AuditRoleInitialized() { return info().auditRoleInitialized; }
bool HsmBus::RpvInitialized() { return info().rpvInitialized; }
bool HsmBus::FipsMode() { return info().fipsMode; }
uint32_t HsmBus::SoLoginAttemptsLeft() { return info().soLoginAttemptsLeft; }
uint32_t HsmBus::MaxPartitions() { return info().maxPartitions; }
uint32_t HsmBus::LicensedPartitions() { return info().licensedPartitions; }
uint32_t HsmBus::PartitionCount() { return info().partitionCount; }
uint64_t HsmBus::StorageTotal() { return info().storageTotal; }
uint64_t HsmBus::StorageUsed() { return info().storageUsed; }
uint64_t HsmBus::StorageFree() { return info().storageFree; }
bool HsmBus::Simulated() { return true; }
uint64_t HsmBus::UpTime() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count());
}
uint64_t HsmBus::BusyTime() { return dataPlane_ ? dataPlane_->busyMicros / 1000000 : 0; }
uint64_t HsmBus::CommandCount() { return busCalls_ + OperationRequests(); }
uint64_t HsmBus::OperationRequests() { return dataPlane_ ? dataPlane_->requests.load() : 0; }
uint64_t HsmBus::OperationErrors() { return dataPlane_ ? dataPlane_->errors.load() : 0; }

// ---- com.safenet.Luna.Partitions ----------------------------------------------------------

std::string HsmBus::Create(const std::string& name, const uint64_t& size, const bool& allFreeStorage) {
    auto caller = authorize(kOperators);
    return guarded([&] {
        auto serial = hsm_.createPartition(caller.sender, name,
                                           size ? std::optional<std::uint64_t>(size) : std::nullopt, allFreeStorage);
        syslog(LOG_NOTICE, "partition %s (%s) created", name.c_str(), serial.c_str());
        return serial;
    });
}

void HsmBus::Delete(const std::string& partition) {
    auto caller = authorize(kOperators);
    guarded([&] { hsm_.deletePartition(caller.sender, partition); });
    syslog(LOG_NOTICE, "partition %s deleted", partition.c_str());
}

void HsmBus::Resize(const std::string& partition, const uint64_t& size, const bool& allFreeStorage) {
    auto caller = authorize(kOperators);
    guarded([&] {
        hsm_.resizePartition(caller.sender, partition, size ? std::optional<std::uint64_t>(size) : std::nullopt,
                             allFreeStorage);
    });
}

void HsmBus::Rename(const std::string& partition, const std::string& newName) {
    auto caller = authorize(kOperators);
    guarded([&] { hsm_.renamePartition(caller.sender, partition, newName); });
}

std::vector<PartitionRow> HsmBus::List() {
    authorize(kShow);
    return translate([&] { return partitionRows(hsm_.listPartitions()); });
}

std::map<std::string, sdbus::Variant> HsmBus::Show(const std::string& partition) {
    authorize(kReaders);
    return translate([&] {
        auto p = hsm_.showPartition(partition);
        return std::map<std::string, sdbus::Variant>{
            {"Serial", sdbus::Variant(p.serial)},
            {"Name", sdbus::Variant(p.name)},
            {"Label", sdbus::Variant(p.label)},
            {"Initialized", sdbus::Variant(p.initialized)},
            {"CryptoOfficerInitialized", sdbus::Variant(p.coInitialized)},
            {"CryptoUserInitialized", sdbus::Variant(p.cuInitialized)},
            {"CryptoOfficerLocked", sdbus::Variant(p.coLocked)},
            {"CryptoUserLocked", sdbus::Variant(p.cuLocked)},
            {"PartitionSoLoginAttemptsLeft", sdbus::Variant(p.psoLoginAttemptsLeft)},
            {"CryptoOfficerLoginAttemptsLeft", sdbus::Variant(p.coLoginAttemptsLeft)},
            {"CryptoUserLoginAttemptsLeft", sdbus::Variant(p.cuLoginAttemptsLeft)},
            {"ObjectCount", sdbus::Variant(p.objectCount)},
            {"TotalBytes", sdbus::Variant(p.totalBytes)},
            {"UsedBytes", sdbus::Variant(p.usedBytes)},
            {"FreeBytes", sdbus::Variant(p.freeBytes())},
        };
    });
}

std::vector<sdbus::Struct<uint32_t, std::string, uint32_t, std::string, uint32_t, bool, bool>> HsmBus::GetPolicies(
    const std::string& partition) {
    authorize(kReaders);
    return translate([&] {
        std::vector<sdbus::Struct<uint32_t, std::string, uint32_t, std::string, uint32_t, bool, bool>> rows;
        for (const auto& r : hsm_.partitionPolicies(partition))
            rows.emplace_back(r.def->id, std::string(r.def->capabilityName), r.capability,
                              std::string(r.def->policyName), r.value, r.destructive.offToOn, r.destructive.onToOff);
        return rows;
    });
}

std::vector<PartitionRow> HsmBus::Partitions() {
    return translate([&] { return partitionRows(hsm_.listPartitions()); });
}

} // namespace luna::hsmd
