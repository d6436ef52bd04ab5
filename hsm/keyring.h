// The key hierarchy that makes destruction real (DESIGN.md, seed ch.5):
//   device root (simulated hardware origin key, a file beside the store)
//     -> MTK (derived; survives zeroize, as the seed's table says)
//       -> KEK (random, sealed under the MTK; destroyed by zeroize/decommission/factory reset)
//         -> partition keys (random, sealed under the KEK) -> objects and partition secrets
//       -> audit key (derived from the MTK: the Auditor survives zeroize)
// Every sealed blob carries its identity as AES-GCM associated data.
#pragma once

#include "hsm/secure_bytes.h"
#include "hsm/store.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace luna::hsm {

class Keyring {
public:
    Keyring(Store& store, const std::filesystem::path& deviceKeyFile);

    bool hasKek() const;
    void createKek();    // a new KEK replaces any old one
    void destroyKek();   // the KEK and every partition key sealed under it

    std::string createPartitionKey(std::uint64_t serial);   // returns nothing secret; stores sealed
    void destroyPartitionKey(std::uint64_t serial);

    // Secrets sealed under the KEK (HSM-level: SO verifier, cloning domain).
    Bytes sealUnderKek(std::string_view aad, std::span<const std::uint8_t> plaintext);
    SecureBytes openUnderKek(std::string_view aad, std::span<const std::uint8_t> sealed);
    // Under a partition's key (its objects and role secrets).
    Bytes sealUnderPartition(std::uint64_t serial, std::string_view aad, std::span<const std::uint8_t> plaintext);
    SecureBytes openUnderPartition(std::uint64_t serial, std::string_view aad, std::span<const std::uint8_t> sealed);
    // Under the MTK-derived audit key (Auditor credential, audit log secret).
    Bytes sealUnderMtk(std::string_view aad, std::span<const std::uint8_t> plaintext);
    SecureBytes openUnderMtk(std::string_view aad, std::span<const std::uint8_t> sealed);

    // Drop cached keys (after a rolled-back transaction, so the cache never holds a key
    // the store does not).
    void forget();

private:
    const SecureBytes& kek();
    const SecureBytes& partitionKey(std::uint64_t serial);

    Store& store_;
    SecureBytes mtk_;
    SecureBytes auditKey_;
    std::optional<SecureBytes> kek_;
    std::map<std::uint64_t, SecureBytes> partitionKeys_;
};

} // namespace luna::hsm
