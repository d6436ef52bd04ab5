// DataPlane: the normal-usage class — encrypt, decrypt, sign, verify, digest — and random.
// An operation lives in its session from Init to the single-part call or Final; any error
// ends it, as PKCS#11 requires.
#include "hsm/data_plane.h"

#include "luna/errors.h"

#include <openssl/rand.h>

namespace luna::hsm {

namespace {
constexpr std::uint32_t kNonLocalSigningPolicy = 17;
constexpr std::uint32_t kRsaConfirmationPolicy = 29;

// Runs `fn` on the session's operation `slot`, ending the operation when `done` or on error.
template <class Op, class Fn>
auto runOp(Session& s, std::unique_ptr<Op>& slot, bool done, Fn&& fn) {
    std::lock_guard lock(s.mu);
    if (!slot) throw Error(CKR_OPERATION_NOT_INITIALIZED);
    try {
        if constexpr (std::is_void_v<decltype(fn(*slot))>) {
            fn(*slot);
            if (done) slot.reset();
        } else {
            auto out = fn(*slot);
            if (done) slot.reset();
            return out;
        }
    } catch (...) {
        slot.reset();
        throw;
    }
}

template <class Op>
void install(Session& s, std::unique_ptr<Op>& slot, std::unique_ptr<Op> op) {
    std::lock_guard lock(s.mu);
    if (slot) throw Error(CKR_OPERATION_ACTIVE, "Another operation of this kind is active in the session");
    slot = std::move(op);
}
} // namespace

template <class Req>
void DataPlane::cipherInit(const Ctx& ctx, const Req& req, bool encrypt) {
    const auto& def = mechanism(req.mechanism.type, ctx.partition->policies);
    if (!(def.flags & (encrypt ? CKF_ENCRYPT : CKF_DECRYPT))) throw Error(CKR_MECHANISM_INVALID, "The mechanism cannot do that");
    auto key = usableKey(ctx, req.key, encrypt ? CKA_ENCRYPT : CKA_DECRYPT, req.mechanism.type);
    requireUsage(ctx, key.get());
    install(*ctx.session, encrypt ? ctx.session->encrypt : ctx.session->decrypt, makeCipher(req.mechanism, key, encrypt));
}

template <class Req>
void DataPlane::signInit(const Ctx& ctx, const Req& req, bool sign) {
    const auto& def = mechanism(req.mechanism.type, ctx.partition->policies);
    if (!(def.flags & (sign ? CKF_SIGN : CKF_VERIFY))) throw Error(CKR_MECHANISM_INVALID, "The mechanism cannot do that");
    auto key = usableKey(ctx, req.key, sign ? CKA_SIGN : CKA_VERIFY, req.mechanism.type);
    requireUsage(ctx, key.get());
    if (sign && !ctx.partition->policy(kNonLocalSigningPolicy) && !key->flag(CKA_LOCAL))
        throw Error(CKR_KEY_FUNCTION_NOT_PERMITTED,
                    "Partition policy 17 (Allow signing with non-local keys) is off: the key was not generated here");
    OpPolicy policy{!ctx.partition->policy(kRsaConfirmationPolicy)};
    install(*ctx.session, sign ? ctx.session->sign : ctx.session->verify, makeSigner(req.mechanism, key, sign, policy));
}

// ---- encrypt / decrypt ---------------------------------------------------------------------------

proto::Empty DataPlane::handle(const Caller& c, const proto::EncryptInitReq& req) {
    cipherInit(enter(c, req.session), req, true);
    return {};
}
proto::DataResp DataPlane::handle(const Caller& c, const proto::EncryptReq& req) {
    auto ctx = enter(c, req.session);
    if (req.init) cipherInit(ctx, *req.init, true);
    return {runOp(*ctx.session, ctx.session->encrypt, true, [&](CipherOp& op) { return op.single(req.data); })};
}
proto::DataResp DataPlane::handle(const Caller& c, const proto::EncryptUpdateReq& req) {
    auto ctx = enter(c, req.session);
    return {runOp(*ctx.session, ctx.session->encrypt, false, [&](CipherOp& op) { return op.update(req.data); })};
}
proto::DataResp DataPlane::handle(const Caller& c, const proto::EncryptFinalReq& req) {
    auto ctx = enter(c, req.session);
    return {runOp(*ctx.session, ctx.session->encrypt, true, [&](CipherOp& op) { return op.final(); })};
}
proto::Empty DataPlane::handle(const Caller& c, const proto::DecryptInitReq& req) {
    cipherInit(enter(c, req.session), req, false);
    return {};
}
proto::DataResp DataPlane::handle(const Caller& c, const proto::DecryptReq& req) {
    auto ctx = enter(c, req.session);
    if (req.init) cipherInit(ctx, *req.init, false);
    return {runOp(*ctx.session, ctx.session->decrypt, true, [&](CipherOp& op) { return op.single(req.data); })};
}
proto::DataResp DataPlane::handle(const Caller& c, const proto::DecryptUpdateReq& req) {
    auto ctx = enter(c, req.session);
    return {runOp(*ctx.session, ctx.session->decrypt, false, [&](CipherOp& op) { return op.update(req.data); })};
}
proto::DataResp DataPlane::handle(const Caller& c, const proto::DecryptFinalReq& req) {
    auto ctx = enter(c, req.session);
    return {runOp(*ctx.session, ctx.session->decrypt, true, [&](CipherOp& op) { return op.final(); })};
}

// ---- sign / verify --------------------------------------------------------------------------------------

proto::Empty DataPlane::handle(const Caller& c, const proto::SignInitReq& req) {
    signInit(enter(c, req.session), req, true);
    return {};
}
proto::DataResp DataPlane::handle(const Caller& c, const proto::SignReq& req) {
    auto ctx = enter(c, req.session);
    if (req.init) signInit(ctx, *req.init, true);
    return {runOp(*ctx.session, ctx.session->sign, true, [&](SignOp& op) { return op.signSingle(req.data); })};
}
proto::Empty DataPlane::handle(const Caller& c, const proto::SignUpdateReq& req) {
    auto ctx = enter(c, req.session);
    runOp(*ctx.session, ctx.session->sign, false, [&](SignOp& op) { op.update(req.data); });
    return {};
}
proto::DataResp DataPlane::handle(const Caller& c, const proto::SignFinalReq& req) {
    auto ctx = enter(c, req.session);
    return {runOp(*ctx.session, ctx.session->sign, true, [&](SignOp& op) { return op.sign(); })};
}
proto::Empty DataPlane::handle(const Caller& c, const proto::VerifyInitReq& req) {
    signInit(enter(c, req.session), req, false);
    return {};
}
proto::Empty DataPlane::handle(const Caller& c, const proto::VerifyReq& req) {
    auto ctx = enter(c, req.session);
    if (req.init) signInit(ctx, *req.init, false);
    if (!runOp(*ctx.session, ctx.session->verify, true, [&](SignOp& op) { return op.verifySingle(req.data, req.signature); }))
        throw Error(CKR_SIGNATURE_INVALID);
    return {};
}
proto::Empty DataPlane::handle(const Caller& c, const proto::VerifyUpdateReq& req) {
    auto ctx = enter(c, req.session);
    runOp(*ctx.session, ctx.session->verify, false, [&](SignOp& op) { op.update(req.data); });
    return {};
}
proto::Empty DataPlane::handle(const Caller& c, const proto::VerifyFinalReq& req) {
    auto ctx = enter(c, req.session);
    if (!runOp(*ctx.session, ctx.session->verify, true, [&](SignOp& op) { return op.verify(req.signature); }))
        throw Error(CKR_SIGNATURE_INVALID);
    return {};
}

// ---- digest ----------------------------------------------------------------------------------------------

proto::Empty DataPlane::handle(const Caller& c, const proto::DigestInitReq& req) {
    auto ctx = enter(c, req.session);
    requireUsage(ctx, nullptr);
    mechanism(req.mechanism.type, ctx.partition->policies);
    install(*ctx.session, ctx.session->digest, makeDigest(req.mechanism));
    return {};
}
proto::DataResp DataPlane::handle(const Caller& c, const proto::DigestReq& req) {
    auto ctx = enter(c, req.session);
    if (req.init) handle(c, proto::DigestInitReq{req.session, *req.init});
    return {runOp(*ctx.session, ctx.session->digest, true, [&](DigestOp& op) {
        op.update(req.data);
        return op.final();
    })};
}
proto::Empty DataPlane::handle(const Caller& c, const proto::DigestUpdateReq& req) {
    auto ctx = enter(c, req.session);
    runOp(*ctx.session, ctx.session->digest, false, [&](DigestOp& op) { op.update(req.data); });
    return {};
}
proto::Empty DataPlane::handle(const Caller& c, const proto::DigestKeyReq& req) {
    auto ctx = enter(c, req.session);
    auto key = visible(ctx, req.key, CKR_KEY_HANDLE_INVALID);
    if (key->objectClass() != CKO_SECRET_KEY) throw Error(CKR_KEY_INDIGESTIBLE, "Only secret keys can be digested");
    runOp(*ctx.session, ctx.session->digest, false, [&](DigestOp& op) { op.update(key->secret()); });
    return {};
}
proto::DataResp DataPlane::handle(const Caller& c, const proto::DigestFinalReq& req) {
    auto ctx = enter(c, req.session);
    return {runOp(*ctx.session, ctx.session->digest, true, [&](DigestOp& op) { return op.final(); })};
}

// ---- random ----------------------------------------------------------------------------------------------

proto::DataResp DataPlane::handle(const Caller& c, const proto::GenerateRandomReq& req) {
    enter(c, req.session);
    if (req.length > proto::kMaxData) throw Error(CKR_ARGUMENTS_BAD, "At most 65536 random bytes per call");
    proto::DataResp out;
    out.data.resize(req.length);
    if (req.length && RAND_bytes(out.data.data(), static_cast<int>(req.length)) != 1) throwOpenSsl("random");
    return out;
}

proto::Empty DataPlane::handle(const Caller& c, const proto::SeedRandomReq& req) {
    auto ctx = enter(c, req.session);
    requireUsage(ctx, nullptr);
    // Mixed in as additional input; the DRBG never depends on it (it cannot weaken it).
    RAND_add(req.seed.data(), static_cast<int>(req.seed.size()), 0.0);
    return {};
}

} // namespace luna::hsm
