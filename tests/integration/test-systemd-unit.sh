#!/bin/bash
# The unit file proven under real systemd (PID 1 in fresh namespaces, copy-on-write /etc /var
# /usr, loopback-only network): D-Bus activation starts hsmd.service, Type=notify readiness,
# the luna-hsm user, the 0700 state dir, Restart=on-failure, a clean stop.
. "$(dirname "$0")/lib.sh"
luna_systemd_usable || skip "needs root and pid/mount/cgroup namespaces"
printf '%s monitor\n' "$MONITOR" >"$T/roles"
luna_systemd_up "$T" "$LUNA_HSMD" "$T/roles"
inside() { luna_systemd_exec "$T" "$@"; }
show() { inside systemctl show -P "$1" hsmd.service; }

expect "hsmd is not running before anyone calls it" inactive "$(show ActiveState)"
expect "a call activates hsmd through D-Bus" 's "Zeroized"' \
  "$(inside busctl --system get-property "$LUNA_BUS_NAME" "$LUNA_OBJECT" com.safenet.Luna.Hsm Status 2>&1)"
expect "hsmd.service is active" active "$(show ActiveState)"
pid=$(show MainPID)
expect "hsmd runs as luna-hsm" luna-hsm "$(inside ps -o user= -p "$pid")"
expect "hsmd has no capabilities" 0000000000000000 "$(inside awk '/^CapEff/ { print $2 }' "/proc/$pid/status")"
expect "state dir /var/lib/luna-hsm" "700 luna-hsm" "$(inside stat -c '%a %U' /var/lib/luna-hsm)"

check_introspection "under systemd" luna_systemd_exec "$T"
expect "root (admin) can Init through the policy" "b true" \
  "$(inside busctl --system call "$LUNA_BUS_NAME" "$LUNA_OBJECT" com.safenet.Luna.Hsm Init sss itest sopin-1234 dom 2>&1)"

inside kill -SEGV "$pid"
restarted() { [ "$(show NRestarts)" -ge 1 ] && [ "$(show ActiveState)" = active ]; }
luna_wait_for restarted || true
expect "Restart=on-failure brings a crashed hsmd back" "1 active" "$(show NRestarts) $(show ActiveState)"
expect "the store survives the crash" OK \
  "$(inside busctl --system get-property "$LUNA_BUS_NAME" "$LUNA_OBJECT" com.safenet.Luna.Hsm Status 2>&1 | tr -d '"' | cut -d' ' -f2)"

inside systemctl stop hsmd.service
# systemd forgets the exit status of a stopped unit; hsmd's own last words and the absence of a
# kill say it left by itself (the bus-mode tests check the exit status 0).
log=$(inside journalctl --no-pager -o cat -u hsmd.service)
expect "stop: Result" success "$(show Result)"
expect_match "hsmd handles SIGTERM itself" 'stopping on signal 15' "$log"
expect "nothing had to be killed on stop" "" "$(grep -E 'SIGKILL|status=(9/KILL|15/TERM)' <<<"$log" || true)"
expect_match "its log reaches the journal" 'serving' "$log"
finish
