// Role credentials: a salted, deliberately slow PBKDF2 verifier, sealed under the key
// that the role's lifetime follows (HSM SO: the KEK; Auditor: the MTK, because it
// survives zeroize; partition roles: the partition key). Failure counters and lock state
// sit beside the verifier in the same record so they survive restarts.
#include "hsm/crypto.h"
#include "hsm/hsm_internal.h"
#include "luna/errors.h"

namespace luna::hsm {
using namespace detail;

namespace {
enum class Sealer { Kek, Mtk, Partition };
Sealer sealerFor(std::string_view key, std::optional<std::uint64_t> partition) {
    if (partition) return Sealer::Partition;
    return key == "audit" ? Sealer::Mtk : Sealer::Kek;
}
} // namespace

Record Hsm::credential(std::string_view key) const {
    auto b = store_->get(kCredNs, key);
    if (!b) throw Error(rc::USER_PIN_NOT_INITIALIZED, "The role has not been initialized");
    return Record::decode(*b);
}

void Hsm::saveCredential(std::string_view key, const Record& r) { store_->put(kCredNs, key, r.encode()); }

void Hsm::setCredential(std::string_view key, std::string_view secret, std::optional<std::uint64_t> partition,
                        bool mustChange) {
    auto salt = crypto::randomBytes(16);
    auto digest = crypto::passwordDigest(secret, salt, config_.kdfIterations);
    const std::string aad = "cred/" + std::string(key);
    Bytes sealed;
    switch (sealerFor(key, partition)) {
    case Sealer::Kek: sealed = keys_->sealUnderKek(aad, digest); break;
    case Sealer::Mtk: sealed = keys_->sealUnderMtk(aad, digest); break;
    case Sealer::Partition: sealed = keys_->sealUnderPartition(*partition, aad, digest); break;
    }
    Record r;
    r.setBytes("salt", salt);
    r.setU64("iterations", config_.kdfIterations);
    r.setBytes("verifier", sealed);
    r.setU64("fails", 0);
    r.setBool("mustChange", mustChange);
    saveCredential(key, r);
}

bool Hsm::checkCredential(std::string_view key, std::string_view secret, std::optional<std::uint64_t> partition) {
    auto r = credential(key);
    const std::string aad = "cred/" + std::string(key);
    auto sealed = r.bytes("verifier");
    SecureBytes expected;
    switch (sealerFor(key, partition)) {
    case Sealer::Kek: expected = keys_->openUnderKek(aad, sealed); break;
    case Sealer::Mtk: expected = keys_->openUnderMtk(aad, sealed); break;
    case Sealer::Partition: expected = keys_->openUnderPartition(*partition, aad, sealed); break;
    }
    auto salt = r.bytes("salt");
    auto digest = crypto::passwordDigest(secret, salt, static_cast<std::uint32_t>(r.u64("iterations")));
    return crypto::constantTimeEqual(digest, expected);
}

void detail::requireCurrentPin(const Store& store, std::uint64_t serial, std::optional<Role> role) {
    if (!role) return;
    auto b = store.get(kCredNs, credKey(serial, *role));
    if (b && Record::decode(*b).boolean("mustChange"))
        throw Error(rc::PIN_EXPIRED, "The password was set or reset and must be changed first (role changepw)");
}

} // namespace luna::hsm
