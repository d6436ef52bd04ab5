// Shared by the AES ciphers and AES key wrapping.
#pragma once

#include "hsm/mechanisms.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <string_view>

namespace luna::hsm {

// "ECB", "CBC", "CTR", "GCM", "WRAP" (RFC 3394), "WRAP-PAD" (RFC 5649) for a 16/24/32-byte
// key; fetched once. Throws CKR_KEY_SIZE_RANGE for another key length.
const EVP_CIPHER* aesCipher(std::string_view mode, std::size_t keyBytes);

} // namespace luna::hsm
