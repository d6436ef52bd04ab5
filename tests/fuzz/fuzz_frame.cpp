// libFuzzer target for the data-plane decoder: whatever the bytes, decoding either throws
// DecodeError or yields a message that re-encodes to something that decodes to the same
// message. Anything else (a crash, another exception, a sanitizer report) is a finding.
#include "proto/codec.h"

#include <cstdlib>

using namespace luna::proto;

namespace {
void requestSide(std::span<const std::uint8_t> frame) {
    auto d = decodeRequest(frame);
    auto again = decodeRequest(encodeRequest(d.requestId, d.request));
    if (again.requestId != d.requestId || !(again.request == d.request)) std::abort();
}

void responseSide(std::span<const std::uint8_t> frame) {
    auto d = decodeResponse(frame);
    auto again = decodeResponse(encodeResponse(d.requestId, d.op, d.rv, d.detail, d.body));
    if (again.rv != d.rv || again.detail != d.detail || !(again.body == d.body)) std::abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> in(data, size);
    try {   // what hsmd decodes from its socket
        auto e = decodeEnvelope(in);
        if (e.kind == EnvelopeKind::Frame) requestSide(e.frame);
    } catch (const DecodeError&) {
    }
    try {   // what ntlsd or a test client hands over as a bare frame
        requestSide(in);
    } catch (const DecodeError&) {
    }
    try {   // what the PKCS#11 module decodes from hsmd's answers
        responseSide(in);
    } catch (const DecodeError&) {
    }
    return 0;
}
