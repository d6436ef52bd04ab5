// The data-plane codec: every message round-trips, and every class of malformed frame is
// refused with its Fault (never a crash, never an allocation sized by the peer).
#define BOOST_TEST_MODULE proto
#include <boost/test/unit_test.hpp>

#include "proto/attribute_kinds.h"
#include "proto/codec.h"

#include <p11-kit/pkcs11.h>

#include <type_traits>

using namespace luna::proto;

namespace {

template <class T> struct IsVec : std::false_type {};
template <class T> struct IsVec<std::vector<T>> : std::true_type {};
template <class T> struct IsOpt : std::false_type {};
template <class T> struct IsOpt<std::optional<T>> : std::true_type {};
template <class T> struct IsVar : std::false_type {};
template <class... T> struct IsVar<std::variant<T...>> : std::true_type {};

// Fills every field with a value other than its default, so a field the codec dropped or
// reordered shows up as a difference after the round trip.
template <class T>
void fill(T& v, int& seed) {
    ++seed;
    if constexpr (std::is_same_v<T, bool>) v = true;
    else if constexpr (std::is_integral_v<T>) v = static_cast<T>(seed * 7919 + 3);
    else if constexpr (std::is_same_v<T, Bytes>) v = Bytes(static_cast<std::size_t>(seed % 13 + 1), static_cast<std::uint8_t>(seed));
    else if constexpr (std::is_same_v<T, std::string>) v = "s" + std::to_string(seed);
    else if constexpr (IsVec<T>::value) {
        v.resize(2);
        for (auto& e : v) fill(e, seed);
    } else if constexpr (IsOpt<T>::value) fill(v.emplace(), seed);
    else if constexpr (IsVar<T>::value) {
        std::variant_alternative_t<std::variant_size_v<T> - 1, T> last;   // a non-default alternative
        fill(last, seed);
        v = last;
    } else std::apply([&](auto&... f) { (fill(f, seed), ...); }, v.fields());
}

template <std::size_t I = 0>
void roundTripAll() {
    if constexpr (I < std::variant_size_v<Request>) {
        using Req = std::variant_alternative_t<I, Request>;
        int seed = static_cast<int>(I);
        Req req;
        fill(req, seed);
        const auto frame = encodeRequest(1000 + I, req);
        auto back = decodeRequest(frame);
        BOOST_TEST(back.requestId == 1000 + I);
        BOOST_TEST_REQUIRE(std::holds_alternative<Req>(back.request), opName(Req::op));
        BOOST_TEST((std::get<Req>(back.request) == req), opName(Req::op));

        typename Req::Response resp;
        fill(resp, seed);
        const auto rframe = encodeResponse(2000 + I, Req::op, 0, "", resp);
        auto rback = decodeResponse(rframe);
        BOOST_TEST(rback.requestId == 2000 + I);
        BOOST_TEST(rback.rv == 0u);
        BOOST_TEST_REQUIRE(std::holds_alternative<typename Req::Response>(rback.body), opName(Req::op));
        BOOST_TEST((std::get<typename Req::Response>(rback.body) == resp), opName(Req::op));
        roundTripAll<I + 1>();
    }
}

Fault faultOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const DecodeError& e) {
        return e.fault();
    }
    BOOST_FAIL("decoding succeeded");
    return Fault::BadValue;
}

Bytes signFrame() {
    SignReq r;
    r.session = 7;
    r.data = Bytes{1, 2, 3, 4};
    r.init = OpInit{Mechanism{CKM_SHA256_RSA_PKCS_PSS, PssParams{CKM_SHA256, CKG_MGF1_SHA256, 32}}, 99};
    return encodeRequest(5, r);
}

void setU32(Bytes& b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

} // namespace

BOOST_AUTO_TEST_SUITE(round_trips)

BOOST_AUTO_TEST_CASE(every_request_and_response) { roundTripAll(); }

BOOST_AUTO_TEST_CASE(error_responses_carry_the_detail_not_the_body) {
    auto frame = encodeResponse(9, Op::Login, 0xA0, "Incorrect password: 9 attempt(s) left", HandleResp{42});
    auto d = decodeResponse(frame);
    BOOST_TEST(d.rv == 0xA0u);
    BOOST_TEST(d.detail == "Incorrect password: 9 attempt(s) left");
    BOOST_TEST(std::holds_alternative<Empty>(d.body));
}

BOOST_AUTO_TEST_CASE(envelope_round_trip) {
    auto frame = signFrame();
    auto env = encodeEnvelope(EnvelopeKind::Frame, 0x1122334455667788ULL, "client-a", frame);
    auto e = decodeEnvelope(env);
    BOOST_TEST(e.link == 0x1122334455667788ULL);
    BOOST_TEST(e.client == "client-a");
    BOOST_TEST((Bytes(e.frame.begin(), e.frame.end()) == frame));
    auto closed = decodeEnvelope(encodeEnvelope(EnvelopeKind::LinkClosed, 3, "c"));
    BOOST_TEST((closed.kind == EnvelopeKind::LinkClosed));
    BOOST_TEST(closed.frame.empty());
}

BOOST_AUTO_TEST_CASE(attribute_values_have_one_canonical_form) {
    BOOST_TEST((encodeUlong(0x0102) == Bytes{0, 0, 0, 0, 0, 0, 1, 2}));
    BOOST_TEST(*decodeUlong(encodeUlong(CKO_SECRET_KEY)) == CKO_SECRET_KEY);
    BOOST_TEST(wellFormed(CKA_SENSITIVE, encodeBool(true)));
    BOOST_TEST(!wellFormed(CKA_SENSITIVE, Bytes{2}));
    BOOST_TEST(!wellFormed(CKA_CLASS, Bytes{0, 0, 0, 4}));   // a 4-byte CK_ULONG is not canonical
    BOOST_TEST(wellFormed(CKA_ALLOWED_MECHANISMS, encodeUlong(CKM_AES_GCM)));
    BOOST_TEST(!wellFormed(CKA_WRAP_TEMPLATE, Bytes{}));
    BOOST_TEST(wellFormed(CKA_START_DATE, Bytes{'2', '0', '2', '6', '0', '1', '0', '1'}));
    BOOST_TEST(!wellFormed(CKA_START_DATE, Bytes{'x'}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(malformed)

BOOST_AUTO_TEST_CASE(every_truncation_is_refused) {
    const auto frame = signFrame();
    for (std::size_t n = 0; n < frame.size(); ++n) {
        std::span<const std::uint8_t> cut(frame.data(), n);
        try {
            decodeRequest(cut);
            BOOST_ERROR("a frame cut to " << n << " bytes decoded");
        } catch (const DecodeError& e) {
            BOOST_TEST((e.fault() == Fault::Truncated || e.fault() == Fault::LengthMismatch), n);
        }
    }
}

BOOST_AUTO_TEST_CASE(truncated_payload_with_consistent_header) {
    auto frame = signFrame();
    frame.resize(frame.size() - 3);
    setU32(frame, 12, static_cast<std::uint32_t>(frame.size() - kHeaderBytes));
    BOOST_TEST((faultOf([&] { decodeRequest(frame); }) == Fault::Truncated));
}

BOOST_AUTO_TEST_CASE(bad_magic_version_flags_reserved) {
    auto f = signFrame();
    f[0] ^= 0xFF;
    BOOST_TEST((faultOf([&] { decodeRequest(f); }) == Fault::BadMagic));
    f = signFrame();
    f[2] = 2;
    BOOST_TEST((faultOf([&] { decodeRequest(f); }) == Fault::BadVersion));
    f = signFrame();
    f[3] = 1;   // a response flag on a request
    BOOST_TEST((faultOf([&] { decodeRequest(f); }) == Fault::BadKind));
    f[3] = 0x80;
    BOOST_TEST((faultOf([&] { decodeRequest(f); }) == Fault::BadKind));
    f = signFrame();
    f[11] = 1;
    BOOST_TEST((faultOf([&] { decodeRequest(f); }) == Fault::BadValue));
    // a request where a response is expected
    BOOST_TEST((faultOf([&] { decodeResponse(signFrame()); }) == Fault::BadKind));
}

BOOST_AUTO_TEST_CASE(length_mismatch_and_trailing_bytes) {
    auto f = signFrame();
    f.push_back(0);
    BOOST_TEST((faultOf([&] { decodeRequest(f); }) == Fault::LengthMismatch));
    setU32(f, 12, static_cast<std::uint32_t>(f.size() - kHeaderBytes));
    BOOST_TEST((faultOf([&] { decodeRequest(f); }) == Fault::TrailingBytes));
}

BOOST_AUTO_TEST_CASE(oversized_lengths_and_counts) {
    auto f = signFrame();
    setU32(f, 12, static_cast<std::uint32_t>(kMaxPayload + 1));
    BOOST_TEST((faultOf([&] { decodeRequest(f); }) == Fault::TooLarge));

    // A template that claims four billion attributes in a few bytes.
    FindObjectsInitReq find;
    find.session = 1;
    find.attributes = {Attribute{CKA_CLASS, encodeUlong(CKO_SECRET_KEY)}};
    auto ff = encodeRequest(1, find);
    setU32(ff, kHeaderBytes + 8, 0xFFFFFFFF);
    BOOST_TEST((faultOf([&] { decodeRequest(ff); }) == Fault::TooLarge));
    setU32(ff, kHeaderBytes + 8, static_cast<std::uint32_t>(kMaxAttributes));   // allowed count, bytes missing
    BOOST_TEST((faultOf([&] { decodeRequest(ff); }) == Fault::Truncated));

    // A byte string whose length runs past the frame.
    auto sf = signFrame();
    setU32(sf, kHeaderBytes + 8, 0x7FFFFFFF);
    BOOST_TEST((faultOf([&] { decodeRequest(sf); }) == Fault::TooLarge));
    setU32(sf, kHeaderBytes + 8, 1000);
    BOOST_TEST((faultOf([&] { decodeRequest(sf); }) == Fault::Truncated));

    // Encoding refuses what decoding would refuse.
    SignReq big;
    big.data = Bytes(kMaxPayload, 1);
    BOOST_TEST((faultOf([&] { encodeRequest(1, big); }) == Fault::TooLarge));
}

BOOST_AUTO_TEST_CASE(unknown_operation) {
    auto f = signFrame();
    f[8] = 0x7F;
    f[9] = 0x7F;
    BOOST_TEST((faultOf([&] { decodeRequest(f); }) == Fault::UnknownOp));
    BOOST_TEST(!knownOp(0x7F7F));
    BOOST_TEST(knownOp(static_cast<std::uint16_t>(Op::Sign)));
    // A server refuses an operation it does not know by request id; the client can read that.
    auto refusal = decodeResponse(encodeResponse(3, static_cast<Op>(0x7F7F), CKR_FUNCTION_NOT_SUPPORTED, "unknown", Empty{}));
    BOOST_TEST(refusal.rv == CKR_FUNCTION_NOT_SUPPORTED);
    BOOST_TEST(static_cast<unsigned>(refusal.op) == 0x7F7Fu);
    // ...but a success for an unknown operation has no body it could decode.
    BOOST_TEST((faultOf([&] { decodeResponse(encodeResponse(3, static_cast<Op>(0x7F7F), 0, "", Empty{})); }) == Fault::UnknownOp));
}

BOOST_AUTO_TEST_CASE(bad_values) {
    // optional presence byte of 2
    SignReq r;
    r.session = 1;
    auto f = encodeRequest(1, r);
    f.back() = 2;
    BOOST_TEST((faultOf([&] { decodeRequest(f); }) == Fault::BadValue));
    // unknown mechanism-parameter tag
    EncryptInitReq e;
    e.mechanism = Mechanism{CKM_AES_CBC, IvParams{Bytes(16, 0)}};
    auto ef = encodeRequest(1, e);
    ef[kHeaderBytes + 8 + 4] = 200;
    BOOST_TEST((faultOf([&] { decodeRequest(ef); }) == Fault::BadValue));
}

BOOST_AUTO_TEST_CASE(bad_envelopes) {
    auto frame = signFrame();
    auto env = encodeEnvelope(EnvelopeKind::Frame, 1, "c", frame);
    auto e = env;
    e[0] = 0;
    BOOST_TEST((faultOf([&] { decodeEnvelope(e); }) == Fault::BadMagic));
    e = env;
    e[2] = 9;
    BOOST_TEST((faultOf([&] { decodeEnvelope(e); }) == Fault::BadVersion));
    e = env;
    e[3] = 3;
    BOOST_TEST((faultOf([&] { decodeEnvelope(e); }) == Fault::BadKind));
    e = env;
    e[12] = 0;   // empty client name
    BOOST_TEST((faultOf([&] { decodeEnvelope(e); }) == Fault::BadValue));
    e = env;
    e[12] = 200;   // name runs past the datagram
    e.resize(100);
    BOOST_TEST((faultOf([&] { decodeEnvelope(e); }) == Fault::Truncated));
    auto closed = encodeEnvelope(EnvelopeKind::LinkClosed, 1, "c");
    closed.push_back(0);
    BOOST_TEST((faultOf([&] { decodeEnvelope(closed); }) == Fault::TrailingBytes));
    Bytes huge(kMaxEnvelopeBytes + 1, 0);
    BOOST_TEST((faultOf([&] { decodeEnvelope(huge); }) == Fault::TooLarge));
    for (std::size_t n = 0; n < 14 + kHeaderBytes; ++n)
        BOOST_CHECK_THROW(decodeEnvelope(std::span<const std::uint8_t>(env.data(), n)), DecodeError);
}

BOOST_AUTO_TEST_SUITE_END()
