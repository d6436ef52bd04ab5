// Partitions (ch.10): the HSM SO's create/delete/resize/rename with storage accounting,
// and inside a partition the Partition SO, Crypto Officer and Crypto User with the
// failed-login outcomes of ch.21 and the partition policies of ch.3.
#include "hsm/hsm_internal.h"
#include "luna/errors.h"

#include <algorithm>
#include <charconv>

namespace luna::hsm {
using namespace detail;

namespace {
constexpr std::uint32_t kPsoThreshold = 10;
constexpr std::uint32_t kMaxFailedLoginsPolicy = 20;   // partition policy 20
constexpr std::uint32_t kSoResetPolicy = 15;           // HSM policy 15
constexpr std::uint32_t kForceChangePolicy = 21;       // HSM policy 21

// How audit records name a partition role: "PO", "CO", "CU".
std::string partitionWho(Role r) {
    std::string out(roleInfo(r).shortName);
    for (auto& c : out) c = static_cast<char>(c - 'a' + 'A');
    return out;
}
} // namespace

// ---- persistence -------------------------------------------------------------------------

void Hsm::savePartition(const Partition& p) {
    Record r;
    r.set("name", p.name);
    r.set("label", p.label);
    r.setU64("size", p.size);
    r.setBool("initialized", p.initialized);
    r.setBytes("capabilities", encodePolicies(p.capabilities));
    r.setBytes("policies", encodePolicies(p.policies));
    r.setBytes("flags", encodeFlags(p.flags));
    store_->put(kPartitionNs, std::to_string(p.serial), r.encode());
}

std::vector<Hsm::Partition> Hsm::loadPartitions() const {
    std::vector<Partition> out;
    for (const auto& [k, v] : store_->list(kPartitionNs)) {
        auto r = Record::decode(v);
        Partition p;
        p.serial = std::stoull(k);
        p.name = r.str("name");
        p.label = r.str("label");
        p.size = r.u64("size");
        p.initialized = r.boolean("initialized");
        p.capabilities = decodePolicies(r.bytes("capabilities"));
        p.policies = decodePolicies(r.bytes("policies"));
        p.flags = decodeFlags(r.bytes("flags"));
        out.push_back(std::move(p));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.serial < b.serial; });
    return out;
}

// A partition is named by its name or its serial number.
Hsm::Partition Hsm::loadPartition(std::string_view ref) const {
    for (auto& p : loadPartitions())
        if (p.name == ref || std::to_string(p.serial) == ref) return p;
    throw Error(rc::PARTITION_NOT_FOUND, "No partition named '" + std::string(ref) + "'");
}

std::uint64_t Hsm::allocatedBytes() const {
    std::uint64_t used = 0;
    for (const auto& p : loadPartitions()) used += p.size + kPartitionOverheadBytes;
    return used;
}

std::uint64_t Hsm::defaultPartitionSize() const {
    const auto licensed = std::max<std::uint32_t>(1, policies("capabilities")[33]);
    return config_.storageBytes / licensed - kPartitionOverheadBytes;
}

PartitionInfo Hsm::describe(const Partition& p) const {
    PartitionInfo i;
    i.serial = std::to_string(p.serial);
    i.name = p.name;
    i.label = p.label;
    i.initialized = p.initialized;
    auto threshold = [&](Role r) {
        return r == Role::PartitionSo ? kPsoThreshold
                                      : p.policies.count(kMaxFailedLoginsPolicy) ? p.policies.at(kMaxFailedLoginsPolicy) : 10u;
    };
    auto roleState = [&](Role r, bool& exists, bool* locked, std::uint32_t& left) {
        auto b = store_->get(kCredNs, credKey(p.serial, r));
        exists = b.has_value();
        left = 0;
        if (!b) return;
        auto rec = Record::decode(*b);
        if (locked) *locked = rec.boolean("locked");
        auto fails = static_cast<std::uint32_t>(rec.u64("fails"));
        left = fails >= threshold(r) ? 0 : threshold(r) - fails;
    };
    bool psoExists = false;
    roleState(Role::PartitionSo, psoExists, nullptr, i.psoLoginAttemptsLeft);
    roleState(Role::CryptoOfficer, i.coInitialized, &i.coLocked, i.coLoginAttemptsLeft);
    roleState(Role::CryptoUser, i.cuInitialized, &i.cuLocked, i.cuLoginAttemptsLeft);
    auto objects = store_->list(objectNs(p.serial));
    i.objectCount = static_cast<std::uint32_t>(objects.size());
    i.totalBytes = p.size;
    for (const auto& [_, v] : objects) i.usedBytes += v.size();
    return i;
}

std::optional<Role> Hsm::sessionRole(const SessionId& s, std::uint64_t serial) const {
    std::optional<Role> out;
    if (auto it = logins_.find(s); it != logins_.end())
        if (auto jt = it->second.partitions.find(serial); jt != it->second.partitions.end()) out = jt->second;
    return out;
}

void Hsm::forgetPartitionLogins(std::uint64_t serial) {
    bumpEpoch();
    for (auto& [_, l] : logins_) l.partitions.erase(serial);
}

// Objects and (unless kept) the partition's roles; the partition itself stays.
void Hsm::clearPartitionContents(Partition& p, bool keepRoles) {
    bumpEpoch();
    store_->eraseNamespace(objectNs(p.serial));
    if (!keepRoles) {
        for (Role r : {Role::PartitionSo, Role::CryptoOfficer, Role::CryptoUser})
            store_->erase(kCredNs, credKey(p.serial, r));
        store_->erase(kPartitionDomainNs, std::to_string(p.serial));
        p.initialized = false;
        p.label.clear();
        forgetPartitionLogins(p.serial);
    }
}

void Hsm::erasePartition(std::uint64_t serial) {
    bumpEpoch();
    store_->eraseNamespace(objectNs(serial));
    for (Role r : {Role::PartitionSo, Role::CryptoOfficer, Role::CryptoUser}) store_->erase(kCredNs, credKey(serial, r));
    store_->erase(kPartitionDomainNs, std::to_string(serial));
    store_->erase(kPartitionNs, std::to_string(serial));
    keys_->destroyPartitionKey(serial);
    forgetPartitionLogins(serial);
}

void Hsm::eraseAllPartitions() {
    for (const auto& p : loadPartitions()) erasePartition(p.serial);
    store_->eraseNamespacePrefix("object/");
}

// ---- the HSM SO's partition commands -------------------------------------------------------

std::string Hsm::createPartition(const SessionId& s, std::string_view name, std::optional<std::uint64_t> size,
                                 bool allFree) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::CreateContainer);
    requireSo(s);
    checkPartitionName(name);
    if (size && allFree) throw Error(rc::ARGUMENTS_BAD, "Give either a size or all free storage, not both");
    auto parts = loadPartitions();
    for (const auto& p : parts)
        if (p.name == name) throw Error(rc::OBJECT_ALREADY_EXISTS, "A partition named '" + std::string(name) + "' already exists");
    const auto maxParts = effectiveMaxPartitions();
    if (parts.size() >= maxParts)
        throw Error(rc::TOO_MANY_CONTAINERS, "The HSM already has its maximum of " + std::to_string(maxParts) +
                                                 " partitions");
    const std::uint64_t free = config_.storageBytes - allocatedBytes();
    if (free <= kPartitionOverheadBytes) throw Error(rc::HSM_STORAGE_FULL, "No free HSM storage is left");
    std::uint64_t bytes = allFree ? free - kPartitionOverheadBytes : size ? *size : defaultPartitionSize();
    if (bytes == 0) throw Error(rc::SIZE_INVALID, "The partition size must be greater than 0");
    if (bytes + kPartitionOverheadBytes > free)
        throw Error(rc::HSM_STORAGE_FULL, "Not enough free HSM storage: " + std::to_string(free - kPartitionOverheadBytes) +
                                              " bytes available for a new partition");
    // Serial = HSM serial followed by a three-digit index, as the reference shows (700022008).
    // The index moves on from the last one handed out, so a deleted partition's serial is not
    // given to the next one (a recreated partition is a new partition, ch.10).
    auto st = state();
    const std::uint64_t base = std::stoull(st.str("serial")) * 1000;
    const std::uint64_t last = st.u64("lastPartitionIndex");
    std::uint64_t serial = 0;
    for (std::uint64_t step = 1; step < 1000 && !serial; ++step) {
        const std::uint64_t idx = (last + step - 1) % 999 + 1;
        if (std::none_of(parts.begin(), parts.end(), [&](const auto& p) { return p.serial == base + idx; }))
            serial = base + idx;
    }
    st.setU64("lastPartitionIndex", serial - base);
    Partition p;
    p.serial = serial;
    p.name = std::string(name);
    p.size = bytes;
    const auto hsmPol = policies("policies");
    p.capabilities = defaultPartitionCapabilities(policies("capabilities"), hsmPol);
    p.policies = defaultPartitionPolicies(hsmPol, p.capabilities);
    p.flags = defaultPartitionDestructiveFlags();
    mutate([&] {
        keys_->createPartitionKey(serial);
        savePartition(p);
        saveState(st);
    });
    audited(AuditEvent::CreateContainer, s, rc::OK,
            {.object = "container", .detail = "container=" + std::to_string(serial - base), .usingPin = true,
             .container = static_cast<std::uint32_t>(serial - base)});
    return std::to_string(serial);
} catch (const Error& e) {
    auditFailure(AuditEvent::CreateContainer, s, e, {.who = "SO", .object = "container", .usingPin = true});
    throw;
}

void Hsm::deletePartition(const SessionId& s, std::string_view ref) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::DeleteContainer);
    requireSo(s);
    auto p = loadPartition(ref);
    mutate([&] { erasePartition(p.serial); });
    store_->scrub();
    audited(AuditEvent::DeleteContainer, s, rc::OK,
            {.object = "container", .detail = "container=" + std::to_string(p.serial % 1000), .usingPin = true,
             .container = static_cast<std::uint32_t>(p.serial % 1000)});
} catch (const Error& e) {
    auditFailure(AuditEvent::DeleteContainer, s, e, {.who = "SO", .object = "container", .detail = std::string(ref), .usingPin = true});
    throw;
}

void Hsm::resizePartition(const SessionId& s, std::string_view ref, std::optional<std::uint64_t> size, bool allFree) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::SetContainerSize);
    requireSo(s);
    if (size.has_value() == allFree) throw Error(rc::ARGUMENTS_BAD, "Give either a size or all free storage");
    auto p = loadPartition(ref);
    const auto inUse = describe(p).usedBytes;
    const std::uint64_t free = config_.storageBytes - allocatedBytes();
    const std::uint64_t bytes = allFree ? p.size + free : *size;
    if (bytes == 0) throw Error(rc::SIZE_INVALID, "The partition size must be greater than 0");
    if (bytes < inUse)
        throw Error(rc::SIZE_INVALID, "The partition holds " + std::to_string(inUse) +
                                          " bytes of objects; it cannot be made smaller than that");
    if (bytes > p.size + free)
        throw Error(rc::HSM_STORAGE_FULL, "Not enough free HSM storage: at most " + std::to_string(p.size + free) +
                                              " bytes are available to this partition");
    p.size = bytes;
    mutate([&] { savePartition(p); });
    audited(AuditEvent::SetContainerSize, s, rc::OK,
            {.object = "container", .detail = "container=" + std::to_string(p.serial % 1000) + " size=" + std::to_string(bytes),
             .container = static_cast<std::uint32_t>(p.serial % 1000), .value = bytes});
} catch (const Error& e) {
    auditFailure(AuditEvent::SetContainerSize, s, e, {.who = "SO", .object = "container", .detail = std::string(ref)});
    throw;
}

void Hsm::renamePartition(const SessionId& s, std::string_view ref, std::string_view newName) {
    std::lock_guard lock(mu_);
    requireSo(s);
    checkPartitionName(newName);
    auto p = loadPartition(ref);
    for (const auto& other : loadPartitions())
        if (other.name == newName && other.serial != p.serial)
            throw Error(rc::OBJECT_ALREADY_EXISTS, "A partition named '" + std::string(newName) + "' already exists");
    p.name = std::string(newName);
    mutate([&] { savePartition(p); });
}

std::vector<PartitionInfo> Hsm::listPartitions() const {
    std::lock_guard lock(mu_);
    std::vector<PartitionInfo> out;
    for (const auto& p : loadPartitions()) out.push_back(describe(p));
    return out;
}

PartitionInfo Hsm::showPartition(std::string_view ref) const {
    std::lock_guard lock(mu_);
    return describe(loadPartition(ref));
}

// ---- inside a partition ------------------------------------------------------------------

void Hsm::initPartition(const SessionId& s, std::string_view ref, std::string_view label, std::string_view psoPin,
                        std::string_view domain, std::optional<std::string_view> policyTemplate) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::InitToken);
    requireOperational();
    auto p = loadPartition(ref);
    if (p.initialized) {
        auto it = logins_.find(s);
        if (it == logins_.end() || !it->second.partitions.count(p.serial) ||
            it->second.partitions.at(p.serial) != Role::PartitionSo)
            throw Error(rc::USER_NOT_LOGGED_IN, "Re-initializing a partition requires the Partition SO login");
    }
    checkHsmLabel(label);
    // Init sets the partition policies and destructiveness flags afresh: from the template
    // if one is given ('#' or missing lines take factory values), else factory values, in
    // both cases no higher than the HSM allows.
    const auto hsmPol = policies("policies");
    auto initialPolicies = defaultPartitionPolicies(hsmPol, p.capabilities);
    auto initialFlags = defaultPartitionDestructiveFlags();
    if (policyTemplate) {
        auto parsed = parsePartitionTemplate(*policyTemplate, hsmPol, p.capabilities);
        for (auto [id, v] : parsed.policies) initialPolicies[id] = v;
        for (auto [id, f] : parsed.flags) initialFlags[id] = f;
    }
    checkPartitionPin(psoPin, minimumPinLength(initialPolicies), maximumPinLength(initialPolicies));
    checkDomain(domain);
    mutate([&] {
        clearPartitionContents(p, false);
        p.policies = initialPolicies;
        p.flags = initialFlags;
        p.label = std::string(label);
        p.initialized = true;
        setCredential(credKey(p.serial, Role::PartitionSo), psoPin, p.serial, false);
        store_->put(kPartitionDomainNs, std::to_string(p.serial),
                    keys_->sealUnderPartition(p.serial, "partition/domain", asBytes(domain)));
        savePartition(p);
    });
    store_->scrub();
    audited(AuditEvent::InitToken, s, rc::OK,
            {.object = "container", .detail = "container=" + std::to_string(p.serial % 1000), .usingPin = true,
             .container = static_cast<std::uint32_t>(p.serial % 1000)});
} catch (const Error& e) {
    auditFailure(AuditEvent::InitToken, s, e, {.object = "container", .detail = std::string(ref)});
    throw;
}

void Hsm::loginPartition(const SessionId& s, std::string_view ref, Role role, std::string_view pin) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::Login);
    requireOperational();
    if (role != Role::PartitionSo && role != Role::CryptoOfficer && role != Role::CryptoUser)
        throw Error(rc::USER_TYPE_INVALID, "Only the Partition SO, Crypto Officer or Crypto User log in to a partition");
    auto p = loadPartition(ref);
    if (!p.initialized) throw Error(rc::USER_PIN_NOT_INITIALIZED, "The partition is not initialized");
    auto& l = logins_[s];
    if (auto it = l.partitions.find(p.serial); it != l.partitions.end())
        throw Error(it->second == role ? rc::USER_ALREADY_LOGGED_IN : rc::USER_ANOTHER_ALREADY_LOGGED_IN);
    const auto key = credKey(p.serial, role);
    auto rec = credential(key);
    if (rec.boolean("locked"))
        throw Error(rc::PIN_LOCKED, std::string(roleInfo(role).name) + " is locked out" +
                                        (rec.boolean("permanent") ? " permanently: re-initialize the partition" : ""));
    const std::uint32_t threshold =
        role == Role::PartitionSo ? kPsoThreshold : p.policies.count(kMaxFailedLoginsPolicy) ? p.policies[kMaxFailedLoginsPolicy] : 10u;
    bool ok = false;
    std::uint64_t fails = 0;
    std::string outcome;
    mutate([&] {
        ok = checkCredential(key, pin, p.serial);
        auto r = credential(key);
        fails = ok ? 0 : r.u64("fails") + 1;
        r.setU64("fails", fails);
        saveCredential(key, r);
        if (ok || fails < threshold) return;
        if (role == Role::PartitionSo) {
            clearPartitionContents(p, false);   // ch.21: 10 bad PSO logins zeroize the partition
            savePartition(p);
            outcome = "The Partition SO login failure threshold was reached: the partition has been zeroized";
        } else if (role == Role::CryptoOfficer) {
            // ch.21: CO and CU locked; permanently unless HSM policy 15 lets the PSO reset the CO.
            const bool permanent = policies("policies")[kSoResetPolicy] == 0;
            for (Role locked : {Role::CryptoOfficer, Role::CryptoUser}) {
                auto k = credKey(p.serial, locked);
                if (!store_->get(kCredNs, k)) continue;
                auto lr = credential(k);
                lr.setBool("locked", true);
                lr.setBool("permanent", permanent);
                saveCredential(k, lr);
            }
            outcome = permanent ? "The Crypto Officer is permanently locked out (HSM policy 15 is off): "
                                  "re-initialize the partition and restore it from backup"
                                : "The Crypto Officer and Crypto User are locked out: the Partition SO must reset "
                                  "the Crypto Officer (role resetpw -name co)";
        } else {
            r.setBool("locked", true);
            saveCredential(key, r);
            outcome = "The Crypto User is locked out: the Crypto Officer must reset it (role resetpw -name cu)";
        }
    });
    if (!outcome.empty()) store_->scrub();
    if (ok) {
        l.partitions[p.serial] = role;
        audited(AuditEvent::Login, s, rc::OK,
                {.who = partitionWho(role), .detail = "container=" + std::to_string(p.serial % 1000), .usingPin = true,
                 .container = static_cast<std::uint32_t>(p.serial % 1000)});
        return;
    }
    throw Error(rc::PIN_INCORRECT, outcome.empty() ? "Incorrect password: " + std::to_string(threshold - fails) +
                                                         " attempt(s) left"
                                                   : outcome);
} catch (const Error& e) {
    auditFailure(AuditEvent::Login, s, e, {.who = std::string(roleInfo(role).shortName), .detail = std::string(ref), .usingPin = true});
    throw;
}

void Hsm::logoutPartition(const SessionId& s, std::string_view ref) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::Logout);
    auto p = loadPartition(ref);
    auto it = logins_.find(s);
    const auto role = sessionRole(s, p.serial);
    if (it == logins_.end() || !it->second.partitions.erase(p.serial)) throw Error(rc::USER_NOT_LOGGED_IN);
    audited(AuditEvent::Logout, s, rc::OK,
            {.who = role ? partitionWho(*role) : "", .detail = "container=" + std::to_string(p.serial % 1000),
             .container = static_cast<std::uint32_t>(p.serial % 1000)});
} catch (const Error& e) {
    auditFailure(AuditEvent::Logout, s, e, {.detail = std::string(ref)});
    throw;
}

std::optional<Role> Hsm::partitionLogin(const SessionId& s, std::string_view ref) const {
    std::lock_guard lock(mu_);
    auto p = loadPartition(ref);
    auto it = logins_.find(s);
    if (it == logins_.end()) return std::nullopt;
    auto jt = it->second.partitions.find(p.serial);
    if (jt == it->second.partitions.end()) return std::nullopt;
    return jt->second;
}

void Hsm::initRole(const SessionId& s, std::string_view ref, Role role, std::string_view pin) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::InitPin);
    requireOperational();
    auto p = loadPartition(ref);
    const auto me = sessionRole(s, p.serial);
    const Role creator = role == Role::CryptoOfficer ? Role::PartitionSo : Role::CryptoOfficer;
    if (role != Role::CryptoOfficer && role != Role::CryptoUser)
        throw Error(rc::USER_TYPE_INVALID, "Only the Crypto Officer and Crypto User are created inside a partition");
    if (me != creator)
        throw Error(rc::USER_NOT_LOGGED_IN, std::string("Creating the ") + std::string(roleInfo(role).name) +
                                                " requires the " + std::string(roleInfo(creator).name) + " login");
    requireCurrentPin(*store_, p.serial, me);
    checkPartitionPin(pin, minimumPinLength(p.policies), maximumPinLength(p.policies));
    const bool mustChange = policies("policies")[kForceChangePolicy] == 1;
    mutate([&] { setCredential(credKey(p.serial, role), pin, p.serial, mustChange); });
    audited(AuditEvent::InitPin, s, rc::OK,
            {.who = partitionWho(creator), .detail = "container=" + std::to_string(p.serial % 1000) + " role=" +
                                                     std::string(roleInfo(role).shortName),
             .usingPin = true, .container = static_cast<std::uint32_t>(p.serial % 1000)});
} catch (const Error& e) {
    auditFailure(AuditEvent::InitPin, s, e, {.detail = std::string(ref)});
    throw;
}

void Hsm::changeRolePin(const SessionId& s, std::string_view ref, std::string_view oldPin, std::string_view newPin) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::SetPin);
    requireOperational();
    auto p = loadPartition(ref);
    auto it = logins_.find(s);
    if (it == logins_.end() || !it->second.partitions.count(p.serial)) throw Error(rc::USER_NOT_LOGGED_IN);
    const Role me = it->second.partitions.at(p.serial);
    checkPartitionPin(newPin, minimumPinLength(p.policies), maximumPinLength(p.policies));
    const auto key = credKey(p.serial, me);
    bool ok = false;
    mutate([&] {
        ok = checkCredential(key, oldPin, p.serial);
        if (ok) setCredential(key, newPin, p.serial, false);
    });
    if (!ok) throw Error(rc::PIN_INCORRECT, "The current password is incorrect");
    audited(AuditEvent::SetPin, s, rc::OK,
            {.who = partitionWho(me), .detail = "container=" + std::to_string(p.serial % 1000), .usingPin = true,
             .container = static_cast<std::uint32_t>(p.serial % 1000)});
} catch (const Error& e) {
    auditFailure(AuditEvent::SetPin, s, e, {.detail = std::string(ref)});
    throw;
}

void Hsm::resetRolePin(const SessionId& s, std::string_view ref, Role role, std::string_view newPin) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::InitPin);
    requireOperational();
    auto p = loadPartition(ref);
    const auto me = sessionRole(s, p.serial);
    if (role == Role::CryptoOfficer) {
        if (me != Role::PartitionSo) throw Error(rc::USER_NOT_LOGGED_IN, "Resetting the Crypto Officer requires the Partition SO login");
        if (policies("policies")[kSoResetPolicy] == 0)
            throw Error(rc::USER_NOT_AUTHORIZED,
                        "HSM policy 15 (SO can reset partition PIN) is off: the Crypto Officer cannot be reset");
    } else if (role == Role::CryptoUser) {
        if (me != Role::CryptoOfficer) throw Error(rc::USER_NOT_LOGGED_IN, "Resetting the Crypto User requires the Crypto Officer login");
    } else {
        throw Error(rc::USER_TYPE_INVALID, "Only the Crypto Officer and Crypto User can be reset");
    }
    requireCurrentPin(*store_, p.serial, me);
    const auto key = credKey(p.serial, role);
    auto rec = credential(key);
    if (rec.boolean("permanent"))
        throw Error(rc::PIN_LOCKED, "The Crypto Officer is permanently locked out: re-initialize the partition");
    checkPartitionPin(newPin, minimumPinLength(p.policies), maximumPinLength(p.policies));
    const bool mustChange = policies("policies")[kForceChangePolicy] == 1;
    mutate([&] {
        setCredential(key, newPin, p.serial, mustChange);
        if (role == Role::CryptoOfficer) {   // unlocking the CO also unlocks the CU it locked
            auto cu = credKey(p.serial, Role::CryptoUser);
            if (store_->get(kCredNs, cu)) {
                auto r = credential(cu);
                r.setBool("locked", false);
                r.setU64("fails", 0);
                saveCredential(cu, r);
            }
        }
    });
    audited(AuditEvent::InitPin, s, rc::OK,
            {.who = me ? partitionWho(*me) : "", .detail = "container=" + std::to_string(p.serial % 1000) + " role=" +
                                                          std::string(roleInfo(role).shortName) + " reset",
             .usingPin = true, .container = static_cast<std::uint32_t>(p.serial % 1000)});
} catch (const Error& e) {
    auditFailure(AuditEvent::InitPin, s, e, {.detail = std::string(ref)});
    throw;
}

std::string Hsm::exportPartitionTemplate(std::string_view ref) const {
    std::lock_guard lock(mu_);
    auto p = loadPartition(ref);
    return luna::hsm::exportPartitionTemplate(p.policies, p.flags, p.initialized ? p.label : "",
                                              p.initialized ? std::to_string(p.serial) : "", kFirmwareVersion);
}

std::vector<PolicyRow> Hsm::partitionPolicies(std::string_view ref) const {
    std::lock_guard lock(mu_);
    auto p = loadPartition(ref);
    std::vector<PolicyRow> rows;
    for (const auto& def : partitionPolicyTable()) {
        auto f = p.flags.count(def.id) ? p.flags.at(def.id) : DestructiveFlags{def.offToOnDestructive, def.onToOffDestructive};
        rows.push_back({&def, p.capabilities.count(def.id) ? p.capabilities.at(def.id) : def.capabilityDefault,
                        p.policies.count(def.id) ? p.policies.at(def.id) : def.policyDefault, f});
    }
    return rows;
}

PolicyChangeEffect Hsm::changePartitionPolicy(const SessionId& s, std::string_view ref, std::uint32_t id,
                                              std::uint32_t value) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::SetContainerPolicy);
    requireOperational();
    auto p = loadPartition(ref);
    auto it = logins_.find(s);
    if (it == logins_.end() || !it->second.partitions.count(p.serial) ||
        it->second.partitions.at(p.serial) != Role::PartitionSo)
        throw Error(rc::USER_NOT_LOGGED_IN, "Changing a partition policy requires the Partition SO login");
    auto effect = evaluatePartitionPolicyChange(policies("policies"), p.capabilities, p.policies, p.flags, id, value);
    mutate([&] {
        p.policies[id] = value;
        if (effect.destructive) clearPartitionContents(p, true);
        savePartition(p);
    });
    bumpEpoch();
    if (effect.destructive) store_->scrub();
    audited(AuditEvent::SetContainerPolicy, s, rc::OK,
            {.who = partitionWho(Role::PartitionSo), .detail = "container=" + std::to_string(p.serial % 1000) +
                                                              " policy=" + std::to_string(id) + " value=" +
                                                              std::to_string(value),
             .container = static_cast<std::uint32_t>(p.serial % 1000), .value = id});
    return effect;
} catch (const Error& e) {
    auditFailure(AuditEvent::SetContainerPolicy, s, e, {.detail = std::string(ref) + " policy=" + std::to_string(id) + " value=" + std::to_string(value)});
    throw;
}

} // namespace luna::hsm
