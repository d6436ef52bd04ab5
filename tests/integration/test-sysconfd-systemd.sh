#!/bin/bash
# sysconfd.service proven under real systemd (PID 1 in fresh namespaces; /etc /var /usr /home
# copy-on-write; loopback-only network): D-Bus activation starts it, Type=notify readiness,
# the built-in users provisioned and real accounts added, disabled and deleted through the
# unit's sandbox (ProtectSystem=strict, six capabilities, no network), a clean stop.
set -euo pipefail
LUNA_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
: "${LUNA_SYSCONFD:?set by meson}" "${LUNA_LUNASH:?set by meson}"
LUNA_SYSCONFD=$(readlink -f "$LUNA_SYSCONFD") LUNA_LUNASH=$(readlink -f "$LUNA_LUNASH")
SB=$LUNA_ROOT/tools/systemd-sandbox/systemd-sandbox
s=$LUNA_ROOT/systemd
failures=0 checks=0
skip() { echo "SKIP: $*"; exit 77; }
pass() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
expect() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi; }
expect_match() { if printf '%s\n' "$3" | grep -qE -- "$2"; then pass "$1"; else fail "$1: expected /$2/, got '$3'"; fi; }
[ "$(id -u)" = 0 ] && [ -x /lib/systemd/systemd ] || skip "needs root and systemd"
unshare --pid --mount --cgroup --fork true 2>/dev/null || skip "cannot make pid/mount/cgroup namespaces here"

T=$(mktemp -d /tmp/luna-sysconf-systemd.XXXXXX)
pid=
cleanup() {
  local rc=$?
  if [ -n "$pid" ]; then
    [ "$rc" = 0 ] || "$SB" exec "$pid" journalctl --no-pager -o cat -u sysconfd.service 2>/dev/null | tail -30
    "$SB" down "$pid" "$T/systemd" || true
  fi
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT
# /home too: sysconfd makes the appliance users' homes there.
pid=$(SANDBOX_NET=1 SANDBOX_OVERLAY="/etc /var /usr /home" "$SB" up "$T/systemd" \
        "$s/system" "$s/dbus-1/system.d" "$s/dbus-1/system-services") || skip "systemd did not boot in the sandbox"
inside() { "$SB" exec "$pid" "$@"; }
# LeakSanitizer cannot stop the world inside the sandbox ("does not work under ptrace"), and a
# sanitized build's daemons would then fail their exit; ASan and UBSan keep checking the rest.
# Nothing reads it in a normal build.
inside systemctl set-environment ASAN_OPTIONS=detect_leaks=0
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$s/system/sysconfd.service")
inside install -D -m 0755 "$LUNA_SYSCONFD" "$exe"
inside install -D -m 0755 "$LUNA_LUNASH" /usr/bin/lunash
inside install -D -m 0644 "$s/tmpfiles.d/luna.conf" /usr/lib/tmpfiles.d/luna.conf
inside systemd-tmpfiles --create luna.conf >/dev/null
show() { inside systemctl show -P "$1" sysconfd.service; }
USERS=(busctl --system call com.safenet.Luna.Sysconf /com/safenet/Luna/Sysconf com.safenet.Luna.Users)

expect "sysconfd is not running before anyone calls it" inactive "$(show ActiveState)"
expect "a call activates sysconfd through D-Bus" 'ss "" "admin"' \
  "$(inside busctl --system call com.safenet.Luna.Sysconf /com/safenet/Luna/Sysconf com.safenet.Luna.Sysconf Whoami 2>&1)"
expect "sysconfd.service is active" active "$(show ActiveState)"
main=$(show MainPID)
expect "it runs as root" root "$(inside ps -o user= -p "$main")"
# CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_AUDIT_WRITE, and
# CAP_SETGID CAP_SETUID (tar reads an imported configuration backup as nobody).
expect "only the capabilities the unit grants" 00000000200000df "$(inside awk '/^CapEff/ { print $2 }' "/proc/$main/status")"
expect "no new privileges" 1 "$(inside awk '/^NoNewPrivs/ { print $2 }' "/proc/$main/status")"

for u in admin operator monitor audit; do
  expect "built-in $u provisioned with lunash" /usr/bin/lunash "$(inside getent passwd $u | cut -d: -f7)"
done
expect "audit starts disabled" 1 "$(inside getent shadow audit | cut -d: -f8)"
expect_match "roles file written" '^admin admin$' "$(inside cat /etc/luna/roles)"
expect "Users.Add through the sandbox" "" "$(inside "${USERS[@]}" Add s james 2>&1)"
expect "james exists" "/home/james:/usr/bin/lunash" "$(inside getent passwd james | cut -d: -f6,7)"
expect "james's home" "700 james" "$(inside stat -c '%a %U' /home/james)"
expect "Users.Disable" "" "$(inside "${USERS[@]}" Disable s james 2>&1)"
expect "james is locked" 1 "$(inside getent shadow james | cut -d: -f8)"
expect "Users.Delete" "" "$(inside "${USERS[@]}" Delete s james 2>&1)"
expect "james is gone" "" "$(inside getent passwd james || true)"
expect "james's home is gone" no "$(inside test -e /home/james && echo yes || echo no)"
expect_match "changes reach the journal with their caller" 'Users.Add by uid 0: james' \
  "$(inside journalctl --no-pager -o cat -u sysconfd.service)"

inside systemctl stop sysconfd.service
expect "stop: Result" success "$(show Result)"
expect_match "sysconfd handles SIGTERM itself" 'stopping on signal 15' \
  "$(inside journalctl --no-pager -o cat -u sysconfd.service)"
echo "$checks checks, $failures failed"
[ "$failures" = 0 ]
