#!/bin/bash
# vtl without an appliance (no root needed): the client certificate, the server list and the
# CA file in Chrystoki.conf, in the braces syntax and in the ini syntax.
set -euo pipefail
: "${LUNA_VTL:?set by meson}"
VTL=$(readlink -f "$LUNA_VTL")
T=$(mktemp -d /tmp/luna-vtl.XXXXXX)
trap 'rm -rf "$T"' EXIT
failures=0
check() { if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAIL: $1: expected '$2', got '$3'"; failures=$((failures + 1)); fi; }
export ChrystokiConfigurationPath=$T
printf '# kept\nMisc = {\n   ToolsDir = %s/lc/bin;\n}\nLuna = {\n   DefaultTimeOut = 500000;\n}\n' "$T" >"$T/Chrystoki.conf"

out=$("$VTL" createCert -n client-a -o Example -d 30)
check "createCert reports the key" "Private Key created and written to: $T/lc/cert/client/client-aKey.pem" "$(head -1 <<<"$out")"
check "createCert reports the certificate" "Certificate created and written to: $T/lc/cert/client/client-a.pem" "$(tail -1 <<<"$out")"
check "the key is 0600" 600 "$(stat -c %a "$T/lc/cert/client/client-aKey.pem")"
check "key and certificate match" "$(openssl x509 -in "$T/lc/cert/client/client-a.pem" -noout -pubkey)" \
  "$(openssl pkey -in "$T/lc/cert/client/client-aKey.pem" -pubout)"
check "subject" "subject=O = Example, CN = client-a" "$(openssl x509 -in "$T/lc/cert/client/client-a.pem" -noout -subject)"
check "subjectAltName carries the name" "DNS:client-a" \
  "$(openssl x509 -in "$T/lc/cert/client/client-a.pem" -noout -ext subjectAltName | tail -1 | tr -d ' ')"
fp=$(openssl x509 -in "$T/lc/cert/client/client-a.pem" -noout -fingerprint -sha1 | cut -d= -f2)
check "fingerprint: SHA-1, as lunash prints it" "Certificate fingerprint: $fp." "$("$VTL" fingerprint)"

for s in hsm1 hsm2 hsm3; do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/$s.key" -out "$T/$s.pem" \
    -subj "/CN=$s" -days 1 2>/dev/null
done
check "addServer" "New server hsm1 successfully added to server list." "$("$VTL" addServer -n hsm1 -c "$T/hsm1.pem")"
"$VTL" add -n hsm2 -c "$T/hsm2.pem" -p 11792 >/dev/null
"$VTL" add -n hsm3 -c "$T/hsm3.pem" >/dev/null
check "listServers, in order" "Server: hsm1
Server: hsm2
Server: hsm3" "$("$VTL" list)"
check "the CA file holds the three certificates" 3 "$(grep -c 'BEGIN CERTIFICATE' "$T/lc/cert/server/CAFile.pem")"
check "a second addServer of the same name is refused" 1 "$("$VTL" addServer -n HSM1 -c "$T/hsm1.pem" >/dev/null 2>&1; echo $?)"
check "deleteServer" "Server hsm1 successfully removed from server list." "$("$VTL" deleteServer -n hsm1)"
conf=$(cat "$T/Chrystoki.conf")
check "renumbered without gaps" "ServerName00 = hsm2;" "$(grep -o 'ServerName00 = [^ ]*' <<<"$conf")"
check "with its port" "ServerPort00 = 11792;" "$(grep -o 'ServerPort00 = [^ ]*' <<<"$conf")"
check "no ServerName02 left" "" "$(grep ServerName02 <<<"$conf" || true)"
check "the other sections are kept" "DefaultTimeOut = 500000;" "$(grep -o 'DefaultTimeOut = [^ ]*' <<<"$conf")"
check "the CA file follows" 2 "$(grep -c 'BEGIN CERTIFICATE' "$T/lc/cert/server/CAFile.pem")"
"$VTL" replaceServer -o hsm3 -n hsm1 -c "$T/hsm1.pem" >/dev/null
check "replaceServer" "Server: hsm2
Server: hsm1" "$("$VTL" listServers)"
check "an unknown command fails" 1 "$("$VTL" frobnicate >/dev/null 2>&1; echo $?)"
check "a missing option fails" 1 "$("$VTL" addServer -n x >/dev/null 2>&1; echo $?)"

# The ini syntax (crystoki.ini) stays ini.
printf '[Misc]\nToolsDir=%s/ini/bin\n' "$T" >"$T/Chrystoki.conf"
"$VTL" createCert -n 10.1.2.3 >/dev/null
"$VTL" addServer -n hsm2 -c "$T/hsm2.pem" >/dev/null
check "ini stays ini" "[LunaSA Client]" "$(grep -F '[LunaSA Client]' "$T/Chrystoki.conf")"
check "ini entry" "ServerName00=hsm2" "$(grep ServerName00 "$T/Chrystoki.conf")"
check "an IP name goes into the IP subjectAltName" "IPAddress:10.1.2.3" \
  "$(openssl x509 -in "$T/ini/cert/client/10.1.2.3.pem" -noout -ext subjectAltName | tail -1 | tr -d ' ')"
echo "$failures failed"
[ "$failures" = 0 ]
