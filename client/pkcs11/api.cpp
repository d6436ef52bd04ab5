// The PKCS#11 C ABI: a thin noexcept layer. Each C_* takes the library's one Context, runs the
// method of the same name and turns whatever it throws into a CKR, translated at the boundary
// (boundary.h). Nothing else lives here but C_Initialize/C_Finalize bookkeeping.
#include "boundary.h"
#include "context.h"

#include "luna/errors.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <shared_mutex>
#include <pthread.h>

namespace luna::p11 {
namespace {

// Every call reads it, only C_Initialize/C_Finalize write it: readers never wait for each other.
std::shared_mutex gMu;
std::shared_ptr<Context> gContext;   // the library state; null outside C_Initialize..C_Finalize

std::shared_ptr<Context> current() {
    std::shared_lock lock(gMu);
    return gContext;
}

// After fork() the child shares the parent's TLS connections: it must not use them, nor close
// them cleanly (that would end the parent's links). The child starts uninitialized, as
// PKCS#11 v2.40 §6.7.6 expects, and the old context is deliberately leaked.
void forgetAfterFork() {
    new (std::nothrow) std::shared_ptr<Context>(std::move(gContext));
    gContext.reset();
}

bool trace() {
    static const bool on = std::getenv("LUNA_PKCS11_TRACE") != nullptr;
    return on;
}

CK_RV report(const char* fn, std::uint32_t code, const char* detail) {
    const CK_RV rv = boundaryCkr(code);
    if (trace()) {
        const auto def = findError(code);
        std::fprintf(stderr, "luna-pkcs11: %s -> %s (0x%lx): %s\n", fn, def ? std::string(def->name).c_str() : "?",
                     static_cast<unsigned long>(rv), detail);
    }
    return rv;
}

template <class F>
CK_RV guarded(const char* fn, F&& body) noexcept {
    try {
        auto ctx = current();
        if (!ctx) return CKR_CRYPTOKI_NOT_INITIALIZED;
        return body(*ctx);
    } catch (const Error& e) {
        return report(fn, e.code(), e.what());
    } catch (const std::bad_alloc&) {
        return CKR_HOST_MEMORY;
    } catch (const std::exception& e) {
        return report(fn, CKR_GENERAL_ERROR, e.what());
    } catch (...) {
        return CKR_GENERAL_ERROR;
    }
}

#define LUNA_CALL(fn, expr) guarded(#fn, [&](Context & c) { return c.expr; })

} // namespace
} // namespace luna::p11

using luna::p11::Context;
using luna::p11::Family;
using luna::p11::guarded;

extern "C" {

CK_RV C_Initialize(CK_VOID_PTR pInitArgs) {
    using namespace luna::p11;
    try {
        if (pInitArgs) {
            const auto* a = static_cast<const CK_C_INITIALIZE_ARGS*>(pInitArgs);
            if (a->pReserved) return CKR_ARGUMENTS_BAD;
            const bool some = a->CreateMutex || a->DestroyMutex || a->LockMutex || a->UnlockMutex;
            const bool all = a->CreateMutex && a->DestroyMutex && a->LockMutex && a->UnlockMutex;
            if (some && !all) return CKR_ARGUMENTS_BAD;
            // We lock with the OS's primitives; an application that offers only its own
            // mutexes and forbids the OS's cannot be served.
            if (all && !(a->flags & CKF_OS_LOCKING_OK)) return CKR_CANT_LOCK;
        }
        static std::once_flag atfork;
        std::call_once(atfork, [] { pthread_atfork(nullptr, nullptr, forgetAfterFork); });
        std::unique_lock lock(gMu);
        if (gContext) return CKR_CRYPTOKI_ALREADY_INITIALIZED;
        gContext = makeContext();
        return CKR_OK;
    } catch (const luna::Error& e) {
        return report("C_Initialize", e.code(), e.what());
    } catch (const std::exception& e) {
        return report("C_Initialize", CKR_GENERAL_ERROR, e.what());
    } catch (...) {
        return CKR_GENERAL_ERROR;
    }
}

CK_RV C_Finalize(CK_VOID_PTR pReserved) {
    if (pReserved) return CKR_ARGUMENTS_BAD;
    std::shared_ptr<Context> old;
    {
        std::unique_lock lock(luna::p11::gMu);
        if (!luna::p11::gContext) return CKR_CRYPTOKI_NOT_INITIALIZED;
        old = std::move(luna::p11::gContext);
    }
    return CKR_OK;   // `old` closes the links as the last call using it returns
}

CK_RV C_GetInfo(CK_INFO_PTR pInfo) { return LUNA_CALL(C_GetInfo, getInfo(pInfo)); }

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList);

CK_RV C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList, CK_ULONG_PTR pulCount) {
    return LUNA_CALL(C_GetSlotList, getSlotList(tokenPresent, pSlotList, pulCount));
}
CK_RV C_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo) { return LUNA_CALL(C_GetSlotInfo, getSlotInfo(slotID, pInfo)); }
CK_RV C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo) {
    return LUNA_CALL(C_GetTokenInfo, getTokenInfo(slotID, pInfo));
}
CK_RV C_WaitForSlotEvent(CK_FLAGS, CK_SLOT_ID_PTR, CK_VOID_PTR) {
    return guarded("C_WaitForSlotEvent", [](Context&) { return CKR_FUNCTION_NOT_SUPPORTED; });
}
CK_RV C_GetMechanismList(CK_SLOT_ID slotID, CK_MECHANISM_TYPE_PTR pList, CK_ULONG_PTR pulCount) {
    return LUNA_CALL(C_GetMechanismList, getMechanismList(slotID, pList, pulCount));
}
CK_RV C_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR pInfo) {
    return LUNA_CALL(C_GetMechanismInfo, getMechanismInfo(slotID, type, pInfo));
}
CK_RV C_InitToken(CK_SLOT_ID slotID, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen, CK_UTF8CHAR_PTR pLabel) {
    return LUNA_CALL(C_InitToken, initToken(slotID, pPin, ulPinLen, pLabel));
}
CK_RV C_InitPIN(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen) {
    return LUNA_CALL(C_InitPIN, initPin(h, pPin, ulPinLen));
}
CK_RV C_SetPIN(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR pOld, CK_ULONG ulOldLen, CK_UTF8CHAR_PTR pNew, CK_ULONG ulNewLen) {
    return LUNA_CALL(C_SetPIN, setPin(h, pOld, ulOldLen, pNew, ulNewLen));
}
CK_RV C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, CK_VOID_PTR, CK_NOTIFY, CK_SESSION_HANDLE_PTR phSession) {
    return LUNA_CALL(C_OpenSession, openSession(slotID, flags, phSession));
}
CK_RV C_CloseSession(CK_SESSION_HANDLE h) { return LUNA_CALL(C_CloseSession, closeSession(h)); }
CK_RV C_CloseAllSessions(CK_SLOT_ID slotID) { return LUNA_CALL(C_CloseAllSessions, closeAllSessions(slotID)); }
CK_RV C_GetSessionInfo(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR pInfo) {
    return LUNA_CALL(C_GetSessionInfo, getSessionInfo(h, pInfo));
}
CK_RV C_GetOperationState(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR) {
    return guarded("C_GetOperationState", [](Context&) { return CKR_FUNCTION_NOT_SUPPORTED; });
}
CK_RV C_SetOperationState(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_OBJECT_HANDLE, CK_OBJECT_HANDLE) {
    return guarded("C_SetOperationState", [](Context&) { return CKR_FUNCTION_NOT_SUPPORTED; });
}
CK_RV C_Login(CK_SESSION_HANDLE h, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen) {
    return LUNA_CALL(C_Login, login(h, userType, pPin, ulPinLen));
}
CK_RV C_Logout(CK_SESSION_HANDLE h) { return LUNA_CALL(C_Logout, logout(h)); }

CK_RV C_CreateObject(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phObject) {
    return LUNA_CALL(C_CreateObject, createObject(h, pTemplate, ulCount, phObject));
}
CK_RV C_CopyObject(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
                   CK_OBJECT_HANDLE_PTR phNewObject) {
    return LUNA_CALL(C_CopyObject, copyObject(h, hObject, pTemplate, ulCount, phNewObject));
}
CK_RV C_DestroyObject(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE hObject) {
    return LUNA_CALL(C_DestroyObject, destroyObject(h, hObject));
}
CK_RV C_GetObjectSize(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE hObject, CK_ULONG_PTR pulSize) {
    return LUNA_CALL(C_GetObjectSize, getObjectSize(h, hObject, pulSize));
}
CK_RV C_GetAttributeValue(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount) {
    return LUNA_CALL(C_GetAttributeValue, getAttributeValue(h, hObject, pTemplate, ulCount));
}
CK_RV C_SetAttributeValue(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount) {
    return LUNA_CALL(C_SetAttributeValue, setAttributeValue(h, hObject, pTemplate, ulCount));
}
CK_RV C_FindObjectsInit(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount) {
    return LUNA_CALL(C_FindObjectsInit, findObjectsInit(h, pTemplate, ulCount));
}
CK_RV C_FindObjects(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR phObject, CK_ULONG ulMaxObjectCount, CK_ULONG_PTR pulObjectCount) {
    return LUNA_CALL(C_FindObjects, findObjects(h, phObject, ulMaxObjectCount, pulObjectCount));
}
CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE h) { return LUNA_CALL(C_FindObjectsFinal, findObjectsFinal(h)); }

CK_RV C_EncryptInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey) {
    return LUNA_CALL(C_EncryptInit, cryptInit(Family::Encrypt, h, pMechanism, hKey));
}
CK_RV C_Encrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pEnc, CK_ULONG_PTR pulEncLen) {
    return LUNA_CALL(C_Encrypt, encrypt(h, pData, ulDataLen, pEnc, pulEncLen));
}
CK_RV C_EncryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR pPart, CK_ULONG ulPartLen, CK_BYTE_PTR pEnc, CK_ULONG_PTR pulEncLen) {
    return LUNA_CALL(C_EncryptUpdate, encryptUpdate(h, pPart, ulPartLen, pEnc, pulEncLen));
}
CK_RV C_EncryptFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR pLast, CK_ULONG_PTR pulLastLen) {
    return LUNA_CALL(C_EncryptFinal, encryptFinal(h, pLast, pulLastLen));
}
CK_RV C_DecryptInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey) {
    return LUNA_CALL(C_DecryptInit, cryptInit(Family::Decrypt, h, pMechanism, hKey));
}
CK_RV C_Decrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR pEnc, CK_ULONG ulEncLen, CK_BYTE_PTR pData, CK_ULONG_PTR pulDataLen) {
    return LUNA_CALL(C_Decrypt, decrypt(h, pEnc, ulEncLen, pData, pulDataLen));
}
CK_RV C_DecryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR pEnc, CK_ULONG ulEncLen, CK_BYTE_PTR pPart, CK_ULONG_PTR pulPartLen) {
    return LUNA_CALL(C_DecryptUpdate, decryptUpdate(h, pEnc, ulEncLen, pPart, pulPartLen));
}
CK_RV C_DecryptFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR pLast, CK_ULONG_PTR pulLastLen) {
    return LUNA_CALL(C_DecryptFinal, decryptFinal(h, pLast, pulLastLen));
}
CK_RV C_DigestInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR pMechanism) {
    return LUNA_CALL(C_DigestInit, digestInit(h, pMechanism));
}
CK_RV C_Digest(CK_SESSION_HANDLE h, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pDigest, CK_ULONG_PTR pulDigestLen) {
    return LUNA_CALL(C_Digest, digest(h, pData, ulDataLen, pDigest, pulDigestLen));
}
CK_RV C_DigestUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR pPart, CK_ULONG ulPartLen) {
    return LUNA_CALL(C_DigestUpdate, digestUpdate(h, pPart, ulPartLen));
}
CK_RV C_DigestKey(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE hKey) { return LUNA_CALL(C_DigestKey, digestKey(h, hKey)); }
CK_RV C_DigestFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR pDigest, CK_ULONG_PTR pulDigestLen) {
    return LUNA_CALL(C_DigestFinal, digestFinal(h, pDigest, pulDigestLen));
}
CK_RV C_SignInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey) {
    return LUNA_CALL(C_SignInit, cryptInit(Family::Sign, h, pMechanism, hKey));
}
CK_RV C_Sign(CK_SESSION_HANDLE h, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSig, CK_ULONG_PTR pulSigLen) {
    return LUNA_CALL(C_Sign, sign(h, pData, ulDataLen, pSig, pulSigLen));
}
CK_RV C_SignUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR pPart, CK_ULONG ulPartLen) {
    return LUNA_CALL(C_SignUpdate, signUpdate(h, pPart, ulPartLen));
}
CK_RV C_SignFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR pSig, CK_ULONG_PTR pulSigLen) {
    return LUNA_CALL(C_SignFinal, signFinal(h, pSig, pulSigLen));
}
CK_RV C_SignRecoverInit(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE) {
    return guarded("C_SignRecoverInit", [](Context&) { return CKR_FUNCTION_NOT_SUPPORTED; });
}
CK_RV C_SignRecover(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
    return guarded("C_SignRecover", [](Context&) { return CKR_FUNCTION_NOT_SUPPORTED; });
}
CK_RV C_VerifyInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey) {
    return LUNA_CALL(C_VerifyInit, cryptInit(Family::Verify, h, pMechanism, hKey));
}
CK_RV C_Verify(CK_SESSION_HANDLE h, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSig, CK_ULONG ulSigLen) {
    return LUNA_CALL(C_Verify, verify(h, pData, ulDataLen, pSig, ulSigLen));
}
CK_RV C_VerifyUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR pPart, CK_ULONG ulPartLen) {
    return LUNA_CALL(C_VerifyUpdate, verifyUpdate(h, pPart, ulPartLen));
}
CK_RV C_VerifyFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR pSig, CK_ULONG ulSigLen) {
    return LUNA_CALL(C_VerifyFinal, verifyFinal(h, pSig, ulSigLen));
}
CK_RV C_VerifyRecoverInit(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE) {
    return guarded("C_VerifyRecoverInit", [](Context&) { return CKR_FUNCTION_NOT_SUPPORTED; });
}
CK_RV C_VerifyRecover(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
    return guarded("C_VerifyRecover", [](Context&) { return CKR_FUNCTION_NOT_SUPPORTED; });
}
CK_RV C_DigestEncryptUpdate(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
    return guarded("C_DigestEncryptUpdate", [](Context&) { return CKR_FUNCTION_NOT_SUPPORTED; });
}
CK_RV C_DecryptDigestUpdate(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
    return guarded("C_DecryptDigestUpdate", [](Context&) { return CKR_FUNCTION_NOT_SUPPORTED; });
}
CK_RV C_SignEncryptUpdate(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
    return guarded("C_SignEncryptUpdate", [](Context&) { return CKR_FUNCTION_NOT_SUPPORTED; });
}
CK_RV C_DecryptVerifyUpdate(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR) {
    return guarded("C_DecryptVerifyUpdate", [](Context&) { return CKR_FUNCTION_NOT_SUPPORTED; });
}

CK_RV C_GenerateKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR pMechanism, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
                    CK_OBJECT_HANDLE_PTR phKey) {
    return LUNA_CALL(C_GenerateKey, generateKey(h, pMechanism, pTemplate, ulCount, phKey));
}
CK_RV C_GenerateKeyPair(CK_SESSION_HANDLE h, CK_MECHANISM_PTR pMechanism, CK_ATTRIBUTE_PTR pPubT, CK_ULONG ulPubN,
                        CK_ATTRIBUTE_PTR pPrivT, CK_ULONG ulPrivN, CK_OBJECT_HANDLE_PTR phPub, CK_OBJECT_HANDLE_PTR phPriv) {
    return LUNA_CALL(C_GenerateKeyPair, generateKeyPair(h, pMechanism, pPubT, ulPubN, pPrivT, ulPrivN, phPub, phPriv));
}
CK_RV C_WrapKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hWrappingKey, CK_OBJECT_HANDLE hKey,
                CK_BYTE_PTR pWrapped, CK_ULONG_PTR pulWrappedLen) {
    return LUNA_CALL(C_WrapKey, wrapKey(h, pMechanism, hWrappingKey, hKey, pWrapped, pulWrappedLen));
}
CK_RV C_UnwrapKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hUnwrappingKey, CK_BYTE_PTR pWrapped,
                  CK_ULONG ulWrappedLen, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phKey) {
    return LUNA_CALL(C_UnwrapKey, unwrapKey(h, pMechanism, hUnwrappingKey, pWrapped, ulWrappedLen, pTemplate, ulCount, phKey));
}
CK_RV C_DeriveKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hBaseKey, CK_ATTRIBUTE_PTR pTemplate,
                  CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phKey) {
    return LUNA_CALL(C_DeriveKey, deriveKey(h, pMechanism, hBaseKey, pTemplate, ulCount, phKey));
}
CK_RV C_SeedRandom(CK_SESSION_HANDLE h, CK_BYTE_PTR pSeed, CK_ULONG ulSeedLen) {
    return LUNA_CALL(C_SeedRandom, seedRandom(h, pSeed, ulSeedLen));
}
CK_RV C_GenerateRandom(CK_SESSION_HANDLE h, CK_BYTE_PTR pRandom, CK_ULONG ulRandomLen) {
    return LUNA_CALL(C_GenerateRandom, generateRandom(h, pRandom, ulRandomLen));
}
CK_RV C_GetFunctionStatus(CK_SESSION_HANDLE) {
    return guarded("C_GetFunctionStatus", [](Context&) { return CKR_FUNCTION_NOT_PARALLEL; });
}
CK_RV C_CancelFunction(CK_SESSION_HANDLE) {
    return guarded("C_CancelFunction", [](Context&) { return CKR_FUNCTION_NOT_PARALLEL; });
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList) {
    static CK_FUNCTION_LIST functions = {
        {2, 40},
        C_Initialize, C_Finalize, C_GetInfo, C_GetFunctionList, C_GetSlotList, C_GetSlotInfo, C_GetTokenInfo,
        C_GetMechanismList, C_GetMechanismInfo, C_InitToken, C_InitPIN, C_SetPIN, C_OpenSession, C_CloseSession,
        C_CloseAllSessions, C_GetSessionInfo, C_GetOperationState, C_SetOperationState, C_Login, C_Logout,
        C_CreateObject, C_CopyObject, C_DestroyObject, C_GetObjectSize, C_GetAttributeValue, C_SetAttributeValue,
        C_FindObjectsInit, C_FindObjects, C_FindObjectsFinal, C_EncryptInit, C_Encrypt, C_EncryptUpdate,
        C_EncryptFinal, C_DecryptInit, C_Decrypt, C_DecryptUpdate, C_DecryptFinal, C_DigestInit, C_Digest,
        C_DigestUpdate, C_DigestKey, C_DigestFinal, C_SignInit, C_Sign, C_SignUpdate, C_SignFinal, C_SignRecoverInit,
        C_SignRecover, C_VerifyInit, C_Verify, C_VerifyUpdate, C_VerifyFinal, C_VerifyRecoverInit, C_VerifyRecover,
        C_DigestEncryptUpdate, C_DecryptDigestUpdate, C_SignEncryptUpdate, C_DecryptVerifyUpdate, C_GenerateKey,
        C_GenerateKeyPair, C_WrapKey, C_UnwrapKey, C_DeriveKey, C_SeedRandom, C_GenerateRandom, C_GetFunctionStatus,
        C_CancelFunction, C_WaitForSlotEvent,
    };
    if (!ppFunctionList) return CKR_ARGUMENTS_BAD;
    *ppFunctionList = &functions;
    return CKR_OK;
}

} // extern "C"
