#!/bin/bash
# vtl and lunacm against the appliance over NTLS: the server list and certificates in
# Chrystoki.conf, the partitions a registered client sees (ch.16 numbering), lunacm's slot,
# role and partition commands with LunaCM's output, and a revoked partition disappearing.
. "$(dirname "$0")/lib.sh"
interop_up
conf=$ChrystokiConfigurationPath/Chrystoki.conf
lc() { "$LUNACM" "$@" 2>&1 || true; }

# ---- vtl ------------------------------------------------------------------------------------------
expect "vtl listServers" "Server: 127.0.0.1" "$("$VTL" listServers)"
expect_match "Chrystoki.conf names the server and its port" "ServerPort00 = $LUNA_NTLS_PORT;" "$(cat "$conf")"
cert=$(sed -n 's/^ *ClientCertFile *= *\(.*\);$/\1/p' "$conf")
key=$(sed -n 's/^ *ClientPrivKeyFile *= *\(.*\);$/\1/p' "$conf")
expect "createCert wrote <name>.pem under cert/client" "$T/client/cert/client/127.0.0.1.pem" "$cert"
expect "the private key is 0600" 600 "$(stat -c %a "$key")"
fp=$(openssl x509 -in "$cert" -noout -fingerprint -sha1 | cut -d= -f2)
expect "vtl fingerprint is the SHA-1 lunash shows" "Certificate fingerprint: $fp." "$("$VTL" fingerprint)"
expect_match "ntlsd pinned the same certificate" "\"$fp\"" \
  "$(busctl --system call "$LUNA_NTLS_BUS" "$LUNA_NTLS_OBJECT" com.safenet.Luna.Clients Fingerprint s host1)"
out=$("$VTL" verify)
expect_match "vtl verify: slot 0 is p1 (par0)" "^ 0      $P1 +par0\$" "$out"
expect_match "vtl verify: slot 1 is p2 (par1)" "^ 1      $P2 +par1\$" "$out"
expect_match "vtl listSlots" "^ +1 +Net Token Slot +par1 +$P2 +Present\$" "$("$VTL" listSlots)"
expect_match "adding the same server twice is refused" "already in the server list" \
  "$("$VTL" addServer -n 127.0.0.1 -c "$T/server.pem" 2>&1 || true)"

# ---- lunacm: slots ---------------------------------------------------------------------------------
out=$(lc -q slot list)
expect_match "slot list: slot 1's serial" "^ +Serial Number -> +$P2\$" "$out"
expect_match "slot list: Net Token Slot" "^ +Slot Description -> +Net Token Slot\$" "$out"
expect_match "slot list: current slot 0" "Current Slot Id: 0" "$out"
expect_match "slot list: result line" "^Command Result : No Error\$" "$out"
expect_match "banner with -c" "^LunaCM v7\.2\.0\." "$(lc -c slot list)"
expect_match "-s runs a command on that slot" "Partition Label -> par1" "$(lc -s 1 partition showinfo)"
expect_match "slot set to a slot that is not there" "CKR_SLOT_ID_INVALID" "$(lc -q slot set -slot 9)"
expect_match "clientconfig verify" "^ +1 +$P2 +par1\$" "$(lc -q clientconfig verify)"
expect_match "clientconfig listservers" "^ 0 +127\.0\.0\.1 +NTLS +no" "$(lc -q clientconfig listservers)"

# ---- lunacm: roles, typed at the prompt (stdin is not a terminal: answers come from it) ------------
out=$(printf 'role login -name co\n%s\nrole show -name co\nrole logout\nexit\n' "$LUNA_CO_PIN" | "$LUNACM" 2>&1 || true)
expect_match "the prompt" "lunacm:>" "$out"
expect_match "role login asks for the password" "enter password:" "$out"
expect "three commands, three successes" 3 "$(grep -c '^Command Result : No Error$' <<<"$out")"
out=$(lc -q role login -name co -password Wrong-PIN-1)
expect_match "a wrong password: LunaCM's result line" "^Command Result : 0xa0 \(CKR_PIN_INCORRECT\)\$" "$out"
expect_match "the failure counted against the CO" "Failed login attempts before lockout: 9" "$(lc -q role show -name co)"
expect_match "a good login resets the count" "attempts before lockout: 10" \
  "$(printf 'role login -n Crypto Officer -p %s\nrole show -n co\n' "$LUNA_CO_PIN" | "$LUNACM" -f /dev/stdin 2>&1 || true)"
expect_match "role list" "Crypto User +cu" "$(lc -q role list)"
expect_match "an unknown role" "Command Result : Invalid Syntax" "$(lc -q role login -name boss -password x)"
expect_match "a missing option" "Syntax: role login -name <role>" "$(lc -q role login)"

cat >"$T/cu.lunacm" <<EOF2
role login -name co -password $LUNA_CO_PIN
role resetpw -name cu -password CuReset-0001
role logout
role login -name cu -password CuReset-0001
role changepw -name cu -oldpw CuReset-0001 -newpw $LUNA_CU_PIN
role logout
role login -name cu -password $LUNA_CU_PIN
EOF2
out=$(lc -e "$T/cu.lunacm")
expect "the CO resets the CU, the CU changes it back (7 commands)" 7 "$(grep -c '^Command Result : No Error$' <<<"$out")"

# ---- lunacm: partition policies ---------------------------------------------------------------------
out=$(lc -q partition showpolicies)
expect_match "showpolicies: capabilities" "^ +0: Enable private key cloning : 1\$" "$out"
expect_match "showpolicies: policies" "^ +20: Max failed user logins allowed : 10\$" "$out"
expect_match "showpolicies -verbose: destructive columns" \
  "^   1      Allow private key wrapping +Off +Yes +No\$" "$(lc -q partition showpolicies -verbose)"
out=$(printf 'role login -name po -password %s\npartition changepolicy -policy 20 -value 6\npartition showpolicies\n' \
      "$LUNA_PSO_PIN" | "$LUNACM" -f /dev/stdin 2>&1 || true)
expect_match "changepolicy as the Partition SO" "Policy Max failed user logins allowed is now set to value: 6" "$out"
expect_match "the change shows" "^ +20: Max failed user logins allowed : 6\$" "$out"
expect_match "changepolicy without the Partition SO" "CKR_USER_NOT_LOGGED_IN|CKR_USER_NOT_AUTHORIZED" \
  "$(lc -q partition changepolicy -policy 20 -value 7)"
printf 'role login -name po -password %s\npartition changepolicy -policy 1 -value 1\n' "$LUNA_PSO_PIN" >"$T/destructive.lunacm"
out=$(echo quit | "$LUNACM" -f "$T/destructive.lunacm" 2>&1 || true)
expect_match "a destructive change asks first; quit cancels it" "Command Result : 0xb \(User Cancelled Operation\)" "$out"
lc -q partition showpolicies -exporttemplate "$T/par0.ppt" >/dev/null
expect_match "the exported template" '^20:"Max failed user logins allowed":6:0:0$' "$(cat "$T/par0.ppt")"

# ---- lunacm: partition contents / clear (objects made through the module) ----------------------------
if command -v pkcs11-tool >/dev/null; then
  for l in k1 k2; do
    pkcs11-tool --module "$MODULE" --slot 1 --login --pin "$LUNA_CO_PIN" --keygen --key-type AES:32 --label "$l" >/dev/null 2>&1
  done
  out=$(printf 'slot set -slot 1\nrole login -name co -password %s\npartition contents\npartition clear -force\npartition contents\n' \
        "$LUNA_CO_PIN" | "$LUNACM" -f /dev/stdin 2>&1 || true)
  expect_match "partition contents lists the keys" "^ +Label: +k2\$" "$out"
  expect_match "... as symmetric keys" "^ +Object Type: +Symmetric Key\$" "$out"
  expect_match "... and counts them" "^ +Number of objects: +2\$" "$out"
  expect_match "partition clear deletes them" "^ +2 objects were deleted\.\$" "$out"
  expect_match "... and the partition is empty" "^ +Number of objects: +0\$" "$out"
fi

# ---- revocation: the partition leaves the client's slot list -----------------------------------------
busctl --system call "$LUNA_NTLS_BUS" "$LUNA_NTLS_OBJECT" com.safenet.Luna.Clients RevokePartition ss host1 p1 >/dev/null
out=$("$VTL" verify)
expect_match "after revoking p1, slot 0 is p2" "^ 0      $P2 +par1\$" "$out"
expect "p1 is gone" "" "$(grep "$P1" <<<"$out" || true)"
expect_ok "deleteServer" "$VTL" deleteServer -n 127.0.0.1
expect "no servers left" "" "$("$VTL" listServers)"
finish
