#!/bin/bash
# ntlsd.service as a package installs it: `systemd-analyze verify` clean with the built binary,
# exposure at most 2.0, its own user, Type=notify, a private state dir, and the link to hsmd:
# hsmd.service admits luna-ntls on the data socket, ntlsd.service joins luna-hsm to reach it.
. "$(dirname "$0")/ntls-lib.sh"
s=$LUNA_ROOT/systemd
unit=$s/system/ntlsd.service
mkdir -p "$T/units"
sed "s#/usr/sbin/ntlsd#$LUNA_NTLSD#" "$unit" >"$T/units/ntlsd.service"
if out=$(cd "$T/units" && systemd-analyze verify --man=no ./ntlsd.service 2>&1) && [ -z "$out" ]; then
  pass "systemd-analyze verify ntlsd.service: clean"
else
  fail "systemd-analyze verify ntlsd.service:"; printf '%s\n' "$out"
fi
out=$(systemd-analyze security --offline=yes --threshold=20 --no-pager "$T/units/ntlsd.service" 2>&1) \
  && pass "exposure $(grep -o 'exposure level.*' <<<"$out")" \
  || { fail "systemd-analyze security: exposure above 2.0"; printf "%s\n" "$out" | grep -v "^✓"; }
key() { sed -n "s/^$2=//p" "$1"; }
expect "Type=notify" notify "$(key "$unit" Type)"
expect "BusName" "$NTLS_BUS" "$(key "$unit" BusName)"
expect "runs as luna-ntls" luna-ntls "$(key "$unit" User)"
expect "state dir is private" 0700 "$(key "$unit" StateDirectoryMode)"
expect "joins luna-hsm for the data socket" luna-hsm "$(key "$unit" SupplementaryGroups)"
expect_match "hsmd admits luna-ntls" "--ntls-uid luna-ntls" "$(key "$s/system/hsmd.service" ExecStart)"
expect_match "hsmd has a runtime directory for its socket" "luna-hsm" "$(key "$s/system/hsmd.service" RuntimeDirectory)"
expect_match "policy lets only luna-ntls own the name" \
  "<policy user=\"luna-ntls\">[[:space:]]*<allow own=\"$NTLS_BUS\"/>" \
  "$(tr -d '\n' <"$s/dbus-1/system.d/$NTLS_BUS.conf")"
root=$T/root; mkdir -p "$root/etc"
if out=$(systemd-sysusers --root="$root" "$s/sysusers.d/luna-ntls.conf" 2>&1); then
  expect_match "sysusers creates luna-ntls" '^luna-ntls:x:[0-9]+:[0-9]+:.*:/usr/sbin/nologin$' "$(grep '^luna-ntls:' "$root/etc/passwd")"
else
  fail "systemd-sysusers: $out"
fi
finish
