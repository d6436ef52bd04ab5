#!/bin/bash
# OpenSSL through libengine-pkcs11-openssl and libCryptoki2.so over NTLS: a CA certificate
# signed with an RSA key that never leaves the HSM, a leaf certificate signed by that CA key
# (and another by an EC key in the HSM), all verified with plain openssl and no engine.
. "$(dirname "$0")/lib.sh"
ENGINE=$(find /usr/lib -path '*engines-3/pkcs11.so' 2>/dev/null | head -n1)
[ -n "$ENGINE" ] || skip "libengine-pkcs11-openssl is not installed"
command -v pkcs11-tool >/dev/null || skip "pkcs11-tool (opensc) is not installed"
interop_up
cat >"$T/openssl.cnf" <<CNF
openssl_conf = openssl_init
[openssl_init]
engines = engine_section
[engine_section]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
dynamic_path = $ENGINE
MODULE_PATH = $MODULE
init = 0
[req]
distinguished_name = dn
[dn]
[v3_ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_leaf]
basicConstraints = CA:false
keyUsage = digitalSignature
CNF
ossl() { OPENSSL_CONF=$T/openssl.cnf openssl "$@"; }
key() { echo "pkcs11:token=par0;object=$1;type=private;pin-value=$LUNA_CO_PIN"; }

expect_ok "RSA CA key in the HSM" pkcs11-tool --module "$MODULE" --slot 0 --login --pin "$LUNA_CO_PIN" \
  --keypairgen --key-type rsa:2048 --label ca-rsa --id 10
expect_ok "EC CA key in the HSM" pkcs11-tool --module "$MODULE" --slot 0 --login --pin "$LUNA_CO_PIN" \
  --keypairgen --key-type EC:prime256v1 --label ca-ec --id 11

expect_ok "self-signed CA certificate from the HSM's RSA key" ossl req -new -x509 -days 30 -sha256 -engine pkcs11 \
  -keyform engine -key "$(key ca-rsa)" -subj "/CN=Luna interop CA" -extensions v3_ca -out "$T/ca.pem"
expect "plain openssl verifies the CA certificate" "$T/ca.pem: OK" "$(openssl verify -CAfile "$T/ca.pem" "$T/ca.pem" 2>&1)"
expect_match "the certificate's key is the HSM's public key" "^$(pkcs11-tool --module "$MODULE" --slot 0 --read-object \
  --type pubkey --id 10 2>/dev/null | openssl pkey -pubin -inform DER -outform DER | sha256sum | cut -c1-64)\$" \
  "$(openssl x509 -in "$T/ca.pem" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -c1-64)"

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/leaf.key" -subj "/CN=leaf.example" \
  -out "$T/leaf.csr" 2>/dev/null
expect_ok "a leaf certificate signed with the CA key in the HSM" ossl x509 -req -in "$T/leaf.csr" -days 7 -sha256 \
  -engine pkcs11 -CAkeyform engine -CAkey "$(key ca-rsa)" -CA "$T/ca.pem" -CAcreateserial -CAserial "$T/ca.srl" \
  -extfile "$T/openssl.cnf" -extensions v3_leaf -out "$T/leaf.pem"
expect "plain openssl verifies the leaf against the CA" "$T/leaf.pem: OK" \
  "$(openssl verify -CAfile "$T/ca.pem" "$T/leaf.pem" 2>&1)"

expect_ok "an EC CA certificate from the HSM" ossl req -new -x509 -days 30 -sha256 -engine pkcs11 -keyform engine \
  -key "$(key ca-ec)" -subj "/CN=Luna interop EC CA" -extensions v3_ca -out "$T/ca-ec.pem"
expect_ok "a leaf signed by the HSM's EC key" ossl x509 -req -in "$T/leaf.csr" -days 7 -sha256 -engine pkcs11 \
  -CAkeyform engine -CAkey "$(key ca-ec)" -CA "$T/ca-ec.pem" -CAcreateserial -CAserial "$T/ca-ec.srl" \
  -extfile "$T/openssl.cnf" -extensions v3_leaf -out "$T/leaf-ec.pem"
expect "plain openssl verifies the EC-signed leaf" "$T/leaf-ec.pem: OK" \
  "$(openssl verify -CAfile "$T/ca-ec.pem" "$T/leaf-ec.pem" 2>&1)"
expect_match "and not against the other CA" "error|fail" "$(openssl verify -CAfile "$T/ca.pem" "$T/leaf-ec.pem" 2>&1 || true)"

echo "signed by the HSM" >"$T/msg"
expect_ok "openssl dgst -sign with the engine" ossl dgst -sha256 -engine pkcs11 -keyform engine -sign "$(key ca-ec)" \
  -out "$T/msg.sig" "$T/msg"
expect_match "plain openssl verifies it with the certificate's key" "Verified OK" \
  "$(openssl dgst -sha256 -verify <(openssl x509 -in "$T/ca-ec.pem" -noout -pubkey) -signature "$T/msg.sig" "$T/msg" 2>&1)"
finish
