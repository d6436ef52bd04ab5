// The client's NTLS identity (vtl createCert) and the certificate views vtl prints.
#pragma once

#include <filesystem>
#include <string>

namespace luna::vtl {

struct CertSubject {
    std::string commonName;          // -n: the client's host name or IP address
    std::string country, state, locality, organization, unit, email;
    long days = 3650;                // -d
};

// A new RSA-2048 key (file mode 0600) and a self-signed SHA-256 certificate for it, with the
// common name also as subject alternative name (IP or DNS). Replaces existing files.
// Throws std::runtime_error with OpenSSL's reason.
void createClientCertificate(const CertSubject& subject, const std::filesystem::path& keyFile,
                             const std::filesystem::path& certFile);

// "91:01:EC:...": SHA-1 over the certificate's DER, as lunash's `client fingerprint` and
// `sysconf fingerprint ntls` print it (docs/ntls.md), so an administrator compares like with
// like. (The reference's vtl example shows 16 bytes, an MD5 of older releases.)
std::string fingerprint(const std::filesystem::path& certFile);
// The certificate in OpenSSL's text form (vtl examineCert).
std::string describe(const std::filesystem::path& certFile);

} // namespace luna::vtl
