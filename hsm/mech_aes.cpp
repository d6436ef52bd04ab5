// AES: ECB, CBC, CBC with PKCS#7 padding, CTR and GCM, single- and multi-part. The
// EVP_CIPHER implementations are fetched once per process.
#include "hsm/mech_aes.h"

#include "luna/errors.h"

#include <array>
#include <mutex>

namespace luna::hsm {

namespace {
struct CipherDeleter {
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};

class AesCipher final : public CipherOp {
public:
    AesCipher(const proto::Mechanism& m, ObjectPtr key, bool encrypt) : key_(std::move(key)), encrypt_(encrypt), type_(m.type) {
        if (key_->keyType() != CKK_AES) throw Error(CKR_KEY_TYPE_INCONSISTENT, "The mechanism needs an AES key");
        const auto& k = key_->secret();
        SecureBytes iv;
        std::string mode;
        switch (m.type) {
        case CKM_AES_ECB:
            mode = "ECB";
            if (!std::holds_alternative<proto::NoParams>(m.params)) throw Error(CKR_MECHANISM_PARAM_INVALID, "AES-ECB takes no parameter");
            break;
        case CKM_AES_CBC: case CKM_AES_CBC_PAD: {
            mode = "CBC";
            const auto* p = std::get_if<proto::IvParams>(&m.params);
            if (!p || p->iv.size() != 16) throw Error(CKR_MECHANISM_PARAM_INVALID, "AES-CBC needs a 16-byte IV");
            iv = p->iv;
            break;
        }
        case CKM_AES_CTR: {
            mode = "CTR";
            const auto* p = std::get_if<proto::CtrParams>(&m.params);
            if (!p || p->counterBlock.size() != 16 || p->counterBits == 0 || p->counterBits > 128)
                throw Error(CKR_MECHANISM_PARAM_INVALID, "AES-CTR needs a 16-byte counter block and 1-128 counter bits");
            iv = p->counterBlock;
            blocksLeft_ = counterBlocksLeft(p->counterBlock, p->counterBits);
            break;
        }
        case CKM_AES_GCM: {
            mode = "GCM";
            const auto* p = std::get_if<proto::GcmParams>(&m.params);
            if (!p || p->iv.empty() || p->iv.size() > 128 || p->tagBits < 32 || p->tagBits > 128 || p->tagBits % 8)
                throw Error(CKR_MECHANISM_PARAM_INVALID, "AES-GCM needs an IV and a tag of 32 to 128 bits");
            iv = p->iv;
            aad_ = p->aad;
            tagBytes_ = p->tagBits / 8;
            break;
        }
        default: throw Error(CKR_MECHANISM_INVALID, "Not an AES cipher mechanism");
        }
        ctx_.reset(EVP_CIPHER_CTX_new());
        const EVP_CIPHER* cipher = aesCipher(mode, k.size());
        if (!ctx_ || EVP_CipherInit_ex2(ctx_.get(), cipher, nullptr, nullptr, encrypt ? 1 : 0, nullptr) != 1)
            throwOpenSsl("AES init");
        if (m.type == CKM_AES_GCM) {
            OSSL_PARAM p[] = {OSSL_PARAM_construct_size_t("ivlen", &ivLen_), OSSL_PARAM_construct_end()};
            ivLen_ = iv.size();
            if (EVP_CIPHER_CTX_set_params(ctx_.get(), p) != 1) throwOpenSsl("GCM IV length", CKR_MECHANISM_PARAM_INVALID);
        }
        if (EVP_CipherInit_ex2(ctx_.get(), nullptr, k.data(), iv.empty() ? nullptr : iv.data(), encrypt ? 1 : 0, nullptr) != 1)
            throwOpenSsl("AES key");
        EVP_CIPHER_CTX_set_padding(ctx_.get(), m.type == CKM_AES_CBC_PAD ? 1 : 0);
        if (m.type == CKM_AES_GCM && encrypt_) feedAad();
    }

    SecureBytes update(std::span<const std::uint8_t> in) override {
        if (type_ == CKM_AES_GCM && !encrypt_) {   // plaintext only after the tag checks out
            if (held_.size() + in.size() > proto::kMaxData + tagBytes_) throw Error(CKR_DATA_LEN_RANGE, "GCM message too long");
            held_.insert(held_.end(), in.begin(), in.end());
            return {};
        }
        if (type_ == CKM_AES_CTR) {
            const std::uint64_t blocks = (in.size() + 15) / 16;
            if (blocks > blocksLeft_) throw Error(CKR_DATA_LEN_RANGE, "The CTR counter would wrap");
            blocksLeft_ -= blocks;
        }
        return run(in);
    }

    SecureBytes final() override {
        if (type_ == CKM_AES_GCM && !encrypt_) {
            if (held_.size() < tagBytes_) throw Error(CKR_ENCRYPTED_DATA_LEN_RANGE, "GCM ciphertext shorter than its tag");
            const std::size_t n = held_.size() - tagBytes_;
            if (EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tagBytes_), held_.data() + n) != 1)
                throwOpenSsl("GCM tag");
            feedAad();
            auto out = run({held_.data(), n});
            finish(out, CKR_ENCRYPTED_DATA_INVALID);
            return out;
        }
        SecureBytes out;
        finish(out, encrypt_ ? CKR_DATA_LEN_RANGE : (type_ == CKM_AES_CBC_PAD ? CKR_ENCRYPTED_DATA_INVALID
                                                                               : CKR_ENCRYPTED_DATA_LEN_RANGE));
        if (type_ == CKM_AES_GCM) {
            SecureBytes tag(tagBytes_);
            if (EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tagBytes_), tag.data()) != 1)
                throwOpenSsl("GCM tag");
            out.insert(out.end(), tag.begin(), tag.end());
        }
        return out;
    }

private:
    static std::uint64_t counterBlocksLeft(const SecureBytes& cb, std::uint32_t bits) {
        if (bits >= 64) return ~0ULL;
        std::uint64_t low = 0;
        for (std::size_t i = 8; i < 16; ++i) low = (low << 8) | cb[i];
        const std::uint64_t span = 1ULL << bits;
        return span - (low & (span - 1));
    }

    void feedAad() {
        int n = 0;
        if (!aad_.empty() && EVP_CipherUpdate(ctx_.get(), nullptr, &n, aad_.data(), static_cast<int>(aad_.size())) != 1)
            throwOpenSsl("GCM AAD");
    }

    SecureBytes run(std::span<const std::uint8_t> in) {
        SecureBytes out(in.size() + 16);
        int n = 0;
        if (EVP_CipherUpdate(ctx_.get(), out.data(), &n, in.data(), static_cast<int>(in.size())) != 1) throwOpenSsl("AES");
        out.resize(static_cast<std::size_t>(n));
        return out;
    }

    void finish(SecureBytes& out, std::uint32_t failure) {
        const std::size_t have = out.size();
        out.resize(have + 16);
        int n = 0;
        if (EVP_CipherFinal_ex(ctx_.get(), out.data() + have, &n) != 1) {
            ERR_clear_error();
            throw Error(failure, failure == CKR_DATA_LEN_RANGE ? "Input is not a whole number of AES blocks"
                                                                : "The ciphertext does not decrypt (length, padding or tag)");
        }
        out.resize(have + static_cast<std::size_t>(n));
    }

    ObjectPtr key_;
    bool encrypt_;
    std::uint32_t type_;
    std::unique_ptr<EVP_CIPHER_CTX, CipherDeleter> ctx_;
    SecureBytes aad_, held_;
    std::size_t tagBytes_ = 0, ivLen_ = 0;
    std::uint64_t blocksLeft_ = ~0ULL;
};
} // namespace

const EVP_CIPHER* aesCipher(std::string_view mode, std::size_t keyBytes) {
    static const std::array<std::string_view, 6> kModes{"ECB", "CBC", "CTR", "GCM", "WRAP", "WRAP-PAD"};
    static std::array<std::array<EVP_CIPHER*, 3>, 6> cache{};
    static std::once_flag once;
    std::call_once(once, [] {
        for (std::size_t m = 0; m < kModes.size(); ++m)
            for (std::size_t k = 0; k < 3; ++k) {
                const std::string name = "AES-" + std::to_string(128 + 64 * k) + "-" + std::string(kModes[m]);
                cache[m][k] = EVP_CIPHER_fetch(nullptr, name.c_str(), nullptr);
            }
    });
    const std::size_t k = keyBytes == 16 ? 0 : keyBytes == 24 ? 1 : keyBytes == 32 ? 2 : 3;
    if (k == 3) throw Error(CKR_KEY_SIZE_RANGE, "An AES key is 16, 24 or 32 bytes");
    for (std::size_t m = 0; m < kModes.size(); ++m)
        if (kModes[m] == mode && cache[m][k]) return cache[m][k];
    throw Error(CKR_DEVICE_ERROR, "OpenSSL lacks AES-" + std::string(mode));
}

std::unique_ptr<CipherOp> makeAesCipher(const proto::Mechanism& m, ObjectPtr key, bool encrypt) {
    return std::make_unique<AesCipher>(m, std::move(key), encrypt);
}

} // namespace luna::hsm
