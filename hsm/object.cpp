#include "hsm/object.h"

#include "luna/errors.h"

#include <algorithm>

namespace luna::hsm {

const SecureBytes* Object::find(std::uint32_t type) const {
    auto it = attrs_.find(type);
    return it == attrs_.end() ? nullptr : &it->second;
}

bool Object::isKey() const {
    const auto c = objectClass();
    return c == CKO_SECRET_KEY || c == CKO_PRIVATE_KEY || c == CKO_PUBLIC_KEY;
}

EVP_PKEY* Object::pkey() const {
    const auto c = objectClass();
    if ((c != CKO_PRIVATE_KEY && c != CKO_PUBLIC_KEY) || (keyType() != CKK_RSA && keyType() != CKK_EC))
        throw Error(CKR_KEY_TYPE_INCONSISTENT, "The mechanism needs an RSA or EC key");
    std::call_once(parsed_, [&] { pkey_ = buildPkey(attrs_); });
    return pkey_.get();
}

PkeyCtxPtr Object::preparedPkeyCtx(std::uint64_t id, const std::function<PkeyCtxPtr()>& make) const {
    std::lock_guard lock(preparedMu_);
    auto it = std::find_if(preparedPkey_.begin(), preparedPkey_.end(), [id](const auto& e) { return e.first == id; });
    if (it == preparedPkey_.end()) {
        auto made = make();   // throws on a failed init: nothing is kept
        preparedPkey_.emplace_back(id, std::move(made));
        it = std::prev(preparedPkey_.end());
    }
    PkeyCtxPtr dup(EVP_PKEY_CTX_dup(it->second.get()));
    if (!dup) throwOpenSsl("signature context");
    return dup;
}

MdCtxPtr Object::preparedMdCtx(std::uint64_t id, const std::function<MdCtxPtr()>& make) const {
    std::lock_guard lock(preparedMu_);
    auto it = std::find_if(preparedMd_.begin(), preparedMd_.end(), [id](const auto& e) { return e.first == id; });
    if (it == preparedMd_.end()) {
        auto made = make();
        preparedMd_.emplace_back(id, std::move(made));
        it = std::prev(preparedMd_.end());
    }
    MdCtxPtr dup(EVP_MD_CTX_new());
    if (!dup || EVP_MD_CTX_copy_ex(dup.get(), it->second.get()) != 1) throwOpenSsl("signature context");
    return dup;
}

const SecureBytes& Object::secret() const {
    const auto* v = find(CKA_VALUE);
    if (objectClass() != CKO_SECRET_KEY || !v) throw Error(CKR_KEY_TYPE_INCONSISTENT, "The mechanism needs a secret key");
    return *v;
}

std::uint32_t Object::keyBits() const {
    if (objectClass() == CKO_SECRET_KEY) return static_cast<std::uint32_t>(secret().size() * 8);
    if (keyType() == CKK_RSA) {
        if (const auto* n = find(CKA_MODULUS)) {
            std::size_t lead = 0;
            while (lead < n->size() && (*n)[lead] == 0) ++lead;
            if (lead == n->size()) return 0;
            unsigned top = (*n)[lead], bits = 0;
            while (top) {
                ++bits;
                top >>= 1;
            }
            return static_cast<std::uint32_t>((n->size() - lead - 1) * 8 + bits);
        }
    }
    if (keyType() == CKK_EC)
        if (const auto* p = find(CKA_EC_PARAMS)) return curveFromParams(*p).bits;
    return 0;
}

} // namespace luna::hsm
