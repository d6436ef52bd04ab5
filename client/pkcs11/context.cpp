#include "context.h"

#include "convert.h"

#include "client/common/vendor.h"
#include "luna/errors.h"

#include <algorithm>
#include <cstring>

namespace luna::p11 {

namespace {

constexpr const char* kManufacturer = "SafeNet";
constexpr const char* kLibraryDescription = "Chrystoki";
constexpr CK_VERSION kLibraryVersion{7, 2};

proto::Bytes pinBytes(CK_UTF8CHAR_PTR pin, CK_ULONG len) {
    if (!pin) throw Error(CKR_ARGUMENTS_BAD, "The PIN is NULL (no protected authentication path on this token)");
    if (len > proto::kMaxPin) throw Error(CKR_PIN_LEN_RANGE, "The PIN is too long");
    return proto::Bytes(pin, pin + len);
}

// "7.0.3" -> {7, 0}
CK_VERSION versionOf(const std::string& v) {
    unsigned major = 0, minor = 0;
    std::sscanf(v.c_str(), "%u.%u", &major, &minor);
    return {static_cast<CK_BYTE>(major), static_cast<CK_BYTE>(minor)};
}

template <class T>
CK_RV fillList(const std::vector<T>& items, T* list, CK_ULONG_PTR count) {
    if (!count) throw Error(CKR_ARGUMENTS_BAD, "The count pointer is NULL");
    if (!list) {
        *count = items.size();
        return CKR_OK;
    }
    if (*count < items.size()) {
        *count = items.size();
        return CKR_BUFFER_TOO_SMALL;
    }
    std::copy(items.begin(), items.end(), list);
    *count = items.size();
    return CKR_OK;
}

} // namespace

Context::Context(client::ClientConfig config, client::Connector connector)
    : config_(std::move(config)), slots_(config_, std::move(connector)) {}

Context::~Context() = default;

// ---- slots and tokens --------------------------------------------------------------------------------

client::Slot Context::slot(CK_SLOT_ID id) {
    auto s = slots_.find(id);
    if (!s) throw Error(CKR_SLOT_ID_INVALID, "No partition is visible at slot " + std::to_string(id));
    return *s;
}

CK_RV Context::getInfo(CK_INFO_PTR info) {
    if (!info) throw Error(CKR_ARGUMENTS_BAD, "CK_INFO is NULL");
    std::memset(info, 0, sizeof *info);
    info->cryptokiVersion = {2, 40};
    padded(info->manufacturerID, sizeof info->manufacturerID, kManufacturer);
    padded(info->libraryDescription, sizeof info->libraryDescription, kLibraryDescription);
    info->libraryVersion = kLibraryVersion;
    return CKR_OK;
}

CK_RV Context::getSlotList(CK_BBOOL, CK_SLOT_ID_PTR list, CK_ULONG_PTR count) {
    if (!count) throw Error(CKR_ARGUMENTS_BAD, "The count pointer is NULL");
    // Every visible slot holds its token: a network partition is there or not listed.
    std::vector<client::Slot> slots;
    {
        std::lock_guard lock(snapshotMu_);
        if (list && slotSnapshot_) {
            slots = std::move(*slotSnapshot_);
            slotSnapshot_.reset();
        }
    }
    if (slots.empty()) slots = slots_.refresh();
    if (!list) {
        std::lock_guard lock(snapshotMu_);
        slotSnapshot_ = slots;
    }
    std::vector<CK_SLOT_ID> ids;
    for (const auto& s : slots) ids.push_back(s.id);
    return fillList(ids, list, count);
}

CK_RV Context::getSlotInfo(CK_SLOT_ID id, CK_SLOT_INFO_PTR info) {
    if (!info) throw Error(CKR_ARGUMENTS_BAD, "CK_SLOT_INFO is NULL");
    const auto s = slot(id);
    const auto hello = slots_.server(s.server).hello();
    std::memset(info, 0, sizeof *info);
    padded(info->slotDescription, sizeof info->slotDescription, "Net Token Slot");
    padded(info->manufacturerID, sizeof info->manufacturerID, kManufacturer);
    info->flags = CKF_TOKEN_PRESENT | CKF_HW_SLOT;
    info->hardwareVersion = {0, 0};
    info->firmwareVersion = versionOf(hello.firmware);
    return CKR_OK;
}

CK_RV Context::getTokenInfo(CK_SLOT_ID id, CK_TOKEN_INFO_PTR info) {
    if (!info) throw Error(CKR_ARGUMENTS_BAD, "CK_TOKEN_INFO is NULL");
    const auto s = slot(id);
    auto t = slots_.server(s.server).link()->ok(proto::GetTokenInfoReq{s.partition.slot});
    std::memset(info, 0, sizeof *info);
    padded(info->label, sizeof info->label, t.label);
    padded(info->manufacturerID, sizeof info->manufacturerID, t.manufacturer);
    padded(info->model, sizeof info->model, t.model);
    padded(info->serialNumber, sizeof info->serialNumber, t.serial);
    info->flags = t.flags;
    info->ulMaxSessionCount = t.maxSessionCount;
    info->ulSessionCount = t.sessionCount;
    info->ulMaxRwSessionCount = t.maxSessionCount;
    info->ulRwSessionCount = t.rwSessionCount;
    info->ulMaxPinLen = t.maxPinLen;
    info->ulMinPinLen = t.minPinLen;
    info->ulTotalPublicMemory = info->ulTotalPrivateMemory = t.totalMemory;
    info->ulFreePublicMemory = info->ulFreePrivateMemory = t.freeMemory;
    info->hardwareVersion = {0, 0};
    info->firmwareVersion = versionOf(t.firmware);
    padded(info->utcTime, sizeof info->utcTime, "");
    return CKR_OK;
}

CK_RV Context::getMechanismList(CK_SLOT_ID id, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count) {
    if (!count) throw Error(CKR_ARGUMENTS_BAD, "The count pointer is NULL");
    const auto s = slot(id);
    auto r = slots_.server(s.server).link()->ok(proto::GetMechanismListReq{s.partition.slot});
    std::vector<CK_MECHANISM_TYPE> mechs(r.mechanisms.begin(), r.mechanisms.end());
    return fillList(mechs, list, count);
}

CK_RV Context::getMechanismInfo(CK_SLOT_ID id, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info) {
    if (!info) throw Error(CKR_ARGUMENTS_BAD, "CK_MECHANISM_INFO is NULL");
    const auto s = slot(id);
    auto r = slots_.server(s.server).link()->ok(proto::GetMechanismInfoReq{s.partition.slot, narrow(type, CKR_MECHANISM_INVALID)});
    info->ulMinKeySize = r.minKeySize;
    info->ulMaxKeySize = r.maxKeySize;
    info->flags = r.flags;
    return CKR_OK;
}

bool Context::anySessionOn(CK_SLOT_ID id) {
    std::shared_lock lock(sessionsMu_);
    return std::any_of(sessions_.begin(), sessions_.end(), [&](const auto& kv) { return kv.second->slotId == id; });
}

CK_RV Context::initToken(CK_SLOT_ID id, CK_UTF8CHAR_PTR pin, CK_ULONG pinLen, CK_UTF8CHAR_PTR label) {
    if (!label) throw Error(CKR_ARGUMENTS_BAD, "The label is NULL");
    const auto s = slot(id);
    if (anySessionOn(id)) throw Error(CKR_SESSION_EXISTS, "Close the sessions on the slot before initializing it");
    const std::string domain(client::vendor::kDefaultDomain);
    auto link = slots_.server(s.server).link();
    const proto::InitTokenReq req{s.partition.slot, pinBytes(pin, pinLen), unpadded(label, 32),
                                  proto::Bytes(domain.begin(), domain.end())};
    if (!s.partition.initialized) {
        link->ok(req);
        return CKR_OK;
    }
    // The appliance re-initializes a partition only for its Partition SO logged in on the
    // link; PKCS#11 gives the SO PIN to C_InitToken itself and wants no session open. So the
    // module logs the SO in on a session of its own for the length of the call.
    const auto session = link->ok(proto::OpenSessionReq{s.partition.slot, CKF_SERIAL_SESSION | CKF_RW_SESSION}).handle;
    try {
        link->ok(proto::LoginReq{session, CKU_SO, req.soPin});
        link->ok(req);
    } catch (...) {
        try {
            link->ok(proto::CloseSessionReq{session});
        } catch (const Error&) {
        }
        throw;
    }
    link->ok(proto::CloseSessionReq{session});
    return CKR_OK;
}

CK_RV Context::initPin(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR pin, CK_ULONG pinLen) {
    auto s = session(h);
    s->call(proto::InitPinReq{s->remote, CKU_USER, pinBytes(pin, pinLen)});
    return CKR_OK;
}

CK_RV Context::setPin(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR oldPin, CK_ULONG oldLen, CK_UTF8CHAR_PTR newPin, CK_ULONG newLen) {
    auto s = session(h);
    s->call(proto::SetPinReq{s->remote, pinBytes(oldPin, oldLen), pinBytes(newPin, newLen)});
    return CKR_OK;
}

// ---- sessions and roles ---------------------------------------------------------------------------

Context::Locked Context::session(CK_SESSION_HANDLE h) {
    std::shared_ptr<Session> s;
    {
        std::shared_lock lock(sessionsMu_);
        auto it = sessions_.find(h);
        if (it == sessions_.end()) throw Error(CKR_SESSION_HANDLE_INVALID, "No such session");
        s = it->second;
    }
    std::unique_lock lock(s->mu);
    return {std::move(s), std::move(lock)};
}

CK_RV Context::openSession(CK_SLOT_ID id, CK_FLAGS flags, CK_SESSION_HANDLE_PTR out) {
    if (!out) throw Error(CKR_ARGUMENTS_BAD, "The session handle pointer is NULL");
    if (!(flags & CKF_SERIAL_SESSION)) throw Error(CKR_SESSION_PARALLEL_NOT_SUPPORTED, "CKF_SERIAL_SESSION must be set");
    const auto sl = slot(id);
    auto s = std::make_shared<Session>();
    s->slotId = id;
    s->serial = sl.partition.slot;
    s->link = slots_.server(sl.server).link();
    s->flags = flags & (CKF_SERIAL_SESSION | CKF_RW_SESSION);
    s->remote = s->call(proto::OpenSessionReq{sl.partition.slot, static_cast<std::uint32_t>(s->flags)}).handle;
    std::unique_lock lock(sessionsMu_);
    const auto h = nextHandle_++;
    sessions_.emplace(h, std::move(s));
    *out = h;
    return CKR_OK;
}

CK_RV Context::closeSession(CK_SESSION_HANDLE h) {
    std::shared_ptr<Session> s;
    {
        std::unique_lock lock(sessionsMu_);
        auto it = sessions_.find(h);
        if (it == sessions_.end()) throw Error(CKR_SESSION_HANDLE_INVALID, "No such session");
        s = std::move(it->second);
        sessions_.erase(it);
    }
    std::lock_guard lock(s->mu);
    if (s->link->broken()) return CKR_OK;   // the appliance closed it with the link
    s->call(proto::CloseSessionReq{s->remote});
    return CKR_OK;
}

CK_RV Context::closeAllSessions(CK_SLOT_ID id) {
    const auto sl = slot(id);
    std::vector<std::shared_ptr<Session>> mine;
    {
        std::unique_lock lock(sessionsMu_);
        for (auto it = sessions_.begin(); it != sessions_.end();) {
            if (it->second->slotId == id) {
                mine.push_back(std::move(it->second));
                it = sessions_.erase(it);
            } else {
                ++it;
            }
        }
    }
    // The appliance closes this application's sessions on the partition; links opened
    // before a reconnect already lost theirs.
    slots_.server(sl.server).link()->ok(proto::CloseAllSessionsReq{sl.partition.slot});
    return CKR_OK;
}

CK_RV Context::getSessionInfo(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR info) {
    if (!info) throw Error(CKR_ARGUMENTS_BAD, "CK_SESSION_INFO is NULL");
    auto s = session(h);
    auto r = s->call(proto::GetSessionInfoReq{s->remote});
    info->slotID = s->slotId;
    info->state = r.state;
    info->flags = r.flags;
    info->ulDeviceError = r.deviceError;
    return CKR_OK;
}

CK_RV Context::login(CK_SESSION_HANDLE h, CK_USER_TYPE type, CK_UTF8CHAR_PTR pin, CK_ULONG pinLen) {
    auto s = session(h);
    s->call(proto::LoginReq{s->remote, narrow(type, CKR_USER_TYPE_INVALID), pinBytes(pin, pinLen)});
    return CKR_OK;
}

CK_RV Context::logout(CK_SESSION_HANDLE h) {
    auto s = session(h);
    s->call(proto::LogoutReq{s->remote});
    return CKR_OK;
}

} // namespace luna::p11
