#!/bin/bash
# OpenSC pkcs11-tool through libCryptoki2.so over NTLS: slots and tokens as ch.16 numbers
# them, key generation, signatures checked by plain openssl, and pkcs11-tool's own --test.
. "$(dirname "$0")/lib.sh"
command -v pkcs11-tool >/dev/null || skip "pkcs11-tool (opensc) is not installed"
interop_up
if [ -n "$asan" ]; then
  # Under SANITIZE=1: Debian's pkcs11-tool (OpenSC 0.23) frees the curve name before it builds
  # an EC public key from it (--read-object --type pubkey), a use-after-free ASan catches in the
  # strcmp libcrypto makes for it. Errors ASan finds inside an interceptor (strcmp, memcpy...)
  # with pkcs11-tool on the call stack are suppressed; the module's own instrumented memory
  # accesses are still checked.
  printf 'interceptor_via_lib:pkcs11-tool\n' >"$T/asan.supp"
  export ASAN_OPTIONS="$ASAN_OPTIONS:suppressions=$T/asan.supp"
fi
p11() { pkcs11-tool --module "$MODULE" "$@"; }

out=$(p11 -L 2>&1)
expect_match "slot 0 is the first assigned partition" "Slot 0 \(0x0\): Net Token Slot" "$out"
expect_match "slot 1 is the second" "Slot 1 \(0x1\): Net Token Slot" "$out"
expect_match "token label from partition init" "token label +: par0" "$out"
expect_match "serial is the partition serial" "serial num +: $P1" "$out"
expect_match "token initialized, PIN initialized" "token flags +:.*token initialized, PIN initialized" "$out"

expect_match "mechanisms listed" "ECDSA-SHA256" "$(p11 -M --slot 0 2>&1)"
expect_match "wrong PIN is refused" "CKR_PIN_INCORRECT" "$(p11 --slot 0 --login --pin Wrong-PIN-1 -O 2>&1 || true)"

expect_ok "RSA-2048 key pair" p11 --slot 0 --login --pin "$LUNA_CO_PIN" --keypairgen --key-type rsa:2048 --id 01 --label rsa1
expect_ok "EC P-256 key pair" p11 --slot 0 --login --pin "$LUNA_CO_PIN" --keypairgen --key-type EC:prime256v1 --id 02 --label ec1
expect_ok "AES-256 key" p11 --slot 0 --login --pin "$LUNA_CO_PIN" --keygen --key-type AES:32 --id 03 --label aes1
expect_match "the objects are listed" "label: +aes1" "$(p11 --slot 0 --login --pin "$LUNA_CO_PIN" -O 2>&1)"

head -c 1000 /dev/urandom >"$T/data"
expect_ok "RSA-PSS signature" p11 --slot 0 --login --pin "$LUNA_CO_PIN" --sign --id 01 -m SHA256-RSA-PKCS-PSS \
  --input-file "$T/data" --output-file "$T/sig.pss"
expect_ok "public key exported" p11 --slot 0 --read-object --type pubkey --id 01 --output-file "$T/rsa.der"
expect_match "plain openssl verifies the PSS signature" "Verified OK" \
  "$(openssl dgst -sha256 -keyform DER -verify "$T/rsa.der" -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:-1 \
      -signature "$T/sig.pss" "$T/data" 2>&1)"
expect_ok "ECDSA signature (DER)" p11 --slot 0 --login --pin "$LUNA_CO_PIN" --sign --id 02 -m ECDSA-SHA256 \
  --signature-format openssl --input-file "$T/data" --output-file "$T/sig.ec"
expect_ok "EC public key exported" p11 --slot 0 --read-object --type pubkey --id 02 --output-file "$T/ec.der"
expect_match "plain openssl verifies the ECDSA signature" "Verified OK" \
  "$(openssl dgst -sha256 -keyform DER -verify "$T/ec.der" -signature "$T/sig.ec" "$T/data" 2>&1)"

out=$(p11 --slot 0 --login --pin "$LUNA_CO_PIN" --test 2>&1)
expect_match "pkcs11-tool --test: no errors" "^No errors" "$out"
expect_match "pkcs11-tool --test: digests" "all [0-9]+ digest functions seem to work" "$out"
expect_match "pkcs11-tool --test: RSA-PKCS decryption" "RSA-PKCS: OK" "$out"

out=$(p11 --slot 1 --login --pin "$LUNA_CO_PIN" -O 2>&1)
expect_match "slot 1 is another partition: none of slot 0's objects" "^(Using slot 1[^\n]*)?$" "$(grep -v '^Using slot' <<<"$out" || true)"
finish
