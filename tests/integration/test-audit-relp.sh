#!/bin/bash
# Remote audit logging over RELP (issue 5): cbsd is the RELP client and delivers records from
# the log files with a durable per-host cursor. A real rsyslogd on loopback plays the SIEM
# (imrelp, the receiver template of seed ch.1: `%msg:F,94:2%` writes the record line). Records
# arrive and the received file verifies with `audit log verify`; with the SIEM stopped
# (gracefully), N records generated and cbsd restarted in the middle, all N sequence numbers
# arrive in order once the SIEM is back, and the received file still verifies; `audit
# remotehost list` says how far behind the host is; a changed byte in the received file is found.
. "$(dirname "$0")/audit-lib.sh"
command -v rsyslogd >/dev/null || skip "needs rsyslogd (deps/debian-packages.txt)"
[ -n "$(find /usr/lib -name imrelp.so 2>/dev/null | head -1)" ] || skip "needs rsyslog-relp"
CBSD_ARGS="--relp-retry 200"
expect_no_match() { if grep -qE -- "$2" <<<"$3"; then fail "$1: unexpected /$2/ in '$3'"; else pass "$1"; fi; }
audit_appliance_up

PORT=$((20000 + $$ % 20000))
S=$T/siem
mkdir -p "$S/work"
# The SIEM: the seed's receiver configuration (ch.1 "Remote Audit Logging"), over imrelp.
cat >"$S/rsyslog.conf" <<CONF
global(workDirectory="$S/work" processInternalMessages="on")
module(load="imrelp")
input(type="imrelp" address="127.0.0.1" port="$PORT")
\$template AuditFormat,"%msg:F,94:2%\n"
local3.* $S/audit.log;AuditFormat
syslog.* $S/internal.log
CONF
rsyslogd -N1 -f "$S/rsyslog.conf" >/dev/null 2>&1 || { fail "the SIEM configuration does not parse"; finish; }
siem_up() {
  rsyslogd -n -f "$S/rsyslog.conf" -i "$S/rsyslogd.pid" >>"$S/stdout.log" 2>&1 </dev/null &
  echo $! >"$S/pid"
  listening() { [ -s "$S/rsyslogd.pid" ] && ss -ltnp | grep -q "127.0.0.1:$PORT .*pid=$(cat "$S/pid"),"; }
  luna_wait_for listening || { fail "the SIEM does not listen on $PORT"; return 1; }
}
siem_down() {   # SIGTERM: a graceful stop (recipes/rsyslog.md caveat 11)
  local pid; pid=$(cat "$S/pid"); kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; rm -f "$S/rsyslogd.pid"
}
siem_cleanup() { [ -s "$S/pid" ] && kill "$(cat "$S/pid")" 2>/dev/null; true; }
trap 'rc=$?; siem_cleanup; (exit $rc); audit_cleanup' EXIT
siem_up

# hsmd announces the Auditor's creation: PropertiesChanged carries AuditRoleInitialized.
# (dbus-monitor falls back to plain match rules where the bus refuses BecomeMonitor.)
dbus-monitor --system "type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',path='/com/safenet/Luna/Hsm'" \
  >"$T/props.log" 2>&1 &
monitor=$!
sleep 0.5
out=$(ash <<EOF
audit init -domain $AUDIT_DOMAIN -password $AUDIT_PW -force
audit login -password $AUDIT_PW
audit config -parameter event -value all
EOF
)
expect "audit init, login, config succeed" 3 "$(grep -c '^Command Result : 0 (Success)$' <<<"$out")"
announced() { grep -q AuditRoleInitialized "$T/props.log"; }
luna_wait_for announced && pass "audit init emits PropertiesChanged(AuditRoleInitialized)" \
  || fail "no AuditRoleInitialized change signal: $(head -c 600 "$T/props.log")"
kill "$monitor" 2>/dev/null; wait "$monitor" 2>/dev/null || true
wait_drained || fail "cbsd did not catch up"

# --- add, list, refusals --------------------------------------------------------------------
out=$(echo "audit remotehost add -host 127.0.0.1 -protocol relp -port $PORT" | ash)
expect_match "audit remotehost add -protocol relp" "127.0.0.1 added successfully" "$out"
expect_match "... succeeds" "Command Result : 0 \(Success\)" "$out"
expect_match "a second add of the host is refused" "already a remote logging server" \
  "$(echo "audit remotehost add -host 127.0.0.1 -protocol relp -port $PORT" | ash)"
expect_match "a bad host is refused with a clear message" "'bad_host!' is not a valid host name or IP address" \
  "$(echo "audit remotehost add -host bad_host! -protocol relp" | ash)"
expect_match "port 70000 is refused" "out of range" "$(echo "audit remotehost add -host 127.0.0.9 -protocol relp -port 70000" | ash)"
expect_match "cbsd refuses port 0 itself" "Port 0 is out of range" \
  "$(as "$AUDIT" busctl --system call com.safenet.Luna.Cbs /com/safenet/Luna/AuditLogs com.safenet.Luna.AuditLogs AddRemoteHost sq 127.0.0.9 0 2>&1)"
expect_match "the admin may not add audit remote hosts" "Only the audit role" \
  "$(as "$ADMIN" busctl --system call com.safenet.Luna.Cbs /com/safenet/Luna/AuditLogs com.safenet.Luna.AuditLogs AddRemoteHost sq 10.0.0.9 514 2>&1)"
expect "the refusals left one host" 1 "$(grep -c ', relp,' <<<"$(echo 'audit remotehost list' | ash)")"

# --- records arrive, and the received file verifies --------------------------------------------
first=$(( $(newest) + 1 ))
printf 'audit sync\n%.0s' $(seq 30) | ash_login >/dev/null
last=$(newest)
received() { [ "$(grep -c . "$S/audit.log" 2>/dev/null)" -ge "$1" ]; }
luna_wait_for received $((last - first + 1)) || fail "the SIEM did not get the records: $(grep -c . "$S/audit.log" 2>/dev/null) lines"
seqs() { cut -c1-10 "$1" | tr -d ' '; }
expect "the SIEM has records $first..$last, in order" "$(seq "$first" "$last" | tr '\n' ' ')" \
  "$(seqs "$S/audit.log" | head -$((last - first + 1)) | tr '\n' ' ')"
expect "each received line is the appliance's line, unchanged" "$(records | awk -v a="$first" -v b="$last" '$1+0>=a && $1+0<=b')" \
  "$(head -$((last - first + 1)) "$S/audit.log")"
list=$(echo 'audit remotehost list' | ash)
expect_match "list: up to date, nothing behind" "^   127.0.0.1:$PORT, relp, up to date, 0 records behind" "$list"
cp "$S/audit.log" "$T/home-audit/siem-relp.log" && chown "$AUDIT" "$T/home-audit/siem-relp.log"
out=$(echo 'audit log verify -file siem-relp.log -external' | ash_login)
expect_match "the received file verifies" "Verified messages $first to $last" "$out"
awk 'NR==7 { $0 = substr($0,1,60) "X" substr($0,62) } { print }' "$S/audit.log" | head -$((last - first + 1)) >"$T/home-audit/siem-bad.log"
chown "$AUDIT" "$T/home-audit/siem-bad.log"
out=$(echo 'audit log verify -file siem-bad.log -external' | ash_login)
expect_match "a byte changed in the received file is found" "modified: line 7 \(record $((first + 6))\) was modified" "$out"

# --- the SIEM down, N records, cbsd restarted in the middle: nothing lost ------------------------
N=400
siem_down
start=$(( $(newest) + 1 ))
printf 'audit sync\n%.0s' $(seq $((N / 2))) | ash_login >/dev/null
wait_drained || fail "cbsd did not write the first half"
list=$(echo 'audit remotehost list' | ash)
expect_match "list: the host is unreachable while the SIEM is down" "127.0.0.1:$PORT, relp, unreachable, [0-9]+ records behind" "$list"
behind=$(sed -n "s/.*127.0.0.1:$PORT, relp, unreachable, \([0-9]*\) records behind.*/\1/p" <<<"$list")
if [ "${behind:-0}" -ge $((N / 2)) ]; then pass "list: $behind records behind (at least the $((N / 2)) made during the outage)"
else fail "list: expected at least $((N / 2)) behind: $list"; fi
cbsd_down TERM
cbsd_up
printf 'audit sync\n%.0s' $(seq $((N / 2))) | ash_login >/dev/null
wait_drained || fail "cbsd did not write the second half"
end=$(newest)
if [ $((end - start + 1)) -ge "$N" ]; then pass "$((end - start + 1)) records made while the SIEM was down"; else fail "only $((end - start + 1)) records"; fi
expect_match "the cursor survived the restart: still behind" "relp, unreachable, [1-9][0-9]* records behind" \
  "$(echo 'audit remotehost list' | ash)"
siem_up
# A record the SIEM may have seen before the outage comes again with its own sequence number:
# dedupe by sequence, keep the first copy.
dedup() { awk '!seen[substr($0,1,10)]++' "$S/audit.log"; }
complete() { [ "$(dedup | awk -v a="$start" -v b="$end" '{s=$1+0} s>=a && s<=b' | wc -l)" = $((end - start + 1)) ]; }
LUNA_WAIT=60 luna_wait_for complete || fail "after the outage the SIEM lacks records: $(dedup | wc -l) distinct"
expect "every sequence number $start..$end arrived, in order" "$(seq "$start" "$end" | tr '\n' ' ')" \
  "$(dedup | cut -c1-10 | tr -d ' ' | awk -v a="$start" -v b="$end" '$1>=a && $1<=b' | tr '\n' ' ')"
echo "note: $(( $(grep -c . "$S/audit.log") - $(dedup | wc -l) )) records arrived twice (resent, same sequence numbers)"
expect "a record sent twice is the same line both times" "$(dedup | wc -l)" "$(sort -u "$S/audit.log" | wc -l)"
dedup >"$T/home-audit/siem-relp2.log" && chown "$AUDIT" "$T/home-audit/siem-relp2.log"
out=$(echo 'audit log verify -file siem-relp2.log -external' | ash_login)
expect_match "the whole received file verifies" "Verified messages $first to $end" "$out"
up_to_date() { grep -q "relp, up to date, 0 records behind" <<<"$(echo 'audit remotehost list' | ash)"; }
luna_wait_for up_to_date && pass "list: up to date again" || fail "list: $(echo 'audit remotehost list' | ash)"

# --- delete, clear -----------------------------------------------------------------------------
out=$(echo "audit remotehost delete -host 127.0.0.1" | ash)
expect_match "delete" "Command Result : 0 \(Success\)" "$out"
expect_no_match "the host is gone" "127.0.0.1:$PORT" "$(echo 'audit remotehost list' | ash)"
expect "its cursor file is gone" "" "$(find "$T/cbs" -name '*.relp-*' | head -1)"
echo "audit remotehost add -host 127.0.0.1 -protocol relp -port $PORT" | ash >/dev/null
expect_match "clear -force" "Command Result : 0 \(Success\)" "$(echo 'audit remotehost clear -force' | ash)"
expect_no_match "nothing left" ", relp," "$(echo 'audit remotehost list' | ash)"
cbsd_down TERM
finish
