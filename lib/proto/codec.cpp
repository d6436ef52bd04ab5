#include "proto/codec.h"

#include <type_traits>
#include <utility>

namespace luna::proto {

namespace {

// ---- generic field codec ------------------------------------------------------------------------
template <class T> struct IsVector : std::false_type {};
template <class T> struct IsVector<std::vector<T>> : std::true_type {};
template <class T> struct IsOptional : std::false_type {};
template <class T> struct IsOptional<std::optional<T>> : std::true_type {};
template <class T> struct IsVariant : std::false_type {};
template <class... T> struct IsVariant<std::variant<T...>> : std::true_type {};

template <class T>
concept HasFields = requires(T& t) { t.fields(); };

// The fewest bytes an encoded T can take: the bound that makes a count checkable.
template <class T>
constexpr std::size_t minWire() {
    if constexpr (std::is_same_v<T, bool>) return 1;
    else if constexpr (std::is_integral_v<T>) return sizeof(T);
    else if constexpr (std::is_same_v<T, Bytes>) return 4;
    else if constexpr (std::is_same_v<T, std::string>) return 2;
    else if constexpr (IsVector<T>::value) return 4;
    else if constexpr (IsOptional<T>::value || IsVariant<T>::value) return 1;
    else {
        using Tie = decltype(std::declval<T&>().fields());
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return (std::size_t{0} + ... + minWire<std::remove_cvref_t<std::tuple_element_t<I, Tie>>>());
        }(std::make_index_sequence<std::tuple_size_v<Tie>>{});
    }
}

template <class T> void put(Writer& w, const T& v);
template <class T> void get(Reader& r, T& v);

template <class T>
void put(Writer& w, const T& v) {
    if constexpr (std::is_same_v<T, bool>) w.u8(v ? 1 : 0);
    else if constexpr (std::is_same_v<T, std::uint8_t>) w.u8(v);
    else if constexpr (std::is_same_v<T, std::uint16_t>) w.u16(v);
    else if constexpr (std::is_same_v<T, std::uint32_t>) w.u32(v);
    else if constexpr (std::is_same_v<T, std::uint64_t>) w.u64(v);
    else if constexpr (std::is_same_v<T, Bytes>) w.bytes(v);
    else if constexpr (std::is_same_v<T, std::string>) w.str(v);
    else if constexpr (IsVector<T>::value) {
        w.u32(static_cast<std::uint32_t>(v.size()));
        for (const auto& e : v) put(w, e);
    } else if constexpr (IsOptional<T>::value) {
        w.u8(v ? 1 : 0);
        if (v) put(w, *v);
    } else if constexpr (IsVariant<T>::value) {
        w.u8(static_cast<std::uint8_t>(v.index()));
        std::visit([&](const auto& alt) { put(w, alt); }, v);
    } else {
        std::apply([&](const auto&... f) { (put(w, f), ...); }, v.fields());
    }
}

template <class V, std::size_t I = 0>
void getVariant(Reader& r, V& v, std::size_t tag) {
    if constexpr (I < std::variant_size_v<V>) {
        if (tag == I) {
            std::variant_alternative_t<I, V> alt;
            get(r, alt);
            v = std::move(alt);
            return;
        }
        getVariant<V, I + 1>(r, v, tag);
    } else {
        throw DecodeError(Fault::BadValue, "unknown variant tag " + std::to_string(tag));
    }
}

template <class T>
std::size_t maxCount() {
    if constexpr (std::is_same_v<T, Attribute>) return kMaxAttributes;
    else if constexpr (std::is_same_v<T, std::uint64_t>) return kMaxHandles;
    else return kMaxListEntries;
}

template <class T>
void get(Reader& r, T& v) {
    if constexpr (std::is_same_v<T, bool>) v = r.boolean();
    else if constexpr (std::is_same_v<T, std::uint8_t>) v = r.u8();
    else if constexpr (std::is_same_v<T, std::uint16_t>) v = r.u16();
    else if constexpr (std::is_same_v<T, std::uint32_t>) v = r.u32();
    else if constexpr (std::is_same_v<T, std::uint64_t>) v = r.u64();
    else if constexpr (std::is_same_v<T, Bytes>) v = r.bytes(kMaxPayload);
    else if constexpr (std::is_same_v<T, std::string>) v = r.str(kMaxString);
    else if constexpr (IsVector<T>::value) {
        using E = typename T::value_type;
        const std::size_t n = r.count(minWire<E>(), maxCount<E>());
        v.clear();
        v.reserve(n);
        for (std::size_t i = 0; i < n; ++i) get(r, v.emplace_back());
    } else if constexpr (IsOptional<T>::value) {
        if (r.boolean()) get(r, v.emplace());
        else v.reset();
    } else if constexpr (IsVariant<T>::value) {
        getVariant(r, v, r.u8());
    } else {
        std::apply([&](auto&... f) { (get(r, f), ...); }, v.fields());
    }
}

// ---- opcode tables -------------------------------------------------------------------------------
template <class V, std::size_t... I>
constexpr auto opsOf(std::index_sequence<I...>) {
    return std::array<Op, sizeof...(I)>{std::variant_alternative_t<I, V>::op...};
}
constexpr auto kOps = opsOf<Request>(std::make_index_sequence<std::variant_size_v<Request>>{});

constexpr bool opsUnique() {
    for (std::size_t i = 0; i < kOps.size(); ++i)
        for (std::size_t j = i + 1; j < kOps.size(); ++j)
            if (kOps[i] == kOps[j]) return false;
    return true;
}
static_assert(opsUnique(), "two requests share an opcode");

template <std::size_t I = 0>
Request decodeAlternative(Op op, Reader& r) {
    if constexpr (I < std::variant_size_v<Request>) {
        using Req = std::variant_alternative_t<I, Request>;
        if (Req::op == op) {
            Req req;
            get(r, req);
            return req;
        }
        return decodeAlternative<I + 1>(op, r);
    } else {
        throw DecodeError(Fault::UnknownOp, "unknown operation " + std::to_string(static_cast<unsigned>(op)));
    }
}

template <std::size_t I = 0>
ResponseBody decodeBody(Op op, Reader& r) {
    if constexpr (I < std::variant_size_v<Request>) {
        using Req = std::variant_alternative_t<I, Request>;
        if (Req::op == op) {
            typename Req::Response body;
            get(r, body);
            return body;
        }
        return decodeBody<I + 1>(op, r);
    } else {
        throw DecodeError(Fault::UnknownOp, "unknown operation " + std::to_string(static_cast<unsigned>(op)));
    }
}

void putHeader(Writer& w, bool response, std::uint32_t requestId, Op op) {
    w.u16(kFrameMagic);
    w.u8(kVersion);
    w.u8(response ? 1 : 0);
    w.u32(requestId);
    w.u16(static_cast<std::uint16_t>(op));
    w.u16(0);
    w.u32(0);   // payload length, patched once the payload is written
}

void finishFrame(Bytes& out, Writer& w) {
    const std::size_t payload = out.size() - kHeaderBytes;
    if (payload > kMaxPayload)
        throw DecodeError(Fault::TooLarge, "payload of " + std::to_string(payload) + " bytes exceeds the protocol limit");
    w.patchU32(12, static_cast<std::uint32_t>(payload));
}

std::span<const std::uint8_t> payloadOf(const FrameHeader& h, std::span<const std::uint8_t> frame) {
    if (frame.size() - kHeaderBytes != h.payloadLength)
        throw DecodeError(Fault::LengthMismatch, "header says " + std::to_string(h.payloadLength) + " payload bytes, " +
                                                     std::to_string(frame.size() - kHeaderBytes) + " follow");
    return frame.subspan(kHeaderBytes);
}

} // namespace

// ---- opcode names ---------------------------------------------------------------------------------
bool knownOp(std::uint16_t op) {
    for (auto o : kOps)
        if (static_cast<std::uint16_t>(o) == op) return true;
    return false;
}

std::string_view opName(Op op) {
    switch (op) {
#define LUNA_OP_NAME(n) case Op::n: return #n;
        LUNA_OP_NAME(Hello) LUNA_OP_NAME(GetSlotList) LUNA_OP_NAME(GetTokenInfo) LUNA_OP_NAME(GetMechanismList)
        LUNA_OP_NAME(GetMechanismInfo) LUNA_OP_NAME(InitToken) LUNA_OP_NAME(GetPolicies) LUNA_OP_NAME(OpenSession)
        LUNA_OP_NAME(CloseSession) LUNA_OP_NAME(CloseAllSessions) LUNA_OP_NAME(GetSessionInfo) LUNA_OP_NAME(Login)
        LUNA_OP_NAME(Logout) LUNA_OP_NAME(InitPin) LUNA_OP_NAME(SetPin) LUNA_OP_NAME(ResetPin) LUNA_OP_NAME(SetPolicy)
        LUNA_OP_NAME(CreateObject) LUNA_OP_NAME(CopyObject) LUNA_OP_NAME(DestroyObject) LUNA_OP_NAME(GetObjectSize)
        LUNA_OP_NAME(GetAttributeValue) LUNA_OP_NAME(SetAttributeValue) LUNA_OP_NAME(FindObjectsInit)
        LUNA_OP_NAME(FindObjects) LUNA_OP_NAME(FindObjectsFinal) LUNA_OP_NAME(GenerateKey) LUNA_OP_NAME(GenerateKeyPair)
        LUNA_OP_NAME(WrapKey) LUNA_OP_NAME(UnwrapKey) LUNA_OP_NAME(DeriveKey) LUNA_OP_NAME(GenerateRandom)
        LUNA_OP_NAME(SeedRandom) LUNA_OP_NAME(EncryptInit) LUNA_OP_NAME(Encrypt) LUNA_OP_NAME(EncryptUpdate)
        LUNA_OP_NAME(EncryptFinal) LUNA_OP_NAME(DecryptInit) LUNA_OP_NAME(Decrypt) LUNA_OP_NAME(DecryptUpdate)
        LUNA_OP_NAME(DecryptFinal) LUNA_OP_NAME(SignInit) LUNA_OP_NAME(Sign) LUNA_OP_NAME(SignUpdate)
        LUNA_OP_NAME(SignFinal) LUNA_OP_NAME(VerifyInit) LUNA_OP_NAME(Verify) LUNA_OP_NAME(VerifyUpdate)
        LUNA_OP_NAME(VerifyFinal) LUNA_OP_NAME(DigestInit) LUNA_OP_NAME(Digest) LUNA_OP_NAME(DigestUpdate)
        LUNA_OP_NAME(DigestFinal) LUNA_OP_NAME(DigestKey)
#undef LUNA_OP_NAME
    }
    return "unknown";
}

// ---- frames ---------------------------------------------------------------------------------------
FrameHeader decodeHeader(std::span<const std::uint8_t> header) {
    Reader r(header);
    if (header.size() < kHeaderBytes) throw DecodeError(Fault::Truncated, "frame shorter than its header");
    if (r.u16() != kFrameMagic) throw DecodeError(Fault::BadMagic, "not a data-plane frame");
    if (auto v = r.u8(); v != kVersion) throw DecodeError(Fault::BadVersion, "protocol version " + std::to_string(v));
    const auto flags = r.u8();
    if (flags > 1) throw DecodeError(Fault::BadKind, "unknown frame flags " + std::to_string(flags));
    FrameHeader h;
    h.response = flags == 1;
    h.requestId = r.u32();
    h.op = r.u16();
    if (r.u16() != 0) throw DecodeError(Fault::BadValue, "reserved header bits set");
    h.payloadLength = r.u32();
    if (h.payloadLength > kMaxPayload)
        throw DecodeError(Fault::TooLarge, "payload of " + std::to_string(h.payloadLength) + " bytes");
    return h;
}

Bytes encodeRequest(std::uint32_t requestId, const Request& request) {
    Bytes out;
    Writer w(out);
    std::visit(
        [&](const auto& req) {
            putHeader(w, false, requestId, req.op);
            put(w, req);
        },
        request);
    finishFrame(out, w);
    return out;
}

Request decodeRequestPayload(const FrameHeader& header, std::span<const std::uint8_t> payload) {
    if (header.response) throw DecodeError(Fault::BadKind, "a response where a request was expected");
    if (!knownOp(header.op)) throw DecodeError(Fault::UnknownOp, "unknown operation " + std::to_string(header.op));
    Reader r(payload);
    auto req = decodeAlternative(static_cast<Op>(header.op), r);
    r.finish();
    return req;
}

DecodedRequest decodeRequest(std::span<const std::uint8_t> frame) {
    auto h = decodeHeader(frame);
    return {h.requestId, decodeRequestPayload(h, payloadOf(h, frame))};
}

Bytes encodeResponse(std::uint32_t requestId, Op op, std::uint32_t rv, std::string_view detail,
                     const ResponseBody& body) {
    Bytes out;
    Writer w(out);
    putHeader(w, true, requestId, op);
    w.u32(rv);
    if (rv == 0) std::visit([&](const auto& b) { put(w, b); }, body);
    else w.str(detail.substr(0, kMaxString));
    finishFrame(out, w);
    return out;
}

DecodedResponse decodeResponse(std::span<const std::uint8_t> frame) {
    auto h = decodeHeader(frame);
    if (!h.response) throw DecodeError(Fault::BadKind, "a request where a response was expected");
    Reader r(payloadOf(h, frame));
    DecodedResponse d;
    d.requestId = h.requestId;
    d.op = static_cast<Op>(h.op);   // a refusal may answer an operation this side does not know
    d.rv = r.u32();
    if (d.rv == 0) d.body = decodeBody(d.op, r);
    else d.detail = r.str(kMaxString);
    r.finish();
    return d;
}

// ---- envelopes ------------------------------------------------------------------------------------
Envelope decodeEnvelope(std::span<const std::uint8_t> datagram) {
    if (datagram.size() > kMaxEnvelopeBytes) throw DecodeError(Fault::TooLarge, "datagram above the envelope limit");
    Reader r(datagram);
    if (r.u16() != kEnvelopeMagic) throw DecodeError(Fault::BadMagic, "not a data-plane envelope");
    if (auto v = r.u8(); v != kVersion) throw DecodeError(Fault::BadVersion, "envelope version " + std::to_string(v));
    const auto kind = r.u8();
    if (kind != 1 && kind != 2) throw DecodeError(Fault::BadKind, "unknown envelope kind " + std::to_string(kind));
    Envelope e;
    e.kind = static_cast<EnvelopeKind>(kind);
    e.link = r.u64();
    const std::size_t n = r.u8();
    if (n == 0) throw DecodeError(Fault::BadValue, "empty client name");
    auto name = r.raw(n);
    e.client.assign(name.begin(), name.end());
    if (e.kind == EnvelopeKind::LinkClosed) {
        r.finish();
        return e;
    }
    e.frame = r.raw(r.remaining());
    if (e.frame.size() < kHeaderBytes) throw DecodeError(Fault::Truncated, "envelope without a whole frame header");
    return e;
}

Bytes encodeEnvelope(EnvelopeKind kind, std::uint64_t link, std::string_view client, std::span<const std::uint8_t> frame) {
    if (client.empty() || client.size() > kMaxClientName)
        throw DecodeError(Fault::BadValue, "client name must be 1 to 255 bytes");
    Bytes out;
    out.reserve(14 + client.size() + frame.size());
    Writer w(out);
    w.u16(kEnvelopeMagic);
    w.u8(kVersion);
    w.u8(static_cast<std::uint8_t>(kind));
    w.u64(link);
    w.u8(static_cast<std::uint8_t>(client.size()));
    w.raw({reinterpret_cast<const std::uint8_t*>(client.data()), client.size()});
    w.raw(frame);
    return out;
}

} // namespace luna::proto
