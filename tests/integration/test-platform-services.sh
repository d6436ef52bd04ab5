#!/bin/bash
# LunaSH `service ...` through sysconfd and systemd's D-Bus API under real systemd: the
# catalogue, status, restart gives the unit a new main PID, stop and start, refusals; and
# `sysconf appliance poweroff` takes the (sandboxed) appliance down.
. "$(dirname "$0")/platform-lib.sh"
plat_up

list=$(lsh monitor service list)
expect_match "service list: syslog" "syslog +- Syslog service" "$list"
expect_match "service list: ntls" "ntls +- Network trust link service" "$list"
for name in stc sysstat webserver; do
  expect_match "service list says $name is not built" "^ +$name +- .*\(not built into this software appliance\)$" "$list"
done
expect_no_match "... and only those" "^ +(cbs|lsta|network|ntls|ntp|snmp|ssh|syslog) .*not built" "$list"
expect_match "service status of a service not built" "stc is not built into this software appliance" "$(lsh monitor service status stc)"

expect_match "status of syslog" "syslog \(rsyslog.service\) is running \(pid [0-9]+\)" "$(lsh monitor service status syslog)"
for name in syslog ssh; do
  unit=$( [ $name = syslog ] && echo rsyslog.service || echo ssh.service )
  in_sandbox systemctl start "$unit"
  before=$(unit_prop "$unit" MainPID)
  out=$(lsh operator service restart $name)
  expect_match "service restart $name" "Starting $name: +\[   OK   \]" "$out"
  after=$(unit_prop "$unit" MainPID)
  if [ "$after" != 0 ] && [ "$after" != "$before" ]; then pass "$unit has a new main PID ($before -> $after)"
  else fail "$unit main PID $before -> $after"; fi
  expect "$unit is active" active "$(unit_prop "$unit" ActiveState)"
done
# The reference's own example: `service restart ntls` (ntlsd under its unit, hsmd beside it).
if [ -n "${LUNA_NTLSD:-}" ]; then
  in_sandbox systemctl start ntlsd.service || true
  before=$(unit_prop ntlsd.service MainPID)
  out=$(lsh admin service restart ntls)
  expect_match "service restart ntls" "Starting ntls: +\[   OK   \]" "$out"
  after=$(unit_prop ntlsd.service MainPID)
  if [ "$after" != 0 ] && [ "$after" != "$before" ]; then pass "ntlsd.service has a new main PID ($before -> $after)"
  else fail "ntlsd.service main PID $before -> $after: $out"; fi
  expect "ntlsd.service is active" active "$(unit_prop ntlsd.service ActiveState)"
fi
expect_match "service stop syslog" "Stopping syslog: +\[   OK   \]" "$(lsh admin service stop syslog)"
expect "rsyslog is stopped" inactive "$(unit_prop rsyslog.service ActiveState)"
expect_match "status says stopped" "syslog \(rsyslog.service\) is stopped" "$(lsh monitor service status syslog)"
expect_match "service start syslog" "Starting syslog: +\[   OK   \]" "$(lsh admin service start syslog)"
expect "rsyslog is active again" active "$(unit_prop rsyslog.service ActiveState)"

# Refusals change nothing.
pid=$(unit_prop rsyslog.service MainPID)
expect_match "monitor may not restart" "may not run" "$(lsh monitor service restart syslog)"
expect_match "sysconfd refuses monitor too" "The monitor role may not run this command" "$(bcall monitor Services Restart s syslog)"
expect_match "an unknown service" "'sshd' is not a service name" "$(lsh admin service restart sshd)"
expect_match "a unit name is not a service name" "is not a service name" "$(bcall admin Services Restart s rsyslog.service)"
expect_match "a service not built is refused" "The webserver service is not built into this software appliance" "$(lsh admin service start webserver)"
expect_match "... for restart too" "The stc service is not built" "$(bcall admin Services Restart s stc)"
expect "refusals did not touch rsyslog" "$pid" "$(unit_prop rsyslog.service MainPID)"
expect_match "refusals are logged" "refused Services.Restart from monitor" "$(in_sandbox journalctl --no-pager -o cat -u sysconfd.service)"

# Power off: the appliance (the sandbox's systemd) goes down.
sandbox=$(cat "$T/systemd.pid")
expect_match "monitor may not power off" "may not run" "$(lsh monitor sysconf appliance poweroff -force)"
out=$(lsh operator sysconf appliance poweroff -force)
expect_match "operator powers the appliance off" "Power off commencing" "$out"
gone=no
for i in $(seq 300); do kill -0 "$sandbox" 2>/dev/null || { gone=yes; break; }; sleep 0.1; done
expect "the appliance went down" yes "$gone"
finish
