#include "hsm/keyring.h"

#include "hsm/crypto.h"
#include "luna/errors.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace luna::hsm {
namespace {
constexpr std::string_view kNs = "keys";
constexpr std::string_view kKekAad = "hsm/kek";

std::string partitionKeyName(std::uint64_t serial) { return "partition/" + std::to_string(serial); }

// The device root stands in for the hardware origin key: created once, 0600, never
// rewritten. Written to a temp file and renamed so a crash never leaves half a key.
SecureBytes loadOrCreateDeviceRoot(const std::filesystem::path& file) {
    SecureBytes root(crypto::kKeyBytes);
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        auto fresh = crypto::randomKey();
        auto tmp = file;
        tmp += ".tmp";
        int w = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (w < 0) throw Error(rc::DEVICE_ERROR, "cannot create " + tmp.string() + ": " + std::strerror(errno));
        bool ok = ::write(w, fresh.data(), fresh.size()) == static_cast<ssize_t>(fresh.size()) && ::fsync(w) == 0;
        ::close(w);
        if (!ok || ::rename(tmp.c_str(), file.c_str()) != 0)
            throw Error(rc::DEVICE_ERROR, "cannot write " + file.string());
        int dir = ::open(file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir >= 0) {
            ::fsync(dir);
            ::close(dir);
        }
        return fresh;
    }
    if (fd < 0) throw Error(rc::DEVICE_ERROR, "cannot open " + file.string() + ": " + std::strerror(errno));
    ssize_t n = ::read(fd, root.data(), root.size());
    ::close(fd);
    if (n != static_cast<ssize_t>(root.size())) throw Error(rc::STORAGE_CORRUPT, "device root key is damaged");
    return root;
}
} // namespace

Keyring::Keyring(Store& store, const std::filesystem::path& deviceKeyFile) : store_(store) {
    auto root = loadOrCreateDeviceRoot(deviceKeyFile);
    mtk_ = crypto::deriveKey(root, "luna MTK v1");
    auditKey_ = crypto::deriveKey(mtk_, "luna audit key v1");
}

bool Keyring::hasKek() const { return kek_.has_value() || store_.get(kNs, "kek").has_value(); }

void Keyring::createKek() {
    destroyKek();
    auto key = crypto::randomKey();
    store_.put(kNs, "kek", crypto::seal(mtk_, kKekAad, key));
    kek_ = std::move(key);
}

void Keyring::destroyKek() {
    kek_.reset();
    partitionKeys_.clear();
    store_.eraseNamespace(kNs);
}

const SecureBytes& Keyring::kek() {
    if (!kek_) {
        auto sealed = store_.get(kNs, "kek");
        if (!sealed) throw Error(rc::HSM_ZEROIZED, "the HSM is zeroized: no key encryption key");
        kek_ = crypto::open(mtk_, kKekAad, *sealed);
    }
    return *kek_;
}

std::string Keyring::createPartitionKey(std::uint64_t serial) {
    auto key = crypto::randomKey();
    auto name = partitionKeyName(serial);
    store_.put(kNs, name, crypto::seal(kek(), name, key));
    partitionKeys_[serial] = std::move(key);
    return name;
}

void Keyring::destroyPartitionKey(std::uint64_t serial) {
    partitionKeys_.erase(serial);
    store_.erase(kNs, partitionKeyName(serial));
}

const SecureBytes& Keyring::partitionKey(std::uint64_t serial) {
    auto it = partitionKeys_.find(serial);
    if (it != partitionKeys_.end()) return it->second;
    auto name = partitionKeyName(serial);
    auto sealed = store_.get(kNs, name);
    if (!sealed) throw Error(rc::CONTAINER_HANDLE_INVALID, "partition " + std::to_string(serial) + " has no key");
    return partitionKeys_.emplace(serial, crypto::open(kek(), name, *sealed)).first->second;
}

Bytes Keyring::sealUnderKek(std::string_view aad, std::span<const std::uint8_t> plaintext) {
    return crypto::seal(kek(), aad, plaintext);
}
SecureBytes Keyring::openUnderKek(std::string_view aad, std::span<const std::uint8_t> sealed) {
    return crypto::open(kek(), aad, sealed);
}
Bytes Keyring::sealUnderPartition(std::uint64_t serial, std::string_view aad, std::span<const std::uint8_t> p) {
    return crypto::seal(partitionKey(serial), aad, p);
}
SecureBytes Keyring::openUnderPartition(std::uint64_t serial, std::string_view aad,
                                        std::span<const std::uint8_t> sealed) {
    return crypto::open(partitionKey(serial), aad, sealed);
}
Bytes Keyring::sealUnderMtk(std::string_view aad, std::span<const std::uint8_t> plaintext) {
    return crypto::seal(auditKey_, aad, plaintext);
}
SecureBytes Keyring::openUnderMtk(std::string_view aad, std::span<const std::uint8_t> sealed) {
    return crypto::open(auditKey_, aad, sealed);
}

void Keyring::forget() {
    kek_.reset();
    partitionKeys_.clear();
}

} // namespace luna::hsm
