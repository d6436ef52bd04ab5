// Licence strings: the seed's layout, the Ed25519 signature under the vendor key, the HSM
// lock, and the seed's messages for each refusal (sysconf/license.h).
#define BOOST_TEST_MODULE license
#include <boost/test/unit_test.hpp>

#include "luna/errors.h"
#include "sysconf/license.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

using namespace luna;
using namespace luna::sysconf;

namespace {

// An Ed25519 key of the test's own: (private PEM, raw public key).
std::pair<std::string, std::array<unsigned char, 32>> testKey() {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr),
                                                                     EVP_PKEY_CTX_free);
    EVP_PKEY* raw = nullptr;
    BOOST_REQUIRE(EVP_PKEY_keygen_init(ctx.get()) == 1 && EVP_PKEY_keygen(ctx.get(), &raw) == 1);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(raw, EVP_PKEY_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    std::array<unsigned char, 32> pub{};
    std::size_t len = pub.size();
    EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &len);
    return {std::string(data, static_cast<std::size_t>(n)), pub};
}

const auto& key() {
    static const auto k = testKey();
    return k;
}

LicenseFields fields(const std::string& serial = "66331") {
    return {"LUNA_PARTITIONS_5PACK", "1.0", "27 OCT 2016 21 19", lockingCode(serial) + "0400", 10,
            "2c305d17-eec7-46cb-ad9f-b0ed752692ef"};
}

std::string signedLicense(const LicenseFields& f = fields()) { return signLicense(f, key().first); }

// The message of the refusal, "" if none.
template <class Fn>
std::string refusal(Fn&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        BOOST_TEST(e.code() == rc::LICENSE_INVALID);
        return e.detail();
    }
    return "";
}

std::string verify(const std::string& text, const std::string& serial = "66331") {
    return refusal([&] { verifyLicense(text, serial, key().second); });
}

std::string replaceToken(std::string text, std::size_t index, const std::string& with) {
    std::vector<std::string> t;
    std::istringstream in(text);
    for (std::string w; in >> w;) t.push_back(w);
    t.at(index) = with;
    std::string out;
    for (const auto& w : t) out += (out.empty() ? "" : " ") + w;
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(fingerprint_has_the_seed_shape) {
    const auto fp = lockingCode("66331");
    BOOST_TEST(fp.size() == 16u);
    BOOST_TEST(fp.substr(0, 2) == "*1");
    BOOST_TEST(fp == lockingCode("66331"));
    BOOST_TEST(fp != lockingCode("66332"));
    for (char c : fp.substr(1)) BOOST_TEST((std::isdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))));
}

BOOST_AUTO_TEST_CASE(signed_license_round_trips) {
    const auto text = signedLicense();
    BOOST_TEST(text.starts_with("16 LUNA_PARTITIONS_5PACK 1.0 LONG NORMAL STANDALONE ADD 1_KEYS INFINITE_KEYS 27 OCT 2016 21 19 NEVER NiL SLM_CODE CL_ND_LCK NiL *1"));
    BOOST_TEST(text.find("0400 NiL NiL NiL 5_MINS 10_PACK 0 ") != std::string::npos);
    BOOST_TEST(text.ends_with("##AID=2c305d17-eec7-46cb-ad9f-b0ed752692ef"));
    auto l = verifyLicense(text, "66331", key().second);
    BOOST_TEST(l.fields.feature == "LUNA_PARTITIONS_5PACK");
    BOOST_TEST(l.fields.quantity == 10u);
    BOOST_TEST(l.fields.aid == "2c305d17-eec7-46cb-ad9f-b0ed752692ef");
    // Portals wrap lines: any whitespace between tokens reads the same.
    std::string wrapped = text;
    wrapped.replace(wrapped.find(" NEVER "), 7, "\nNEVER\t");
    BOOST_TEST(verify(wrapped) == "");
}

BOOST_AUTO_TEST_CASE(the_vendor_key_is_not_the_test_key) {
    BOOST_TEST(refusal([&] { verifyLicense(signedLicense(), "66331"); }) ==
               "The license string is corrupted (its signature does not verify)");
}

BOOST_AUTO_TEST_CASE(seed_messages) {
    const auto text = signedLicense();
    BOOST_TEST(verify(text, "12345") == "LUNA_PARTITIONS_5PACK not licensed for this appliance");
    BOOST_TEST(verify(replaceToken(text, 1, "luna-partitions")) == "Invalid licensed feature");
    BOOST_TEST(verify(replaceToken(text, 2, "one")) == "Invalid licensed feature version");
    BOOST_TEST(verify(replaceToken(text, 19, "66331")) == "Invalid licensed HSM serial number");
    BOOST_TEST(verify(replaceToken(text, 3, "SHORT")) == "Invalid license string format");
    BOOST_TEST(verify("") == "Invalid license string format");
    BOOST_TEST(verify(text + " extra") == "Invalid license string format");
    // Any change to a signed field breaks the signature.
    BOOST_TEST(verify(replaceToken(text, 24, "95_PACK")) == "The license string is corrupted (its signature does not verify)");
    BOOST_TEST(verify(replaceToken(text, 9, "28")) == "The license string is corrupted (its signature does not verify)");
    auto f = fields();
    f.aid = "00000000-0000-0000-0000-000000000000";
    auto other = signedLicense(f);
    auto swapped = text.substr(0, text.find("##AID=")) + other.substr(other.find("##AID="));
    BOOST_TEST(verify(swapped) == "The license string is corrupted (its signature does not verify)");
}

BOOST_AUTO_TEST_CASE(features_and_versions) {
    auto f = fields();
    f.feature = "LUNA_TELEPORTATION";
    BOOST_TEST(verify(signedLicense(f)) == "License is unknown/not available (LUNA_TELEPORTATION)");
    f = fields();
    f.version = "2.0";
    BOOST_TEST(verify(signedLicense(f)) == "Invalid licensed feature version");
    f = fields();
    f.quantity = 7;   // partitions come in five-packs
    BOOST_TEST(verify(signedLicense(f)) == "Invalid license string format");
    f = fields();
    f.feature = "LUNA_KOREAN_ALGORITHMS";
    f.quantity = 1;
    BOOST_TEST(verify(signedLicense(f)) == "");
}

BOOST_AUTO_TEST_CASE(store) {
    auto store = LicenseStore::parse("");
    store.add(verifyLicense(signedLicense(), "66331", key().second));
    auto f = fields();
    f.aid = "11111111-2222-3333-4444-555555555555";
    f.quantity = 20;
    store.add(verifyLicense(signedLicense(f), "66331", key().second));
    BOOST_TEST(store.partitionsAdded() == 30u);
    try {
        store.add(verifyLicense(signedLicense(), "66331", key().second));
        BOOST_FAIL("a licence applied twice");
    } catch (const Error& e) {
        BOOST_TEST(e.code() == rc::LICENSE_ALREADY_APPLIED);
        BOOST_TEST(e.detail() == "License is already applied");
    }
    auto again = LicenseStore::parse(store.render() + "garbage line\n");
    BOOST_TEST(again.licenses().size() == 2u);
    BOOST_TEST(again.licenses()[1].fields.quantity == 20u);
    again.revoke(1);
    BOOST_TEST(again.licenses().size() == 1u);
    BOOST_TEST(again.partitionsAdded() == 20u);
    try {
        again.revoke(5);
        BOOST_FAIL("revoked a licence that is not there");
    } catch (const Error& e) {
        BOOST_TEST(e.code() == rc::LICENSE_NOT_FOUND);
    }
}
