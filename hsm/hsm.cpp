// Hsm: identity, status, lifecycle (init, zeroize, factory reset, decommission), the HSM
// SO and Auditor roles, and HSM policies. Partitions and objects are in hsm_partitions.cpp
// and hsm_objects.cpp; credential storage in hsm_credentials.cpp.
#include "hsm/hsm.h"

#include "hsm/crypto.h"
#include "hsm/hsm_internal.h"
#include "luna/errors.h"

#include <algorithm>
#include <filesystem>

namespace luna::hsm {
using namespace detail;

namespace {
constexpr std::uint32_t kSoThreshold = 3;
constexpr std::uint32_t kAuditThreshold = 3;
constexpr std::chrono::seconds kAuditLockout{30};
constexpr std::string_view kModel = "Luna K7 (simulated)";
constexpr std::string_view kPartNumber = "808-000048-002";
constexpr std::uint32_t kStcPolicy = 39;

std::string newSerial() {
    auto b = crypto::randomBytes(4);
    std::uint32_t v = (std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) | (std::uint32_t(b[2]) << 8) | b[3];
    return std::to_string(700000 + v % 300000);   // six digits, like "700022"
}

// ch.8: the exact status strings, casing quirks included.
std::string statusString(const Record& st) {
    const bool init = st.boolean("initialized");
    const bool decom = st.boolean("decommissioned");
    const bool stm = st.boolean("stm");
    const bool tamper = st.boolean("tamper");
    if (tamper) {
        if (decom) return "HSM Tamper, Decommissioned";
        return init ? "Hardware Tamper" : "Hardware Tamper, Zeroized";
    }
    if (stm) {
        if (decom) return "Transport Mode, Decommissioned";
        return init ? "Transport Mode" : "Transport Mode, zeroized";
    }
    if (decom) return "Decommissioned";
    return init ? "OK" : "Zeroized";
}
} // namespace

Bytes detail::encodePolicies(const PolicyValues& v) {
    Record r;
    for (auto [id, val] : v) r.setU64(std::to_string(id), val);
    return r.encode();
}

PolicyValues detail::decodePolicies(std::span<const std::uint8_t> b) {
    PolicyValues v;
    auto r = Record::decode(b);
    for (const auto& [k, _] : r.fields()) v[static_cast<std::uint32_t>(std::stoul(k))] = static_cast<std::uint32_t>(r.u64(k));
    return v;
}

Bytes detail::encodeFlags(const DestructiveMap& m) {
    Record r;
    for (auto [id, f] : m) r.set(std::to_string(id), std::string(f.offToOn ? "1" : "0") + (f.onToOff ? "1" : "0"));
    return r.encode();
}

DestructiveMap detail::decodeFlags(std::span<const std::uint8_t> b) {
    DestructiveMap m;
    auto r = Record::decode(b);
    for (const auto& [k, v] : r.fields())
        m[static_cast<std::uint32_t>(std::stoul(k))] = {v.size() > 0 && v[0] == '1', v.size() > 1 && v[1] == '1'};
    return m;
}

Hsm::Hsm(HsmConfig config) : config_(std::move(config)) {
    if (config_.licensedPartitions == 0 || config_.licensedPartitions > kMaxLicensedPartitions)
        throw Error(rc::ARGUMENTS_BAD, "licensed partitions must be 1 to 100");
    if (!config_.clock) ownClock_ = std::make_unique<SystemClock>();
    clock_ = config_.clock ? config_.clock : ownClock_.get();
    std::filesystem::create_directories(config_.stateDir);
    std::filesystem::permissions(config_.stateDir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
    store_ = std::make_unique<Store>(config_.stateDir / "hsm.db");
    keys_ = std::make_unique<Keyring>(*store_, config_.stateDir / "device-root.key");
    if (!store_->get(kHsmNs, "state")) {
        // First power-up: a zeroized HSM with factory policies and a new serial number.
        mutate([&] {
            Record st;
            st.set("serial", newSerial());
            saveState(st);
            savePolicies("policies", defaultHsmPolicies());
        });
    }
    // The licence (capability 33) and storage (capability 27) come from configuration.
    mutate([&] {
        auto caps = defaultHsmCapabilities();
        caps[33] = config_.licensedPartitions;
        caps[27] = static_cast<std::uint32_t>(config_.storageBytes);
        savePolicies("capabilities", caps);
        auto pol = policies("policies");
        if (pol[33] > config_.licensedPartitions) {
            pol[33] = config_.licensedPartitions;
            savePolicies("policies", pol);
        }
    });
    auditLog_ = std::make_unique<AuditLog>(*store_, *keys_, *clock_, state().str("serial"), config_.auditCapacity,
                                           config_.stateDir / "audit-buffer", config_.auditSyncEach,
                                           config_.auditStagingDir);
    audit_ = config_.auditSink ? config_.auditSink : auditLog_.get();
}

Hsm::~Hsm() = default;

// ---- helpers -------------------------------------------------------------------------

Record Hsm::state() const {
    auto b = store_->get(kHsmNs, "state");
    if (!b) throw Error(rc::STORAGE_CORRUPT, "HSM state record is missing");
    return Record::decode(*b);
}

void Hsm::saveState(const Record& r) { store_->put(kHsmNs, "state", r.encode()); }

void Hsm::mutate(const std::function<void()>& fn) {
    try {
        store_->transaction(fn);
    } catch (...) {
        keys_->forget();
        if (auditLog_) auditLog_->reload();   // its cached configuration may be one the rollback undid
        throw;
    }
}

PolicyValues Hsm::policies(std::string_view which) const {
    auto b = store_->get(kHsmNs, which);
    return b ? decodePolicies(*b) : PolicyValues{};
}

void Hsm::savePolicies(std::string_view which, const PolicyValues& v) { store_->put(kHsmNs, which, encodePolicies(v)); }

void Hsm::requireOperational() const {
    auto st = state();
    if (st.boolean("tamper")) throw Error(rc::HSM_TAMPERED);
    if (st.boolean("stm")) throw Error(rc::CMD_NOT_ALLOWED_HSM_IN_TRANSPORT);
    if (!st.boolean("initialized")) throw Error(rc::HSM_ZEROIZED, "The HSM is zeroized: initialize it first");
}

void Hsm::requireSo(const SessionId& s) const {
    requireOperational();
    auto it = logins_.find(s);
    if (it == logins_.end() || !it->second.so)
        throw Error(rc::USER_NOT_LOGGED_IN, "This command requires the HSM SO to be logged in (hsm login)");
}

std::uint32_t Hsm::effectiveMaxPartitions() const {
    auto caps = policies("capabilities");
    auto pol = policies("policies");
    return std::min(caps[33], pol[33]);
}

// ---- identity and status ----------------------------------------------------------------

HsmInfo Hsm::info() const {
    std::lock_guard lock(mu_);
    auto st = state();
    auto pol = policies("policies");
    HsmInfo i;
    i.status = statusString(st);
    i.initialized = st.boolean("initialized");
    i.label = i.initialized ? st.str("label") : "no label";
    i.serial = st.str("serial");
    i.model = std::string(kModel);
    i.partNumber = std::string(kPartNumber);
    i.firmware = std::string(kFirmwareVersion);
    i.authMethod = "Password";
    i.manuallyZeroized = st.boolean("manuallyZeroized");
    i.decommissioned = st.boolean("decommissioned");
    i.transportMode = st.boolean("stm");
    i.tampered = st.boolean("tamper");
    i.auditRoleInitialized = store_->get(kCredNs, "audit").has_value();
    i.rpvInitialized = st.boolean("rpv");
    i.fipsMode = pol[12] == 0;
    i.soLoginAttemptsLeft = i.initialized ? kSoThreshold - static_cast<std::uint32_t>(st.u64("soFails")) : 0;
    i.maxPartitions = effectiveMaxPartitions();
    i.licensedPartitions = policies("capabilities")[33];
    i.partitionCount = static_cast<std::uint32_t>(store_->list(kPartitionNs).size());
    i.storageTotal = config_.storageBytes;
    i.storageUsed = allocatedBytes();
    i.storageFree = i.storageTotal - i.storageUsed;
    return i;
}

// ---- lifecycle ----------------------------------------------------------------------------

bool Hsm::init(const SessionId& s, std::string_view label, std::string_view soPassword, std::string_view domain,
               std::optional<std::string_view> policyTemplate) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::InitToken);
    if (auto it = logins_.find(s); it != logins_.end() && it->second.auditor)
        throw Error(rc::USER_NOT_AUTHORIZED, "The Auditor cannot administer the HSM");
    auto st = state();
    if (st.boolean("tamper")) throw Error(rc::HSM_TAMPERED);
    if (st.boolean("stm")) throw Error(rc::CMD_NOT_ALLOWED_HSM_IN_TRANSPORT);
    checkHsmLabel(label);
    // A template replaces every template policy: listed values, factory values for the rest.
    std::optional<PolicyValues> templated;
    if (policyTemplate) {
        auto caps = policies("capabilities");
        auto parsed = parseHsmTemplate(*policyTemplate, caps);
        templated = policies("policies");
        auto factory = defaultHsmPolicies();
        for (const auto& def : hsmPolicyTable())
            if (def.inTemplate) (*templated)[def.id] = parsed.policies.count(def.id) ? parsed.policies.at(def.id) : factory[def.id];
        (*templated)[33] = std::min((*templated)[33], caps[33]);
    }
    if (st.boolean("initialized")) {
        // Soft init (ch.7): SO login required; SO and domain kept; partitions destroyed.
        requireSo(s);
        mutate([&] {
            eraseAllPartitions();
            if (templated) savePolicies("policies", *templated);
            st.set("label", label);
            saveState(st);
        });
        store_->scrub();
        audited(AuditEvent::InitToken, s, rc::OK, {.object = "HSM", .detail = "soft init", .usingPin = true});
        return false;
    }
    checkSoPassword(soPassword);
    checkDomain(domain);
    mutate([&] {
        eraseAllPartitions();
        if (templated) savePolicies("policies", *templated);
        keys_->createKek();
        setCredential("so", soPassword, std::nullopt, false);
        store_->put(kHsmNs, "domain", keys_->sealUnderKek("hsm/domain", asBytes(domain)));
        st.set("label", label);
        st.setBool("initialized", true);
        st.setBool("manuallyZeroized", false);
        st.setBool("decommissioned", false);
        st.setU64("soFails", 0);
        saveState(st);
    });
    audited(AuditEvent::InitToken, s, rc::OK, {.who = "SO", .object = "HSM", .detail = "hard init", .usingPin = true});
    return true;
} catch (const Error& e) {
    auditFailure(AuditEvent::InitToken, s, e, {.object = "HSM"});
    throw;
}

// Destroys what zeroize, decommission and factory reset have in common (ch.5/ch.13
// table): partitions and their contents and roles, the HSM SO, the cloning domain and
// the KEK under which all of them were sealed.
void Hsm::destroyHsmSecrets(bool keepAuditor, bool resetPolicies) {
    bumpEpoch();
    eraseAllPartitions();
    keys_->destroyKek();
    store_->erase(kCredNs, "so");
    store_->erase(kHsmNs, "domain");
    if (!keepAuditor) {
        store_->erase(kCredNs, "audit");
        store_->eraseNamespace(kAuditNs);
        auditLog_->reload();
    }
    auto pol = policies("policies");
    if (resetPolicies) {
        pol = defaultHsmPolicies();
        pol[33] = std::min(pol[33], policies("capabilities")[33]);
    } else {
        pol[kStcPolicy] = defaultHsmPolicies()[kStcPolicy];   // zeroize resets policy 39 (LunaSH reference)
    }
    savePolicies("policies", pol);
    auto st = state();
    st.setBool("initialized", false);
    st.erase("label");
    st.setU64("soFails", 0);
    saveState(st);
    for (auto& [_, l] : logins_) {
        l.so = false;
        l.partitions.clear();
        if (!keepAuditor) l.auditor = false;
    }
}

void Hsm::zeroize(const SessionId& s) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::Zeroize);
    mutate([&] {
        destroyHsmSecrets(true, false);
        auto st = state();
        st.setBool("manuallyZeroized", true);
        saveState(st);
    });
    store_->scrub();
    audited(AuditEvent::Zeroize, s, rc::OK, {.object = "HSM", .detail = "zeroize"});
} catch (const Error& e) {
    auditFailure(AuditEvent::Zeroize, s, e, {.object = "HSM"});
    throw;
}

void Hsm::factoryReset(const SessionId& s) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::Zeroize);
    mutate([&] {
        destroyHsmSecrets(false, true);
        auto st = state();
        st.setBool("manuallyZeroized", false);
        st.setBool("decommissioned", false);
        st.setBool("rpv", false);
        saveState(st);
    });
    store_->scrub();
    audited(AuditEvent::Zeroize, s, rc::OK, {.object = "HSM", .detail = "factory reset"});
} catch (const Error& e) {
    auditFailure(AuditEvent::Zeroize, s, e, {.object = "HSM"});
    throw;
}

void Hsm::decommission(const SessionId& s) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::Decommission);
    mutate([&] {
        destroyHsmSecrets(false, false);
        auto st = state();
        st.setBool("decommissioned", true);
        saveState(st);
    });
    store_->scrub();
    audited(AuditEvent::Decommission, s, rc::OK, {.object = "HSM"});
} catch (const Error& e) {
    auditFailure(AuditEvent::Decommission, s, e, {.object = "HSM"});
    throw;
}

// ---- HSM SO -------------------------------------------------------------------------------

void Hsm::loginSo(const SessionId& s, std::string_view password) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::Login);
    requireOperational();
    if (logins_[s].so) throw Error(rc::USER_ALREADY_LOGGED_IN, "The HSM SO is already logged in");
    if (logins_[s].auditor)
        throw Error(rc::USER_ANOTHER_ALREADY_LOGGED_IN, "The audit role is logged in here: the Auditor cannot administer the HSM");
    bool ok = false;
    std::uint64_t fails = 0;
    mutate([&] {
        ok = checkCredential("so", password, std::nullopt);
        auto st = state();
        fails = ok ? 0 : st.u64("soFails") + 1;
        st.setU64("soFails", fails);
        saveState(st);
        if (!ok && fails >= kSoThreshold) destroyHsmSecrets(true, false);   // ch.21: 3 bad SO logins zeroize
    });
    if (ok) {
        logins_[s].so = true;
        audited(AuditEvent::Login, s, rc::OK, {.usingPin = true});
        return;
    }
    if (fails >= kSoThreshold) {
        store_->scrub();
        audited(AuditEvent::Zeroize, s, rc::OK, {.object = "HSM", .detail = "SO login failure threshold"});
        throw Error(rc::SO_LOGIN_FAILURE_THRESHOLD,
                    "HSM SO login failure threshold reached: the HSM has been zeroized");
    }
    throw Error(rc::PIN_INCORRECT, "Incorrect HSM SO password: " + std::to_string(kSoThreshold - fails) +
                                       " attempt(s) left before HSM zeroization");
} catch (const Error& e) {
    auditFailure(AuditEvent::Login, s, e, {.who = "SO", .usingPin = true});
    throw;
}

void Hsm::logoutSo(const SessionId& s) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::Logout);
    auto it = logins_.find(s);
    if (it == logins_.end() || (!it->second.so && !it->second.auditor))
        throw Error(rc::USER_NOT_LOGGED_IN, "Not logged in");
    audited(AuditEvent::Logout, s, rc::OK);
    it->second.so = false;
    it->second.auditor = false;
} catch (const Error& e) {
    auditFailure(AuditEvent::Logout, s, e);
    throw;
}

bool Hsm::soLoggedIn(const SessionId& s) const {
    std::lock_guard lock(mu_);
    auto it = logins_.find(s);
    return it != logins_.end() && it->second.so;
}

void Hsm::changeSoPassword(std::string_view oldPassword, std::string_view newPassword) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::SetPin);
    requireOperational();
    checkSoPassword(newPassword);
    bool ok = false;
    std::uint64_t fails = 0;
    mutate([&] {
        ok = checkCredential("so", oldPassword, std::nullopt);
        auto st = state();
        fails = ok ? 0 : st.u64("soFails") + 1;
        st.setU64("soFails", fails);
        saveState(st);
        if (ok) setCredential("so", newPassword, std::nullopt, false);
        else if (fails >= kSoThreshold) destroyHsmSecrets(true, false);
    });
    if (ok) {
        audited(AuditEvent::SetPin, {}, rc::OK, {.who = "SO"});
        return;
    }
    if (fails >= kSoThreshold) {
        store_->scrub();
        audited(AuditEvent::Zeroize, {}, rc::OK, {.object = "HSM", .detail = "SO login failure threshold"});
        throw Error(rc::SO_LOGIN_FAILURE_THRESHOLD, "HSM SO login failure threshold reached: the HSM has been zeroized");
    }
    throw Error(rc::PIN_INCORRECT, "The current HSM SO password is incorrect");
} catch (const Error& e) {
    auditFailure(AuditEvent::SetPin, {}, e, {.who = "SO"});
    throw;
}

void Hsm::endSession(const SessionId& s) {
    std::lock_guard lock(mu_);
    logins_.erase(s);
    origins_.erase(s);
}

// ---- Auditor --------------------------------------------------------------------------------

void Hsm::initAuditor(std::string_view password, std::string_view domain) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::CreateAuditContainer);
    refuseInControlledTamper("Initializing the audit role");
    checkSoPassword(password);
    checkDomain(domain);
    mutate([&] {
        setCredential("audit", password, std::nullopt, false);
        store_->put(kAuditNs, "domain", keys_->sealUnderMtk("audit/domain", asBytes(domain)));
    });
    for (auto& [_, l] : logins_) l.auditor = false;
    audited(AuditEvent::CreateAuditContainer, {}, rc::OK, {.who = "AU", .usingPin = true});
} catch (const Error& e) {
    auditFailure(AuditEvent::CreateAuditContainer, {}, e, {.who = "AU"});
    throw;
}

void Hsm::loginAuditor(const SessionId& s, std::string_view password) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::Login);
    if (auto it = logins_.find(s); it != logins_.end() && it->second.so)
        throw Error(rc::USER_ANOTHER_ALREADY_LOGGED_IN, "The HSM SO is logged in here: log out before the audit role logs in");
    if (!store_->get(kCredNs, "audit"))
        throw Error(rc::LOG_AUDIT_NOT_INITIALIZED, "The audit role is not initialized (audit init)");
    auto rec = credential("audit");
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_->now().time_since_epoch()).count();
    const auto lockedUntil = static_cast<std::int64_t>(rec.u64("lockedUntil"));
    if (lockedUntil > now)
        throw Error(rc::AUDIT_LOGIN_TIMEOUT_IN_PROGRESS, "The audit role is locked out; try again in " +
                                                             std::to_string(lockedUntil - now) + " seconds");
    bool ok = false;
    std::uint64_t fails = 0;
    mutate([&] {
        ok = checkCredential("audit", password, std::nullopt);
        auto r = credential("audit");
        fails = ok ? 0 : r.u64("fails") + 1;
        r.setU64("fails", fails >= kAuditThreshold ? 0 : fails);
        r.setU64("lockedUntil", (!ok && fails >= kAuditThreshold) ? static_cast<std::uint64_t>(now + kAuditLockout.count()) : 0);
        saveCredential("audit", r);
    });
    if (ok) {
        logins_[s].auditor = true;
        audited(AuditEvent::Login, s, rc::OK, {.usingPin = true});
        return;
    }
    if (fails >= kAuditThreshold)
        throw Error(rc::AUDIT_LOGIN_FAILURE_THRESHOLD,
                    "Audit role login failure threshold reached: locked out for 30 seconds");
    throw Error(rc::PIN_INCORRECT, "Incorrect audit role password");
} catch (const Error& e) {
    auditFailure(AuditEvent::Login, s, e, {.who = "AU", .usingPin = true});
    throw;
}

bool Hsm::auditorLoggedIn(const SessionId& s) const {
    std::lock_guard lock(mu_);
    auto it = logins_.find(s);
    return it != logins_.end() && it->second.auditor;
}

// ---- HSM policies --------------------------------------------------------------------------

std::vector<PolicyRow> Hsm::hsmPolicies() const {
    std::lock_guard lock(mu_);
    auto caps = policies("capabilities");
    auto pol = policies("policies");
    std::vector<PolicyRow> rows;
    for (const auto& def : hsmPolicyTable())
        rows.push_back({&def, caps[def.id], pol.count(def.id) ? pol[def.id] : def.policyDefault,
                        {def.offToOnDestructive, def.onToOffDestructive}});
    return rows;
}

PolicyChangeEffect Hsm::changeHsmPolicy(const SessionId& s, std::uint32_t id, std::uint32_t value) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::SetHsmPolicy);
    requireSo(s);
    auto caps = policies("capabilities");
    auto pol = policies("policies");
    PolicyChangeEffect refusal;
    PolicyChangeEffect effect;
    try {
        effect = evaluateHsmPolicyChange(caps, pol, id, value, &refusal);
    } catch (const Error&) {
        // ch.3: enabling 46 while 40 = 1 is refused but still destroys the partitions.
        if (refusal.destructive) {
            mutate([&] { eraseAllPartitions(); });
            store_->scrub();
        }
        throw;
    }
    mutate([&] {
        pol[id] = value;
        savePolicies("policies", pol);
        if (effect.zeroizeHsm) destroyHsmSecrets(true, false);
        else if (effect.destructive) eraseAllPartitions();
    });
    if (effect.destructive || effect.zeroizeHsm) store_->scrub();
    bumpEpoch();
    const std::string change = "policy=" + std::to_string(id) + " value=" + std::to_string(value);
    audited(effect.destructive ? AuditEvent::SetDestructiveHsmPolicy : AuditEvent::SetHsmPolicy, s, rc::OK,
            {.who = "SO", .detail = change, .value = id});
    if (effect.zeroizeHsm) audited(AuditEvent::Zeroize, s, rc::OK, {.object = "HSM", .detail = change});
    return effect;
} catch (const Error& e) {
    auditFailure(AuditEvent::SetHsmPolicy, s, e,
                 {.detail = "policy=" + std::to_string(id) + " value=" + std::to_string(value), .value = id});
    throw;
}

std::string Hsm::exportHsmTemplate() const {
    std::lock_guard lock(mu_);
    auto st = state();
    return luna::hsm::exportHsmTemplate(policies("policies"), st.boolean("initialized") ? st.str("label") : "",
                                        st.boolean("initialized") ? st.str("serial") : "", kFirmwareVersion);
}

} // namespace luna::hsm
