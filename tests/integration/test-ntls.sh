#!/bin/bash
# NTLS end to end (issue 4, appliance side; docs/ntls.md): ntlsd between TLS clients and hsmd.
# Registered certificates get in and see their assigned partitions only; unregistered ones,
# TLS 1.1 and weak suites are refused (and counted); revocation, deletion and ipcheck take
# effect; counters move; garbage on one link is answered or ends that link only; ntlsd keeps
# the registry across restarts and hsmd's assignment table across hsmd restarts.
. "$(dirname "$0")/ntls-lib.sh"
command -v openssl >/dev/null || skip "openssl is not installed"
ntls_up

# An idle TCP connection that never starts TLS: the handshake timer (10 s here) must end it.
ntls_call 0 Ntls SetTimeout u 10 >/dev/null
exec 3<>"/dev/tcp/127.0.0.1/$NTLS_PORT"
idle_started=$(date +%s)

# The HSM: three partitions.
out=$(client 0 init ntls-hsm "$SO_PW" dom-1234 -- login "$SO_PW" -- create p1 0 -- create p2 0 -- create p3 0 -- list)
P1=$(awk '$2 == "p1" {print $1}' <<<"$out"); P2=$(awk '$2 == "p2" {print $1}' <<<"$out")
P3=$(awk '$2 == "p3" {print $1}' <<<"$out")
[ -n "$P1" ] && [ -n "$P2" ] && [ -n "$P3" ] || { echo "partition setup failed: $out"; exit 99; }

# ---- the D-Bus contract: ntlsd's object and hsmd's ClientAccess match lib/dbus --------------------
busctl --system introspect --xml-interface "$NTLS_BUS" "$NTLS_OBJ" >"$T/ntls-live.xml"
busctl --system introspect --xml-interface "$LUNA_BUS_NAME" "$LUNA_OBJECT" >"$T/hsm-live.xml"
if out=$(python3 "$LUNA_ROOT/tests/integration/introspect-diff.py" "$LUNA_XML_DIR" --require com.safenet.Luna.Ntls \
           --require com.safenet.Luna.Clients --require com.safenet.Luna.ClientAccess \
           "$NTLS_OBJ=$T/ntls-live.xml" "$LUNA_OBJECT=$T/hsm-live.xml"); then
  pass "introspection: $out"
else
  fail "live introspection differs from lib/dbus:"; printf '%s\n' "$out"
fi

# ---- server certificate -------------------------------------------------------------------------
server_pem "$T/server.pem"
fp=$(openssl x509 -in "$T/server.pem" -noout -fingerprint -sha1 | cut -d= -f2)
expect "CertificateFingerprint is the SHA-1 of server.pem" "s \"$fp\"" "$(ntls_prop CertificateFingerprint)"
expect_match "server certificate: RSA-2048 sha256WithRSAEncryption, Chrysalis-ITS subject" \
  "Signature Algorithm: sha256WithRSAEncryption" "$(openssl x509 -in "$T/server.pem" -noout -text)"
expect_match "server certificate CN is the hostname" "CN ?= ?ntls-test" "$(openssl x509 -in "$T/server.pem" -noout -subject)"
expect "ntlsd wrote server.pem in its state dir" "$(cat "$T/server.pem")" "$(cat "$T/ntls/server.pem")"
expect "server.key is 0600" 600 "$(stat -c %a "$T/ntls/server.key")"

# ---- registration -------------------------------------------------------------------------------
client_cert alpha
client_cert bravo -newkey rsa:2048
client_cert unreg
client_cert weak -newkey rsa:1024
client_cert charlie
expect_done "admin registers alpha by IP" "$(register $ADMIN alpha 127.0.0.1)"
expect_done "operator registers bravo by IP" "$(register $OPERATOR bravo 127.0.0.1)"
expect_match "monitor may not register" "CKR_ACCESS_DENIED" "$(register_err $MONITOR charlie 127.0.0.1)"
expect_match "a second name for the same certificate is refused" "CKR_CERTIFICATE_IN_USE" \
  "$(register_err $ADMIN alpha2 127.0.0.1 alpha)"
expect_match "the same name twice is refused" "CKR_CLIENT_ALREADY_EXISTS" "$(register_err $ADMIN alpha 127.0.0.1 charlie)"
expect_match "a weak RSA-1024 certificate is refused" "CKR_CERTIFICATE_INVALID" "$(register_err $ADMIN weak 127.0.0.1)"
expect_match "a bad client name is refused" "CKR_CLIENT_NAME_INVALID" "$(register_err $ADMIN 'bad name' 127.0.0.1 charlie)"
expect_match "a bad IP is refused" "CKR_ADDRESS_INVALID" "$(register_err $ADMIN charlie 300.1.1.1)"
expect_match "garbage as a certificate is refused" "CKR_CERTIFICATE_INVALID" \
  "$(ntls_err $ADMIN Clients Register string:charlie string: string:127.0.0.1 "string:not a cert" boolean:false)"
expect "List names the registered clients" 'as 2 "alpha" "bravo"' "$(ntls_call $MONITOR Clients List)"
afp=$(openssl x509 -in "$T/certs/alpha.pem" -noout -fingerprint -sha1 | cut -d= -f2)
expect "Fingerprint is the certificate's SHA-1" "s \"$afp\"" "$(ntls_call $ADMIN Clients Fingerprint s alpha)"

expect_done "assign p1 to alpha" "$(ntls_call $ADMIN Clients AssignPartition ss alpha p1)"
expect_done "assign p2 to alpha by serial" "$(ntls_call $OPERATOR Clients AssignPartition ss alpha "$P2")"
expect_done "assign p2 to bravo" "$(ntls_call $ADMIN Clients AssignPartition ss bravo p2)"
expect_match "assigning twice is refused" "CKR_PARTITION_ALREADY_ASSIGNED" "$(ntls_err $ADMIN Clients AssignPartition string:bravo string:p2)"
expect_match "assigning a partition that does not exist is refused" "CKR_PARTITION_NOT_FOUND" \
  "$(ntls_err $ADMIN Clients AssignPartition string:bravo string:nope)"
expect_match "Show lists alpha's partitions" "\"$P1\" \"p1\" \"$P2\" \"p2\"" "$(ntls_call $MONITOR Clients Show s alpha)"

# ---- who gets in, and what they see ---------------------------------------------------------------
out=$(nc_client alpha slots tokeninfo "$P3" tokeninfo "$P1")
expect_match "alpha connects" "^handshake: ok" "$out"
expect_match "alpha sees p1 and p2 only" "^slots: $P1 $P2\$" "$out"
expect_match "alpha may not use p3 (CKR_SLOT_ID_INVALID)" "^tokeninfo: rv=0x3\$" "$(head -3 <<<"$out" | tail -1)"
expect_match "alpha may use p1" "^tokeninfo: rv=0x0\$" "$(tail -1 <<<"$out")"
expect_match "bravo sees p2 only" "^slots: $P2\$" "$(nc_client bravo slots)"
failed_before=$(ntls_num FailedConnections)
expect_match "an unregistered certificate is refused" "^handshake: (failed|refused)" "$(nc_client unreg slots)"
# (the alert reaches the client before ntlsd writes its line: wait for it)
luna_wait_for grep -q "not registered" "$T/ntlsd.log" || true
expect_match "the refusal is logged" "not registered" "$(cat "$T/ntlsd.log")"
luna_wait_for num_above FailedConnections "$failed_before"
expect "the refusal is counted as failed" "$((failed_before + 1))" "$(ntls_num FailedConnections)"

# openssl s_client: protocol versions and suites.
s_client() {
  timeout 20 openssl s_client -connect "127.0.0.1:$NTLS_PORT" -CAfile "$T/server.pem" \
    -cert "$T/certs/alpha.pem" -key "$T/certs/alphaKey.pem" "$@" </dev/null 2>&1 || true
}
out=$(s_client -tls1_3)
expect_match "s_client TLS 1.3 with alpha's certificate: verified" "Verify return code: 0 \(ok\)" "$out"
expect_match "s_client TLS 1.3: an AEAD suite" "Cipher is TLS_(AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256|AES_128_GCM_SHA256)" "$out"
out=$(s_client -tls1_2)
expect_match "s_client TLS 1.2: ECDHE + AEAD" "Cipher is ECDHE-(RSA|ECDSA)-(AES256-GCM-SHA384|CHACHA20-POLY1305|AES128-GCM-SHA256)" "$out"
expect_lacks_re() { if printf '%s\n' "$3" | grep -qE -- "$2"; then fail "$1: got /$2/"; else pass "$1"; fi; }
out=$(s_client -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0')
expect_lacks_re "TLS 1.1 is refused" "Cipher is [A-Z]" "$out"
out=$(s_client -tls1_2 -cipher 'AES128-SHA:AES256-SHA:AES128-GCM-SHA256:@SECLEVEL=0')
expect_lacks_re "RSA key exchange / CBC suites are refused" "Cipher is [A-Z]" "$out"
out=$(s_client -tls1_2 -cipher 'DHE-RSA-AES128-GCM-SHA256')
expect_lacks_re "finite-field DHE is refused" "Cipher is [A-Z]" "$out"
out=$(timeout 20 openssl s_client -connect "127.0.0.1:$NTLS_PORT" -CAfile "$T/server.pem" -tls1_2 </dev/null 2>&1 || true)
expect_match "no client certificate: the handshake fails" "alert handshake failure|alert certificate required" "$out"

# ---- bad input on one link, another link unharmed -------------------------------------------------
rm -f "$T/go"
(nc_client bravo slots hold 3 slots >"$T/bravo.out") &
bravo=$!
out=$(nc_client alpha bad-payload unknown-op response-flag bad-handles "$P1" slots fuzz 500 slots garbage-header)
expect_match "truncated payload: CKR_ARGUMENTS_BAD" "^bad-payload: rv=0x7\$" "$out"
expect_match "unknown opcode: CKR_FUNCTION_NOT_SUPPORTED" "^unknown-op: rv=0x54\$" "$out"
expect_match "a response frame from the client: CKR_ARGUMENTS_BAD" "^response-flag: rv=0x7\$" "$out"
expect_match "the link still serves after bad payloads" "^slots: $P1 $P2\$" "$out"
expect_match "500 random payloads: every one answered" "^fuzz: 500/500 answered\$" "$out"
expect "the link still serves after the fuzzing" 2 "$(grep -c "^slots: $P1 $P2\$" <<<"$out")"
expect_match "a wrong session handle: CKR_SESSION_HANDLE_INVALID; a wrong object: CKR_OBJECT_HANDLE_INVALID" \
  "^bad-handles: session rv=0xB3 object rv=0x82\$" "$out"
expect_match "an unreadable header ends that link" "^garbage-header: closed\$" "$out"
expect_match "the unreadable header is logged" "unreadable frame header" "$(cat "$T/ntlsd.log")"
expect_match "a frame announcing more than the limit ends that link too" "^oversized: closed\$" "$(nc_client alpha oversized)"
expect_match "the oversized frame is logged" "unreadable frame header \(too large: payload of 4294967295 bytes" "$(cat "$T/ntlsd.log")"
mal=$(ntls_num MalformedFrames)
[ "$mal" -ge 5 ] && pass "bad frames are counted (MalformedFrames $mal >= 5)" || fail "MalformedFrames = $mal"
wait "$bravo" || true
expect "bravo's link is unharmed meanwhile" "handshake: ok TLSv1.3
slots: $P2
slots: $P2" "$(cat "$T/bravo.out")"

# ---- counters while links are open ----------------------------------------------------------------
(nc_client alpha hold 4 >/dev/null) & h1=$!
(nc_client alpha hold 4 >/dev/null) & h2=$!
(nc_client bravo hold 4 >/dev/null) & h3=$!
luna_wait_for num_is Links 3
expect "Links counts open links" "u 3" "$(ntls_prop Links)"
expect "ConnectedClients counts distinct clients" "u 2" "$(ntls_prop ConnectedClients)"
expect "Running" "b true" "$(ntls_prop Running)"
wait $h1 $h2 $h3 || true
luna_wait_for num_is Links 0
expect "links closed: Links back to 0" "u 0" "$(ntls_prop Links)"
succ=$(ntls_num SuccessfulConnections)
expect_match "SuccessfulConnections counted" "^[0-9]+$" "$succ"
[ "$succ" -ge 8 ] && pass "SuccessfulConnections >= 8 ($succ)" || fail "SuccessfulConnections = $succ"
(timeout 4 dbus-monitor --system "type='signal',sender='$NTLS_BUS',member='PropertiesChanged'" >"$T/signals" 2>&1 || true) &
mon=$!
sleep 1
nc_client alpha slots >/dev/null
wait "$mon" || true
expect_match "counter changes are signalled (PropertiesChanged)" "SuccessfulConnections" "$(cat "$T/signals")"

# ---- revocation and deletion take effect ----------------------------------------------------------
rm -f "$T/revoked"
(nc_client alpha opensession "$P1" wait-file "$T/revoked" opensession "$P1" >"$T/alpha-rev.out") &
a=$!
luna_wait_for grep -q '^opensession' "$T/alpha-rev.out"
expect_done "revoke p1 from alpha" "$(ntls_call $ADMIN Clients RevokePartition ss alpha p1)"
touch "$T/revoked"
wait "$a" || true
expect_match "before revocation alpha opens a session on p1" "^opensession: rv=0x0\$" "$(sed -n 2p "$T/alpha-rev.out")"
expect_match "after revocation the same link may not" "^opensession: rv=0x3\$" "$(sed -n 3p "$T/alpha-rev.out")"
expect_match "alpha no longer lists p1" "^slots: $P2\$" "$(nc_client alpha slots)"
expect_match "revoking again is refused" "CKR_PARTITION_NOT_ASSIGNED" "$(ntls_err $ADMIN Clients RevokePartition string:alpha string:p1)"
(nc_client bravo slots wait-closed 10 >"$T/bravo-del.out") & b=$!
luna_wait_for grep -q '^slots' "$T/bravo-del.out"
expect_done "delete bravo" "$(ntls_call $OPERATOR Clients Delete s bravo)"
wait "$b" || true
expect_match "deleting a client closes its open link" "^wait-closed: closed\$" "$(cat "$T/bravo-del.out")"
expect_match "bravo is refused now" "^handshake: (failed|refused)" "$(nc_client bravo slots)"

# ---- ipcheck --------------------------------------------------------------------------------------
expect_done "register charlie for another IP" "$(register $ADMIN charlie 10.9.9.9)"
expect_done "assign p3 to charlie" "$(ntls_call $ADMIN Clients AssignPartition ss charlie p3)"
failed_before=$(ntls_num FailedConnections)
expect_match "ipcheck: charlie from 127.0.0.1 is refused" "^handshake: (failed|refused)" "$(nc_client charlie slots)"
luna_wait_for grep -q "may not connect from 127.0.0.1" "$T/ntlsd.log" || true
expect_match "ipcheck refusal logged" "may not connect from 127.0.0.1" "$(cat "$T/ntlsd.log")"
luna_wait_for num_above FailedConnections "$failed_before"
expect "the ipcheck refusal is counted as failed" "$((failed_before + 1))" "$(ntls_num FailedConnections)"
expect_match "others are still served after the refusal" "^slots: $P2\$" "$(nc_client alpha slots)"
ntls_call $ADMIN Ntls SetIpCheck b false >/dev/null
expect "IpCheck property" "b false" "$(ntls_prop IpCheck)"
expect_match "ipcheck off: charlie gets in" "^slots: $P3\$" "$(nc_client charlie slots)"
ntls_call $ADMIN Ntls SetIpCheck b true >/dev/null
expect_done "hostip map charlie to 127.0.0.1" "$(ntls_call $ADMIN Clients MapHostIp ss charlie 127.0.0.1)"
expect_match "a registered IP wins over the mapping" "^handshake: (failed|refused)" "$(nc_client charlie slots)"

# ---- settings: ranges refused, values persisted -----------------------------------------------------
expect_match "timer 5 is refused" "CKR_NTLS_SETTING_INVALID" "$(ntls_err $ADMIN Ntls SetTimeout uint32:5)"
expect_match "threads 16 is refused" "CKR_NTLS_SETTING_INVALID" "$(ntls_err $ADMIN Ntls SetThreads uint32:16 uint32:0)"
expect_match "bind eth9 is refused" "CKR_NTLS_SETTING_INVALID" "$(ntls_err $ADMIN Ntls SetBind string:eth9 boolean:false)"
expect_match "monitor may not change settings" "CKR_ACCESS_DENIED" "$(ntls_err $MONITOR Ntls SetTimeout uint32:30)"
expect_done "threads 10/40" "$(ntls_call $OPERATOR Ntls SetThreads uu 10 40)"
expect_done "keepalive 200/150/15" "$(ntls_call $ADMIN Ntls SetKeepAlive uuu 200 150 15)"
expect_done "bind eth0" "$(ntls_call $ADMIN Ntls SetBind sb eth0 false)"

# ---- hsmd enforces on its own, and only ntlsd may set its table -----------------------------------
expect_match "SetAssignments from another uid is refused" "Only ntlsd may set the client assignments" \
  "$(as $ADMIN busctl --system call com.safenet.Luna.Hsm /com/safenet/Luna/Hsm com.safenet.Luna.ClientAccess SetAssignments 'a(sat)' 0 2>&1 || true)"

# ---- the idle connection: timed out and logged ------------------------------------------------------
luna_wait_for grep -q "RC_OPERATION_TIMED_OUT" "$T/ntlsd.log" || LUNA_WAIT=20 luna_wait_for grep -q "RC_OPERATION_TIMED_OUT" "$T/ntlsd.log" || true
expect_match "handshake timeout logged" "Error during SSL Connect \(RC_OPERATION_TIMED_OUT\)" "$(cat "$T/ntlsd.log")"
waited=$(( $(date +%s) - idle_started ))
[ "$waited" -ge 9 ] && pass "the timeout did not come early (${waited}s)" || fail "timed out after ${waited}s"
exec 3>&-

# ---- restarts: ntlsd keeps its registry and identity; hsmd gets the table back --------------------
fp_before=$(ntls_prop CertificateFingerprint)
ntlsd_down
ntlsd_up
expect "the server certificate survives a restart" "$fp_before" "$(ntls_prop CertificateFingerprint)"
expect 'registrations survive a restart' 'as 2 "alpha" "charlie"' "$(ntls_call $MONITOR Clients List)"
expect "settings survive a restart" "u 10" "$(ntls_prop DatapathThreads)"
expect "keepalive survives a restart" "u 200" "$(ntls_prop KeepAliveIdle)"
expect "bind setting survives a restart" 's "eth0"' "$(ntls_prop BindDevice)"
expect_match "alpha still sees p2 after the restart" "^slots: $P2\$" "$(nc_client alpha slots)"
luna_hsmd_down "$T"
hsmd_up
luna_wait_for sh -c "'$T/bin/ntls-client' 127.0.0.1 $NTLS_PORT '$T/certs/alpha.pem' '$T/certs/alphaKey.pem' '$T/server.pem' slots 2>/dev/null | grep -qx 'slots: $P2'"
expect_match "after an hsmd restart ntlsd reconnects and hsmd knows the assignments" "^slots: $P2\$" "$(nc_client alpha slots)"

# ---- regencert -------------------------------------------------------------------------------------
expect_match "operator may not regenerate the certificate" "CKR_ACCESS_DENIED" \
  "$(ntls_err $OPERATOR Ntls RegenerateCertificate string: string: uint32:365)"
expect_match "a bad start date is refused" "CKR_CERTIFICATE_INVALID" "$(ntls_err $ADMIN Ntls RegenerateCertificate string: string:20251399 uint32:365)"
new=$(ntls_call $ADMIN Ntls RegenerateCertificate ssu 192.0.2.7 "" 30)
expect_match "regencert answers the new fingerprint" '^s "([0-9A-F]{2}:){19}[0-9A-F]{2}"$' "$new"
expect "the property follows" "$new" "$(ntls_prop CertificateFingerprint)"
expect_match "a client holding the old server.pem no longer trusts the appliance" "^handshake: failed" "$(nc_client alpha slots)"
server_pem "$T/server2.pem"
expect_match "new certificate: CN and SAN are the IP" "IP Address:192.0.2.7" "$(openssl x509 -in "$T/server2.pem" -noout -text)"
expect_match "with the new server.pem alpha gets in" "^slots: $P2\$" "$(SERVER_PEM=$T/server2.pem nc_client alpha slots)"

ntlsd_down && pass "ntlsd exits cleanly on SIGTERM" || fail "ntlsd exit status $?"
finish
