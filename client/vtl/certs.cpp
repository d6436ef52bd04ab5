#include "certs.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <cstdio>
#include <fcntl.h>
#include <functional>
#include <sys/stat.h>
#include <memory>
#include <stdexcept>
#include <unistd.h>

namespace luna::vtl {

namespace {

template <class T, void (*F)(T*)>
struct Free {
    void operator()(T* p) const { F(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Free<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Free<BIO, BIO_free_all>>;

[[noreturn]] void fail(const std::string& what) {
    std::string reason;
    if (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        reason = std::string(": ") + buf;
    }
    throw std::runtime_error(what + reason);
}

bool isIp(const std::string& s) {
    unsigned char buf[16];
    return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

void addEntry(X509_NAME* name, const char* field, const std::string& value) {
    if (value.empty()) return;
    if (!X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0))
        fail(std::string("invalid ") + field + " '" + value + "'");
}

Cert readCert(const std::filesystem::path& file) {
    FILE* f = std::fopen(file.c_str(), "r");
    if (!f) throw std::runtime_error("cannot open " + file.string());
    Cert c(PEM_read_X509(f, nullptr, nullptr, nullptr));
    std::fclose(f);
    if (!c) fail("no PEM certificate in " + file.string());
    return c;
}

// Written with its final mode from the start: a private key is never world-readable, not even briefly.
void writeFile(const std::filesystem::path& file, mode_t mode, const std::function<int(FILE*)>& write) {
    const auto tmp = file.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) throw std::runtime_error("cannot write " + tmp);
    ::fchmod(fd, mode);
    FILE* f = ::fdopen(fd, "w");
    if (!f) ::close(fd);
    const bool wrote = f && write(f) == 1;
    const bool closed = f && std::fclose(f) == 0;
    if (!wrote || !closed) {
        std::filesystem::remove(tmp);
        fail("cannot write " + file.string());
    }
    std::filesystem::rename(tmp, file);
}

} // namespace

void createClientCertificate(const CertSubject& s, const std::filesystem::path& keyFile, const std::filesystem::path& certFile) {
    Pkey key(EVP_RSA_gen(2048));
    if (!key) fail("RSA key generation failed");
    Cert cert(X509_new());
    X509_set_version(cert.get(), 2);
    unsigned char serial[8];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);   // a client clock slightly behind still accepts it
    X509_time_adj_ex(X509_getm_notAfter(cert.get()), static_cast<int>(s.days), 0, nullptr);
    X509_NAME* name = X509_get_subject_name(cert.get());
    addEntry(name, "C", s.country);
    addEntry(name, "ST", s.state);
    addEntry(name, "L", s.locality);
    addEntry(name, "O", s.organization);
    addEntry(name, "OU", s.unit);
    addEntry(name, "CN", s.commonName);
    addEntry(name, "emailAddress", s.email);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), key.get());
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    const std::string san = (isIp(s.commonName) ? "IP:" : "DNS:") + s.commonName;
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str());
    if (!ext) fail("invalid subject alternative name " + san);
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
    if (!X509_sign(cert.get(), key.get(), EVP_sha256())) fail("signing the certificate failed");

    std::filesystem::create_directories(keyFile.parent_path());
    std::filesystem::create_directories(certFile.parent_path());
    writeFile(keyFile, 0600, [&](FILE* f) { return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr); });
    writeFile(certFile, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
}

std::string fingerprint(const std::filesystem::path& certFile) {
    auto cert = readCert(certFile);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!X509_digest(cert.get(), EVP_sha1(), md, &n)) fail("cannot digest " + certFile.string());
    std::string out;
    for (unsigned i = 0; i < n; ++i) {
        char b[4];
        std::snprintf(b, sizeof b, i ? ":%02X" : "%02X", md[i]);
        out += b;
    }
    return out;
}

std::string describe(const std::filesystem::path& certFile) {
    auto cert = readCert(certFile);
    Bio mem(BIO_new(BIO_s_mem()));
    X509_print(mem.get(), cert.get());
    char* data = nullptr;
    const long len = BIO_get_mem_data(mem.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

} // namespace luna::vtl
