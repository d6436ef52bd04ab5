#!/bin/bash
# systemd/system/luna-snmp.service as a package installs it: `systemd-analyze verify` is clean
# with the built binary in place, the hardening holds (exposure <= 2.0), it runs as its own
# user, which sysusers creates, and it reads its own config file.
set -u
R=$(cd "$(dirname "$0")/../.." && pwd)
B=${LUNA_BUILD:?}
command -v systemd-analyze >/dev/null || { echo "SKIP: no systemd-analyze"; exit 77; }
T=$(mktemp -d /tmp/lsnmpunit.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0 passes=0
ok() { echo "ok - $*"; passes=$((passes + 1)); }
not_ok() { echo "not ok - $*"; fails=$((fails + 1)); }
unit=$R/systemd/system/luna-snmp.service
key() { sed -n "s/^$1=//p" "$unit"; }

sed "s#/usr/sbin/luna-snmp#$B/daemons/snmp/luna-snmp#" "$unit" >"$T/luna-snmp.service"
if out=$(cd "$T" && systemd-analyze verify --man=no ./luna-snmp.service 2>&1) && [ -z "$out" ]; then
  ok "systemd-analyze verify: clean"
else
  not_ok "systemd-analyze verify:"; printf '%s\n' "$out"
fi
if out=$(cd "$T" && systemd-analyze security --offline=yes --threshold=20 --no-pager ./luna-snmp.service 2>&1); then
  ok "$(grep -o 'exposure level.*' <<<"$out")"
else
  not_ok "exposure above 2.0"; grep -v '^✓' <<<"$out"
fi
[ "$(key Type)" = notify ] && ok "Type=notify" || not_ok "Type: $(key Type)"
[ "$(key User)" = luna-snmp ] && ok "runs as luna-snmp" || not_ok "User: $(key User)"
grep -q -- "--config %E/luna/luna-snmp.conf" <<<"$(key ExecStart)" && ok "reads /etc/luna/luna-snmp.conf" \
  || not_ok "ExecStart: $(key ExecStart)"
mkdir -p "$T/root/etc"
if out=$(systemd-sysusers --root="$T/root" "$R/systemd/sysusers.d/luna-snmp.conf" 2>&1) &&
   grep -Eq '^luna-snmp:x:[0-9]{1,3}:[0-9]+:.*:/usr/sbin/nologin$' "$T/root/etc/passwd"; then
  ok "sysusers creates luna-snmp as a system user"
else
  not_ok "sysusers: $out"
fi
# The binary the unit starts reports the appliance version.
if out=$("$B/daemons/snmp/luna-snmp" --config "$R/daemons/snmp/luna-snmp.conf" --version 2>&1); then
  ok "luna-snmp --version: $out"
else
  not_ok "luna-snmp --version: $out"
fi
echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
