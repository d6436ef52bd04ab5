// Object handles and the in-memory object cache. Token objects live sealed in the HSM's
// store; a partition's objects are decrypted once, when first needed, and kept (with their
// parsed keys) until Hsm::epoch() says the partition changed behind our back (erased,
// cleared, zeroized). Session objects live here only, owned by the session that made them
// and gone when it closes (ch.10 §1.2). Session-object handles have bit 31 set, so they
// never collide with the store's token-object handles.
#pragma once

#include "hsm/hsm.h"
#include "hsm/object.h"

#include <map>
#include <shared_mutex>

namespace luna::hsm {

class ObjectManager {
public:
    explicit ObjectManager(Hsm& hsm) : hsm_(hsm) {}

    struct Entry {
        std::uint64_t handle = 0;
        ObjectPtr object;
        std::string ownerApp;   // session objects: the application that may see it
    };
    std::optional<Entry> get(std::uint64_t slot, std::uint64_t handle);
    std::vector<Entry> list(std::uint64_t slot);

    std::uint64_t addSessionObject(std::uint64_t slot, const std::string& app, std::uint64_t session, ObjectPtr obj);
    std::uint64_t addTokenObject(const SessionId& sid, std::uint64_t slot, ObjectPtr obj);
    void replace(const SessionId& sid, std::uint64_t slot, std::uint64_t handle, ObjectPtr obj);
    void destroy(const SessionId& sid, std::uint64_t slot, std::uint64_t handle);
    void dropSessionObjects(std::uint64_t session);

    static constexpr std::uint64_t kSessionHandleBit = 0x80000000ULL;

private:
    struct TokenCache {
        std::uint64_t epoch = ~0ULL;
        std::map<std::uint64_t, ObjectPtr> objects;
    };
    struct SessionObject {
        std::uint64_t slot, session;
        std::string app;
        ObjectPtr object;
    };
    // Returns the partition's token objects, reloading them when the epoch moved.
    std::map<std::uint64_t, ObjectPtr> tokens(std::uint64_t slot);

    Hsm& hsm_;
    std::shared_mutex tokenMu_;
    std::map<std::uint64_t, TokenCache> tokens_;
    std::shared_mutex sessionMu_;
    std::map<std::uint64_t, SessionObject> sessionObjects_;
    std::uint64_t nextSessionHandle_ = kSessionHandleBit | 1;
};

Attributes toStore(const ObjAttrs& a);
ObjAttrs fromStore(const Attributes& a);

} // namespace luna::hsm
