#include "sysconf/appliance_settings.h"

#include "sysconf/atomic_file.h"
#include "sysconf/ssh_keys.h"

#include "luna/errors.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>

namespace luna::sysconf {
namespace {

namespace fs = std::filesystem;

std::string base64NoPad(const unsigned char* data, std::size_t n) {
    std::string out(4 * ((n + 2) / 3) + 1, '\0');
    int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
    out.resize(static_cast<std::size_t>(len));
    while (!out.empty() && out.back() == '=') out.pop_back();
    return out;
}

std::string decodeBlob(const std::string& b64) {
    std::string out(3 * b64.size() / 4 + 3, '\0');
    int len = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                              reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
    if (len < 0) return {};
    std::size_t pad = 0;
    for (auto it = b64.rbegin(); it != b64.rend() && *it == '='; ++it) ++pad;
    out.resize(static_cast<std::size_t>(len) - pad);
    return out;
}

std::string shortType(const std::string& type) {
    if (type == "ssh-rsa") return "RSA";
    if (type == "ssh-ed25519") return "ED25519";
    if (type == "ssh-dss") return "DSA";
    if (type.starts_with("ecdsa-")) return "ECDSA";
    return type;
}

} // namespace

void checkBanner(std::string_view text) {
    if (text.empty()) throw Error(rc::CONFIG_VALUE_INVALID, "The banner file is empty");
    if (text.size() > kBannerMax)
        throw Error(rc::CONFIG_VALUE_INVALID, "The banner file is larger than 8 KB (" + std::to_string(text.size()) + " bytes)");
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u > 127 || (u < 32 && c != '\n' && c != '\r' && c != '\t') || u == 127)
            throw Error(rc::CONFIG_VALUE_INVALID, "The banner text may hold standard ASCII characters only");
    }
}

void setBanner(const fs::path& file, std::string_view text) {
    checkBanner(text);
    fs::create_directories(file.parent_path());
    std::string content(text);
    if (content.back() != '\n') content += '\n';
    writeFileAtomic(file, content, FileOwner{0, 0, 0644});
}

void clearBanner(const fs::path& file) { removeFileDurably(file); }

bool forceSoLogin(const fs::path& file) {
    auto text = readFile(file);
    return text && text->starts_with("enabled");
}

void setForceSoLogin(const fs::path& file, bool enabled) {
    if (!enabled) {
        removeFileDurably(file);
        return;
    }
    fs::create_directories(file.parent_path());
    writeFileAtomic(file, "enabled\n", FileOwner{0, 0, 0644});
}

std::vector<HostKeyFingerprint> hostKeyFingerprints(const fs::path& sshDir) {
    std::vector<HostKeyFingerprint> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(sshDir, ec)) {
        const auto name = e.path().filename().string();
        if (!name.starts_with("ssh_host_") || !name.ends_with("_key.pub")) continue;
        auto text = readFile(e.path());
        if (!text) continue;
        try {
            auto key = parsePublicKey(*text);
            auto blob = decodeBlob(key.base64);
            unsigned char d[SHA256_DIGEST_LENGTH];
            SHA256(reinterpret_cast<const unsigned char*>(blob.data()), blob.size(), d);
            out.push_back({shortType(key.type), key.bits, "SHA256:" + base64NoPad(d, sizeof d)});
        } catch (const std::exception&) {
            // A host key file we cannot read is not shown (sshd would not offer it either).
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.type > b.type; });
    return out;
}

} // namespace luna::sysconf
