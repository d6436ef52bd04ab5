#!/bin/bash
# LunaSH `sysconf snmp ...` end to end under real systemd (tools/systemd-sandbox, copy-on-write
# /etc /var /usr /home, loopback-only network): sysconfd writes the real snmpd.conf and
# snmpd's user store, Debian's snmpd.service runs on it, luna-snmp (its unit) serves the
# SafeNet MIBs over AgentX, a real snmptrapd receives snmpd's notifications and lsta's traps.
# A user added with lunash walks every table over SNMPv3 authPriv; a wrong password is
# refused; a deleted user no longer gets in; bad input is refused and changes nothing.
. "$(dirname "$0")/platform-lib.sh"
: "${LUNA_LSTA:?set by meson}" "${LUNA_SNMP_BIN:?set by meson}"
for tool in snmpd snmpget snmpwalk snmptable snmptrapd snmptrap; do
  command -v $tool >/dev/null || skip "needs $tool (deps/debian-packages.txt)"
done
plat_up

AUTH='authPa$$w0rd' PRIV='privPa$$w0rd'
MIBS_DIR="$LUNA_ROOT/mibs/base:$LUNA_ROOT/mibs"
mkdir -p "$T/cli" && chmod 0777 "$T/cli"
# snmp PROGRAM USER AUTH PRIV ARGS...: a Net-SNMP client inside the sandbox, SNMPv3 authPriv.
snmp() {
  local prog=$1 u=$2 a=$3 p=$4; shift 4
  in_sandbox env SNMPCONFPATH="$T/cli" SNMP_PERSISTENT_DIR="$T/cli" MIBS= timeout 20 "$prog" -v3 -l authPriv -u "$u" \
    -a SHA -A "$a" -x AES -X "$p" -t 1 -r 1 -M "$MIBS_DIR" -m ALL "$@" 2>&1 || true
}
# version USER AUTH PRIV: appSoftwareVersion through snmpd and luna-snmp; after a restart of
# snmpd (every user change) the subagent needs up to a ping interval to reconnect.
version() {
  local v i
  for i in $(seq 50); do
    v=$(snmp snmpget "$1" "$2" "$3" -Oqv 127.0.0.1 SAFENET-APPLIANCE-MIB::appSoftwareVersion.0)
    [[ "$v" == *"No Such Object"* || "$v" == *Timeout* ]] || break
    sleep 0.2
  done
  echo "$v"
}
files_sum() { in_sandbox sh -c 'cat /etc/snmp/snmpd.conf /var/lib/snmp/snmpd.conf 2>/dev/null | md5sum'; }

# The appliance's snmpd (masked in sandboxes: this one runs it), luna-snmp and lsta installed
# as the packages put them; luna-snmp holds the monitor role.
in_sandbox rm -f /run/systemd/system/snmpd.service
in_sandbox install -D -m 0755 "$(readlink -f "$LUNA_LSTA")" /usr/sbin/lsta
in_sandbox install -D -m 0755 "$(readlink -f "$LUNA_SNMP_BIN")" /usr/sbin/luna-snmp
in_sandbox sh -c 'printf "agentXSocket /var/agentx/master\nagentXPingInterval 1\nlunaRefreshInterval 2\n" >/etc/luna/luna-snmp.conf'
in_sandbox sh -c 'echo "luna-snmp monitor" >>/etc/luna/roles'
in_sandbox rm -f /etc/snmp/snmpd.conf /var/lib/snmp/snmpd.conf
in_sandbox systemctl daemon-reload
# Sandboxes mask systemd-tmpfiles-setup, which on the appliance gives the journal to group
# systemd-journal (lsta reads it through that group): apply systemd's own rule here.
in_sandbox systemd-tmpfiles --create --prefix /run/log/journal /usr/lib/tmpfiles.d/systemd.conf >/dev/null 2>&1 || true

expect_match "show before anything" "SNMP is stopped" "$(lsh monitor sysconf snmp show | paste -sd' ')"
out=$(lsh admin sysconf snmp user add -secname lunaadmin -authpassword "$AUTH" -authprotocol SHA -privpassword "$PRIV" -privprotocol AES)
expect_match "user add" 'SNMP user account "lunaadmin" added' "$out"
out=$(lsh operator sysconf snmp enable)
expect_match "enable" "SNMP is enabled.*Starting snmpd: +\[   OK   \].*SNMP is started" "$(paste -sd' ' <<<"$out")"
expect "snmpd.service is active" active "$(unit_prop snmpd.service ActiveState)"
expect "snmpd.service is enabled" enabled "$(in_sandbox systemctl is-enabled snmpd.service 2>&1)"
expect_match "show" "SNMP is running.*SNMP is enabled" "$(lsh monitor sysconf snmp show | paste -sd' ')"
conf=$(in_sandbox cat /etc/snmp/snmpd.conf)
expect_match "snmpd.conf: master agentx" "^master agentx$" "$conf"
expect_match "snmpd.conf: the user" "^rwuser lunaadmin priv$" "$conf"
expect_no_match "snmpd.conf holds no password" 'Pa\$\$w0rd' "$conf"
expect "snmpd.conf is root's, 0600" "600 root" "$(in_sandbox stat -c '%a %U' /etc/snmp/snmpd.conf)"
expect_no_match "the store holds no password" 'Pa\$\$w0rd' "$(in_sandbox cat /var/lib/snmp/snmpd.conf)"

in_sandbox systemctl start hsmd.service luna-snmp.service || fail "hsmd/luna-snmp did not start"
for i in $(seq 100); do
  v=$(snmp snmpget lunaadmin "$AUTH" "$PRIV" -Oqv 127.0.0.1 SAFENET-APPLIANCE-MIB::appSoftwareVersion.0)
  [[ "$v" == *[0-9].[0-9]* ]] && break; sleep 0.2
done
expect_match "appSoftwareVersion over v3 as the lunash user" '[0-9]+\.[0-9]+' "$v"
# The tables fill at luna-snmp's first reading of hsmd (refresh 2 s here).
for i in $(seq 50); do
  serial=$(snmp snmpwalk lunaadmin "$AUTH" "$PRIV" -Oqv 127.0.0.1 SAFENET-HSM-MIB::hsmSerialNumber | head -1 | tr -d '"')
  [[ "$serial" =~ ^[0-9A-Za-z]+$ ]] && break; sleep 0.2
done
expect_match "hsmTable answers" '^[0-9A-Za-z]+$' "$serial"
for table in hsmTable hsmLicenseTable hsmPolicyTable hsmPartitionTable hsmPartitionPolicyTable \
             hsmClientRegistrationTable hsmClientPartitionAssignmentTable; do
  out=$(snmp snmptable lunaadmin "$AUTH" "$PRIV" -Cf '|' 127.0.0.1 "SAFENET-HSM-MIB::$table")
  expect_match "snmptable $table" "SNMP table: SAFENET-HSM-MIB::$table|$table: No entries" "$out"
  expect_no_match "snmptable $table: no error" "Timeout|Unknown user|Authentication failure|authorizationError|Was that a table" "$out"
done
out=$(snmp snmpwalk lunaadmin "$AUTH" "$PRIV" -On 127.0.0.1 .1.3.6.1.4.1.12383.3.1.1)
expect_match "snmpwalk of the UTSP counters" "\.1\.3\.6\.1\.4\.1\.12383\.3\.1\.1\.1\.0 = Counter64" "$out"
expect_match "a wrong v3 password is refused" "Authentication failure" \
  "$(snmp snmpget lunaadmin wrongPassword1 "$PRIV" 127.0.0.1 SAFENET-APPLIANCE-MIB::appSoftwareVersion.0)"
expect_match "user list" "SNMP Users:.*-----------.*lunaadmin" "$(lsh monitor sysconf snmp user list | paste -sd' ')"

# Bad input: refused with the reference's rules, nothing changes.
before=$(files_sum)
expect_match "a 32-character name" "1 to 31 characters" "$(lsh admin sysconf snmp user add -secname abcdefghijabcdefghijabcdefghij12 -authpassword "$AUTH" -privpassword "$PRIV")"
expect_match "a short password" "8 to 128 characters" "$(lsh admin sysconf snmp user add -secname bob -authpassword short -privpassword "$PRIV")"
expect_match "MD5 is not offered" "valid value is SHA" "$(lsh admin sysconf snmp user add -secname bob -authpassword "$AUTH" -authprotocol MD5 -privpassword "$PRIV")"
expect_match "the same user twice" 'SNMP user account "lunaadmin" already exists' "$(lsh admin sysconf snmp user add -secname lunaadmin -authpassword "$AUTH" -privpassword "$PRIV")"
expect_match "delete an unknown user" 'SNMP user account "nobody" does not exist' "$(lsh admin sysconf snmp user delete -secname nobody)"
expect_match "a malformed target address" "not a valid IPv4 address" "$(lsh admin sysconf snmp notification add -ipaddress 10.0.0.300 -secname trapuser -authpassword "$AUTH" -privpassword "$PRIV")"
expect_match "an engine ID with 0x" "without 0x" "$(lsh admin sysconf snmp notification add -ipaddress 10.0.0.3 -secname trapuser -authpassword "$AUTH" -privpassword "$PRIV" -engineid 0x8000000001)"
expect_match "delete an unknown target" "No notification target is configured for 10.9.9.9:162" "$(lsh admin sysconf snmp notification delete -ipaddress 10.9.9.9)"
expect_match "a malformed trap host" "not a valid host name or IP address" "$(lsh admin sysconf snmp trap set -host 'bad_host!' -secname a -authpwd "$AUTH" -privpwd "$PRIV")"
expect_match "monitor may not add users" "may not run" "$(lsh monitor sysconf snmp user add -secname bob -authpassword "$AUTH" -privpassword "$PRIV")"
expect_match "sysconfd refuses monitor too" "The monitor role may not run this command" \
  "$(bcall monitor Snmp AddUser sssss bob "$AUTH" SHA "$PRIV" AES)"
expect "refusals changed neither snmpd.conf nor the store" "$before" "$(files_sum)"

# Notifications: snmpd's own (coldStart) to a real snmptrapd, SNMPv3 traps from two engine IDs
# (snmpd's target and lsta's).
mkdir -p "$T/trapd" && chmod 0777 "$T/trapd"
cat >"$T/trapd/snmptrapd.conf" <<CONF
[snmp] mibs :
snmpTrapdAddr udp:127.0.0.1:16162
createUser -e 0x8000000001020304 trapuser SHA "trapAuth123" AES "trapPriv123"
createUser -e 0x8000000001020305 trapuser SHA "trapAuth123" AES "trapPriv123"
authUser log trapuser priv
CONF
in_sandbox systemd-run --quiet --unit=luna-trapd.service env SNMPCONFPATH="$T/trapd" SNMP_PERSISTENT_DIR="$T/trapd" MIBS= \
  snmptrapd -f -C -c "$T/trapd/snmptrapd.conf" -On -Lf "$T/trapd.log"
wait_for_line "$T/trapd.log" "NET-SNMP version" || fail "snmptrapd did not start"
out=$(lsh admin sysconf snmp notification add -ipaddress 127.0.0.1 -udpport 16162 -secname trapuser -authpassword trapAuth123 \
      -privpassword trapPriv123 -engineid 8000000001020304)
expect_match "notification add" "SNMP notification target information added" "$out"
expect_match "notification list" '127\.0\.0\.1:16162 "8000000001020304" "trapuser"' "$(lsh monitor sysconf snmp notification list)"
if wait_for_line "$T/trapd.log" ".1.3.6.1.6.3.1.1.5.1"; then pass "snmptrapd received snmpd's coldStart (SNMPv3 authPriv)"
else fail "no coldStart at snmptrapd: $(tail -5 "$T/trapd.log")"; fi

out=$(lsh admin sysconf snmp trap set -host 127.0.0.1:16162 -secname trapuser -engineid 8000000001020305 -authprotocol SHA \
      -authpwd trapAuth123 -privprotocol AES -privpwd trapPriv123)
expect_match "trap set" "Please use 'service restart lsta' for the new configuration to take effect." "$out"
show=$(lsh monitor sysconf snmp trap show)
expect_match "trap show: host" "SNMP Trap Host +: 127.0.0.1:16162" "$show"
expect_match "trap show: engine ID with 0x" "SNMP v3 Engine ID +: 0x8000000001020305" "$show"
expect_match "trap show: level" "SNMP v3 Security Level +: authPriv" "$show"
expect_match "trap enable" "SNMP trap agent is enabled.*Starting lsta: +\[   OK   \].*SNMP trap agent is started" \
  "$(lsh admin sysconf snmp trap enable | paste -sd' ')"
expect "luna-lsta.service is active" active "$(unit_prop luna-lsta.service ActiveState)"
expect_match "service status lsta" "lsta \(luna-lsta.service\) is running" "$(lsh monitor service status lsta)"
lsh admin sysconf snmp trap test -logfacility daemon -loglevel crit -process smartd \
  -message '"Device: /dev/sda, Temperature 45 Celsius reached limit of 44 Celsius"' -pid >/dev/null
if wait_for_line "$T/trapd.log" ".1.3.6.1.4.1.23629.1.5.2.2.5"; then pass "trap test: diskDriveAttentionNotify received"
else
  fail "no diskDriveAttentionNotify"
  in_sandbox systemctl status --no-pager luna-lsta.service || true
  in_sandbox journalctl --no-pager -o short -t lsta -t smartd -u luna-lsta.service | tail -n 20 || true
  in_sandbox cat /etc/luna/lsta.conf || true; cat "$T/trapd.log"
fi
expect_match "it carries the test record's reference" "1\.3\.6\.1\.4\.1\.23629\.1\.5\.2\.2\.1 = STRING: \"\[.* / smartd\[[0-9]+\] / 1\]" "$(cat "$T/trapd.log")"
expect_match "the record is in the log, marked as a test" "smartd\[[0-9]+\]: \*\*\*TEST : Device: /dev/sda" \
  "$(in_sandbox journalctl --no-pager -t smartd -o short)"
# Simulated events: an NTLS error and an HSM alarm from the kernel.
in_sandbox logger -p daemon.err -t NTLS "Fail to establish a secure channel with client 10.0.0.1"
in_sandbox logger -p kern.crit -t kernel "k7pf0: [HSM] ALM2007: HSM zeroized"
wait_for_line "$T/trapd.log" ".1.3.6.1.4.1.23629.1.5.2.2.6" && pass "an NTLS error: ntlsAttentionNotify" || fail "no ntlsAttentionNotify"
wait_for_line "$T/trapd.log" ".1.3.6.1.4.1.23629.1.5.2.2.7" && pass "an HSM alarm: cryptoAttentionNotify" || fail "no cryptoAttentionNotify"
expect_match "trap disable" "SNMP trap agent is disabled.*Shutting down lsta: +\[   OK   \].*SNMP trap agent is stopped" \
  "$(lsh admin sysconf snmp trap disable | paste -sd' ')"
expect "luna-lsta.service is stopped" inactive "$(unit_prop luna-lsta.service ActiveState)"
expect_match "trap clear" "Please use 'service restart lsta'" "$(lsh admin sysconf snmp trap clear -force)"
expect_match "trap show after clear" "SNMP Trap is not configured" "$(lsh monitor sysconf snmp trap show)"

# service ... snmp
expect_match "service status snmp" "snmp \(snmpd.service\) is running" "$(lsh monitor service status snmp)"
before=$(unit_prop snmpd.service MainPID)
expect_match "service restart snmp" "Starting snmp: +\[   OK   \]" "$(lsh operator service restart snmp)"
after=$(unit_prop snmpd.service MainPID)
if [ "$after" != 0 ] && [ "$after" != "$before" ]; then pass "snmpd.service has a new main PID"; else fail "snmpd PID $before -> $after"; fi
v=$(version lunaadmin "$AUTH" "$PRIV")
expect_match "the user survives a restart (its localized keys in the store)" '[0-9]+\.[0-9]+' "$v"

# A user removed with lunash no longer gets in; clear removes the rest.
out=$(lsh admin sysconf snmp user add -secname Jon -authpassword jonAuth1234 -privpassword jonPriv1234)
expect_match "a second user" 'SNMP user account "Jon" added' "$out"
expect_match "Jon gets in" '[0-9]+\.[0-9]+' "$(version Jon jonAuth1234 jonPriv1234)"
expect_match "user delete" 'SNMP user account "lunaadmin" deleted' "$(lsh admin sysconf snmp user delete -secname lunaadmin)"
expect_match "the deleted user no longer gets in" "Unknown user name" \
  "$(snmp snmpget lunaadmin "$AUTH" "$PRIV" 127.0.0.1 SAFENET-APPLIANCE-MIB::appSoftwareVersion.0)"
expect_match "the other still does" '[0-9]+\.[0-9]+' "$(version Jon jonAuth1234 jonPriv1234)"
expect_no_match "the store forgot lunaadmin" "lunaadmin" "$(in_sandbox cat /var/lib/snmp/snmpd.conf)"
expect_match "user clear -force" "SNMP user account information cleared" "$(lsh admin sysconf snmp user clear -force)"
expect_match "Jon is gone too" "Unknown user name" "$(snmp snmpget Jon jonAuth1234 jonPriv1234 127.0.0.1 SAFENET-APPLIANCE-MIB::appSoftwareVersion.0)"
expect_match "notification delete" "SNMP notification target information deleted" "$(lsh admin sysconf snmp notification delete -ipaddress 127.0.0.1 -udpport 16162)"
expect_match "changes are logged with their caller" "Snmp.AddUser.*admin|admin.*Snmp.AddUser" "$(in_sandbox journalctl --no-pager -o cat -u sysconfd.service)"

# A factory reset of snmp: no user, no target in snmpd.conf (and snmpd restarted on it).
lsh admin sysconf snmp user add -secname Jon -authpassword jonAuth1234 -privpassword jonPriv1234 >/dev/null
expect_match "factory reset of snmp" " snmp +: +succeeded" "$(lsh admin sysconf config factoryreset -service snmp -force)"
expect_match "no user after the factory reset" "SNMP Users:.*-----------[^A-Za-z]*Command Result" "$(lsh monitor sysconf snmp user list | paste -sd' ')"
expect_match "Jon has no access after the factory reset" "authorizationError|No Such|Unknown user name" \
  "$(snmp snmpget Jon jonAuth1234 jonPriv1234 127.0.0.1 SAFENET-APPLIANCE-MIB::appSoftwareVersion.0)"

out=$(lsh admin sysconf snmp disable)
expect_match "disable" "SNMP is disabled.*Stopping snmpd: +\[   OK   \].*SNMP is stopped" "$(paste -sd' ' <<<"$out")"
expect "snmpd.service is stopped" inactive "$(unit_prop snmpd.service ActiveState)"
expect_match "show after disable" "SNMP is stopped.*SNMP is disabled" "$(lsh monitor sysconf snmp show | paste -sd' ')"
in_sandbox systemctl stop luna-trapd.service luna-snmp.service hsmd.service 2>/dev/null || true
finish
