// Encrypt, decrypt, sign, verify and digest (Context, part 3). session.h says how the module
// keeps an operation's Init and its held output.
#include "context.h"

#include "convert.h"

#include "luna/errors.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace luna::p11 {

namespace {

using Step = Operation::Step;

std::span<const std::uint8_t> input(CK_BYTE_PTR p, CK_ULONG len) {
    if (len && !p) throw Error(CKR_ARGUMENTS_BAD, "The input buffer is NULL");
    return {p, static_cast<std::size_t>(len)};
}

proto::Bytes bytes(std::span<const std::uint8_t> s) { return proto::Bytes(s.begin(), s.end()); }

Operation& active(Session& s, Family f) {
    auto& op = s.op(f);
    if (!op.active) throw Error(CKR_OPERATION_NOT_INITIALIZED, "The operation was not initialized");
    return op;
}

// Runs `body`; a failure ends the operation, as PKCS#11 says every error but a short buffer does.
template <class F>
auto ending(Operation& op, F&& body) {
    try {
        return body();
    } catch (...) {
        op.reset();
        throw;
    }
}

std::optional<proto::Bytes> takeHeld(Operation& op, Step step) {
    if (op.held && op.heldStep == step) return std::exchange(op.held, std::nullopt);
    op.held.reset();
    return std::nullopt;
}

} // namespace

CK_RV deliver(Operation& op, Step step, proto::Bytes out, CK_BYTE_PTR buffer, CK_ULONG_PTR length, bool last) {
    if (!length) {
        op.reset();
        throw Error(CKR_ARGUMENTS_BAD, "The output length pointer is NULL");
    }
    if (!buffer || *length < out.size()) {
        const CK_RV rv = buffer ? CKR_BUFFER_TOO_SMALL : CKR_OK;
        *length = out.size();
        op.held = std::move(out);
        op.heldStep = step;
        return rv;
    }
    if (!out.empty()) std::memcpy(buffer, out.data(), out.size());
    *length = out.size();
    op.held.reset();
    if (last) op.reset();
    return CKR_OK;
}

namespace {
constexpr std::uint32_t kFunctionFlag[] = {CKF_ENCRYPT, CKF_DECRYPT, CKF_SIGN, CKF_VERIFY, CKF_DIGEST};
}

void Context::checkMechanism(Session& s, Family f, std::uint32_t type) {
    if (!s.mechanisms) s.mechanisms = s.call(proto::GetMechanismListReq{s.serial}).mechanisms;
    if (std::find(s.mechanisms->begin(), s.mechanisms->end(), type) == s.mechanisms->end())
        throw Error(CKR_MECHANISM_INVALID, "The partition does not offer this mechanism");
    auto it = s.mechanismFlags.find(type);
    if (it == s.mechanismFlags.end())
        it = s.mechanismFlags.emplace(type, s.call(proto::GetMechanismInfoReq{s.serial, type}).flags).first;
    if (!(it->second & kFunctionFlag[static_cast<std::size_t>(f)]))
        throw Error(CKR_MECHANISM_INVALID, "The mechanism does not offer this function");
}

CK_RV Context::cryptInit(Family f, CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key) {
    auto mech = toWire(m);
    auto s = session(h);
    auto& op = s->op(f);
    if (op.active) throw Error(CKR_OPERATION_ACTIVE, "Another operation of this kind is active on the session");
    checkMechanism(*s, f, mech.type);
    op.reset();
    op.active = true;
    op.init = proto::OpInit{std::move(mech), key};
    return CKR_OK;
}

CK_RV Context::digestInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m) { return cryptInit(Family::Digest, h, m, 0); }

// The Init of a multi-part operation, before its first Update.
void Context::sendInit(Session& s, Family f) {
    auto& op = s.op(f);
    if (op.sent) return;
    const auto& i = op.init;
    switch (f) {
    case Family::Encrypt: s.call(proto::EncryptInitReq{s.remote, i.mechanism, i.key}); break;
    case Family::Decrypt: s.call(proto::DecryptInitReq{s.remote, i.mechanism, i.key}); break;
    case Family::Sign: s.call(proto::SignInitReq{s.remote, i.mechanism, i.key}); break;
    case Family::Verify: s.call(proto::VerifyInitReq{s.remote, i.mechanism, i.key}); break;
    case Family::Digest: s.call(proto::DigestInitReq{s.remote, i.mechanism}); break;
    }
    op.sent = true;
}

// Init + Update per 64 KiB + Final, for single-part input longer than one frame may carry.
proto::Bytes Context::runChunked(Session& s, Family f, std::span<const std::uint8_t> data) {
    sendInit(s, f);
    proto::Bytes out;
    auto append = [&](const proto::Bytes& b) { out.insert(out.end(), b.begin(), b.end()); };
    for (std::size_t off = 0; off < data.size(); off += proto::kMaxData) {
        auto chunk = bytes(data.subspan(off, std::min(proto::kMaxData, data.size() - off)));
        switch (f) {
        case Family::Encrypt: append(s.call(proto::EncryptUpdateReq{s.remote, std::move(chunk)}).data); break;
        case Family::Decrypt: append(s.call(proto::DecryptUpdateReq{s.remote, std::move(chunk)}).data); break;
        case Family::Sign: s.call(proto::SignUpdateReq{s.remote, std::move(chunk)}); break;
        case Family::Verify: s.call(proto::VerifyUpdateReq{s.remote, std::move(chunk)}); break;
        case Family::Digest: s.call(proto::DigestUpdateReq{s.remote, std::move(chunk)}); break;
        }
    }
    switch (f) {
    case Family::Encrypt: append(s.call(proto::EncryptFinalReq{s.remote}).data); break;
    case Family::Decrypt: append(s.call(proto::DecryptFinalReq{s.remote}).data); break;
    case Family::Sign: append(s.call(proto::SignFinalReq{s.remote}).data); break;
    case Family::Digest: append(s.call(proto::DigestFinalReq{s.remote}).data); break;
    case Family::Verify: break;   // the caller sends VerifyFinal with the signature
    }
    return out;
}

// ---- single-part -----------------------------------------------------------------------------------

CK_RV Context::encrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR out, CK_ULONG_PTR outLen) {
    auto s = session(h);
    auto& op = active(*s, Family::Encrypt);
    auto result = takeHeld(op, Step::Single);
    if (!result) {
        result = ending(op, [&] {
            auto data = input(in, inLen);
            if (data.size() > proto::kMaxData || op.sent) return runChunked(*s, Family::Encrypt, data);
            return s->call(proto::EncryptReq{s->remote, bytes(data), op.init}).data;
        });
    }
    return deliver(op, Step::Single, std::move(*result), out, outLen, true);
}

CK_RV Context::decrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR out, CK_ULONG_PTR outLen) {
    auto s = session(h);
    auto& op = active(*s, Family::Decrypt);
    auto result = takeHeld(op, Step::Single);
    if (!result) {
        result = ending(op, [&] {
            auto data = input(in, inLen);
            if (data.size() > proto::kMaxData || op.sent) return runChunked(*s, Family::Decrypt, data);
            return s->call(proto::DecryptReq{s->remote, bytes(data), op.init}).data;
        });
    }
    return deliver(op, Step::Single, std::move(*result), out, outLen, true);
}

CK_RV Context::sign(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR sig, CK_ULONG_PTR sigLen) {
    auto s = session(h);
    auto& op = active(*s, Family::Sign);
    auto result = takeHeld(op, Step::Single);
    if (!result) {
        result = ending(op, [&] {
            auto data = input(in, inLen);
            if (data.size() > proto::kMaxData || op.sent) return runChunked(*s, Family::Sign, data);
            return s->call(proto::SignReq{s->remote, bytes(data), op.init}).data;
        });
    }
    return deliver(op, Step::Single, std::move(*result), sig, sigLen, true);
}

CK_RV Context::verify(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR sig, CK_ULONG sigLen) {
    auto s = session(h);
    auto& op = active(*s, Family::Verify);
    ending(op, [&] {
        auto data = input(in, inLen);
        auto signature = bytes(input(sig, sigLen));
        if (data.size() > proto::kMaxData || op.sent) {
            runChunked(*s, Family::Verify, data);
            s->call(proto::VerifyFinalReq{s->remote, std::move(signature)});
        } else {
            s->call(proto::VerifyReq{s->remote, bytes(data), std::move(signature), op.init});
        }
        return 0;
    });
    op.reset();
    return CKR_OK;
}

CK_RV Context::digest(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR out, CK_ULONG_PTR outLen) {
    auto s = session(h);
    auto& op = active(*s, Family::Digest);
    auto result = takeHeld(op, Step::Single);
    if (!result) {
        result = ending(op, [&] {
            auto data = input(in, inLen);
            if (data.size() > proto::kMaxData || op.sent) return runChunked(*s, Family::Digest, data);
            return s->call(proto::DigestReq{s->remote, bytes(data), op.init.mechanism}).data;
        });
    }
    return deliver(op, Step::Single, std::move(*result), out, outLen, true);
}

// ---- multi-part ------------------------------------------------------------------------------------

CK_RV Context::encryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR out, CK_ULONG_PTR outLen) {
    auto s = session(h);
    auto& op = active(*s, Family::Encrypt);
    auto result = takeHeld(op, Step::Update);
    if (!result) {
        result = ending(op, [&] {
            sendInit(*s, Family::Encrypt);
            auto data = input(in, inLen);
            proto::Bytes all;
            for (std::size_t off = 0; off < data.size() || off == 0; off += proto::kMaxData) {
                auto part = s->call(proto::EncryptUpdateReq{s->remote, bytes(data.subspan(off, std::min(proto::kMaxData, data.size() - off)))}).data;
                all.insert(all.end(), part.begin(), part.end());
                if (data.empty()) break;
            }
            return all;
        });
    }
    return deliver(op, Step::Update, std::move(*result), out, outLen, false);
}

CK_RV Context::decryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen, CK_BYTE_PTR out, CK_ULONG_PTR outLen) {
    auto s = session(h);
    auto& op = active(*s, Family::Decrypt);
    auto result = takeHeld(op, Step::Update);
    if (!result) {
        result = ending(op, [&] {
            sendInit(*s, Family::Decrypt);
            auto data = input(in, inLen);
            proto::Bytes all;
            for (std::size_t off = 0; off < data.size() || off == 0; off += proto::kMaxData) {
                auto part = s->call(proto::DecryptUpdateReq{s->remote, bytes(data.subspan(off, std::min(proto::kMaxData, data.size() - off)))}).data;
                all.insert(all.end(), part.begin(), part.end());
                if (data.empty()) break;
            }
            return all;
        });
    }
    return deliver(op, Step::Update, std::move(*result), out, outLen, false);
}

CK_RV Context::encryptFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR outLen) {
    auto s = session(h);
    auto& op = active(*s, Family::Encrypt);
    auto result = takeHeld(op, Step::Final);
    if (!result) result = ending(op, [&] {
        sendInit(*s, Family::Encrypt);
        return s->call(proto::EncryptFinalReq{s->remote}).data;
    });
    return deliver(op, Step::Final, std::move(*result), out, outLen, true);
}

CK_RV Context::decryptFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR outLen) {
    auto s = session(h);
    auto& op = active(*s, Family::Decrypt);
    auto result = takeHeld(op, Step::Final);
    if (!result) result = ending(op, [&] {
        sendInit(*s, Family::Decrypt);
        return s->call(proto::DecryptFinalReq{s->remote}).data;
    });
    return deliver(op, Step::Final, std::move(*result), out, outLen, true);
}

CK_RV Context::signUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen) {
    auto s = session(h);
    auto& op = active(*s, Family::Sign);
    ending(op, [&] {
        sendInit(*s, Family::Sign);
        auto data = input(in, inLen);
        for (std::size_t off = 0; off < data.size(); off += proto::kMaxData)
            s->call(proto::SignUpdateReq{s->remote, bytes(data.subspan(off, std::min(proto::kMaxData, data.size() - off)))});
        return 0;
    });
    return CKR_OK;
}

CK_RV Context::signFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG_PTR sigLen) {
    auto s = session(h);
    auto& op = active(*s, Family::Sign);
    auto result = takeHeld(op, Step::Final);
    if (!result) result = ending(op, [&] {
        sendInit(*s, Family::Sign);
        return s->call(proto::SignFinalReq{s->remote}).data;
    });
    return deliver(op, Step::Final, std::move(*result), sig, sigLen, true);
}

CK_RV Context::verifyUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen) {
    auto s = session(h);
    auto& op = active(*s, Family::Verify);
    ending(op, [&] {
        sendInit(*s, Family::Verify);
        auto data = input(in, inLen);
        for (std::size_t off = 0; off < data.size(); off += proto::kMaxData)
            s->call(proto::VerifyUpdateReq{s->remote, bytes(data.subspan(off, std::min(proto::kMaxData, data.size() - off)))});
        return 0;
    });
    return CKR_OK;
}

CK_RV Context::verifyFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG sigLen) {
    auto s = session(h);
    auto& op = active(*s, Family::Verify);
    ending(op, [&] {
        sendInit(*s, Family::Verify);
        s->call(proto::VerifyFinalReq{s->remote, bytes(input(sig, sigLen))});
        return 0;
    });
    op.reset();
    return CKR_OK;
}

CK_RV Context::digestUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG inLen) {
    auto s = session(h);
    auto& op = active(*s, Family::Digest);
    ending(op, [&] {
        sendInit(*s, Family::Digest);
        auto data = input(in, inLen);
        for (std::size_t off = 0; off < data.size(); off += proto::kMaxData)
            s->call(proto::DigestUpdateReq{s->remote, bytes(data.subspan(off, std::min(proto::kMaxData, data.size() - off)))});
        return 0;
    });
    return CKR_OK;
}

CK_RV Context::digestKey(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE key) {
    auto s = session(h);
    auto& op = active(*s, Family::Digest);
    ending(op, [&] {
        sendInit(*s, Family::Digest);
        s->call(proto::DigestKeyReq{s->remote, key});
        return 0;
    });
    return CKR_OK;
}

CK_RV Context::digestFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR outLen) {
    auto s = session(h);
    auto& op = active(*s, Family::Digest);
    auto result = takeHeld(op, Step::Final);
    if (!result) result = ending(op, [&] {
        sendInit(*s, Family::Digest);
        return s->call(proto::DigestFinalReq{s->remote}).data;
    });
    return deliver(op, Step::Final, std::move(*result), out, outLen, true);
}

} // namespace luna::p11
