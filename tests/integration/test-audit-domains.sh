#!/bin/bash
# The log secret between HSMs (seed ch.1): HSM A's Auditor exports the secret; HSM B, whose
# Auditor has the same audit domain, imports it and verifies A's log file; HSM C, of another
# domain, is refused the import and cannot verify A's log. Three hsmd, each on a bus of its
# own (lunash talks to the one named by DBUS_SYSTEM_BUS_ADDRESS), one audit user and file area.
. "$(dirname "$0")/audit-lib.sh"
expect_no_match() { if grep -qE -- "$2" <<<"$3"; then fail "$1: unexpected /$2/ in '$3'"; else pass "$1"; fi; }
audit_appliance_up
A_BUS=$DBUS_SYSTEM_BUS_ADDRESS

other_hsm() {   # other_hsm DIR: a bus and an hsmd in DIR; exports its bus address
  mkdir -p "$1"
  luna_bus_up "$1" "$LUNA_HSMD_UID" "luna-admin:$ADMIN" "audit:$AUDIT" "luna-cbs:$CBS"
  luna_hsmd_up "$1" "$T/bin/hsmd" "$LUNA_HSMD_UID" "$T/roles" --kdf-iterations 1000
}
domains_cleanup() {
  local rc=$?
  for d in "$T/b" "$T/c"; do luna_hsmd_down "$d" 2>/dev/null; luna_bus_down "$d" 2>/dev/null; done
  export DBUS_SYSTEM_BUS_ADDRESS=$A_BUS
  (exit "$rc")
  audit_cleanup
}
trap domains_cleanup EXIT
serial() {
  as "$AUDIT" busctl --system get-property com.safenet.Luna.Hsm /com/safenet/Luna/Hsm com.safenet.Luna.Hsm SerialNumber \
    | awk '{print $2}' | tr -d '"'
}
init_auditor() {   # init_auditor DOMAIN
  printf 'audit init -domain %s -password %s -force\naudit login -password %s\naudit config -parameter event -value all\n' \
    "$1" "$AUDIT_PW" "$AUDIT_PW" | ash
}

# --- A: records, and its secret exported ------------------------------------------------------
out=$(init_auditor "$AUDIT_DOMAIN")
expect "A: audit init, login, config" 3 "$(grep -c '^Command Result : 0 (Success)$' <<<"$out")"
printf 'audit sync\n%.0s' $(seq 20) | ash_login >/dev/null
wait_drained || fail "cbsd did not catch up"
A=$(serial)
out=$(echo 'audit secret export' | ash_login)
expect_match "A: secret export" "The encrypted log secret file $A.lws now available for scp." "$out"
log=$(basename "$(ls "$(hsm_dir)"/hsm_"$A"_*.log | head -1)")
mkdir -p "$T/home-audit/$A" && cp "$(hsm_dir)/$log" "$T/home-audit/$A/$log"
cp "$T/home-audit/$A.lws" "$T/a-secret.lws"
chown -R "$AUDIT:$AUDIT" "$T/home-audit"
n=$(grep -c . "$T/home-audit/$A/$log")

# --- B: the same domain: import, then A's log verifies ----------------------------------------
other_hsm "$T/b"
B=$(serial)
[ -n "$B" ] && [ "$B" != "$A" ] && pass "B is another HSM ($B, A is $A)" || fail "B's serial: '$B' (A: $A)"
out=$(init_auditor "$AUDIT_DOMAIN")
expect "B: audit init, login, config" 3 "$(grep -c '^Command Result : 0 (Success)$' <<<"$out")"
out=$(echo "audit log verify -file $log -serialsource $A" | ash_login)
expect_match "B cannot verify A's log before the import" "Verification of messages 1 to [0-9]+ failed" "$out"
out=$(echo "audit secret import -serialtarget $B -serialsource $A -file $A.lws" | ash_login)
expect_match "B imports A's secret" "Successfully imported the encrypted log secret $A.lws" "$out"
out=$(echo "audit log verify -file $log -serialsource $A" | ash_login)
expect_match "B verifies A's log" "Verifying log from HSM with serial $A on HSM with serial $B" "$out"
expect_match "... every record of it" "Verified messages 1 to $((n - 1))|Verified messages 1 to $n" "$out"
awk 'NR==4 { $0 = substr($0,1,50) "X" substr($0,52) } { print }' "$T/home-audit/$A/$log" >"$T/x.log" \
  && cp "$T/x.log" "$T/home-audit/$A/$log"
out=$(echo "audit log verify -file $log -serialsource $A" | ash_login)
expect_match "B finds a byte changed in A's log" "modified: line 4" "$out"
out=$(echo "audit secret import -serialtarget $A -serialsource $A -file $A.lws" | ash_login)
expect_match "an import naming another HSM as the target is refused" "There is no HSM with serial number $A|failed" "$out"

# --- C: another domain: the import is refused -------------------------------------------------
other_hsm "$T/c"
C=$(serial)
out=$(init_auditor otherDomain-2)
expect "C: audit init, login, config" 3 "$(grep -c '^Command Result : 0 (Success)$' <<<"$out")"
cp "$T/a-secret.lws" "$T/home-audit/$A.lws" && chown "$AUDIT:$AUDIT" "$T/home-audit/$A.lws"
out=$(echo "audit secret import -serialtarget $C -serialsource $A -file $A.lws" | ash_login)
expect_match "C (another audit domain) refuses A's secret" "'audit secret import' failed. .*WRAPPED_KEY_INVALID" "$out"
expect_no_match "... and does not say it imported it" "Successfully imported" "$out"
cp "$(hsm_dir)/$log" "$T/home-audit/$A/$log" && chown "$AUDIT:$AUDIT" "$T/home-audit/$A/$log"
out=$(echo "audit log verify -file $log -serialsource $A" | ash_login)
expect_match "C cannot verify A's log" "Verification of messages 1 to [0-9]+ failed" "$out"
export DBUS_SYSTEM_BUS_ADDRESS=$A_BUS
finish
