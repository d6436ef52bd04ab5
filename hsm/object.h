// One PKCS#11 object as the data plane holds it: its attributes, decrypted once when the
// partition's objects are loaded, and its key material parsed once on first use and kept
// (an EVP_PKEY for RSA/EC keys) so no operation re-decrypts or re-parses the key.
// Immutable once shared: C_SetAttributeValue builds a new Object under the same handle,
// and operations in flight keep the one they started with.
#pragma once

#include "hsm/key_material.h"
#include "hsm/p11.h"

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace luna::hsm {

class Object {
public:
    explicit Object(ObjAttrs attrs) : attrs_(std::move(attrs)) {}
    Object(const Object&) = delete;
    Object& operator=(const Object&) = delete;

    const ObjAttrs& attributes() const { return attrs_; }
    bool has(std::uint32_t type) const { return attrs_.count(type) != 0; }
    const SecureBytes* find(std::uint32_t type) const;
    bool flag(std::uint32_t type, bool dflt = false) const { return attrBool(attrs_, type).value_or(dflt); }
    std::uint64_t ulong(std::uint32_t type, std::uint64_t dflt = ~0ULL) const { return attrUlong(attrs_, type).value_or(dflt); }

    std::uint64_t objectClass() const { return ulong(CKA_CLASS); }
    std::uint64_t keyType() const { return ulong(CKA_KEY_TYPE); }
    bool isToken() const { return flag(CKA_TOKEN); }
    bool isPrivate() const { return flag(CKA_PRIVATE, true); }
    bool isKey() const;

    // The parsed key (RSA or EC, private or public); built on first call, then shared by
    // every operation and thread. Throws CKR_KEY_TYPE_INCONSISTENT for other objects.
    EVP_PKEY* pkey() const;
    // Signature contexts for this key with the init (method fetch, key binding, padding)
    // done once: the first call for `id` runs `make` and keeps its result as a template;
    // every call returns a duplicate of the template, which the caller owns. `id` must
    // name everything `make` configures (the mechanism, sign or verify). Initializing
    // costs OpenSSL 3 several microseconds per operation, duplicating a fraction of one.
    PkeyCtxPtr preparedPkeyCtx(std::uint64_t id, const std::function<PkeyCtxPtr()>& make) const;
    MdCtxPtr preparedMdCtx(std::uint64_t id, const std::function<MdCtxPtr()>& make) const;
    // CKA_VALUE of a secret key; throws CKR_KEY_TYPE_INCONSISTENT for other objects.
    const SecureBytes& secret() const;
    // Key size in bits as CK_MECHANISM_INFO counts it (RSA modulus, EC order, secret bytes*8).
    std::uint32_t keyBits() const;

private:
    ObjAttrs attrs_;
    mutable std::once_flag parsed_;
    mutable PkeyPtr pkey_;
    mutable std::mutex preparedMu_;   // the templates are only read (duplicated) under it
    mutable std::vector<std::pair<std::uint64_t, PkeyCtxPtr>> preparedPkey_;
    mutable std::vector<std::pair<std::uint64_t, MdCtxPtr>> preparedMd_;
};
using ObjectPtr = std::shared_ptr<const Object>;

} // namespace luna::hsm
