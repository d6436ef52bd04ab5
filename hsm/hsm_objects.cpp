// Objects: typed attributes, sealed under the partition key with the object's identity
// as associated data. PKCS#11 ownership rules (ch.10): public objects need no login;
// private objects need the Crypto Officer to create or destroy and the CO or CU to read.
#include "hsm/hsm_internal.h"
#include "luna/errors.h"

namespace luna::hsm {
using namespace detail;

namespace {
constexpr std::uint32_t CKA_PRIVATE = 0x00000002;

std::string objectAad(std::uint64_t serial, std::uint64_t handle) {
    return "object/" + std::to_string(serial) + "/" + std::to_string(handle);
}

// CKA_PRIVATE defaults to true: an object is private unless its template says otherwise.
bool isPrivate(const Attributes& a) {
    auto it = a.find(CKA_PRIVATE);
    return it == a.end() || (!it->second.empty() && it->second[0] != 0);
}

SecureBytes encodeAttributes(const Attributes& attrs) {
    Record r;
    for (const auto& [type, value] : attrs) r.setBytes(std::to_string(type), value);
    return r.encodeSecure();
}

Attributes decodeAttributes(std::span<const std::uint8_t> b) {
    Attributes out;
    auto r = Record::decode(b);
    for (const auto& [k, _] : r.fields()) out[static_cast<std::uint32_t>(std::stoul(k))] = r.bytes(k);
    return out;
}
} // namespace


std::uint64_t Hsm::createObject(const SessionId& s, std::string_view ref, const Attributes& attrs) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::CreateObject);
    requireOperational();
    auto p = loadPartition(ref);
    if (!p.initialized) throw Error(rc::USER_PIN_NOT_INITIALIZED, "The partition is not initialized");
    const auto me = sessionRole(s, p.serial);
    requireCurrentPin(*store_, p.serial, me);
    if (isPrivate(attrs) && me != Role::CryptoOfficer)
        throw Error(me == Role::CryptoUser ? rc::USER_NOT_AUTHORIZED : rc::USER_NOT_LOGGED_IN,
                    "Creating a private object requires the Crypto Officer login");
    auto st = state();
    const std::uint64_t handle = st.u64("nextHandle", 1);
    auto info = describe(p);
    std::uint64_t handleOut = 0;
    mutate([&] {
        auto sealed = keys_->sealUnderPartition(p.serial, objectAad(p.serial, handle), encodeAttributes(attrs));
        if (info.usedBytes + sealed.size() > p.size)
            throw Error(rc::CONTAINER_OBJECT_STORAGE_FULL, "The partition has " +
                                                               std::to_string(p.size - info.usedBytes) +
                                                               " bytes free; the object needs " +
                                                               std::to_string(sealed.size()));
        store_->put(objectNs(p.serial), std::to_string(handle), sealed);
        st.setU64("nextHandle", handle + 1);
        saveState(st);
        handleOut = handle;
    });
    audited(AuditEvent::CreateObject, s, rc::OK,
            {.who = me ? std::string(me == Role::CryptoOfficer ? "CO" : me == Role::CryptoUser ? "CU" : "PO") : "",
             .object = "object", .detail = "container=" + std::to_string(p.serial % 1000) + " handle " +
                                           std::to_string(handleOut),
             .container = static_cast<std::uint32_t>(p.serial % 1000), .value = handleOut});
    return handleOut;
} catch (const Error& e) {
    auditFailure(AuditEvent::CreateObject, s, e, {.object = "object", .detail = std::string(ref)});
    throw;
}

Attributes Hsm::readObject(const SessionId& s, std::string_view ref, std::uint64_t handle) const {
    std::lock_guard lock(mu_);
    requireOperational();
    auto p = loadPartition(ref);
    const auto me = sessionRole(s, p.serial);
    requireCurrentPin(*store_, p.serial, me);
    auto sealed = store_->get(objectNs(p.serial), std::to_string(handle));
    if (!sealed) throw Error(rc::OBJECT_HANDLE_INVALID);
    auto attrs = decodeAttributes(keys_->openUnderPartition(p.serial, objectAad(p.serial, handle), *sealed));
    if (isPrivate(attrs)) {
        if (me != Role::CryptoOfficer && me != Role::CryptoUser) throw Error(rc::OBJECT_HANDLE_INVALID);
    }
    return attrs;
}

void Hsm::destroyObject(const SessionId& s, std::string_view ref, std::uint64_t handle) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::DestroyObject);
    requireOperational();
    auto p = loadPartition(ref);
    const auto me = sessionRole(s, p.serial);
    requireCurrentPin(*store_, p.serial, me);
    auto sealed = store_->get(objectNs(p.serial), std::to_string(handle));
    if (!sealed) throw Error(rc::OBJECT_HANDLE_INVALID);
    auto attrs = decodeAttributes(keys_->openUnderPartition(p.serial, objectAad(p.serial, handle), *sealed));
    if (isPrivate(attrs)) {
        if (me != Role::CryptoOfficer)
            throw Error(rc::USER_NOT_AUTHORIZED, "Destroying a private object requires the Crypto Officer login");
    }
    mutate([&] { store_->erase(objectNs(p.serial), std::to_string(handle)); });
    audited(AuditEvent::DestroyObject, s, rc::OK,
            {.who = me ? std::string(me == Role::CryptoOfficer ? "CO" : me == Role::CryptoUser ? "CU" : "PO") : "",
             .object = "object", .detail = "container=" + std::to_string(p.serial % 1000) + " handle " +
                                           std::to_string(handle),
             .container = static_cast<std::uint32_t>(p.serial % 1000), .value = handle});
} catch (const Error& e) {
    auditFailure(AuditEvent::DestroyObject, s, e, {.object = "object", .detail = std::string(ref) + " handle " + std::to_string(handle), .value = handle});
    throw;
}

std::vector<std::uint64_t> Hsm::listObjects(const SessionId& s, std::string_view ref) const {
    std::lock_guard lock(mu_);
    requireOperational();
    auto p = loadPartition(ref);
    const auto me = sessionRole(s, p.serial);
    requireCurrentPin(*store_, p.serial, me);
    const bool seesPrivate = me == Role::CryptoOfficer || me == Role::CryptoUser;
    std::vector<std::uint64_t> out;
    for (const auto& [k, sealed] : store_->list(objectNs(p.serial))) {
        const auto handle = std::stoull(k);
        if (!seesPrivate &&
            isPrivate(decodeAttributes(keys_->openUnderPartition(p.serial, objectAad(p.serial, handle), sealed))))
            continue;
        out.push_back(handle);
    }
    return out;
}

// ---- for the data plane ----------------------------------------------------------------------

std::vector<std::pair<std::uint64_t, Attributes>> Hsm::partitionObjects(std::uint64_t serial) const {
    std::lock_guard lock(mu_);
    requireOperational();
    std::vector<std::pair<std::uint64_t, Attributes>> out;
    for (const auto& [k, sealed] : store_->list(objectNs(serial))) {
        const auto handle = std::stoull(k);
        out.emplace_back(handle, decodeAttributes(keys_->openUnderPartition(serial, objectAad(serial, handle), sealed)));
    }
    return out;
}

void Hsm::updateObject(const SessionId& s, std::string_view ref, std::uint64_t handle, const Attributes& attrs) try {
    std::lock_guard lock(mu_);
    admitAudit(AuditEvent::ModifyObject);
    requireOperational();
    auto p = loadPartition(ref);
    const auto me = sessionRole(s, p.serial);
    requireCurrentPin(*store_, p.serial, me);
    auto sealed = store_->get(objectNs(p.serial), std::to_string(handle));
    if (!sealed) throw Error(rc::OBJECT_HANDLE_INVALID);
    auto old = decodeAttributes(keys_->openUnderPartition(p.serial, objectAad(p.serial, handle), *sealed));
    if ((isPrivate(old) || isPrivate(attrs)) && me != Role::CryptoOfficer)
        throw Error(rc::USER_NOT_AUTHORIZED, "Changing a private object requires the Crypto Officer login");
    auto info = describe(p);
    mutate([&] {
        auto resealed = keys_->sealUnderPartition(p.serial, objectAad(p.serial, handle), encodeAttributes(attrs));
        if (info.usedBytes - sealed->size() + resealed.size() > p.size)
            throw Error(rc::CONTAINER_OBJECT_STORAGE_FULL, "The partition has no room for the changed object");
        store_->put(objectNs(p.serial), std::to_string(handle), resealed);
    });
    audited(AuditEvent::ModifyObject, s, rc::OK,
            {.object = "object", .detail = "container=" + std::to_string(p.serial % 1000) + " handle " +
                                           std::to_string(handle),
             .container = static_cast<std::uint32_t>(p.serial % 1000), .value = handle});
} catch (const Error& e) {
    auditFailure(AuditEvent::ModifyObject, s, e, {.object = "object", .detail = std::string(ref) + " handle " + std::to_string(handle), .value = handle});
    throw;
}

} // namespace luna::hsm
