// X.509 for NTLS: the server's own key and self-signed certificate (made at first start and by
// `sysconf regencert`), and the client certificates `client register` pins. OpenSSL handles
// live in unique_ptrs; nothing here knows about sockets or the bus.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace luna::ntls {

struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// SHA-1 over the DER, "AD:18:EF:...": what `sysconf fingerprint ntls` and `client fingerprint`
// print (and `openssl x509 -fingerprint -sha1`).
std::string sha1Fingerprint(X509* cert);
// SHA-256 over the DER as lowercase hex: the pin a registered client is found by.
std::string sha256Pin(X509* cert);
std::string toPem(X509* cert);
std::string toBase64Der(X509* cert);
X509Ptr fromBase64Der(std::string_view b64);   // throws std::runtime_error
std::time_t notAfter(X509* cert);
// `openssl x509 -text` layout.
std::string describe(X509* cert);

// A client certificate as `client register` receives it: exactly one PEM certificate with an
// RSA >= 2048, EC P-256/P-384/P-521 or Ed25519 key, inside its validity period. Throws
// luna::Error(CKR_CERTIFICATE_INVALID) saying what is wrong.
X509Ptr parseClientCertificate(std::string_view pem);

struct ServerIdentity {
    PkeyPtr key;
    X509Ptr cert;
};

struct CertificateRequest {
    std::string commonName;                   // appliance hostname or IP address
    std::time_t notBefore = 0;                // 0: 24 hours ago
    unsigned days = 3653;
};

// A new RSA-2048 key and a self-signed sha256WithRSAEncryption certificate for it (subject
// C=CA, ST=Ontario, L=Ottawa, O=Chrysalis-ITS, CN=<commonName>; subjectAltName IP or DNS;
// CA:TRUE so a client can trust the file itself).
ServerIdentity generateServerIdentity(const CertificateRequest& request);

// server.pem and server.key in `dir` (the key 0600). save() replaces both atomically.
void saveServerIdentity(const std::filesystem::path& dir, const ServerIdentity& id);
// nullopt-like: an identity with null members when the files do not exist; throws when they
// exist but do not load or do not match.
ServerIdentity loadServerIdentity(const std::filesystem::path& dir);

} // namespace luna::ntls
