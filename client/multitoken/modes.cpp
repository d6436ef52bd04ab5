#include "modes.h"

#include <cstdio>

namespace luna::bench {

namespace {

std::string failureText(const char* fn, CK_RV rv) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s failed: 0x%lx", fn, static_cast<unsigned long>(rv));
    return buf;
}

void check(const char* fn, CK_RV rv) {
    if (rv != CKR_OK) throw Failure(fn, rv);
}

CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
CK_BYTE kP256[] = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};

void rsaKey(Worker& w, const Params& p) {
    CK_MECHANISM m{CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
    CK_ULONG bits = p.keyBits ? p.keyBits : 2048;
    CK_BYTE e[] = {1, 0, 1};
    CK_ATTRIBUTE pub[] = {{CKA_TOKEN, &no, 1}, {CKA_MODULUS_BITS, &bits, sizeof bits}, {CKA_PUBLIC_EXPONENT, e, sizeof e},
                          {CKA_VERIFY, &yes, 1}, {CKA_ENCRYPT, &yes, 1}};
    CK_ATTRIBUTE priv[] = {{CKA_TOKEN, &no, 1}, {CKA_PRIVATE, &yes, 1}, {CKA_SENSITIVE, &yes, 1},
                           {CKA_SIGN, &yes, 1}, {CKA_DECRYPT, &yes, 1}};
    check("C_GenerateKeyPair", w.f->C_GenerateKeyPair(w.session, &m, pub, 5, priv, 5, &w.pub, &w.key));
}

void ecKey(Worker& w, const Params&) {
    CK_MECHANISM m{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_ATTRIBUTE pub[] = {{CKA_TOKEN, &no, 1}, {CKA_EC_PARAMS, kP256, sizeof kP256}, {CKA_VERIFY, &yes, 1}};
    CK_ATTRIBUTE priv[] = {{CKA_TOKEN, &no, 1}, {CKA_PRIVATE, &yes, 1}, {CKA_SENSITIVE, &yes, 1}, {CKA_SIGN, &yes, 1}};
    check("C_GenerateKeyPair", w.f->C_GenerateKeyPair(w.session, &m, pub, 3, priv, 4, &w.pub, &w.key));
}

void aesKey(Worker& w, const Params&) {
    CK_MECHANISM m{CKM_AES_KEY_GEN, nullptr, 0};
    CK_ULONG len = 32;
    CK_ATTRIBUTE t[] = {{CKA_TOKEN, &no, 1}, {CKA_VALUE_LEN, &len, sizeof len}, {CKA_ENCRYPT, &yes, 1}, {CKA_DECRYPT, &yes, 1}};
    check("C_GenerateKey", w.f->C_GenerateKey(w.session, &m, t, 4, &w.key));
}

void hmacKey(Worker& w, const Params&) {
    CK_MECHANISM m{CKM_GENERIC_SECRET_KEY_GEN, nullptr, 0};
    CK_ULONG len = 32;
    CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    CK_KEY_TYPE type = CKK_GENERIC_SECRET;
    CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &type, sizeof type}, {CKA_TOKEN, &no, 1},
                        {CKA_VALUE_LEN, &len, sizeof len}, {CKA_SIGN, &yes, 1}, {CKA_VERIFY, &yes, 1}};
    check("C_GenerateKey", w.f->C_GenerateKey(w.session, &m, t, 6, &w.key));
}

void buffers(Worker& w, std::size_t in, std::size_t out) {
    w.in.assign(in, 0x5A);
    w.out.assign(out, 0);
}

void sign(Worker& w, CK_MECHANISM_TYPE type) {
    CK_MECHANISM m{type, nullptr, 0};
    check("C_SignInit", w.f->C_SignInit(w.session, &m, w.key));
    CK_ULONG len = w.out.size();
    check("C_Sign", w.f->C_Sign(w.session, w.in.data(), w.in.size(), w.out.data(), &len));
}

// A SHA-256 DigestInfo, what an RSA PKCS#1 v1.5 signature over a hash signs (openssl speed
// signs the same 36-odd bytes).
const CK_BYTE kDigestInfoPrefix[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                     0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

} // namespace

Failure::Failure(const char* fn, CK_RV r) : std::runtime_error(failureText(fn, r)), rv(r) {}

const std::vector<Mode>& modes() {
    static const std::vector<Mode> rows = {
        {"rsasigver", "RSA PKCS#1 v1.5 sign of a SHA-256 DigestInfo (CKM_RSA_PKCS)",
         [](Worker& w, const Params& p) {
             rsaKey(w, p);
             buffers(w, 0, 1024);
             w.in.assign(std::begin(kDigestInfoPrefix), std::end(kDigestInfoPrefix));
             w.in.resize(w.in.size() + 32, 0xA5);
         },
         [](Worker& w) { sign(w, CKM_RSA_PKCS); }},
        {"sha256rsasigver", "SHA-256 with RSA PKCS#1 v1.5 sign of -packet bytes (CKM_SHA256_RSA_PKCS)",
         [](Worker& w, const Params& p) { rsaKey(w, p); buffers(w, p.packet, 1024); },
         [](Worker& w) { sign(w, CKM_SHA256_RSA_PKCS); }},
        {"ecdsasigver", "ECDSA P-256 sign of a 32-byte hash (CKM_ECDSA)",
         [](Worker& w, const Params&) { ecKey(w, {}); buffers(w, 32, 256); },
         [](Worker& w) { sign(w, CKM_ECDSA); }},
        {"ecdsasha256sigver", "SHA-256 ECDSA P-256 sign of -packet bytes (CKM_ECDSA_SHA256)",
         [](Worker& w, const Params& p) { ecKey(w, {}); buffers(w, p.packet, 256); },
         [](Worker& w) { sign(w, CKM_ECDSA_SHA256); }},
        {"aesencgcm", "AES-256-GCM encrypt of -packet bytes (CKM_AES_GCM, 12-byte IV, 128-bit tag)",
         [](Worker& w, const Params& p) { aesKey(w, {}); buffers(w, p.packet, p.packet + 64); },
         [](Worker& w) {
             CK_BYTE iv[12] = {};
             CK_GCM_PARAMS gcm{iv, sizeof iv, 96, nullptr, 0, 128};
             CK_MECHANISM m{CKM_AES_GCM, &gcm, sizeof gcm};
             check("C_EncryptInit", w.f->C_EncryptInit(w.session, &m, w.key));
             CK_ULONG len = w.out.size();
             check("C_Encrypt", w.f->C_Encrypt(w.session, w.in.data(), w.in.size(), w.out.data(), &len));
         }},
        {"aesenccbc", "AES-256-CBC encrypt of -packet bytes (CKM_AES_CBC)",
         [](Worker& w, const Params& p) { aesKey(w, {}); buffers(w, (p.packet + 15) / 16 * 16, p.packet + 64); },
         [](Worker& w) {
             CK_BYTE iv[16] = {};
             CK_MECHANISM m{CKM_AES_CBC, iv, sizeof iv};
             check("C_EncryptInit", w.f->C_EncryptInit(w.session, &m, w.key));
             CK_ULONG len = w.out.size();
             check("C_Encrypt", w.f->C_Encrypt(w.session, w.in.data(), w.in.size(), w.out.data(), &len));
         }},
        {"sha256hmac", "HMAC-SHA256 sign of -packet bytes (CKM_SHA256_HMAC)",
         [](Worker& w, const Params& p) { hmacKey(w, {}); buffers(w, p.packet, 64); },
         [](Worker& w) { sign(w, CKM_SHA256_HMAC); }},
        {"sha256", "SHA-256 digest of -packet bytes (CKM_SHA256)",
         [](Worker& w, const Params& p) { buffers(w, p.packet, 64); },
         [](Worker& w) {
             CK_MECHANISM m{CKM_SHA256, nullptr, 0};
             check("C_DigestInit", w.f->C_DigestInit(w.session, &m));
             CK_ULONG len = w.out.size();
             check("C_Digest", w.f->C_Digest(w.session, w.in.data(), w.in.size(), w.out.data(), &len));
         }},
        {"randgen", "Random number generation of -packet bytes (C_GenerateRandom)",
         [](Worker& w, const Params& p) { buffers(w, 0, p.packet); },
         [](Worker& w) { check("C_GenerateRandom", w.f->C_GenerateRandom(w.session, w.out.data(), w.out.size())); }},
    };
    return rows;
}

const Mode* findMode(std::string_view name) {
    for (const auto& m : modes())
        if (m.name == name) return &m;
    return nullptr;
}

} // namespace luna::bench
