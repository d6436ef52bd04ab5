// The module's side of a PKCS#11 session: which link and remote handle it lives on, and the
// state of its operations that the module keeps itself (docs/client.md, "PKCS#11 module"):
//
//  - C_*Init is not sent on its own: the mechanism and key ride along with the single-part
//    call (one round trip for C_SignInit + C_Sign), or go out before the first Update.
//  - The HSM always answers with the whole output. A length query (NULL buffer) or a buffer
//    that is too small keeps that answer here, and the next call of the same step returns it
//    without asking again, as PKCS#11's two-call convention expects.
#pragma once

#include "client/common/link.h"

#include <p11-kit/pkcs11.h>

#include <array>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace luna::p11 {

enum class Family : std::size_t { Encrypt, Decrypt, Sign, Verify, Digest };

struct Operation {
    enum class Step { None, Single, Update, Final };
    bool active = false;
    bool sent = false;              // the Init reached the HSM: a multi-part operation runs there
    proto::OpInit init;             // Digest: mechanism only
    std::optional<proto::Bytes> held;
    Step heldStep = Step::None;
    void reset() { *this = Operation{}; }
};

struct Session {
    std::mutex mu;                  // one call at a time per session, in the order they come
    CK_SLOT_ID slotId = 0;
    std::uint64_t serial = 0;       // the partition
    std::shared_ptr<client::Link> link;
    std::uint64_t remote = 0;       // hsmd's handle on that link
    CK_FLAGS flags = 0;
    std::array<Operation, 5> ops;

    Operation& op(Family f) { return ops[static_cast<std::size_t>(f)]; }

    // What the partition offers, fetched at the first C_*Init of the session: a mechanism it
    // does not offer (or not for this function) is refused by the Init itself, as
    // applications that probe mechanisms expect, although the Init rides with a later call.
    std::optional<std::vector<std::uint32_t>> mechanisms;
    std::map<std::uint32_t, std::uint32_t> mechanismFlags;

    bool finding = false;
    std::deque<std::uint64_t> found;
    bool findExhausted = false;

    // The last C_WrapKey answer kept for its length query, with what it wrapped.
    struct HeldWrap {
        std::uint32_t mechanism = 0;
        std::uint64_t wrappingKey = 0, key = 0;
        proto::Bytes data;
    };
    std::optional<HeldWrap> heldWrap;

    template <class Req>
    typename Req::Response call(const Req& request, std::chrono::milliseconds timeout = {}) {
        return link->ok(request, timeout);
    }
};

// PKCS#11 output convention: NULL buffer -> the length, CKR_OK, operation continues;
// too small -> the length, CKR_BUFFER_TOO_SMALL, operation continues; else the bytes, and
// the operation ends when `last`.
CK_RV deliver(Operation& op, Operation::Step step, proto::Bytes out, CK_BYTE_PTR buffer, CK_ULONG_PTR length, bool last);

} // namespace luna::p11
