#include "sysconf/license.h"

#include "luna/errors.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <sstream>

namespace luna::sysconf {
namespace {

constexpr std::size_t kTokens = 27;
constexpr std::string_view kAidMarker = "##AID=";
// Fixed words of the layout, by position.
constexpr std::array<std::pair<std::size_t, std::string_view>, 16> kFixed{{
    {0, "16"}, {3, "LONG"}, {4, "NORMAL"}, {5, "STANDALONE"}, {6, "ADD"}, {7, "1_KEYS"}, {8, "INFINITE_KEYS"},
    {14, "NEVER"}, {15, "NiL"}, {16, "SLM_CODE"}, {17, "CL_ND_LCK"}, {18, "NiL"}, {20, "NiL"}, {21, "NiL"},
    {22, "NiL"}, {23, "5_MINS"},
}};
constexpr std::array<std::string_view, 12> kMonths{"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                    "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::string_view kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

[[noreturn]] void invalid(const std::string& message) { throw Error(rc::LICENSE_INVALID, message); }

bool allOf(std::string_view s, int (*pred)(int)) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) { return pred(static_cast<unsigned char>(c)); });
}

bool isNumber(std::string_view s, std::size_t len) { return s.size() == len && allOf(s, ::isdigit); }

std::string b64url(const unsigned char* data, std::size_t n) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::size_t i = 0; i < n; ++i) {
        acc = (acc << 8) | data[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kB64[(acc >> bits) & 63];
        }
    }
    if (bits > 0) out += kB64[(acc << (6 - bits)) & 63];
    return out;
}

bool unb64url(std::string_view s, unsigned char* out, std::size_t n) {
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t k = 0;
    for (char c : s) {
        auto v = kB64.find(c);
        if (v == std::string_view::npos) return false;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (k == n) return false;
            out[k++] = static_cast<unsigned char>((acc >> bits) & 0xff);
        }
    }
    return k == n && (acc & ((1u << bits) - 1)) == 0;
}

bool isUuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return false;
        } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
            return false;
        }
    }
    return true;
}

struct PkeyDeleter {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioDeleter {
    void operator()(BIO* b) const { BIO_free(b); }
};

std::string tokensBefore(const std::vector<std::string>& t, std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += (i ? " " : "") + t[i];
    return s;
}

} // namespace

const FeatureDef* findFeature(std::string_view name) {
    for (const auto& f : kFeatures)
        if (f.name == name) return &f;
    return nullptr;
}

std::string lockingCode(std::string_view hsmSerial) {
    const std::string input = "luna-license-lock:" + std::string(hsmSerial);
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
    std::string code = "*1";
    for (int i = 0; i < 14; ++i) code += kCrockford[digest[i] % 32];
    return code;
}

License parseLicense(std::string_view text) {
    std::vector<std::string> t;
    std::istringstream in{std::string(text.substr(0, 4096))};
    for (std::string w; in >> w;) t.push_back(w);
    if (text.size() > 4096 || t.size() != kTokens) invalid("Invalid license string format");
    for (auto [pos, word] : kFixed)
        if (t[pos] != word) invalid("Invalid license string format");

    License l;
    auto& f = l.fields;
    f.feature = t[1];
    if (f.feature.size() > 40 || !std::all_of(f.feature.begin(), f.feature.end(), [](char c) {
            return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
        }) || !std::isupper(static_cast<unsigned char>(f.feature[0])))
        invalid("Invalid licensed feature");
    f.version = t[2];
    {
        auto dot = f.version.find('.');
        if (dot == std::string::npos || f.version.size() > 8 || !allOf(f.version.substr(0, dot), ::isdigit) ||
            !allOf(f.version.substr(dot + 1), ::isdigit))
            invalid("Invalid licensed feature version");
    }
    if (!isNumber(t[9], 2) || std::find(kMonths.begin(), kMonths.end(), t[10]) == kMonths.end() || !isNumber(t[11], 4) ||
        !isNumber(t[12], 2) || !isNumber(t[13], 2))
        invalid("Invalid license string format");
    f.issued = t[9] + " " + t[10] + " " + t[11] + " " + t[12] + " " + t[13];
    f.lock = t[19];
    if (f.lock.size() != 20 || f.lock[0] != '*' || !f.lock.ends_with("0400") ||
        !std::all_of(f.lock.begin() + 1, f.lock.end() - 4,
                     [](char c) { return kCrockford.find(c) != std::string_view::npos; }))
        invalid("Invalid licensed HSM serial number");
    {
        const auto& q = t[24];
        auto us = q.find("_PACK");
        if (us == std::string::npos || us + 5 != q.size() || us == 0 || us > 4 || !allOf(q.substr(0, us), ::isdigit))
            invalid("Invalid license string format");
        f.quantity = static_cast<std::uint32_t>(std::stoul(q.substr(0, us)));
        if (f.quantity == 0) invalid("Invalid license string format");
    }
    if (t[25] != "0") invalid("Invalid license string format");
    const auto& last = t[26];
    auto marker = last.find(kAidMarker);
    auto comma = last.find(',');
    if (marker == std::string::npos || comma == std::string::npos || comma > marker) invalid("Invalid license string format");
    f.aid = last.substr(marker + kAidMarker.size());
    if (!isUuid(f.aid)) invalid("Invalid license string format");
    for (auto& c : f.aid) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!unb64url(std::string_view(last).substr(0, comma), l.signature.data(), 32) ||
        !unb64url(std::string_view(last).substr(comma + 1, marker - comma - 1), l.signature.data() + 32, 32))
        invalid("Invalid license string format");

    l.signedPart = tokensBefore(t, 26) + " " + std::string(kAidMarker) + f.aid;
    l.text = tokensBefore(t, 26) + " " + last;
    return l;
}

License verifyLicense(std::string_view text, std::string_view hsmSerial, std::span<const unsigned char, 32> publicKey) {
    License l = parseLicense(text);
    std::unique_ptr<EVP_PKEY, PkeyDeleter> key(
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, publicKey.data(), publicKey.size()));
    std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
    if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1)
        throw Error(rc::GENERAL_ERROR, "Cannot set up licence verification");
    if (EVP_DigestVerify(ctx.get(), l.signature.data(), l.signature.size(),
                         reinterpret_cast<const unsigned char*>(l.signedPart.data()), l.signedPart.size()) != 1)
        invalid("The license string is corrupted (its signature does not verify)");
    const FeatureDef* feature = findFeature(l.fields.feature);
    if (!feature) invalid("License is unknown/not available (" + l.fields.feature + ")");
    if (feature->version != l.fields.version) invalid("Invalid licensed feature version");
    if (feature->partitions && l.fields.quantity % 5 != 0) invalid("Invalid license string format");
    if (l.fields.lock != lockingCode(hsmSerial) + "0400") invalid(l.fields.feature + " not licensed for this appliance");
    return l;
}

std::string signLicense(const LicenseFields& f, std::string_view privateKeyPem) {
    std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(privateKeyPem.data(), static_cast<int>(privateKeyPem.size())));
    std::unique_ptr<EVP_PKEY, PkeyDeleter> key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) throw std::runtime_error("not an Ed25519 private key");
    std::ostringstream o;
    o << "16 " << f.feature << ' ' << f.version << " LONG NORMAL STANDALONE ADD 1_KEYS INFINITE_KEYS " << f.issued
      << " NEVER NiL SLM_CODE CL_ND_LCK NiL " << f.lock << " NiL NiL NiL 5_MINS " << f.quantity << "_PACK 0";
    const std::string head = o.str();
    const std::string signedPart = head + " " + std::string(kAidMarker) + f.aid;
    std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
    unsigned char sig[64];
    std::size_t sigLen = sizeof sig;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), sig, &sigLen, reinterpret_cast<const unsigned char*>(signedPart.data()),
                       signedPart.size()) != 1 ||
        sigLen != 64)
        throw std::runtime_error("signing failed");
    return head + " " + b64url(sig, 32) + "," + b64url(sig + 32, 32) + std::string(kAidMarker) + f.aid;
}

LicenseStore LicenseStore::parse(std::string_view content) {
    LicenseStore s;
    std::istringstream in{std::string(content)};
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        try {
            s.licenses_.push_back(parseLicense(line));
        } catch (const Error&) {
            // Only sysconfd writes the file; a damaged line grants nothing.
        }
    }
    return s;
}

void LicenseStore::add(License l) {
    for (const auto& have : licenses_)
        if (have.fields.aid == l.fields.aid) throw Error(rc::LICENSE_ALREADY_APPLIED, "License is already applied");
    licenses_.push_back(std::move(l));
}

License LicenseStore::revoke(std::uint32_t index) {
    if (index < 1 || index > licenses_.size())
        throw Error(rc::LICENSE_NOT_FOUND, "There is no applied license with index " + std::to_string(index) +
                                               " (see sysconf license list)");
    License l = licenses_[index - 1];
    licenses_.erase(licenses_.begin() + (index - 1));
    return l;
}

std::uint32_t LicenseStore::partitionsAdded() const {
    std::uint32_t n = 0;
    for (const auto& l : licenses_)
        if (auto* f = findFeature(l.fields.feature); f && f->partitions) n += l.fields.quantity;
    return n;
}

std::string LicenseStore::render() const {
    std::string out;
    for (const auto& l : licenses_) out += l.text + "\n";
    return out;
}

} // namespace luna::sysconf
