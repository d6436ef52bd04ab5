#!/bin/bash
# `audit remotehost` under real systemd (issue 5, seed ch.1 "Remote Audit Logging"): hsmd and
# cbsd as their units, the appliance's real rsyslog, a real rsyslogd as the SIEM with the
# seed's receiver configuration (imudp, imtcp, imrelp; `%msg:F,94:2%`). UDP and TCP hosts go
# through sysconfd into rsyslog's configuration (checked, rsyslog restarted); RELP hosts are
# cbsd's own client. Records the appliance makes arrive over each, and each received file
# verifies with `audit log verify`. Bad hosts and ports are refused with a clear message and
# leave the configuration as it was; only the audit role may change where records go; audit
# records stay out of the appliance's other logs.
. "$(dirname "$0")/platform-lib.sh"
: "${LUNA_CBSD:?set by meson}"
PW=AuditPw-0001 DOMAIN=auditDomain-1
DROPIN=/etc/rsyslog.d/59-luna-audit.conf
plat_up
in_sandbox install -D -m 0755 "$(readlink -f "$LUNA_CBSD")" /usr/sbin/cbsd

# The SIEM: ch.1's receiver (AuditFormat), one file per transport.
d=$T/siem
mkdir -p "$d/work" && chmod 0777 "$d"
cat >"$d/rsyslog.conf" <<CONF
global(workDirectory="$d/work" processInternalMessages="on")
module(load="imudp")
module(load="imtcp")
module(load="imrelp")
\$template AuditFormat,"%msg:F,94:2%\n"
input(type="imudp" address="127.0.0.1" port="15514" ruleset="r_udp")
input(type="imtcp" address="127.0.0.1" port="15514" ruleset="r_tcp")
input(type="imrelp" address="0.0.0.0" port="15515" ruleset="r_relp")
ruleset(name="r_udp") {
  local3.* action(type="omfile" file="$d/udp.log" template="AuditFormat")
}
ruleset(name="r_tcp") {
  local3.* action(type="omfile" file="$d/tcp.log" template="AuditFormat")
}
ruleset(name="r_relp") {
  local3.* action(type="omfile" file="$d/relp.log" template="AuditFormat")
}
syslog.* action(type="omfile" file="$d/internal.log")
CONF
rsyslogd -N1 -f "$d/rsyslog.conf" >/dev/null 2>&1 || { fail "the SIEM configuration does not parse"; finish; }
in_sandbox systemd-run --quiet --unit=luna-siem.service rsyslogd -n -f "$d/rsyslog.conf" -i "$d/rsyslogd.pid"
siem_listens() { local l; l=$(in_sandbox ss -ltn); grep -q ':15515 ' <<<"$l" && grep -q '127.0.0.1:15514 ' <<<"$l"; }
luna_wait_for siem_listens || fail "the SIEM does not listen"

in_sandbox systemctl start hsmd.service cbsd.service || { in_sandbox journalctl --no-pager -n 30 -u cbsd -u hsmd; fail "hsmd/cbsd did not start"; finish; }
out=$(lsh_session audit "audit init -domain $DOMAIN -password $PW -force" "audit login -password $PW" \
      "audit config -parameter event -value all")
expect "audit init, login, config succeed" 3 "$(grep -c '^Command Result : 0 (Success)$' <<<"$out")"
# hsmd.service stages records in its runtime directory, on tmpfs, private to luna-hsm, and
# keeps it when hsmd stops (what a crash left there is copied to the disk at the next start).
expect "hsmd stages audit records on tmpfs (/run/luna-hsm/audit-staging)" "tmpfs 700 luna-hsm" \
  "$(in_sandbox sh -c 'echo "$(stat -f -c %T /run/luna-hsm/audit-staging) $(stat -c "%a %U" /run/luna-hsm/audit-staging)"' 2>&1)"
expect "hsmd.service keeps its runtime directory when it stops" yes "$(unit_prop hsmd.service RuntimeDirectoryPreserve)"

# --- UDP, TCP through sysconfd; RELP through cbsd ---------------------------------------------
pid0=$(unit_prop rsyslog.service MainPID)
out=$(lsh audit audit remotehost add -host 127.0.0.1 -port 15514)
expect_match "add a UDP host (the default protocol)" "127.0.0.1 added successfully" "$out"
expect_match "... restarting syslog, as the reference shows" "Starting syslog: +\[   OK   \]" "$out"
expect_no_match "rsyslog was restarted" "^$pid0\$" "$(unit_prop rsyslog.service MainPID)"
expect "rsyslog is active" active "$(unit_prop rsyslog.service ActiveState)"
out=$(lsh audit audit remotehost add -host localhost -protocol tcp -port 15514)
expect_match "add a TCP host by name" "localhost added successfully" "$out"
out=$(lsh audit audit remotehost add -host 127.0.0.3 -protocol relp -port 15515)
expect_match "add a RELP host" "127.0.0.3 added successfully" "$out"
drop=$(in_sandbox cat "$DROPIN")
expect_match "the drop-in forwards local3 over UDP" 'if \$syslogfacility == 19 then' "$drop"
expect_match "... to the UDP host" 'type="omfwd" name="luna-audit-1" target="127.0.0.1" port="15514" protocol="udp"' "$drop"
expect_match "... and the TCP host" 'target="localhost" port="15514" protocol="tcp"' "$drop"
expect_no_match "RELP is not rsyslog's" 'omrelp|15515' "$drop"
list=$(lsh audit audit remotehost list)
expect_match "list: UDP" "^   127.0.0.1:15514, udp$" "$list"
expect_match "list: TCP" "^   localhost:15514, tcp$" "$list"
expect_match "list: RELP with its state" "^   127.0.0.3:15515, relp, (up to date|sending|connecting), [0-9]+ records? behind" "$list"

# --- refusals change nothing ----------------------------------------------------------------
before=$(in_sandbox cat "$DROPIN") pid1=$(unit_prop rsyslog.service MainPID)
expect_match "a bad host is refused with a clear message" "'bad_host!' is not a valid host name or IP address" \
  "$(lsh audit audit remotehost add -host 'bad_host!')"
expect_match "a name that does not resolve is refused" "Cannot resolve the host name 'siem.invalid'" \
  "$(lsh audit audit remotehost add -host siem.invalid -protocol tcp)"
expect_match "port 70000 is refused" "out of range" "$(lsh audit audit remotehost add -host 10.0.0.9 -port 70000)"
expect_match "sysconfd refuses port 0" "Port 0 is out of range" "$(bcall audit Syslog AddAuditRemoteHost sqs 10.0.0.9 0 udp)"
expect_match "sysconfd refuses rsyslog syntax as a host" "is not a valid host name or IP address" \
  "$(bcall audit Syslog AddAuditRemoteHost sqs 'x" then stop' 514 udp)"
expect_match "the same host twice is refused" "already a remote logging server" \
  "$(lsh audit audit remotehost add -host 127.0.0.3 -protocol udp)"
expect_match "the admin may not change where audit records go" "The admin role may not run this command" \
  "$(bcall admin Syslog AddAuditRemoteHost sqs 10.0.0.9 514 udp)"
expect_match "... nor list the audit hosts" "The admin role may not run this command" "$(bcall admin Syslog ListAuditRemoteHosts)"
expect "refusals left the drop-in as it was" "$before" "$(in_sandbox cat "$DROPIN")"
expect "refusals did not restart rsyslog" "$pid1" "$(unit_prop rsyslog.service MainPID)"

# --- records arrive over each transport and verify ---------------------------------------------
newest() { in_sandbox setpriv --reuid=audit --regid=lunausers --init-groups -- busctl --system call com.safenet.Luna.Hsm \
             /com/safenet/Luna/Audit com.safenet.Luna.Audit Show | grep -o '"NewestSequence" t [0-9]*' | awk '{print $3}'; }
first=$(( $(newest) + 1 ))
# A burst (100 records as fast as one session makes them): cbsd hands them to rsyslog's own audit
# socket, where its send waits for rsyslog; through journald's /dev/log some were dropped.
mapfile -t syncs < <(yes 'audit sync' | head -100)
lsh_session audit "audit login -password $PW" "${syncs[@]}" >/dev/null
last=$(newest)
has_all() { [ "$(awk -v a="$first" -v b="$last" '{s=$1+0} s>=a && s<=b' "$d/$1.log" 2>/dev/null | sort -u | wc -l)" = $((last - first + 1)) ]; }
for t in udp tcp relp; do
  if LUNA_WAIT=30 luna_wait_for has_all $t; then pass "$t: records $first..$last arrived"
  else fail "$t: records $first..$last missing: got $(cut -c1-10 "$d/$t.log" 2>/dev/null | tr -d ' ' | tr '\n' ' ')"
    echo "--- $(lsh audit audit remotehost list)"; in_sandbox journalctl --no-pager -o cat -u cbsd.service | tail -5; fi
  awk '!seen[substr($0,1,10)]++' "$d/$t.log" | in_sandbox sh -c "cat >/home/audit/siem-$t.log && chown audit /home/audit/siem-$t.log"
done
out=$(lsh_session audit "audit login -password $PW" "audit log verify -file siem-udp.log -external" \
      "audit log verify -file siem-tcp.log -external" "audit log verify -file siem-relp.log -external")
expect "each received file verifies" 3 "$(grep -cE "^Verified messages [0-9]+ to [0-9]+$" <<<"$out")"
ends=$(sed -n 's/^Verified messages [0-9]* to \([0-9]*\)$/\1/p' <<<"$out" | sort -u)
expect "... each up to the newest record made" "$last" "$(head -1 <<<"$ends")"
expect_no_match "audit records stay out of the appliance's messages log" "operation LUNA_LOG_SET_TIME" \
  "$(in_sandbox cat /var/log/messages /var/log/syslog 2>/dev/null || true)"

# --- activation failure: rsyslogd refuses the whole configuration -> the old drop-in is back ----
before=$(in_sandbox cat "$DROPIN")
in_sandbox cp /etc/rsyslog.conf "$T/rsyslog.conf.good"
in_sandbox sh -c 'echo "this is not rsyslog syntax {" >>/etc/rsyslog.conf'
out=$(lsh audit audit remotehost add -host 192.0.2.7)
expect_match "an activation rsyslogd refuses fails" "CKR_CONFIG_ACTIVATION_FAILED" "$out"
expect "... and the previous drop-in is back" "$before" "$(in_sandbox cat "$DROPIN")"
in_sandbox cp "$T/rsyslog.conf.good" /etc/rsyslog.conf

# --- delete, clear --------------------------------------------------------------------------
expect_match "delete a UDP host" "Success" "$(lsh audit audit remotehost delete -host 127.0.0.1)"
expect_match "delete the RELP host" "Success" "$(lsh audit audit remotehost delete -host 127.0.0.3)"
expect_match "deleting it again is refused" "is not a remote logging server" "$(lsh audit audit remotehost delete -host 127.0.0.3)"
expect_match "clear -force" "Success" "$(lsh audit audit remotehost clear -force)"
expect "nothing is listed" "" "$(lsh audit audit remotehost list | grep -E '^   ' || true)"
expect_no_match "no forwarding is left" "omfwd" "$(in_sandbox cat "$DROPIN")"
finish
