#include "certificate.h"

#include "luna/errors.h"
#include "sysconf/atomic_file.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace luna::ntls {
namespace {

struct BioFree {
    void operator()(BIO* b) const { BIO_free_all(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::string opensslError(std::string_view what) {
    std::string out(what);
    if (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        out += ": ";
        out += buf;
    }
    ERR_clear_error();
    return out;
}

[[noreturn]] void fail(std::string_view what) { throw std::runtime_error(opensslError(what)); }

std::string bioText(BIO* b) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string digestOf(X509* cert, const EVP_MD* md, bool colons, bool upper) {
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!X509_digest(cert, md, buf, &len)) fail("X509_digest");
    static constexpr char kUpper[] = "0123456789ABCDEF", kLower[] = "0123456789abcdef";
    const char* digits = upper ? kUpper : kLower;
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        if (colons && i) out += ':';
        out += digits[buf[i] >> 4];
        out += digits[buf[i] & 15];
    }
    return out;
}

void addName(X509_NAME* name, const char* field, const std::string& value) {
    if (!X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                    -1, -1, 0))
        fail(std::string("subject field ") + field);
}

void addExtension(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) fail("certificate extension " + value);
    const int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    if (!ok) fail("X509_add_ext");
}

bool isIpAddress(const std::string& s) {
    unsigned char buf[16];
    return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

[[noreturn]] void badCert(const std::string& why) { throw Error(rc::CERTIFICATE_INVALID, why); }

void checkClientKey(X509* cert) {
    EVP_PKEY* key = X509_get0_pubkey(cert);
    if (!key) badCert("The certificate has no usable public key");
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
        if (EVP_PKEY_get_bits(key) < 2048) badCert("The certificate's RSA key is shorter than 2048 bits");
        return;
    case EVP_PKEY_EC: {
        char curve[64] = {};
        std::size_t len = 0;
        if (!EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof curve, &len)) badCert("Unknown EC curve");
        const std::string c(curve);
        if (c != "prime256v1" && c != "P-256" && c != "secp384r1" && c != "P-384" && c != "secp521r1" && c != "P-521")
            badCert("The certificate's EC key is not on P-256, P-384 or P-521");
        return;
    }
    case EVP_PKEY_ED25519:
        return;
    default:
        badCert("The certificate's key type is not RSA, EC or Ed25519");
    }
}

} // namespace

std::string sha1Fingerprint(X509* cert) { return digestOf(cert, EVP_sha1(), true, true); }
std::string sha256Pin(X509* cert) { return digestOf(cert, EVP_sha256(), false, false); }

std::string toPem(X509* cert) {
    BioPtr b(BIO_new(BIO_s_mem()));
    if (!b || !PEM_write_bio_X509(b.get(), cert)) fail("PEM_write_bio_X509");
    return bioText(b.get());
}

std::string toBase64Der(X509* cert) {
    unsigned char* der = nullptr;
    const int len = i2d_X509(cert, &der);
    if (len <= 0) fail("i2d_X509");
    std::string out(4 * ((static_cast<std::size_t>(len) + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), der, len);
    OPENSSL_free(der);
    out.resize(static_cast<std::size_t>(n));
    return out;
}

X509Ptr fromBase64Der(std::string_view b64) {
    std::vector<unsigned char> der(3 * (b64.size() / 4) + 3);
    const int n = EVP_DecodeBlock(der.data(), reinterpret_cast<const unsigned char*>(b64.data()),
                                  static_cast<int>(b64.size()));
    if (n < 0) throw std::runtime_error("certificate: bad base64");
    // EVP_DecodeBlock counts the '=' padding as zero bytes; DER carries its own length.
    const unsigned char* p = der.data();
    X509Ptr cert(d2i_X509(nullptr, &p, n));
    if (!cert) fail("certificate: bad DER");
    return cert;
}

std::time_t notAfter(X509* cert) {
    std::tm tm{};
    if (!ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm)) return 0;
    return timegm(&tm);
}

std::string describe(X509* cert) {
    BioPtr b(BIO_new(BIO_s_mem()));
    if (!b || !X509_print_ex(b.get(), cert, XN_FLAG_COMPAT, X509_FLAG_COMPAT)) fail("X509_print");
    return bioText(b.get());
}

X509Ptr parseClientCertificate(std::string_view pem) {
    if (pem.find("-----BEGIN CERTIFICATE-----") == std::string_view::npos)
        badCert("The file holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    BioPtr b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    X509Ptr cert(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
    ERR_clear_error();
    if (!cert) badCert("The PEM certificate does not parse");
    X509Ptr second(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
    ERR_clear_error();
    if (second) badCert("The file holds more than one certificate; register the client's own certificate only");
    checkClientKey(cert.get());
    if (X509_cmp_current_time(X509_get0_notBefore(cert.get())) > 0) badCert("The certificate is not valid yet");
    if (X509_cmp_current_time(X509_get0_notAfter(cert.get())) < 0) badCert("The certificate has expired");
    return cert;
}

ServerIdentity generateServerIdentity(const CertificateRequest& request) {
    if (request.commonName.empty() || request.commonName.size() > 64) badCert("The common name must be 1 to 64 characters");
    if (request.days < 1 || request.days > 3653) badCert("The validity must be 1 to 3653 days");
    ServerIdentity id;
    id.key.reset(EVP_RSA_gen(2048));
    if (!id.key) fail("RSA key generation");
    id.cert.reset(X509_new());
    X509* c = id.cert.get();
    if (!c || !X509_set_version(c, 2)) fail("X509_new");
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) fail("RAND_bytes");
    serial[0] &= 0x7F;   // positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c))) fail("serial number");
    BN_free(bn);
    const std::time_t start = request.notBefore ? request.notBefore : std::time(nullptr) - 24 * 3600;
    if (!ASN1_TIME_set(X509_getm_notBefore(c), start) ||
        !ASN1_TIME_adj(X509_getm_notAfter(c), start, static_cast<int>(request.days), 0))
        fail("validity");
    X509_NAME* name = X509_get_subject_name(c);
    addName(name, "C", "CA");
    addName(name, "ST", "Ontario");
    addName(name, "L", "Ottawa");
    addName(name, "O", "Chrysalis-ITS");
    addName(name, "CN", request.commonName);
    if (!X509_set_issuer_name(c, name) || !X509_set_pubkey(c, id.key.get())) fail("issuer");
    addExtension(c, NID_basic_constraints, "critical,CA:TRUE");
    addExtension(c, NID_key_usage, "critical,digitalSignature,keyEncipherment,keyCertSign");
    addExtension(c, NID_ext_key_usage, "serverAuth");
    addExtension(c, NID_subject_key_identifier, "hash");
    addExtension(c, NID_subject_alt_name,
                 (isIpAddress(request.commonName) ? "IP:" : "DNS:") + request.commonName);
    if (!X509_sign(c, id.key.get(), EVP_sha256())) fail("X509_sign");
    return id;
}

void saveServerIdentity(const std::filesystem::path& dir, const ServerIdentity& id) {
    BioPtr k(BIO_new(BIO_s_mem()));
    if (!k || !PEM_write_bio_PrivateKey(k.get(), id.key.get(), nullptr, nullptr, 0, nullptr, nullptr))
        fail("PEM_write_bio_PrivateKey");
    std::string keyPem = bioText(k.get());
    const sysconf::FileOwner mine{::geteuid(), ::getegid(), 0600};
    // Key first: a crash between the two leaves a new key beside the old certificate, which
    // loadServerIdentity refuses, and the next start makes a fresh pair.
    sysconf::writeFileAtomic(dir / "server.key", keyPem, mine);
    OPENSSL_cleanse(keyPem.data(), keyPem.size());
    sysconf::writeFileAtomic(dir / "server.pem", toPem(id.cert.get()), sysconf::FileOwner{::geteuid(), ::getegid(), 0644});
}

ServerIdentity loadServerIdentity(const std::filesystem::path& dir) {
    ServerIdentity id;
    const auto certPath = dir / "server.pem", keyPath = dir / "server.key";
    if (!std::filesystem::exists(certPath) || !std::filesystem::exists(keyPath)) return id;
    BioPtr cb(BIO_new_file(certPath.c_str(), "r")), kb(BIO_new_file(keyPath.c_str(), "r"));
    if (!cb || !kb) fail("cannot open " + dir.string() + "/server.{pem,key}");
    id.cert.reset(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
    id.key.reset(PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr));
    if (!id.cert || !id.key) fail("cannot read " + dir.string() + "/server.{pem,key}");
    if (X509_check_private_key(id.cert.get(), id.key.get()) != 1) fail("server.key does not match server.pem");
    return id;
}

} // namespace luna::ntls
