// Byte buffers for secrets (key material, PINs, plaintext): wiped with OPENSSL_cleanse
// whenever their storage is released, so nothing secret outlives its owner in freed heap.
// Shared by the protocol codec and the HSM core (hsm/secure_bytes.h aliases these), so a
// buffer decoded from a frame moves into the core without a copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <openssl/crypto.h>

namespace luna {

template <class T>
struct WipingAllocator {
    using value_type = T;
    WipingAllocator() noexcept = default;
    template <class U>
    WipingAllocator(const WipingAllocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) noexcept {
        OPENSSL_cleanse(p, n * sizeof(T));
        ::operator delete(p);
    }
    template <class U>
    bool operator==(const WipingAllocator<U>&) const noexcept { return true; }
};

using SecureBytes = std::vector<std::uint8_t, WipingAllocator<std::uint8_t>>;

} // namespace luna
