// Capability and partition upgrade licences (LunaSH `sysconf license`, `sysconf fingerprint
// license`), in the seed's licence-string layout (ch.20, "Getting the HSM Fingerprint"),
// signed with the project's own vendor key. docs/license.md gives the layout field by field;
// in short, 27 blank-separated tokens:
//
//   16 LUNA_PARTITIONS_5PACK 1.0 LONG NORMAL STANDALONE ADD 1_KEYS INFINITE_KEYS
//   27 OCT 2016 21 19 NEVER NiL SLM_CODE CL_ND_LCK NiL *1K9CMFJXJBVU6LC0400 NiL NiL NiL
//   5_MINS 10_PACK 0 <sig-half-1>,<sig-half-2>##AID=<activation id>
//
// feature, feature version, issue date, the HSM's locking code (its fingerprint + "0400"),
// the quantity, and an Ed25519 signature (two base64url halves) over every token before it
// plus " ##AID=<id>". The public key is compiled in (kVendorPublicKey); the private key
// exists only in the development tool tools/license/ (never installed).
//
// Each refusal is CKR_LICENSE_INVALID with the seed's message ("Invalid licensed feature",
// "<feature> not licensed for this appliance", "License is unknown/not available (...)").
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace luna::sysconf {

inline constexpr std::array<unsigned char, 32> kVendorPublicKey{
    0x5d, 0x6c, 0x0f, 0xc1, 0xc8, 0x07, 0xbb, 0xab, 0x5c, 0xbe, 0x9a, 0x82, 0xf8, 0xa3, 0x8b, 0xf9,
    0xcb, 0x11, 0xb9, 0x3a, 0x42, 0x01, 0xf1, 0x4f, 0x1a, 0xbd, 0x8f, 0xaf, 0xf2, 0xe8, 0x06, 0x3e,
};

// Features this appliance software knows. `display` is what `sysconf license list` shows.
struct FeatureDef {
    std::string_view name;       // in the licence string
    std::string_view display;    // FEATURE column
    std::string_view version;    // the only version this software accepts
    bool partitions;             // quantity is a number of partitions (multiples of 5)
    bool destructive;            // "This is a destructive capability update"
};
inline constexpr std::array<FeatureDef, 2> kFeatures{{
    {"LUNA_PARTITIONS_5PACK", "LUNA_PARTITIONS", "1.0", true, false},
    {"LUNA_KOREAN_ALGORITHMS", "LUNA_KOREAN_ALGORITHMS", "1.0", false, true},
}};
const FeatureDef* findFeature(std::string_view name);

// The HSM fingerprint ("locking code") for a serial number: "*1" and 14 characters of
// Crockford base32 from SHA-256 of the serial.
std::string lockingCode(std::string_view hsmSerial);

struct LicenseFields {
    std::string feature, version;
    std::string issued;          // "27 OCT 2016 21 19"
    std::string lock;            // "*1K9CMFJXJBVU6LC0400"
    std::uint32_t quantity = 0;
    std::string aid;             // activation id (a UUID)
};

struct License {
    LicenseFields fields;
    std::string text;            // canonical: tokens joined by single blanks
    std::string signedPart;      // what the signature covers
    std::array<unsigned char, 64> signature{};
};

// Parses the layout above (any whitespace between tokens: portals wrap lines). Checks the
// form of each field, not the signature or the HSM.
License parseLicense(std::string_view text);

// Everything: form, signature under `publicKey`, a known feature and version, and the lock
// matching `hsmSerial`. Returns the licence.
License verifyLicense(std::string_view text, std::string_view hsmSerial,
                      std::span<const unsigned char, 32> publicKey = kVendorPublicKey);

// The licence string for `fields`, signed with the Ed25519 private key in `privateKeyPem`
// (tools/license and the unit tests; sysconfd never signs).
std::string signLicense(const LicenseFields& fields, std::string_view privateKeyPem);

// Applied licences, one canonical licence string per line, in the order applied.
class LicenseStore {
public:
    static LicenseStore parse(std::string_view content);
    const std::vector<License>& licenses() const { return licenses_; }
    void add(License l);                  // CKR_LICENSE_ALREADY_APPLIED (same activation id)
    License revoke(std::uint32_t index);  // 1-based, as listed; CKR_LICENSE_NOT_FOUND
    std::uint32_t partitionsAdded() const;
    std::string render() const;

private:
    std::vector<License> licenses_;
};

} // namespace luna::sysconf
