// The benchmark's operating modes (Utilities Reference ch.3 names): what key each thread makes
// on its session, and one timed operation. Every mode runs through the PKCS#11 function list
// of whichever module is loaded (ours, SoftHSMv2's, ...), so the numbers compare like with like.
#pragma once

#include <p11-kit/pkcs11.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace luna::bench {

struct Params {
    CK_ULONG keyBits = 0;        // -key: RSA modulus bits (default 2048)
    std::size_t packet = 1024;   // -packet: bytes per symmetric/digest operation
};

// One thread's state for a mode: its keys and buffers, made by `setup`.
struct Worker {
    CK_FUNCTION_LIST_PTR f = nullptr;
    CK_SESSION_HANDLE session = 0;
    CK_OBJECT_HANDLE key = 0, pub = 0;
    std::vector<CK_BYTE> in, out;
};

struct Mode {
    std::string_view name;
    std::string_view description;
    std::function<void(Worker&, const Params&)> setup;
    std::function<void(Worker&)> op;   // one operation; throws Failure
};

struct Failure : std::runtime_error {
    Failure(const char* fn, CK_RV rv);
    CK_RV rv;
};

const std::vector<Mode>& modes();
const Mode* findMode(std::string_view name);

} // namespace luna::bench
