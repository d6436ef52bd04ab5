// DataPlane: request dispatch, the per-request context (session, partition view, login),
// the command-class checks, and the slot, token, session and role handlers.
#include "hsm/data_plane.h"
#include "hsm/dp_audit.h"

#include "luna/errors.h"

namespace luna::hsm {

namespace {
constexpr std::uint32_t kKeyManagementPolicy = 28;   // partition policy: Allow Key Management Functions

std::optional<Role> roleForUserType(std::uint32_t userType) {
    switch (userType) {
    case CKU_SO: return Role::PartitionSo;
    case CKU_USER: return Role::CryptoOfficer;
    case kCkuCryptoUser: return Role::CryptoUser;
    default: return std::nullopt;
    }
}

Role requireRole(std::uint32_t userType) {
    auto r = roleForUserType(userType);
    if (!r) throw Error(CKR_USER_TYPE_INVALID, "Log in as CKU_SO (Partition SO), CKU_USER (Crypto Officer) or CKU_CRYPTO_USER");
    return *r;
}

std::string_view text(const SecureBytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
} // namespace

DataPlane::DataPlane(Hsm& hsm, const PartitionAccess& access, DataPlaneConfig config)
    : hsm_(hsm), access_(access), config_(config), sessions_(config.maxSessions), objects_(hsm) {}

proto::ResponseBody DataPlane::dispatch(const Caller& c, const proto::Request& request) {
    // Every request as an audit event where it is one (hsm/dp_audit.h).
    return std::visit(
        [&](const auto& req) -> proto::ResponseBody {
            return dpAudited(hsm_, sessionId(c.app()), req, [&] { return proto::ResponseBody(handle(c, req)); });
        },
        request);
}

void DataPlane::closeLink(const Caller& c) {
    const auto app = c.app();
    for (const auto& s : sessions_.closeAll(app, std::nullopt)) objects_.dropSessionObjects(s->handle);
    hsm_.endSession(sessionId(app));
    std::unique_lock lock(loginMu_);
    std::erase_if(logins_, [&](const auto& e) { return e.first.first == app; });
}

// ---- context ----------------------------------------------------------------------------------

std::shared_ptr<const DataPlane::PartitionView> DataPlane::partition(const Caller& c, std::uint64_t slot) {
    if (!access_.allowed(c.client, slot)) throw Error(CKR_SLOT_ID_INVALID, "The partition is not assigned to this client");
    const auto epoch = hsm_.epoch();
    {
        std::shared_lock lock(viewMu_);
        if (viewEpoch_ == epoch)
            if (auto it = views_.find(slot); it != views_.end()) return it->second;
    }
    std::unique_lock lock(viewMu_);
    if (viewEpoch_ != epoch || !views_.count(slot)) {
        std::map<std::uint64_t, std::shared_ptr<const PartitionView>> fresh;
        for (const auto& info : hsm_.listPartitions()) {
            auto v = std::make_shared<PartitionView>();
            v->serial = std::stoull(info.serial);
            v->name = info.name;
            v->label = info.label;
            v->initialized = info.initialized;
            for (const auto& row : hsm_.partitionPolicies(info.serial)) v->policies[row.def->id] = row.value;
            fresh.emplace(v->serial, std::move(v));
        }
        views_ = std::move(fresh);
        viewEpoch_ = epoch;
    }
    auto it = views_.find(slot);
    if (it == views_.end()) throw Error(CKR_SLOT_ID_INVALID, "No such partition");
    return it->second;
}

std::optional<Hsm::LoginState> DataPlane::loginState(const std::string& app, std::uint64_t slot) {
    const auto epoch = hsm_.epoch();
    const auto key = std::make_pair(app, slot);
    {
        std::shared_lock lock(loginMu_);
        if (auto it = logins_.find(key); it != logins_.end() && it->second.epoch == epoch) return it->second.state;
    }
    auto state = hsm_.partitionLoginState(sessionId(app), slot);
    std::unique_lock lock(loginMu_);
    logins_[key] = {epoch, state};
    return state;
}

void DataPlane::forgetLogin(const std::string& app, std::uint64_t slot) {
    std::unique_lock lock(loginMu_);
    logins_.erase({app, slot});
}

DataPlane::Ctx DataPlane::enter(const Caller& c, std::uint64_t session) {
    Ctx ctx;
    ctx.app = c.app();
    ctx.sid = sessionId(ctx.app);
    ctx.session = sessions_.get(session, ctx.app);
    try {
        ctx.partition = partition(c, ctx.session->slot);
    } catch (const Error& e) {
        if (e.code() != CKR_SLOT_ID_INVALID) throw;
        throw Error(CKR_TOKEN_NOT_PRESENT, "The session's partition was deleted or revoked");
    }
    ctx.login = loginState(ctx.app, ctx.session->slot);
    return ctx;
}

// ---- command classes ----------------------------------------------------------------------------

void DataPlane::requireUsage(const Ctx& ctx, const Object* key) const {
    const bool needLogin = config_.usageRequiresLogin || (key && key->isPrivate());
    if (!needLogin) return;
    if (!ctx.user()) throw Error(CKR_USER_NOT_LOGGED_IN, "Cryptographic operations need the Crypto Officer or Crypto User login");
    if (ctx.login->pinExpired) throw Error(CKR_PIN_EXPIRED, "The password was set or reset and must be changed first (role changepw)");
}

void DataPlane::requireKeyManagement(const Ctx& ctx, bool privateObject, bool tokenObject) const {
    if (tokenObject && !ctx.session->rw) throw Error(CKR_SESSION_READ_ONLY, "Token objects need a read/write session");
    if (ctx.login && ctx.login->pinExpired)
        throw Error(CKR_PIN_EXPIRED, "The password was set or reset and must be changed first (role changepw)");
    if (!privateObject) return;
    if (!ctx.login) throw Error(CKR_USER_NOT_LOGGED_IN, "Private objects need the Crypto Officer login");
    if (ctx.login->role != Role::CryptoOfficer)
        throw Error(rc::USER_NOT_AUTHORIZED, "Only the Crypto Officer creates, changes or destroys private objects");
    if (!ctx.partition->policy(kKeyManagementPolicy))
        throw Error(rc::OPERATION_NOT_ALLOWED,
                    "Partition policy 28 (Allow Key Management Functions) is off: the Crypto Officer acts as a Crypto User");
}

bool DataPlane::canSee(const Ctx& ctx, const ObjectManager::Entry& e) const {
    if (!e.ownerApp.empty() && e.ownerApp != ctx.app) return false;
    return !e.object->isPrivate() || ctx.user();
}

ObjectPtr DataPlane::visible(const Ctx& ctx, std::uint64_t handle, std::uint32_t missing) {
    auto e = objects_.get(ctx.session->slot, handle);
    if (!e || !canSee(ctx, *e)) throw Error(missing);
    return e->object;
}

ObjectPtr DataPlane::usableKey(const Ctx& ctx, std::uint64_t handle, std::uint32_t function, std::uint32_t mechanism,
                               std::uint32_t missing) {
    auto key = visible(ctx, handle, missing);
    if (!key->isKey()) throw Error(missing, "The handle is not a key");
    if (!key->flag(function))
        throw Error(CKR_KEY_FUNCTION_NOT_PERMITTED, "The key's attributes do not allow this operation");
    if (const auto* allowed = key->find(CKA_ALLOWED_MECHANISMS); allowed && !allowed->empty()) {
        bool ok = false;
        for (std::size_t i = 0; i + 8 <= allowed->size(); i += 8)
            ok |= proto::decodeUlong(std::span(*allowed).subspan(i, 8)) == mechanism;
        if (!ok) throw Error(CKR_MECHANISM_INVALID, "CKA_ALLOWED_MECHANISMS does not list this mechanism");
    }
    return key;
}

AttributeRules DataPlane::rules(const Ctx& ctx) const {
    return {ctx.partition->policy(10), ctx.partition->policy(11)};
}

std::uint64_t DataPlane::store(const Ctx& ctx, ObjAttrs attrs) {
    auto obj = std::make_shared<const Object>(std::move(attrs));
    if (obj->isToken()) return objects_.addTokenObject(ctx.sid, ctx.session->slot, std::move(obj));
    return objects_.addSessionObject(ctx.session->slot, ctx.app, ctx.session->handle, std::move(obj));
}

// ---- slots and tokens -----------------------------------------------------------------------------

proto::HelloResp DataPlane::handle(const Caller&, const proto::HelloReq& req) {
    if (req.version != proto::kVersion) throw Error(CKR_FUNCTION_NOT_SUPPORTED, "Unsupported protocol version");
    auto info = hsm_.info();
    return {proto::kVersion, info.model, info.firmware, info.serial, static_cast<std::uint32_t>(proto::kMaxPayload)};
}

proto::SlotListResp DataPlane::handle(const Caller& c, const proto::GetSlotListReq&) {
    proto::SlotListResp out;
    for (const auto& p : hsm_.listPartitions()) {
        const auto serial = std::stoull(p.serial);
        if (access_.allowed(c.client, serial)) out.slots.push_back({serial, p.name, p.label, p.initialized});
    }
    return out;
}

proto::TokenInfoResp DataPlane::handle(const Caller& c, const proto::GetTokenInfoReq& req) {
    auto view = partition(c, req.slot);
    auto p = hsm_.showPartition(std::to_string(req.slot));
    auto hsmInfo = hsm_.info();
    proto::TokenInfoResp t;
    t.label = p.label.empty() ? p.name : p.label;
    t.manufacturer = "SafeNet";
    t.model = hsmInfo.model;
    t.serial = p.serial;
    t.firmware = hsmInfo.firmware;
    t.flags = CKF_RNG | CKF_LOGIN_REQUIRED | (p.initialized ? CKF_TOKEN_INITIALIZED : 0) |
              (p.coInitialized ? CKF_USER_PIN_INITIALIZED : 0) | (p.coLocked ? CKF_USER_PIN_LOCKED : 0);
    auto counts = sessions_.count(req.slot);
    t.sessionCount = counts.total;
    t.rwSessionCount = counts.rw;
    t.maxSessionCount = static_cast<std::uint32_t>(config_.maxSessions);
    t.minPinLen = minimumPinLength(view->policies);
    t.maxPinLen = maximumPinLength(view->policies);
    t.totalMemory = p.totalBytes;
    t.freeMemory = p.freeBytes();
    t.objectCount = p.objectCount;
    t.coInitialized = p.coInitialized;
    t.cuInitialized = p.cuInitialized;
    t.coLocked = p.coLocked;
    t.cuLocked = p.cuLocked;
    t.psoAttemptsLeft = p.psoLoginAttemptsLeft;
    t.coAttemptsLeft = p.coLoginAttemptsLeft;
    t.cuAttemptsLeft = p.cuLoginAttemptsLeft;
    return t;
}

proto::MechanismListResp DataPlane::handle(const Caller& c, const proto::GetMechanismListReq& req) {
    auto view = partition(c, req.slot);
    proto::MechanismListResp out;
    for (const auto& m : mechanismTable())
        if (mechanismAllowed(m.type, view->policies)) out.mechanisms.push_back(m.type);
    return out;
}

proto::MechanismInfoResp DataPlane::handle(const Caller& c, const proto::GetMechanismInfoReq& req) {
    auto view = partition(c, req.slot);
    const auto& m = mechanism(req.mechanism, view->policies);
    return {m.minKey, m.maxKey, m.flags};
}

proto::Empty DataPlane::handle(const Caller& c, const proto::InitTokenReq& req) {
    partition(c, req.slot);
    const auto app = c.app();
    hsm_.initPartition(sessionId(app), std::to_string(req.slot), req.label, text(req.soPin), text(req.domain));
    forgetLogin(app, req.slot);
    return {};
}

proto::PoliciesResp DataPlane::handle(const Caller& c, const proto::GetPoliciesReq& req) {
    partition(c, req.slot);
    proto::PoliciesResp out;
    for (const auto& r : hsm_.partitionPolicies(std::to_string(req.slot)))
        out.policies.push_back({r.def->id, std::string(r.def->policyName), std::string(r.def->capabilityName),
                                r.capability, r.value, r.destructive.offToOn, r.destructive.onToOff});
    return out;
}

// ---- sessions ----------------------------------------------------------------------------------------

proto::HandleResp DataPlane::handle(const Caller& c, const proto::OpenSessionReq& req) {
    partition(c, req.slot);
    if (!(req.flags & CKF_SERIAL_SESSION)) throw Error(CKR_SESSION_PARALLEL_NOT_SUPPORTED);
    const auto app = c.app();
    const bool rw = req.flags & CKF_RW_SESSION;
    if (!rw) {
        auto login = loginState(app, req.slot);
        if (login && login->role == Role::PartitionSo)
            throw Error(CKR_SESSION_READ_WRITE_SO_EXISTS, "The Partition SO is logged in: open a read/write session");
    }
    return {sessions_.open(app, req.slot, rw)->handle};
}

proto::Empty DataPlane::handle(const Caller& c, const proto::CloseSessionReq& req) {
    const auto app = c.app();
    auto s = sessions_.close(req.session, app);
    objects_.dropSessionObjects(s->handle);
    if (sessions_.count(app, s->slot).total == 0) {   // PKCS#11: the last session's close logs the application out
        try {
            hsm_.logoutPartition(sessionId(app), std::to_string(s->slot));
        } catch (const Error&) {
        }
        forgetLogin(app, s->slot);
    }
    return {};
}

proto::Empty DataPlane::handle(const Caller& c, const proto::CloseAllSessionsReq& req) {
    partition(c, req.slot);
    const auto app = c.app();
    for (const auto& s : sessions_.closeAll(app, req.slot)) objects_.dropSessionObjects(s->handle);
    try {
        hsm_.logoutPartition(sessionId(app), std::to_string(req.slot));
    } catch (const Error&) {
    }
    forgetLogin(app, req.slot);
    return {};
}

proto::SessionInfoResp DataPlane::handle(const Caller& c, const proto::GetSessionInfoReq& req) {
    auto ctx = enter(c, req.session);
    std::uint32_t state = ctx.session->rw ? CKS_RW_PUBLIC_SESSION : CKS_RO_PUBLIC_SESSION;
    if (ctx.login && ctx.login->role == Role::PartitionSo) state = CKS_RW_SO_FUNCTIONS;
    else if (ctx.user()) state = ctx.session->rw ? CKS_RW_USER_FUNCTIONS : CKS_RO_USER_FUNCTIONS;
    return {ctx.session->slot, state, static_cast<std::uint32_t>(CKF_SERIAL_SESSION | (ctx.session->rw ? CKF_RW_SESSION : 0)), 0};
}

// ---- roles -------------------------------------------------------------------------------------------

proto::Empty DataPlane::handle(const Caller& c, const proto::LoginReq& req) {
    auto ctx = enter(c, req.session);
    const Role role = requireRole(req.userType);
    const auto counts = sessions_.count(ctx.app, ctx.session->slot);
    if (role == Role::PartitionSo && counts.rw < counts.total)
        throw Error(CKR_SESSION_READ_ONLY_EXISTS, "Close the read-only sessions before the Partition SO logs in");
    forgetLogin(ctx.app, ctx.session->slot);
    hsm_.loginPartition(ctx.sid, std::to_string(ctx.session->slot), role, text(req.pin));
    return {};
}

proto::Empty DataPlane::handle(const Caller& c, const proto::LogoutReq& req) {
    auto ctx = enter(c, req.session);
    forgetLogin(ctx.app, ctx.session->slot);
    hsm_.logoutPartition(ctx.sid, std::to_string(ctx.session->slot));
    return {};
}

proto::Empty DataPlane::handle(const Caller& c, const proto::InitPinReq& req) {
    auto ctx = enter(c, req.session);
    hsm_.initRole(ctx.sid, std::to_string(ctx.session->slot), requireRole(req.userType), text(req.pin));
    return {};
}

proto::Empty DataPlane::handle(const Caller& c, const proto::SetPinReq& req) {
    auto ctx = enter(c, req.session);
    hsm_.changeRolePin(ctx.sid, std::to_string(ctx.session->slot), text(req.oldPin), text(req.newPin));
    forgetLogin(ctx.app, ctx.session->slot);   // a changed PIN is no longer expired
    return {};
}

proto::Empty DataPlane::handle(const Caller& c, const proto::ResetPinReq& req) {
    auto ctx = enter(c, req.session);
    hsm_.resetRolePin(ctx.sid, std::to_string(ctx.session->slot), requireRole(req.userType), text(req.newPin));
    return {};
}

proto::SetPolicyResp DataPlane::handle(const Caller& c, const proto::SetPolicyReq& req) {
    auto ctx = enter(c, req.session);
    auto effect = hsm_.changePartitionPolicy(ctx.sid, std::to_string(ctx.session->slot), req.id, req.value);
    return {effect.destructive};
}

} // namespace luna::hsm
