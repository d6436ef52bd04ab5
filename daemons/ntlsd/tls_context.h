// The TLS policy of NTLS in one place: TLS 1.2 and 1.3 only, ECDHE with AEAD suites only, no
// resumption (every connection shows its certificate), no renegotiation, and a client
// certificate required and judged by pinning, not by a chain: the verify callback asks the
// connection's PeerCheck whether that exact certificate (and source address) may come in.
#pragma once

#include "certificate.h"

#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace luna::ntls {

struct SslCtxFree {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using SslCtxPtr = std::shared_ptr<SSL_CTX>;

inline constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";
inline constexpr const char* kTls13Suites = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";
inline constexpr const char* kGroups = "X25519:P-256:P-384";

// Set on each SSL (SSL_set_ex_data(ssl, peerCheckIndex(), check)) before the handshake.
class PeerCheck {
public:
    virtual ~PeerCheck() = default;
    // The client's leaf certificate and what OpenSSL found wrong with it beyond having no
    // trusted chain (X509_V_OK if nothing: expired, weak key... otherwise); "" admits it,
    // anything else is the reason for refusing.
    virtual std::string admit(X509* leaf, int verifyError) = 0;
};
int peerCheckIndex();

// Throws std::runtime_error when OpenSSL refuses the policy or the identity.
SslCtxPtr makeServerContext(const ServerIdentity& id);

} // namespace luna::ntls
