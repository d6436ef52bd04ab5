#!/bin/bash
# cbsd's systemd/ files as a package installs them: the unit passes `systemd-analyze verify`
# (with the built binary in place of /usr/sbin/cbsd) and keeps its hardening; the names in
# unit and policy agree; sysusers makes luna-cbs; hsmd admits that user as cbsd.
. "$(dirname "$0")/lib.sh"
: "${LUNA_CBSD:?set by meson}"
s=$LUNA_ROOT/systemd
unit=$s/system/cbsd.service
mkdir -p "$T/units"
sed "s#/usr/sbin/cbsd#$(readlink -f "$LUNA_CBSD")#" "$unit" >"$T/units/cbsd.service"
if out=$(cd "$T/units" && systemd-analyze verify --man=no ./cbsd.service 2>&1) && [ -z "$out" ]; then
  pass "systemd-analyze verify cbsd.service: clean"
else
  fail "systemd-analyze verify cbsd.service:"; printf '%s\n' "$out"
fi
out=$(systemd-analyze security --offline=yes --threshold=20 --no-pager "$T/units/cbsd.service" 2>&1) \
  && pass "exposure $(grep -o 'exposure level.*' <<<"$out")" \
  || { fail "systemd-analyze security: exposure above 2.0"; printf "%s\n" "$out" | grep -v "^✓"; }
key() { sed -n "s/^$2=//p" "$1"; }
expect "unit is Type=notify" notify "$(key "$unit" Type)"
expect "unit BusName" com.safenet.Luna.Cbs "$(key "$unit" BusName)"
expect "unit runs as luna-cbs" luna-cbs "$(key "$unit" User)"
expect "state dir is private" 0700 "$(key "$unit" StateDirectoryMode)"
expect_match "policy lets only luna-cbs own the name" \
  '<policy user="luna-cbs">[[:space:]]*<allow own="com.safenet.Luna.Cbs"/>' \
  "$(tr -d '\n' <"$s/dbus-1/system.d/com.safenet.Luna.Cbs.conf")"
expect_match "hsmd admits luna-cbs as cbsd" '--cbs-user luna-cbs' "$(key "$s/system/hsmd.service" ExecStart)"
root=$T/root; mkdir -p "$root/etc"
if out=$(systemd-sysusers --root="$root" "$s/sysusers.d/luna-cbs.conf" 2>&1); then
  expect_match "sysusers creates luna-cbs as a system user" '^luna-cbs:x:[0-9]{1,3}:[0-9]+:.*:/usr/sbin/nologin$' \
    "$(grep '^luna-cbs:' "$root/etc/passwd")"
else
  fail "systemd-sysusers: $out"
fi
finish
