// Objects, keys and random numbers (Context, part 2).
#include "context.h"

#include "convert.h"

#include "luna/errors.h"

#include <algorithm>
#include <cstring>

namespace luna::p11 {

namespace {

proto::Bytes dataOf(CK_BYTE_PTR p, CK_ULONG len) {
    if (len && !p) throw Error(CKR_ARGUMENTS_BAD, "A data pointer is NULL");
    return len ? proto::Bytes(p, p + len) : proto::Bytes{};
}

void requireOut(const void* p) {
    if (!p) throw Error(CKR_ARGUMENTS_BAD, "An output pointer is NULL");
}

} // namespace

CK_RV Context::createObject(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n, CK_OBJECT_HANDLE_PTR out) {
    requireOut(out);
    auto s = session(h);
    *out = s->call(proto::CreateObjectReq{s->remote, toWire(tmpl, n)}).handle;
    return CKR_OK;
}

CK_RV Context::copyObject(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n,
                          CK_OBJECT_HANDLE_PTR out) {
    requireOut(out);
    auto s = session(h);
    *out = s->call(proto::CopyObjectReq{s->remote, obj, toWire(tmpl, n)}).handle;
    return CKR_OK;
}

CK_RV Context::destroyObject(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj) {
    auto s = session(h);
    s->call(proto::DestroyObjectReq{s->remote, obj});
    return CKR_OK;
}

CK_RV Context::getObjectSize(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ULONG_PTR size) {
    requireOut(size);
    auto s = session(h);
    *size = s->call(proto::GetObjectSizeReq{s->remote, obj}).size;
    return CKR_OK;
}

// PKCS#11 v2.40 §5.7: each attribute gets its value, its length (NULL pValue) or
// CK_UNAVAILABLE_INFORMATION; the return value says why the last unavailable one is.
CK_RV Context::getAttributeValue(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n) {
    if (n && !tmpl) throw Error(CKR_ARGUMENTS_BAD, "The template is NULL");
    if (n > proto::kMaxAttributes) throw Error(CKR_ARGUMENTS_BAD, "The template has too many attributes");
    std::vector<std::uint32_t> types;
    for (CK_ULONG i = 0; i < n; ++i) types.push_back(tmpl[i].type > 0xFFFFFFFFUL ? 0xFFFFFFFFu : static_cast<std::uint32_t>(tmpl[i].type));
    auto s = session(h);
    auto r = s->call(proto::GetAttributeValueReq{s->remote, obj, types});
    if (r.attributes.size() != n) throw Error(CKR_DEVICE_ERROR, "The appliance answered for other attributes");
    CK_RV rv = CKR_OK;
    for (CK_ULONG i = 0; i < n; ++i) {
        auto& a = tmpl[i];
        const auto& got = r.attributes[i];
        if (got.status != CKR_OK || tmpl[i].type > 0xFFFFFFFFUL || got.type != types[i]) {
            a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
            rv = got.status == CKR_ATTRIBUTE_SENSITIVE ? CKR_ATTRIBUTE_SENSITIVE : CKR_ATTRIBUTE_TYPE_INVALID;
            continue;
        }
        const CK_ULONG size = nativeSize(got.type, got.value);
        if (!a.pValue) {
            a.ulValueLen = size;
        } else if (a.ulValueLen < size) {
            a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
            rv = CKR_BUFFER_TOO_SMALL;
        } else {
            toNative(got.type, got.value, a.pValue);
            a.ulValueLen = size;
        }
    }
    return rv;
}

CK_RV Context::setAttributeValue(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n) {
    auto s = session(h);
    s->call(proto::SetAttributeValueReq{s->remote, obj, toWire(tmpl, n)});
    return CKR_OK;
}

CK_RV Context::findObjectsInit(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n) {
    auto wire = toWire(tmpl, n);
    auto s = session(h);
    if (s->finding) throw Error(CKR_OPERATION_ACTIVE, "A search is already active on the session");
    s->call(proto::FindObjectsInitReq{s->remote, std::move(wire)});
    s->finding = true;
    s->found.clear();
    s->findExhausted = false;
    return CKR_OK;
}

// Handles come in batches of at least 64, so listing a partition object by object is not a
// round trip per object.
CK_RV Context::findObjects(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR out, CK_ULONG max, CK_ULONG_PTR count) {
    if (!count || (max && !out)) throw Error(CKR_ARGUMENTS_BAD, "An output pointer is NULL");
    auto s = session(h);
    if (!s->finding) throw Error(CKR_OPERATION_NOT_INITIALIZED, "C_FindObjectsInit was not called");
    while (s->found.size() < max && !s->findExhausted) {
        const auto want = static_cast<std::uint32_t>(
            std::clamp<CK_ULONG>(max - s->found.size(), 64, proto::kMaxHandles));
        auto r = s->call(proto::FindObjectsReq{s->remote, want});
        s->found.insert(s->found.end(), r.handles.begin(), r.handles.end());
        if (r.handles.size() < want) s->findExhausted = true;
    }
    const auto n = std::min<CK_ULONG>(max, s->found.size());
    for (CK_ULONG i = 0; i < n; ++i) {
        out[i] = s->found.front();
        s->found.pop_front();
    }
    *count = n;
    return CKR_OK;
}

CK_RV Context::findObjectsFinal(CK_SESSION_HANDLE h) {
    auto s = session(h);
    if (!s->finding) throw Error(CKR_OPERATION_NOT_INITIALIZED, "C_FindObjectsInit was not called");
    s->finding = false;
    s->found.clear();
    s->call(proto::FindObjectsFinalReq{s->remote});
    return CKR_OK;
}

CK_RV Context::generateKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n,
                           CK_OBJECT_HANDLE_PTR out) {
    requireOut(out);
    auto req = proto::GenerateKeyReq{0, toWire(m), toWire(tmpl, n)};
    auto s = session(h);
    req.session = s->remote;
    *out = s->call(req).handle;
    return CKR_OK;
}

CK_RV Context::generateKeyPair(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR pubT, CK_ULONG pubN,
                               CK_ATTRIBUTE_PTR privT, CK_ULONG privN, CK_OBJECT_HANDLE_PTR pub, CK_OBJECT_HANDLE_PTR priv) {
    requireOut(pub);
    requireOut(priv);
    auto req = proto::GenerateKeyPairReq{0, toWire(m), toWire(pubT, pubN), toWire(privT, privN)};
    auto s = session(h);
    req.session = s->remote;
    auto r = s->call(req, config_.keypairGenTimeout);
    *pub = r.publicKey;
    *priv = r.privateKey;
    return CKR_OK;
}

CK_RV Context::wrapKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE wrapping, CK_OBJECT_HANDLE key,
                       CK_BYTE_PTR out, CK_ULONG_PTR outLen) {
    requireOut(outLen);
    auto mech = toWire(m);
    auto s = session(h);
    proto::Bytes data;
    auto& held = s->heldWrap;
    if (held && held->mechanism == mech.type && held->wrappingKey == wrapping && held->key == key) {
        data = held->data;
    } else {
        data = s->call(proto::WrapKeyReq{s->remote, mech, wrapping, key}).data;
    }
    held.reset();
    if (!out || *outLen < data.size()) {
        const bool query = !out;
        *outLen = data.size();
        held = Session::HeldWrap{mech.type, wrapping, key, std::move(data)};
        return query ? CKR_OK : CKR_BUFFER_TOO_SMALL;
    }
    std::memcpy(out, data.data(), data.size());
    *outLen = data.size();
    return CKR_OK;
}

CK_RV Context::unwrapKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE unwrapping, CK_BYTE_PTR wrapped,
                         CK_ULONG wrappedLen, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n, CK_OBJECT_HANDLE_PTR out) {
    requireOut(out);
    auto req = proto::UnwrapKeyReq{0, toWire(m), unwrapping, dataOf(wrapped, wrappedLen), toWire(tmpl, n)};
    auto s = session(h);
    req.session = s->remote;
    *out = s->call(req).handle;
    return CKR_OK;
}

CK_RV Context::deriveKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE base, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n,
                         CK_OBJECT_HANDLE_PTR out) {
    requireOut(out);
    auto req = proto::DeriveKeyReq{0, toWire(m), base, toWire(tmpl, n)};
    auto s = session(h);
    req.session = s->remote;
    *out = s->call(req).handle;
    return CKR_OK;
}

CK_RV Context::seedRandom(CK_SESSION_HANDLE h, CK_BYTE_PTR seed, CK_ULONG len) {
    auto data = dataOf(seed, len);
    auto s = session(h);
    for (std::size_t off = 0; off < data.size() || off == 0; off += proto::kMaxData) {
        const auto n = std::min(proto::kMaxData, data.size() - off);
        s->call(proto::SeedRandomReq{s->remote, proto::Bytes(data.begin() + static_cast<std::ptrdiff_t>(off),
                                                             data.begin() + static_cast<std::ptrdiff_t>(off + n))});
        if (data.empty()) break;
    }
    return CKR_OK;
}

CK_RV Context::generateRandom(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG len) {
    if (len && !out) throw Error(CKR_ARGUMENTS_BAD, "The output buffer is NULL");
    auto s = session(h);
    for (CK_ULONG off = 0; off < len;) {
        const auto n = static_cast<std::uint32_t>(std::min<CK_ULONG>(proto::kMaxData, len - off));
        auto r = s->call(proto::GenerateRandomReq{s->remote, n});
        if (r.data.size() != n) throw Error(CKR_DEVICE_ERROR, "The appliance returned fewer random bytes than asked");
        std::memcpy(out + off, r.data.data(), n);
        off += n;
    }
    return CKR_OK;
}

} // namespace luna::p11
