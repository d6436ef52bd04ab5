#include "hsm/mech_evp.h"

#include "luna/errors.h"

#include <openssl/err.h>

namespace luna::hsm {

namespace {
class EvpSigner final : public SignOp {
public:
    EvpSigner(ObjectPtr key, const EVP_MD* md, bool sign, SignatureShape shape)
        : key_(std::move(key)), md_(md), sign_(sign), shape_(std::move(shape)) {
        if (md_) {
            mctx_ = shape_.prepared ? key_->preparedMdCtx(preparedId(), [this] { return newDigestCtx(); }) : newDigestCtx();
            if (sign_ && shape_.confirm) {
                hashCtx_.reset(EVP_MD_CTX_new());
                if (!hashCtx_ || EVP_DigestInit_ex(hashCtx_.get(), md_, nullptr) != 1) throwOpenSsl("digest init");
            }
        }
    }

    void update(std::span<const std::uint8_t> in) override {
        if (!md_) {
            if (buffer_.size() + in.size() > proto::kMaxData) throw Error(CKR_DATA_LEN_RANGE, "Too much data for a single-part mechanism");
            buffer_.insert(buffer_.end(), in.begin(), in.end());
            return;
        }
        const int ok = sign_ ? EVP_DigestSignUpdate(mctx_.get(), in.data(), in.size())
                             : EVP_DigestVerifyUpdate(mctx_.get(), in.data(), in.size());
        if (ok != 1) throwOpenSsl("signature update");
        if (hashCtx_ && EVP_DigestUpdate(hashCtx_.get(), in.data(), in.size()) != 1) throwOpenSsl("digest update");
    }

    SecureBytes sign() override {
        SecureBytes sig;
        std::size_t len = 0;
        if (md_) {
            if (EVP_DigestSignFinal(mctx_.get(), nullptr, &len) != 1) throwOpenSsl("sign");
            sig.resize(len);
            if (EVP_DigestSignFinal(mctx_.get(), sig.data(), &len) != 1) throwOpenSsl("sign");
        } else {
            if (shape_.checkInput) shape_.checkInput(buffer_);
            PkeyCtxPtr ctx = rawCtx();
            if (EVP_PKEY_sign(ctx.get(), nullptr, &len, buffer_.data(), buffer_.size()) != 1) throwOpenSsl("sign");
            sig.resize(len);
            if (EVP_PKEY_sign(ctx.get(), sig.data(), &len, buffer_.data(), buffer_.size()) != 1)
                throwOpenSsl("sign", CKR_DATA_INVALID);
        }
        sig.resize(len);
        if (shape_.confirm) confirm(sig);
        return shape_.fromEvp ? shape_.fromEvp(std::move(sig)) : sig;
    }

    bool verify(std::span<const std::uint8_t> signature) override {
        SecureBytes converted;
        if (shape_.toEvp) {
            converted = shape_.toEvp(signature);
            signature = converted;
        }
        int ok = 0;
        if (md_) {
            ok = EVP_DigestVerifyFinal(mctx_.get(), signature.data(), signature.size());
        } else {
            if (shape_.checkInput) shape_.checkInput(buffer_);
            PkeyCtxPtr ctx = rawCtx();
            ok = EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), buffer_.data(), buffer_.size());
        }
        ERR_clear_error();
        return ok == 1;
    }

private:
    // Which prepared context of the key this is: mechanism, hash-and-sign or raw, sign or verify.
    std::uint64_t preparedId() const { return (*shape_.prepared << 2) | (md_ ? 2u : 0u) | (sign_ ? 1u : 0u); }

    MdCtxPtr newDigestCtx() const {
        MdCtxPtr c(EVP_MD_CTX_new());
        EVP_PKEY_CTX* pctx = nullptr;
        const int ok = !c ? 0
                       : sign_ ? EVP_DigestSignInit(c.get(), &pctx, md_, nullptr, key_->pkey())
                               : EVP_DigestVerifyInit(c.get(), &pctx, md_, nullptr, key_->pkey());
        if (ok != 1) throwOpenSsl("signature init", CKR_KEY_TYPE_INCONSISTENT);
        if (shape_.configure) shape_.configure(pctx);
        return c;
    }

    PkeyCtxPtr newRawCtx() const {
        PkeyCtxPtr c(EVP_PKEY_CTX_new_from_pkey(nullptr, key_->pkey(), nullptr));
        const int ok = !c ? 0 : sign_ ? EVP_PKEY_sign_init(c.get()) : EVP_PKEY_verify_init(c.get());
        if (ok != 1) throwOpenSsl(sign_ ? "sign init" : "verify init", CKR_KEY_TYPE_INCONSISTENT);
        if (shape_.configure) shape_.configure(c.get());
        return c;
    }

    PkeyCtxPtr rawCtx() const {
        return shape_.prepared ? key_->preparedPkeyCtx(preparedId(), [this] { return newRawCtx(); }) : newRawCtx();
    }

    // Verifies a fresh signature with the key's public half (the same padding and hash).
    void confirm(std::span<const std::uint8_t> sig) {
        SecureBytes tbs = buffer_;
        if (md_) {
            unsigned n = 0;
            tbs.resize(EVP_MAX_MD_SIZE);
            if (EVP_DigestFinal_ex(hashCtx_.get(), tbs.data(), &n) != 1) throwOpenSsl("digest");
            tbs.resize(n);
        }
        PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_->pkey(), nullptr));
        if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) throwOpenSsl("confirmation");
        if (shape_.configure) shape_.configure(ctx.get());
        if (md_ && EVP_PKEY_CTX_set_signature_md(ctx.get(), md_) != 1) throwOpenSsl("confirmation");
        if (EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), tbs.data(), tbs.size()) != 1) {
            ERR_clear_error();
            throw Error(CKR_DEVICE_ERROR, "Signature confirmation (partition policy 29) failed");
        }
    }

    ObjectPtr key_;
    const EVP_MD* md_;
    bool sign_;
    SignatureShape shape_;
    MdCtxPtr mctx_;
    MdCtxPtr hashCtx_;   // policy 29: the digest to confirm against
    SecureBytes buffer_;
};
} // namespace

std::unique_ptr<SignOp> makeEvpSigner(ObjectPtr key, const EVP_MD* md, bool sign, SignatureShape shape) {
    return std::make_unique<EvpSigner>(std::move(key), md, sign, std::move(shape));
}

} // namespace luna::hsm
