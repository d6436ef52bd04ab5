// DataPlane: objects (create, copy, destroy, attributes, find) and keys (generate, wrap,
// unwrap, derive).
#include "hsm/data_plane.h"

#include "luna/errors.h"

namespace luna::hsm {

namespace {
// Partition policies on wrapping and unwrapping (ch.3).
constexpr std::uint32_t kPrivateWrap = 1, kPrivateUnwrap = 2, kSecretWrap = 5, kSecretUnwrap = 6;

bool templatePrivate(const proto::Template& t) {
    const auto* v = templateValue(t, CKA_PRIVATE);
    return !v || proto::decodeBool(*v).value_or(true);
}
bool templateToken(const proto::Template& t) {
    const auto* v = templateValue(t, CKA_TOKEN);
    return v && proto::decodeBool(*v).value_or(false);
}
} // namespace

proto::HandleResp DataPlane::handle(const Caller& c, const proto::CreateObjectReq& req) {
    auto ctx = enter(c, req.session);
    requireKeyManagement(ctx, templatePrivate(req.attributes), templateToken(req.attributes));
    auto attrs = buildAttributes(req.attributes, Origin::Create, {}, rules(ctx));
    auto obj = std::make_shared<const Object>(attrs);
    if (obj->objectClass() == CKO_PRIVATE_KEY || obj->objectClass() == CKO_PUBLIC_KEY) obj->pkey();   // refuse bad components now
    return {store(ctx, std::move(attrs))};
}

proto::HandleResp DataPlane::handle(const Caller& c, const proto::CopyObjectReq& req) {
    auto ctx = enter(c, req.session);
    auto src = visible(ctx, req.object, CKR_OBJECT_HANDLE_INVALID);
    auto attrs = modifyAttributes(*src, req.attributes, rules(ctx), true);
    const Object probe(attrs);
    requireKeyManagement(ctx, src->isPrivate() || probe.isPrivate(), probe.isToken());
    return {store(ctx, std::move(attrs))};
}

proto::Empty DataPlane::handle(const Caller& c, const proto::DestroyObjectReq& req) {
    auto ctx = enter(c, req.session);
    auto obj = visible(ctx, req.object, CKR_OBJECT_HANDLE_INVALID);
    requireKeyManagement(ctx, obj->isPrivate(), obj->isToken());
    if (!obj->flag(CKA_DESTROYABLE, true)) throw Error(CKR_ACTION_PROHIBITED, "The object is not destroyable");
    objects_.destroy(ctx.sid, ctx.session->slot, req.object);
    return {};
}

proto::ObjectSizeResp DataPlane::handle(const Caller& c, const proto::GetObjectSizeReq& req) {
    auto ctx = enter(c, req.session);
    requireUsage(ctx, nullptr);
    auto obj = visible(ctx, req.object, CKR_OBJECT_HANDLE_INVALID);
    std::uint64_t size = 0;
    for (const auto& [_, v] : obj->attributes()) size += 8 + v.size();
    return {size};
}

proto::AttributeValuesResp DataPlane::handle(const Caller& c, const proto::GetAttributeValueReq& req) {
    auto ctx = enter(c, req.session);
    auto obj = visible(ctx, req.object, CKR_OBJECT_HANDLE_INVALID);
    proto::AttributeValuesResp out;
    for (auto t : req.types) out.attributes.push_back(readAttribute(*obj, t));
    return out;
}

proto::Empty DataPlane::handle(const Caller& c, const proto::SetAttributeValueReq& req) {
    auto ctx = enter(c, req.session);
    auto obj = visible(ctx, req.object, CKR_OBJECT_HANDLE_INVALID);
    requireKeyManagement(ctx, obj->isPrivate(), obj->isToken());
    auto attrs = modifyAttributes(*obj, req.attributes, rules(ctx), false);
    objects_.replace(ctx.sid, ctx.session->slot, req.object, std::make_shared<const Object>(std::move(attrs)));
    return {};
}

proto::Empty DataPlane::handle(const Caller& c, const proto::FindObjectsInitReq& req) {
    auto ctx = enter(c, req.session);
    for (const auto& a : req.attributes)
        if (!proto::wellFormed(a.type, a.value)) throw Error(CKR_ATTRIBUTE_VALUE_INVALID, "Malformed attribute in the search template");
    std::vector<std::uint64_t> found;
    for (const auto& e : objects_.list(ctx.session->slot))
        if (canSee(ctx, e) && matches(*e.object, req.attributes)) found.push_back(e.handle);
    std::lock_guard lock(ctx.session->mu);
    if (ctx.session->found) throw Error(CKR_OPERATION_ACTIVE, "A search is already active in this session");
    ctx.session->found = std::move(found);
    return {};
}

proto::HandlesResp DataPlane::handle(const Caller& c, const proto::FindObjectsReq& req) {
    auto ctx = enter(c, req.session);
    std::lock_guard lock(ctx.session->mu);
    if (!ctx.session->found) throw Error(CKR_OPERATION_NOT_INITIALIZED);
    auto& found = *ctx.session->found;
    const std::size_t n = std::min<std::size_t>({req.maxCount, found.size(), proto::kMaxHandles});
    proto::HandlesResp out;
    out.handles.assign(found.begin(), found.begin() + static_cast<long>(n));
    found.erase(found.begin(), found.begin() + static_cast<long>(n));
    return out;
}

proto::Empty DataPlane::handle(const Caller& c, const proto::FindObjectsFinalReq& req) {
    auto ctx = enter(c, req.session);
    std::lock_guard lock(ctx.session->mu);
    if (!ctx.session->found) throw Error(CKR_OPERATION_NOT_INITIALIZED);
    ctx.session->found.reset();
    return {};
}

// ---- keys ----------------------------------------------------------------------------------------------

proto::HandleResp DataPlane::handle(const Caller& c, const proto::GenerateKeyReq& req) {
    auto ctx = enter(c, req.session);
    const auto& def = mechanism(req.mechanism.type, ctx.partition->policies);
    if (!(def.flags & CKF_GENERATE)) throw Error(CKR_MECHANISM_INVALID, "Not a key generation mechanism");
    requireKeyManagement(ctx, templatePrivate(req.attributes), templateToken(req.attributes));
    auto produced = generateSecretKey(req.mechanism, req.attributes);
    return {store(ctx, buildAttributes(req.attributes, Origin::Generate, produced, rules(ctx), req.mechanism.type))};
}

proto::KeyPairResp DataPlane::handle(const Caller& c, const proto::GenerateKeyPairReq& req) {
    auto ctx = enter(c, req.session);
    const auto& def = mechanism(req.mechanism.type, ctx.partition->policies);
    if (!(def.flags & CKF_GENERATE_KEY_PAIR)) throw Error(CKR_MECHANISM_INVALID, "Not a key-pair generation mechanism");
    requireKeyManagement(ctx, templatePrivate(req.publicAttributes) || templatePrivate(req.privateAttributes),
                         templateToken(req.publicAttributes) || templateToken(req.privateAttributes));
    // The public template's generation parameters belong to the pair, not to the public object alone.
    auto material = generateKeyPair(req.mechanism, req.publicAttributes);
    const auto r = rules(ctx);
    auto pub = buildAttributes(req.publicAttributes, Origin::Generate, material.publicKey, r, req.mechanism.type);
    auto priv = buildAttributes(req.privateAttributes, Origin::Generate, material.privateKey, r, req.mechanism.type);
    const auto pubHandle = store(ctx, std::move(pub));
    try {
        return {pubHandle, store(ctx, std::move(priv))};
    } catch (...) {
        try {
            objects_.destroy(ctx.sid, ctx.session->slot, pubHandle);
        } catch (const Error&) {
        }
        throw;
    }
}

proto::DataResp DataPlane::handle(const Caller& c, const proto::WrapKeyReq& req) {
    auto ctx = enter(c, req.session);
    const auto& def = mechanism(req.mechanism.type, ctx.partition->policies);
    if (!(def.flags & CKF_WRAP)) throw Error(CKR_MECHANISM_INVALID, "The mechanism cannot wrap keys");
    auto wrapping = usableKey(ctx, req.wrappingKey, CKA_WRAP, req.mechanism.type, CKR_WRAPPING_KEY_HANDLE_INVALID);
    auto key = visible(ctx, req.key, CKR_KEY_HANDLE_INVALID);
    requireKeyManagement(ctx, key->isPrivate(), false);
    const bool privateKey = key->objectClass() == CKO_PRIVATE_KEY;
    if (!ctx.partition->policy(privateKey ? kPrivateWrap : kSecretWrap))
        throw Error(CKR_KEY_NOT_WRAPPABLE, privateKey ? "Partition policy 1 (Allow private key wrapping) is off"
                                                      : "Partition policy 5 (Allow secret key wrapping) is off");
    if (!key->flag(CKA_EXTRACTABLE, true)) throw Error(CKR_KEY_UNEXTRACTABLE, "The key is not extractable");
    if (key->flag(CKA_WRAP_WITH_TRUSTED) && !wrapping->flag(CKA_TRUSTED))
        throw Error(CKR_KEY_NOT_WRAPPABLE, "The key may be wrapped only with a trusted key");
    return {wrapKey(req.mechanism, std::move(wrapping), *key)};
}

proto::HandleResp DataPlane::handle(const Caller& c, const proto::UnwrapKeyReq& req) {
    auto ctx = enter(c, req.session);
    const auto& def = mechanism(req.mechanism.type, ctx.partition->policies);
    if (!(def.flags & CKF_UNWRAP)) throw Error(CKR_MECHANISM_INVALID, "The mechanism cannot unwrap keys");
    auto unwrapping = usableKey(ctx, req.unwrappingKey, CKA_UNWRAP, req.mechanism.type, CKR_UNWRAPPING_KEY_HANDLE_INVALID);
    requireKeyManagement(ctx, templatePrivate(req.attributes), templateToken(req.attributes));
    const bool privateKey = templateUlong(req.attributes, CKA_CLASS) == CKO_PRIVATE_KEY;
    if (!ctx.partition->policy(privateKey ? kPrivateUnwrap : kSecretUnwrap))
        throw Error(CKR_KEY_NOT_WRAPPABLE, privateKey ? "Partition policy 2 (Allow private key unwrapping) is off"
                                                      : "Partition policy 6 (Allow secret key unwrapping) is off");
    auto produced = unwrapKey(req.mechanism, std::move(unwrapping), req.wrapped, req.attributes);
    return {store(ctx, buildAttributes(req.attributes, Origin::Unwrap, produced, rules(ctx)))};
}

proto::HandleResp DataPlane::handle(const Caller& c, const proto::DeriveKeyReq& req) {
    auto ctx = enter(c, req.session);
    const auto& def = mechanism(req.mechanism.type, ctx.partition->policies);
    if (!(def.flags & CKF_DERIVE)) throw Error(CKR_MECHANISM_INVALID, "The mechanism cannot derive keys");
    auto base = usableKey(ctx, req.baseKey, CKA_DERIVE, req.mechanism.type);
    requireKeyManagement(ctx, templatePrivate(req.attributes), templateToken(req.attributes));
    auto produced = deriveKey(req.mechanism, *base, req.attributes);
    return {store(ctx, buildAttributes(req.attributes, Origin::Derive, produced, rules(ctx)))};
}

} // namespace luna::hsm
