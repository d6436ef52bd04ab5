#include "tls_context.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <stdexcept>

namespace luna::ntls {
namespace {

// Errors that only say "no chain leads to a trusted root": expected for pinned, self-signed
// client certificates. Anything else (expired, not yet valid, bad signature, weak key) refuses.
bool chainOnly(int err) {
    switch (err) {
    case X509_V_OK:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
        return true;
    default:
        return false;
    }
}

int verify(int preverified, X509_STORE_CTX* store) {
    (void)preverified;
    const int depth = X509_STORE_CTX_get_error_depth(store);
    const int err = X509_STORE_CTX_get_error(store);
    // Certificates above the leaf are not ours to judge: the leaf is pinned.
    if (depth > 0) {
        X509_STORE_CTX_set_error(store, X509_V_OK);
        return 1;
    }
    auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* check = ssl ? static_cast<PeerCheck*>(SSL_get_ex_data(ssl, peerCheckIndex())) : nullptr;
    if (!check) return 0;
    if (!check->admit(X509_STORE_CTX_get_current_cert(store), chainOnly(err) ? X509_V_OK : err).empty()) {
        X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
        return 0;
    }
    X509_STORE_CTX_set_error(store, X509_V_OK);
    return 1;
}

[[noreturn]] void fail(const char* what) {
    char buf[256] = "unknown error";
    if (unsigned long e = ERR_get_error()) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    throw std::runtime_error(std::string(what) + ": " + buf);
}

} // namespace

int peerCheckIndex() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

SslCtxPtr makeServerContext(const ServerIdentity& id) {
    SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()), SslCtxFree{});
    SSL_CTX* c = ctx.get();
    if (!c) fail("SSL_CTX_new");
    if (!SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) || !SSL_CTX_set_max_proto_version(c, TLS1_3_VERSION))
        fail("protocol versions");
    if (!SSL_CTX_set_cipher_list(c, kTls12Ciphers)) fail("TLS 1.2 ciphers");
    if (!SSL_CTX_set_ciphersuites(c, kTls13Suites)) fail("TLS 1.3 suites");
    if (!SSL_CTX_set1_groups_list(c, kGroups)) fail("groups");
    SSL_CTX_set_security_level(c, 2);
    SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET |
                               SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(c, 0);
    SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    // Read what the socket has, not a record header then its body: one read per request
    // (the loop stops reading when OpenSSL holds nothing more; epoll says when there is).
    SSL_CTX_set_read_ahead(c, 1);
    if (SSL_CTX_use_certificate(c, id.cert.get()) != 1) fail("server certificate");
    if (SSL_CTX_use_PrivateKey(c, id.key.get()) != 1) fail("server key");
    if (SSL_CTX_check_private_key(c) != 1) fail("server key does not match its certificate");
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify);
    return ctx;
}

} // namespace luna::ntls
