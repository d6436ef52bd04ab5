#include "hsm/object_manager.h"

#include "luna/errors.h"

namespace luna::hsm {

Attributes toStore(const ObjAttrs& a) {
    Attributes out;
    for (const auto& [t, v] : a) out[t] = Bytes(v.begin(), v.end());
    return out;
}

ObjAttrs fromStore(const Attributes& a) {
    ObjAttrs out;
    for (const auto& [t, v] : a) out[t] = SecureBytes(v.begin(), v.end());
    return out;
}

std::map<std::uint64_t, ObjectPtr> ObjectManager::tokens(std::uint64_t slot) {
    const auto epoch = hsm_.epoch();
    {
        std::shared_lock lock(tokenMu_);
        auto it = tokens_.find(slot);
        if (it != tokens_.end() && it->second.epoch == epoch) return it->second.objects;
    }
    std::unique_lock lock(tokenMu_);
    auto& cache = tokens_[slot];
    if (cache.epoch != epoch) {
        cache.objects.clear();
        for (auto& [handle, attrs] : hsm_.partitionObjects(slot))
            cache.objects.emplace(handle, std::make_shared<const Object>(fromStore(attrs)));
        cache.epoch = epoch;
    }
    return cache.objects;
}

std::optional<ObjectManager::Entry> ObjectManager::get(std::uint64_t slot, std::uint64_t handle) {
    if (handle & kSessionHandleBit) {
        std::shared_lock lock(sessionMu_);
        auto it = sessionObjects_.find(handle);
        if (it == sessionObjects_.end() || it->second.slot != slot) return std::nullopt;
        return Entry{handle, it->second.object, it->second.app};
    }
    const auto epoch = hsm_.epoch();
    {
        std::shared_lock lock(tokenMu_);
        auto it = tokens_.find(slot);
        if (it != tokens_.end() && it->second.epoch == epoch) {
            auto jt = it->second.objects.find(handle);
            if (jt == it->second.objects.end()) return std::nullopt;
            return Entry{handle, jt->second, {}};
        }
    }
    auto all = tokens(slot);
    auto jt = all.find(handle);
    if (jt == all.end()) return std::nullopt;
    return Entry{handle, jt->second, {}};
}

std::vector<ObjectManager::Entry> ObjectManager::list(std::uint64_t slot) {
    std::vector<Entry> out;
    for (auto& [h, o] : tokens(slot)) out.push_back({h, o, {}});
    std::shared_lock lock(sessionMu_);
    for (const auto& [h, so] : sessionObjects_)
        if (so.slot == slot) out.push_back({h, so.object, so.app});
    return out;
}

std::uint64_t ObjectManager::addSessionObject(std::uint64_t slot, const std::string& app, std::uint64_t session, ObjectPtr obj) {
    std::unique_lock lock(sessionMu_);
    if (nextSessionHandle_ > 0xFFFFFFFFULL) throw Error(CKR_DEVICE_ERROR, "Session object handles exhausted");
    const auto h = nextSessionHandle_++;
    sessionObjects_.emplace(h, SessionObject{slot, session, app, std::move(obj)});
    return h;
}

std::uint64_t ObjectManager::addTokenObject(const SessionId& sid, std::uint64_t slot, ObjectPtr obj) {
    tokens(slot);   // make sure the cache is current before adding to it
    const auto h = hsm_.createObject(sid, std::to_string(slot), toStore(obj->attributes()));
    std::unique_lock lock(tokenMu_);
    tokens_[slot].objects[h] = std::move(obj);
    return h;
}

void ObjectManager::replace(const SessionId& sid, std::uint64_t slot, std::uint64_t handle, ObjectPtr obj) {
    if (handle & kSessionHandleBit) {
        std::unique_lock lock(sessionMu_);
        auto it = sessionObjects_.find(handle);
        if (it == sessionObjects_.end()) throw Error(CKR_OBJECT_HANDLE_INVALID);
        it->second.object = std::move(obj);
        return;
    }
    hsm_.updateObject(sid, std::to_string(slot), handle, toStore(obj->attributes()));
    std::unique_lock lock(tokenMu_);
    tokens_[slot].objects[handle] = std::move(obj);
}

void ObjectManager::destroy(const SessionId& sid, std::uint64_t slot, std::uint64_t handle) {
    if (handle & kSessionHandleBit) {
        std::unique_lock lock(sessionMu_);
        sessionObjects_.erase(handle);
        return;
    }
    hsm_.destroyObject(sid, std::to_string(slot), handle);
    std::unique_lock lock(tokenMu_);
    tokens_[slot].objects.erase(handle);
}

void ObjectManager::dropSessionObjects(std::uint64_t session) {
    std::unique_lock lock(sessionMu_);
    std::erase_if(sessionObjects_, [&](const auto& e) { return e.second.session == session; });
}

} // namespace luna::hsm
