// The data plane's commands as audit events (seed ch.1): which request is which event, and
// the wrapper DataPlane::dispatch runs every request through. Commands that go through the
// Hsm (login, logout, init token/PIN, policies, token objects) are logged there already and
// have no event here. When the Auditor has not enabled a request's category the wrapper costs
// one relaxed atomic load; otherwise the request is admitted (CKR_LOG_FULL), run, and its
// outcome recorded. First usage: the first Init (or single-part call carrying its init) with
// a key since the HSM started.
#pragma once

#include "hsm/audit_events.h"
#include "hsm/hsm.h"
#include "proto/messages.h"

#include <optional>
#include <type_traits>

namespace luna::hsm {

template <class Req>
constexpr std::optional<AuditEvent> dpAuditEvent() {
    using E = AuditEvent;
    using namespace proto;
    if constexpr (std::is_same_v<Req, OpenSessionReq>) return E::OpenSession;
    else if constexpr (std::is_same_v<Req, CloseSessionReq>) return E::CloseSession;
    else if constexpr (std::is_same_v<Req, CloseAllSessionsReq>) return E::CloseAllSessions;
    else if constexpr (std::is_same_v<Req, GenerateKeyReq>) return E::GenerateKey;
    else if constexpr (std::is_same_v<Req, GenerateKeyPairReq>) return E::GenerateKeyPair;
    else if constexpr (std::is_same_v<Req, WrapKeyReq>) return E::WrapKey;
    else if constexpr (std::is_same_v<Req, UnwrapKeyReq>) return E::UnwrapKey;
    else if constexpr (std::is_same_v<Req, DeriveKeyReq>) return E::DeriveKey;
    else if constexpr (std::is_same_v<Req, GenerateRandomReq>) return E::GetRandom;
    else if constexpr (std::is_same_v<Req, SeedRandomReq>) return E::SeedRandom;
    else if constexpr (std::is_same_v<Req, SignInitReq>) return E::SignInit;
    else if constexpr (std::is_same_v<Req, SignReq>) return E::SignSinglepart;
    else if constexpr (std::is_same_v<Req, SignUpdateReq>) return E::Sign;
    else if constexpr (std::is_same_v<Req, SignFinalReq>) return E::SignEnd;
    else if constexpr (std::is_same_v<Req, VerifyInitReq>) return E::VerifyInit;
    else if constexpr (std::is_same_v<Req, VerifyReq>) return E::VerifySinglepart;
    else if constexpr (std::is_same_v<Req, VerifyUpdateReq>) return E::Verify;
    else if constexpr (std::is_same_v<Req, VerifyFinalReq>) return E::VerifyEnd;
    else if constexpr (std::is_same_v<Req, EncryptInitReq>) return E::EncryptInit;
    else if constexpr (std::is_same_v<Req, EncryptReq>) return E::EncryptSinglepart;
    else if constexpr (std::is_same_v<Req, EncryptUpdateReq>) return E::Encrypt;
    else if constexpr (std::is_same_v<Req, EncryptFinalReq>) return E::EncryptEnd;
    else if constexpr (std::is_same_v<Req, DecryptInitReq>) return E::DecryptInit;
    else if constexpr (std::is_same_v<Req, DecryptReq>) return E::DecryptSinglepart;
    else if constexpr (std::is_same_v<Req, DecryptUpdateReq>) return E::Decrypt;
    else if constexpr (std::is_same_v<Req, DecryptFinalReq>) return E::DecryptEnd;
    else if constexpr (std::is_same_v<Req, DigestInitReq>) return E::DigestInit;
    else if constexpr (std::is_same_v<Req, DigestReq>) return E::Digest;
    else if constexpr (std::is_same_v<Req, DigestUpdateReq>) return E::Digest;
    else if constexpr (std::is_same_v<Req, DigestKeyReq>) return E::DigestKey;
    else if constexpr (std::is_same_v<Req, DigestFinalReq>) return E::DigestEnd;
    else return std::nullopt;
}

// The key a usage request starts an operation with, if it starts one.
template <class Req>
std::optional<std::uint64_t> dpAuditKey(const Req& req) {
    if constexpr (requires { req.key; } && requires { req.mechanism; }) return req.key;   // XxxInit
    else if constexpr (requires { req.init->key; }) return req.init ? std::optional(req.init->key) : std::nullopt;
    else return std::nullopt;
}

template <class Req, class Fn>
auto dpAudited(Hsm& hsm, const SessionId& sid, const Req& req, Fn&& run) -> decltype(run()) {
    constexpr auto event = dpAuditEvent<Req>();
    if constexpr (!event) {
        return run();
    } else {
        if (!hsm.auditMayLog(*event)) return run();
        hsm.auditAdmit(*event);
        const auto key = dpAuditKey(req);
        const bool first = key && hsm.auditFirstUse(*key);
        const std::string detail = key ? "key handle " + std::to_string(*key) : std::string();
        try {
            auto out = run();
            hsm.auditRecord(sid, *event, 0, detail, first);
            return out;
        } catch (const Error& e) {
            hsm.auditRecord(sid, *event, e.code(), detail, first);
            throw;
        }
    }
}

} // namespace luna::hsm
