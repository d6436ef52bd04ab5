#!/bin/bash
# The systemd/ files as a package installs them: the unit passes `systemd-analyze verify`
# cleanly (with the built binary in place of /usr/sbin/hsmd) and keeps its hardening; sysusers
# and tmpfiles entries apply to an empty root; the names in unit, policy and activation agree.
. "$(dirname "$0")/lib.sh"
s=$LUNA_ROOT/systemd
unit=$s/system/hsmd.service

mkdir -p "$T/units"
sed "s#/usr/sbin/hsmd#$LUNA_HSMD#" "$unit" >"$T/units/hsmd.service"
if out=$(cd "$T/units" && systemd-analyze verify --man=no ./hsmd.service 2>&1) && [ -z "$out" ]; then
  pass "systemd-analyze verify hsmd.service: clean"
else
  fail "systemd-analyze verify hsmd.service:"; printf '%s\n' "$out"
fi
out=$(systemd-analyze security --offline=yes --threshold=20 --no-pager "$T/units/hsmd.service" 2>&1) \
  && pass "exposure $(grep -o 'exposure level.*' <<<"$out")" \
  || { fail "systemd-analyze security: exposure above 2.0 (threshold 20 = 2.0)"; printf "%s\n" "$out" | grep -v "^✓"; }

key() { sed -n "s/^$2=//p" "$1"; }
activation=$s/dbus-1/system-services/com.safenet.Luna.Hsm.service
expect "unit is Type=notify" notify "$(key "$unit" Type)"
expect "unit BusName" "$LUNA_BUS_NAME" "$(key "$unit" BusName)"
expect "activation file Name" "$LUNA_BUS_NAME" "$(key "$activation" Name)"
expect "activation goes through the unit" hsmd.service "$(key "$activation" SystemdService)"
expect "unit runs as luna-hsm" luna-hsm "$(key "$unit" User)"
expect "state dir is private" 0700 "$(key "$unit" StateDirectoryMode)"
expect_match "policy lets only luna-hsm own the name" \
  "<policy user=\"luna-hsm\">[[:space:]]*<allow own=\"$LUNA_BUS_NAME\"/>" \
  "$(tr -d '\n' <"$s/dbus-1/system.d/$LUNA_BUS_NAME.conf")"

root=$T/root; mkdir -p "$root/etc"
if out=$(systemd-sysusers --root="$root" "$s/sysusers.d/luna.conf" 2>&1); then
  expect_match "sysusers creates luna-hsm as a system user" '^luna-hsm:x:[0-9]{1,3}:[0-9]+:.*:/usr/sbin/nologin$' \
    "$(grep '^luna-hsm:' "$root/etc/passwd")"
else
  fail "systemd-sysusers: $out"
fi
if out=$(systemd-tmpfiles --root="$root" --create "$s/tmpfiles.d/luna.conf" 2>&1); then
  expect "tmpfiles creates the roles file 0644" "644 root" "$(stat -c '%a %U' "$root/etc/luna/roles" 2>&1)"
else
  fail "systemd-tmpfiles: $out"
fi
finish
