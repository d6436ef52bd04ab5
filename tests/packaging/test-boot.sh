#!/bin/bash
# The appliance booted from the project's own unit files: real systemd as PID 1 in fresh
# namespaces (loopback only, /etc /var /usr /home copy-on-write), the build installed as
# `meson install` lays it out, users and /etc/luna made the way the packages make them
# (systemd-sysusers, systemd-tmpfiles), every unit enabled; then luna-appliance.target
# starts, every unit in systemd/system is active, and `service restart ntls` in lunash gives
# ntlsd.service a new main PID.
. "$(dirname "$0")/lib.sh"
need_usr_prefix
install_tree "$T/root"
sandbox_up

# /lib is a symlink to usr/lib on Debian 12: keep it one.
tar -C "$T/root" -c . | inside tar -C / -x --keep-directory-symlink --no-same-owner
inside systemd-sysusers >"$T/setup.log" 2>&1
inside systemd-tmpfiles --create /usr/lib/tmpfiles.d/luna.conf >>"$T/setup.log" 2>&1
# The bus read the policy before the users existed (a policy for an unknown user is dropped).
inside systemctl try-reload-or-restart dbus.service
inside systemctl daemon-reload
# shellcheck disable=SC2046
inside systemctl enable --quiet $(appliance_units)
expect "the appliance target is enabled" enabled "$(inside systemctl is-enabled luna-appliance.target)"
inside systemctl start --no-block luna-appliance.target
expect_units_active

expect "hsmd runs as luna-hsm" luna-hsm \
  "$(inside ps -o user= -p "$(inside systemctl show -P MainPID hsmd.service)")"
expect "hsmd answers on the system bus" 's "Zeroized"' \
  "$(inside busctl --system get-property "$LUNA_BUS_NAME" "$LUNA_OBJECT" com.safenet.Luna.Hsm Status 2>&1)"
expect "sysconfd provisioned the appliance users" "admin operator monitor audit" \
  "$(for u in admin operator monitor audit; do inside getent passwd "$u" >/dev/null && printf '%s ' "$u"; done | sed 's/ $//')"
expect "their login shell is lunash" /usr/bin/lunash "$(inside getent passwd admin | cut -d: -f7)"

# The appliance's own logs from the first start: sysconfd wrote the factory syslog drop-in;
# rsyslog (without imklog: the kernel log is the host's) puts local5 into lunalogs, which
# `syslog tail` reads back.
expect_match "sysconfd wrote the factory syslog configuration" '^# luna-' \
  "$(inside cat /etc/rsyslog.d/60-luna.conf 2>&1)"
expect "... and its rotation" present "$(inside test -f /etc/logrotate.d/luna && echo present || echo absent)"
inside sed -i 's/^module(load="imklog")/#&/' /etc/rsyslog.conf
inside systemctl restart rsyslog.service
inside logger -p local5.info -t boottest "boot-lunalogs-$$"
lunalogs() {
  inside setpriv --reuid=admin --regid=lunausers --init-groups env HOME=/home/admin \
    /usr/bin/lunash -c 'syslog tail -logname lunalogs -search boot-lunalogs' 2>&1 | grep -q "boot-lunalogs-$$"
}
LUNA_WAIT=15 luna_wait_for lunalogs && pass "lunash 'syslog tail -logname lunalogs' shows a local5 message" \
  || fail "no local5 message in lunalogs: $(inside ls /var/log)"

# `service restart ntls` in lunash, as the built-in admin: lunash asks sysconfd, sysconfd asks
# systemd; the unit comes back active with a new main PID.
old=$(inside systemctl show -P MainPID ntlsd.service)
out=$(inside setpriv --reuid=admin --regid=lunausers --init-groups env HOME=/home/admin \
  /usr/bin/lunash -c 'service restart ntls' 2>&1) || true
expect_match "lunash 'service restart ntls' succeeds" 'Command Result : 0 \(Success\)' "$out"
LUNA_WAIT=30 luna_wait_for unit_settled ntlsd.service || true
new=$(inside systemctl show -P MainPID ntlsd.service)
expect "ntlsd.service is active after the restart" active "$(inside systemctl show -P ActiveState ntlsd.service)"
if [ "$new" != 0 ] && [ "$new" != "$old" ]; then pass "ntlsd.service has a new main PID ($old -> $new)"
else fail "ntlsd.service main PID $old -> $new; lunash said: $out"; fi

# Stopping the target stops every appliance daemon (PartOf=).
inside systemctl stop luna-appliance.target
# The target's stop job ends before its parts' own may have (a daemon still writing out its
# state: hsmd flushing the audit buffer, slower still in a sanitized build).
unit_down() { case "$(inside systemctl show -P ActiveState "$1")" in inactive | failed) return 0 ;; *) return 1 ;; esac; }
for u in $(cd "$SYSTEMD_UNITS" && ls -- *.service); do
  LUNA_WAIT=30 luna_wait_for unit_down "$u" || true
  expect "$u stopped with the target" inactive "$(inside systemctl show -P ActiveState "$u")"
done
expect "no appliance unit failed" "" "$(inside systemctl list-units --failed --plain --no-legend $(appliance_units))"
finish
