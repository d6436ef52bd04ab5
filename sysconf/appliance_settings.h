// Two small appliance settings, each one file under the etc root:
//  - the extended login banner (`sysconf banner add/clear`): at most 8 KB of standard ASCII
//    (reference: "characters between 0 and 127"), shown by lunash after its own banner;
//  - SO login enforcement (`sysconf forcesologin`): "enabled" in the file, or no file. It is
//    not part of configuration backups ("persists backup and restore operations") and is
//    reset by `sysconf config factoryreset -service all`.
// And the SSH host keys' fingerprints (`sysconf fingerprint ssh`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace luna::sysconf {

inline constexpr std::size_t kBannerMax = 8192;
// CKR_CONFIG_VALUE_INVALID unless 1-8192 bytes of ASCII (printable, tab, CR, LF).
void checkBanner(std::string_view text);
void setBanner(const std::filesystem::path& file, std::string_view text);
void clearBanner(const std::filesystem::path& file);

bool forceSoLogin(const std::filesystem::path& file);
void setForceSoLogin(const std::filesystem::path& file, bool enabled);

struct HostKeyFingerprint {
    std::string type;          // RSA, ECDSA, ED25519, DSA
    std::uint32_t bits = 0;
    std::string fingerprint;   // "SHA256:<base64 without padding>", as ssh-keygen -l prints it
};
// Every <sshDir>/ssh_host_*_key.pub, sorted by type.
std::vector<HostKeyFingerprint> hostKeyFingerprints(const std::filesystem::path& sshDir);

} // namespace luna::sysconf
