#include "convert.h"

#include "proto/attribute_kinds.h"
#include "luna/errors.h"

#include <algorithm>
#include <cstring>

namespace luna::p11 {

namespace {

using proto::Bytes;
using proto::ValueKind;

Bytes bytesOf(const void* p, CK_ULONG len) {
    if (len == 0) return {};
    if (!p) throw Error(CKR_ARGUMENTS_BAD, "A buffer pointer is NULL while its length is not 0");
    const auto* b = static_cast<const std::uint8_t*>(p);
    return Bytes(b, b + len);
}

CK_ULONG readUlong(const unsigned char* p) {
    CK_ULONG v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

template <class T>
const T& params(const CK_MECHANISM* m, const char* name) {
    if (!m->pParameter || m->ulParameterLen != sizeof(T))
        throw Error(CKR_MECHANISM_PARAM_INVALID, std::string("The mechanism needs a ") + name + " parameter");
    return *static_cast<const T*>(m->pParameter);
}

// CK_GCM_PARAMS without ulIvBits: the v2.40 header as first published and what some
// applications still pass.
struct GcmParamsV240Original {
    CK_BYTE_PTR pIv;
    CK_ULONG ulIvLen;
    CK_BYTE_PTR pAAD;
    CK_ULONG ulAADLen;
    CK_ULONG ulTagBits;
};

proto::MechParams gcm(const CK_MECHANISM* m) {
    if (m->pParameter && m->ulParameterLen == sizeof(CK_GCM_PARAMS)) {
        const auto& p = *static_cast<const CK_GCM_PARAMS*>(m->pParameter);
        return proto::GcmParams{bytesOf(p.pIv, p.ulIvLen), bytesOf(p.pAAD, p.ulAADLen), narrow(p.ulTagBits, CKR_MECHANISM_PARAM_INVALID)};
    }
    const auto& p = params<GcmParamsV240Original>(m, "CK_GCM_PARAMS");
    return proto::GcmParams{bytesOf(p.pIv, p.ulIvLen), bytesOf(p.pAAD, p.ulAADLen), narrow(p.ulTagBits, CKR_MECHANISM_PARAM_INVALID)};
}

proto::MechParams ulongParam(const CK_MECHANISM* m) {
    if (!m->pParameter || m->ulParameterLen != sizeof(CK_ULONG))
        throw Error(CKR_MECHANISM_PARAM_INVALID, "The mechanism needs a CK_MAC_GENERAL_PARAMS parameter");
    return proto::MacLenParams{narrow(readUlong(static_cast<const unsigned char*>(m->pParameter)), CKR_MECHANISM_PARAM_INVALID)};
}

} // namespace

std::uint32_t narrow(CK_ULONG v, CK_RV rv) {
    if (v > 0xFFFFFFFFUL) throw Error(static_cast<std::uint32_t>(rv), "A value does not fit the protocol's 32 bits");
    return static_cast<std::uint32_t>(v);
}

proto::Template toWire(const CK_ATTRIBUTE* attrs, CK_ULONG count) {
    proto::Template out;
    if (count == 0) return out;
    if (!attrs) throw Error(CKR_ARGUMENTS_BAD, "The template is NULL");
    if (count > proto::kMaxAttributes) throw Error(CKR_TEMPLATE_INCONSISTENT, "The template has too many attributes");
    out.reserve(count);
    for (CK_ULONG i = 0; i < count; ++i) {
        const auto& a = attrs[i];
        const auto type = narrow(a.type, CKR_ATTRIBUTE_TYPE_INVALID);
        switch (proto::attributeKind(type)) {
        case ValueKind::Template:
            throw Error(CKR_ATTRIBUTE_TYPE_INVALID, "Nested attribute templates are not supported");
        case ValueKind::Bool:
            if (a.ulValueLen != sizeof(CK_BBOOL) || !a.pValue)
                throw Error(CKR_ATTRIBUTE_VALUE_INVALID, "A CK_BBOOL attribute must be 1 byte");
            out.push_back({type, proto::encodeBool(*static_cast<const CK_BBOOL*>(a.pValue) != CK_FALSE)});
            break;
        case ValueKind::Ulong:
            if (a.ulValueLen != sizeof(CK_ULONG) || !a.pValue)
                throw Error(CKR_ATTRIBUTE_VALUE_INVALID, "A CK_ULONG attribute must be sizeof(CK_ULONG) bytes");
            out.push_back({type, proto::encodeUlong(readUlong(static_cast<const unsigned char*>(a.pValue)))});
            break;
        case ValueKind::UlongArray: {
            if (a.ulValueLen % sizeof(CK_ULONG) != 0 || (a.ulValueLen && !a.pValue))
                throw Error(CKR_ATTRIBUTE_VALUE_INVALID, "A CK_ULONG array attribute has a partial element");
            Bytes v;
            for (CK_ULONG off = 0; off < a.ulValueLen; off += sizeof(CK_ULONG)) {
                auto e = proto::encodeUlong(readUlong(static_cast<const unsigned char*>(a.pValue) + off));
                v.insert(v.end(), e.begin(), e.end());
            }
            out.push_back({type, std::move(v)});
            break;
        }
        case ValueKind::Date:
            if (a.ulValueLen != 0 && a.ulValueLen != sizeof(CK_DATE))
                throw Error(CKR_ATTRIBUTE_VALUE_INVALID, "A CK_DATE attribute must be 8 characters or empty");
            out.push_back({type, bytesOf(a.pValue, a.ulValueLen)});
            break;
        case ValueKind::Bytes:
            out.push_back({type, bytesOf(a.pValue, a.ulValueLen)});
            break;
        }
    }
    return out;
}

CK_ULONG nativeSize(std::uint32_t type, std::span<const std::uint8_t> canonical) {
    switch (proto::attributeKind(type)) {
    case ValueKind::Bool: return sizeof(CK_BBOOL);
    case ValueKind::Ulong: return sizeof(CK_ULONG);
    case ValueKind::UlongArray: return canonical.size() / 8 * sizeof(CK_ULONG);
    default: return canonical.size();
    }
}

void toNative(std::uint32_t type, std::span<const std::uint8_t> canonical, void* out) {
    auto* dst = static_cast<unsigned char*>(out);
    switch (proto::attributeKind(type)) {
    case ValueKind::Bool: {
        const CK_BBOOL b = proto::decodeBool(canonical).value_or(false) ? CK_TRUE : CK_FALSE;
        std::memcpy(dst, &b, sizeof b);
        return;
    }
    case ValueKind::Ulong: {
        const CK_ULONG v = proto::decodeUlong(canonical).value_or(0);
        std::memcpy(dst, &v, sizeof v);
        return;
    }
    case ValueKind::UlongArray:
        for (std::size_t i = 0; i + 8 <= canonical.size(); i += 8) {
            const CK_ULONG v = proto::decodeUlong(canonical.subspan(i, 8)).value_or(0);
            std::memcpy(dst + i / 8 * sizeof(CK_ULONG), &v, sizeof v);
        }
        return;
    default:
        if (!canonical.empty()) std::memcpy(dst, canonical.data(), canonical.size());
    }
}

proto::Mechanism toWire(const CK_MECHANISM* m) {
    if (!m) throw Error(CKR_ARGUMENTS_BAD, "The mechanism is NULL");
    proto::Mechanism out;
    out.type = narrow(m->mechanism, CKR_MECHANISM_INVALID);
    switch (m->mechanism) {
    case CKM_AES_CBC: case CKM_AES_CBC_PAD:
        if (!m->pParameter || m->ulParameterLen == 0)
            throw Error(CKR_MECHANISM_PARAM_INVALID, "The mechanism needs an IV");
        out.params = proto::IvParams{bytesOf(m->pParameter, m->ulParameterLen)};
        break;
    case CKM_AES_KEY_WRAP: case CKM_AES_KEY_WRAP_PAD: case 0x0000210B: case 0x80000170: case 0x80000171:
        if (m->pParameter && m->ulParameterLen) out.params = proto::IvParams{bytesOf(m->pParameter, m->ulParameterLen)};
        break;
    case CKM_RSA_PKCS_PSS: case CKM_SHA1_RSA_PKCS_PSS: case CKM_SHA224_RSA_PKCS_PSS: case CKM_SHA256_RSA_PKCS_PSS:
    case CKM_SHA384_RSA_PKCS_PSS: case CKM_SHA512_RSA_PKCS_PSS: {
        const auto& p = params<CK_RSA_PKCS_PSS_PARAMS>(m, "CK_RSA_PKCS_PSS_PARAMS");
        out.params = proto::PssParams{narrow(p.hashAlg, CKR_MECHANISM_PARAM_INVALID), narrow(p.mgf, CKR_MECHANISM_PARAM_INVALID),
                                      narrow(p.sLen, CKR_MECHANISM_PARAM_INVALID)};
        break;
    }
    case CKM_RSA_PKCS_OAEP: {
        const auto& p = params<CK_RSA_PKCS_OAEP_PARAMS>(m, "CK_RSA_PKCS_OAEP_PARAMS");
        out.params = proto::OaepParams{narrow(p.hashAlg, CKR_MECHANISM_PARAM_INVALID), narrow(p.mgf, CKR_MECHANISM_PARAM_INVALID),
                                       narrow(p.source, CKR_MECHANISM_PARAM_INVALID),
                                       bytesOf(p.pSourceData, p.ulSourceDataLen)};
        break;
    }
    case CKM_AES_GCM:
        out.params = gcm(m);
        break;
    case CKM_AES_CTR: {
        const auto& p = params<CK_AES_CTR_PARAMS>(m, "CK_AES_CTR_PARAMS");
        out.params = proto::CtrParams{narrow(p.ulCounterBits, CKR_MECHANISM_PARAM_INVALID), Bytes(p.cb, p.cb + sizeof p.cb)};
        break;
    }
    case CKM_ECDH1_DERIVE: case CKM_ECDH1_COFACTOR_DERIVE: {
        const auto& p = params<CK_ECDH1_DERIVE_PARAMS>(m, "CK_ECDH1_DERIVE_PARAMS");
        out.params = proto::EcdhParams{narrow(p.kdf, CKR_MECHANISM_PARAM_INVALID), bytesOf(p.pSharedData, p.ulSharedDataLen),
                                       bytesOf(p.pPublicData, p.ulPublicDataLen)};
        break;
    }
    case CKM_SHA_1_HMAC_GENERAL: case CKM_SHA224_HMAC_GENERAL: case CKM_SHA256_HMAC_GENERAL:
    case CKM_SHA384_HMAC_GENERAL: case CKM_SHA512_HMAC_GENERAL: case CKM_AES_CMAC_GENERAL:
    case CKM_AES_MAC_GENERAL:
        out.params = ulongParam(m);
        break;
    default:
        break;   // no parameter; one given anyway is ignored, as other modules do
    }
    return out;
}

void padded(unsigned char* field, std::size_t width, std::string_view text) {
    std::memset(field, ' ', width);
    std::memcpy(field, text.data(), std::min(width, text.size()));
}

std::string unpadded(const unsigned char* field, std::size_t width) {
    std::string s(reinterpret_cast<const char*>(field), width);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
    return s;
}

} // namespace luna::p11
