#!/bin/bash
# GnuTLS p11tool through libCryptoki2.so over NTLS: tokens by PKCS#11 URL, key generation,
# and p11tool's own signing test (sign, verify against the key and against the token).
. "$(dirname "$0")/lib.sh"
command -v p11tool >/dev/null || skip "p11tool (gnutls-bin) is not installed"
interop_up
export GNUTLS_PIN=$LUNA_CO_PIN
p11() { p11tool --provider "$MODULE" "$@"; }

out=$(p11 --list-tokens 2>&1)
expect_match "p11tool sees partition p1" "serial=$P1;token=par0" "$out"
expect_match "p11tool sees partition p2" "serial=$P2;token=par1" "$out"
expect_match "manufacturer" "Manufacturer: SafeNet" "$out"

expect_ok "ECDSA P-256 key" p11 --login --generate-privkey ecdsa --curve secp256r1 --label ec1 "pkcs11:token=par0"
expect_ok "RSA-2048 key" p11 --login --generate-privkey rsa --bits 2048 --label rsa1 "pkcs11:token=par0"
out=$(p11 --login --list-privkeys "pkcs11:token=par0" 2>&1)
expect_match "the private keys are listed" "object=ec1;type=private" "$out"
expect_match "... both" "object=rsa1;type=private" "$out"
out=$(p11 --login --test-sign "pkcs11:token=par0;object=ec1" 2>&1)
expect_match "ECDSA: sign and verify against the token" "Verifying against public key in the token\.\.\. ok" "$out"
out=$(p11 --login --test-sign "pkcs11:token=par0;object=rsa1" 2>&1)
expect_match "RSA: sign and verify against the token" "Verifying against public key in the token\.\.\. ok" "$out"
expect_match "the public key exports as PEM" "BEGIN PUBLIC KEY" "$(p11 --export-pubkey "pkcs11:token=par0;object=ec1" 2>&1)"
out=$(GNUTLS_PIN=Wrong-PIN-1 p11 --login --list-privkeys "pkcs11:token=par0" 2>&1 || true)
expect_match "a wrong PIN is refused" "PIN|[Ee]rror" "$out"
expect_match "the other partition has no keys" "^$" "$(p11 --login --list-privkeys "pkcs11:token=par1" 2>/dev/null || true)"
finish
