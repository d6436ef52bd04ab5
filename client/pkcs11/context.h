// The library's whole state between C_Initialize and C_Finalize: the appliances and their
// slots, and the session table. One method per PKCS#11 function, taking the C arguments as
// the application passed them; each checks them, returns a CKR for outcomes that are not
// failures (CKR_BUFFER_TOO_SMALL, CKR_ATTRIBUTE_SENSITIVE ...) and throws luna::Error for
// refusals. api.cpp is the thin noexcept C layer over it.
//
// Files: context.cpp (slots, tokens, sessions, roles), context_objects.cpp (objects, keys,
// random), context_crypto.cpp (encrypt, decrypt, sign, verify, digest).
#pragma once

#include "session.h"

#include "client/common/slots.h"

#include <shared_mutex>
#include <unordered_map>

namespace luna::p11 {

class Context {
public:
    Context(client::ClientConfig config, client::Connector connector);
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    // ---- general, slots and tokens (context.cpp)
    CK_RV getInfo(CK_INFO_PTR info);
    CK_RV getSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR list, CK_ULONG_PTR count);
    CK_RV getSlotInfo(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info);
    CK_RV getTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info);
    CK_RV getMechanismList(CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count);
    CK_RV getMechanismInfo(CK_SLOT_ID slot, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info);
    CK_RV initToken(CK_SLOT_ID slot, CK_UTF8CHAR_PTR pin, CK_ULONG pinLen, CK_UTF8CHAR_PTR label);
    CK_RV initPin(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR pin, CK_ULONG pinLen);
    CK_RV setPin(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR oldPin, CK_ULONG oldLen, CK_UTF8CHAR_PTR newPin, CK_ULONG newLen);

    // ---- sessions and roles (context.cpp)
    CK_RV openSession(CK_SLOT_ID slot, CK_FLAGS flags, CK_SESSION_HANDLE_PTR out);
    CK_RV closeSession(CK_SESSION_HANDLE h);
    CK_RV closeAllSessions(CK_SLOT_ID slot);
    CK_RV getSessionInfo(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR info);
    CK_RV login(CK_SESSION_HANDLE h, CK_USER_TYPE type, CK_UTF8CHAR_PTR pin, CK_ULONG pinLen);
    CK_RV logout(CK_SESSION_HANDLE h);

    // ---- objects, keys, random (context_objects.cpp)
    CK_RV createObject(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n, CK_OBJECT_HANDLE_PTR out);
    CK_RV copyObject(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n, CK_OBJECT_HANDLE_PTR out);
    CK_RV destroyObject(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj);
    CK_RV getObjectSize(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ULONG_PTR size);
    CK_RV getAttributeValue(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n);
    CK_RV setAttributeValue(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n);
    CK_RV findObjectsInit(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n);
    CK_RV findObjects(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR out, CK_ULONG max, CK_ULONG_PTR count);
    CK_RV findObjectsFinal(CK_SESSION_HANDLE h);
    CK_RV generateKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n, CK_OBJECT_HANDLE_PTR out);
    CK_RV generateKeyPair(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR pubT, CK_ULONG pubN,
                          CK_ATTRIBUTE_PTR privT, CK_ULONG privN, CK_OBJECT_HANDLE_PTR pub, CK_OBJECT_HANDLE_PTR priv);
    CK_RV wrapKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE wrapping, CK_OBJECT_HANDLE key,
                  CK_BYTE_PTR out, CK_ULONG_PTR outLen);
    CK_RV unwrapKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE unwrapping, CK_BYTE_PTR wrapped,
                    CK_ULONG wrappedLen, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n, CK_OBJECT_HANDLE_PTR out);
    CK_RV deriveKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE base, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n,
                    CK_OBJECT_HANDLE_PTR out);
    CK_RV seedRandom(CK_SESSION_HANDLE h, CK_BYTE_PTR seed, CK_ULONG len);
    CK_RV generateRandom(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG len);

    // ---- crypto (context_crypto.cpp)
    CK_RV cryptInit(Family f, CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key);
    CK_RV encrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR out, CK_ULONG_PTR outLen);
    CK_RV encryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR out, CK_ULONG_PTR outLen);
    CK_RV encryptFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR outLen);
    CK_RV decrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR out, CK_ULONG_PTR outLen);
    CK_RV decryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR out, CK_ULONG_PTR outLen);
    CK_RV decryptFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR outLen);
    CK_RV sign(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR sig, CK_ULONG_PTR sigLen);
    CK_RV signUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen);
    CK_RV signFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG_PTR sigLen);
    CK_RV verify(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR sig, CK_ULONG sigLen);
    CK_RV verifyUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen);
    CK_RV verifyFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG sigLen);
    CK_RV digestInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m);
    CK_RV digest(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR out, CK_ULONG_PTR outLen);
    CK_RV digestUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen);
    CK_RV digestKey(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE key);
    CK_RV digestFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR outLen);

private:
    // A session, locked for the duration of one call.
    struct Locked {
        std::shared_ptr<Session> session;
        std::unique_lock<std::mutex> lock;
        Session* operator->() const { return session.get(); }
        Session& operator*() const { return *session; }
    };
    Locked session(CK_SESSION_HANDLE h);
    client::Slot slot(CK_SLOT_ID id);
    bool anySessionOn(CK_SLOT_ID id);

    // Multi-part helpers (context_crypto.cpp).
    void checkMechanism(Session& s, Family f, std::uint32_t type);
    void sendInit(Session& s, Family f);
    proto::Bytes runChunked(Session& s, Family f, std::span<const std::uint8_t> data);

    client::ClientConfig config_;
    client::SlotDirectory slots_;
    std::optional<std::vector<client::Slot>> slotSnapshot_;   // from a C_GetSlotList length query
    std::mutex snapshotMu_;

    std::shared_mutex sessionsMu_;
    std::unordered_map<CK_SESSION_HANDLE, std::shared_ptr<Session>> sessions_;
    CK_SESSION_HANDLE nextHandle_ = 1;
};

// Builds the library's context at C_Initialize. The module defines it with the TLS link and
// the configuration file (module_context.cpp); a test binary defines its own.
std::shared_ptr<Context> makeContext();

} // namespace luna::p11
