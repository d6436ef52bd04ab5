// SSH public keys of appliance users (`my public-key ...`). sysconfd keeps each user's keys
// in a root-owned file that sshd reads (AuthorizedKeysFile /etc/luna/ssh/authorized_keys/%u),
// so only sysconfd adds or removes them. Each line is ours: "restrict,pty <type> <base64>
// <name>": no forwarding of any kind, a terminal for the interactive shell, and the name the
// user gave the key (the file it came from) in the comment field.
//
// The parser is small and bounds-checked; it accepts one key line in OpenSSH format and
// nothing else (no options, no second line), and it reads the key blob only to check its
// type and size.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace luna::sysconf {

struct SshPublicKey {
    std::string type;          // "ssh-ed25519"
    std::string base64;        // the key blob as in the file
    unsigned bits = 0;         // 256 for ed25519, the modulus size for RSA
    std::string fingerprint;   // MD5 of the blob, colon-separated hex, as `my public-key list` shows it
};

// One public key as `ssh-keygen` writes it: "<type> <base64> [comment]", blank lines and
// a trailing newline allowed. Throws CKR_SSH_KEY_INVALID.
SshPublicKey parsePublicKey(std::string_view text);

struct NamedKey {
    std::string name;
    SshPublicKey key;
};

// The file format above. Lines the parser does not recognise are dropped (never granted).
std::vector<NamedKey> parseAuthorizedKeys(std::string_view content);
std::string renderAuthorizedKeys(const std::vector<NamedKey>& keys);

} // namespace luna::sysconf
