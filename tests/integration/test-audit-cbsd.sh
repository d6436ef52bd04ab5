#!/bin/bash
# Audit logging end to end (seed ch.1, issue 5): HSM actions become records in hsmd's buffer,
# cbsd writes them to rotated files and hands them to syslog (local3, "<SN>^<record>"); a cbsd
# killed with SIGKILL mid-stream loses and duplicates nothing; rotation at the size cap; the
# audit user lists, tails, verifies (tampered files say where), archives and clears the logs.
. "$(dirname "$0")/audit-lib.sh"
audit_appliance_up

# STYLE habit 1: the live objects serve exactly the XML contracts.
busctl --system introspect --xml-interface com.safenet.Luna.Hsm /com/safenet/Luna/Audit >"$T/audit.xml"
busctl --system introspect --xml-interface com.safenet.Luna.Cbs /com/safenet/Luna/AuditLogs >"$T/logs.xml"
if diff=$(python3 "$(dirname "$0")/introspect-diff.py" "$LUNA_XML_DIR" --require com.safenet.Luna.Audit \
          --require com.safenet.Luna.AuditLogs /com/safenet/Luna/Audit="$T/audit.xml" \
          /com/safenet/Luna/AuditLogs="$T/logs.xml"); then
  pass "$diff"
else
  fail "live introspection differs from lib/dbus:"; printf '%s\n' "$diff"
fi

# --- the Auditor and a configuration; the admin's actions -------------------------------------
out=$(ash <<EOF
audit init -domain $AUDIT_DOMAIN -password $AUDIT_PW -force
audit login -password $AUDIT_PW
audit config -parameter event -value all
audit config -parameter rotate -value never
audit show
EOF
)
expect "audit init, login, config, show succeed" 5 "$(grep -c '^Command Result : 0 (Success)$' <<<"$out")"
expect_match "audit show: logged in" '^HSM Audit Role: logged in$' "$out"
expect_match "audit show: everything" '^event mask        : Log everything$' "$out"
expect_match "audit show: rotation" '^rotation interval : never$' "$out"
client "$ADMIN" init myHSM "$SO_PW" domain-1 -- login "$SO_PW" -- create p1 0 -- create p2 0 -- delete p1 >/dev/null
wait_drained || fail "cbsd did not catch up: $(ondisk) on disk, newest $(newest)"

lines=$(records)
n=$(wc -l <<<"$lines")
expect "every record is on disk" "$(newest)" "$n"
expect "records are numbered 1..N in file order" "$(seq 1 "$n" | tr '\n' ' ')" \
  "$(cut -c1-10 <<<"$lines" | tr -d ' ' | tr '\n' ' ')"
expect "every line is 448 bytes" "" "$(records | awk 'length($0) != 447' | head -1)"
expect "commas at 10, 28, 285, 350" "" \
  "$(records | awk 'substr($0,11,1)!="," || substr($0,29,1)!="," || substr($0,286,1)!="," || substr($0,351,1)!=","' | head -1)"
expect "the first record chains from zero" "$(printf '0%.0s' $(seq 64))" "$(head -1 <<<"$lines" | cut -c287-350)"
events=$(grep -o 'operation [A-Z_]*' <<<"$lines" | awk '{print $2}' | tr '\n' ' ')
expect_match "critical and configured events in order" \
  '^LUNA_CREATE_AUDIT_CONTAINER LUNA_LOG_SET_CONFIG LUNA_LOG_SET_CONFIG .*LUNA_INIT_TOKEN LUNA_LOGIN LUNA_CREATE_CONTAINER LUNA_CREATE_CONTAINER LUNA_DELETE_CONTAINER' "$events"
expect_match "records name the caller (uid) and the container" \
  "session [0-9]+ Access 2147483651:$ADMIN SO container operation LUNA_CREATE_CONTAINER returned RC_OK\(0x00000000\) container=1 " "$lines"
serial=$(basename "$(hsm_dir)")

# syslog: "<158>... cbsd[pid]: SN^record"; %msg:F,94:2% gives the record back unchanged.
syslogged() { [ "$(grep -c . "$T/syslog.out" 2>/dev/null)" -ge "$1" ]; }
luna_wait_for syslogged "$n" || fail "syslog did not get every record"
expect "syslog facility local3, severity info" "<158>" "$(head -1 "$T/syslog.out" | cut -c1-5)"
expect "syslog carries every record as the 2nd ^ field, unchanged" "$lines" \
  "$(awk -F'^' '{print $2}' "$T/syslog.out" | head -"$n")"
expect_match "syslog prefix is the HSM serial" "cbsd\[[0-9]+\]: $serial\^" "$(head -1 "$T/syslog.out")"

# --- kill -9 mid-stream, and cbsd down: nothing lost, nothing twice --------------------------
printf 'audit sync\n%.0s' $(seq 150) | ash_login >/dev/null &
gen=$!
more_than() { [ "$(ondisk)" -gt "$1" ]; }
luna_wait_for more_than $((n + 20)) || fail "records did not start flowing"
cbsd_down KILL
before=$(ondisk)
wait "$gen"
# The stream may have ended before the kill landed (a fast machine); records made while cbsd is
# certainly down must then wait in the HSM.
printf 'audit sync\n%.0s' $(seq 20) | ash_login >/dev/null
buffered=$(( $(newest) - before ))
if [ "$buffered" -gt 0 ]; then pass "while cbsd is down the HSM holds $buffered records"; else fail "nothing was buffered"; fi
expect_match "audit show counts the buffered records" "HSM is currently storing [1-9][0-9]* log records" \
  "$(echo 'audit show' | ash)"
cbsd_up
wait_drained || fail "cbsd did not drain the buffer after restart: $(ondisk) on disk, newest $(newest)"
total=$(newest)
expect "after the crash: records 1..$total, each once, in order" "$(seq 1 "$total" | tr '\n' ' ')" \
  "$(records | cut -c1-10 | tr -d ' ' | tr '\n' ' ')"
expect "HSM buffer empty again" "0" "$(echo 'audit show' | ash | sed -n 's/HSM is currently storing \([0-9]*\) log records./\1/p')"

# --- rotation at the cap ---------------------------------------------------------------------
d=$(hsm_dir)
nfiles=$(find "$d" -name 'hsm_*.log' | wc -l)
if [ "$nfiles" -ge $((total / CAP_RECORDS)) ]; then pass "rotated into $nfiles files"; else fail "only $nfiles files for $total records"; fi
expect "no file over the cap" "" "$(find "$d" -name '*.log' -size +$((CAP_RECORDS * LINE))c)"
expect "one file in progress" "1" "$(find "$d" -maxdepth 1 -name "hsm_${serial}_*.log" | wc -l)"
expect_match "names as the reference shows them" "^hsm_${serial}_0000000[0-9a-f]\.log$" \
  "$(find "$d/ready_for_archive" -name '*.log' -printf '%f\n' | sort | head -1)"

# --- audit log list / tail / verify ------------------------------------------------------------
out=$(echo 'audit log list' | ash)
expect_match "log list: in progress" "Logs that are in progress" "$out"
expect_match "log list: ready for archive" "Logs that are ready for archive:" "$out"
first=hsm_${serial}_00000001.log
expect_match "log list: size, date, name" "^ *$((CAP_RECORDS * LINE)) [A-Z][a-z]{2} [0-9]{2} [0-9]{2}:[0-9]{2} $first$" "$out"
out=$(echo "audit log tail -file $first -entries 2 -search LUNA" | ash)
expect "log tail shows 2 records as seq,time,text" "2" "$(grep -cE '^[0-9]+,[0-9]{2}/[0-9]{2}/[0-9]{2} [0-9:]{8},S/N ' <<<"$out")"

active=$(find "$d" -maxdepth 1 -name "hsm_${serial}_*.log" -printf '%f\n')
second=hsm_${serial}_00000002.log
for f in "$first" "$second" "$active"; do
  out=$(echo "audit log verify -file $f" | ash_login)
  expect_match "verify $f" "Verified messages [0-9]+ to [0-9]+" "$out"
done
expect_match "verify names the HSM" "Verifying log on HSM with serial $serial" "$out"

# Tampering, on the files in place (root stands for someone with the disk), restored after.
tamper() {   # tamper FILE AWK-PROGRAM: rewrite FILE through awk, keeping owner and mode
  cp -p "$1" "$T/orig.log"
  awk "$2" "$T/orig.log" >"$1"
}
restore() { cp -p "$T/orig.log" "$1"; }
f=$d/ready_for_archive/$second
s0=$(head -1 "$f" | cut -c1-10 | tr -d ' ')
tamper "$f" 'NR==5 { $0 = substr($0,1,40) "X" substr($0,42) } { print }'
out=$(echo "audit log verify -file $second" | ash_login)
expect_match "a modified record is found" "modified: line 5 \(record $((s0 + 4))\) was modified" "$out"
expect_match "verify fails with LUNA_RET_LOG_BAD_RECORD_HMAC" \
  "Error: 'audit log verify' failed. \(80000D05 : LUNA_RET_LOG_BAD_RECORD_HMAC\)" "$out"
restore "$f"
tamper "$f" 'NR!=7 { print }'
out=$(echo "audit log verify -file $second" | ash_login)
expect_match "a deleted record is found" "deleted: record $((s0 + 6)) were deleted between line 6 and line 7" "$out"
restore "$f"
tamper "$f" 'NR==3 { print; x=$0; sub(/LUNA_LOG_SET_TIME/, "LUNA_LOG_GET_TIME", x); print x; next } { print }'
out=$(echo "audit log verify -file $second" | ash_login)
expect_match "an inserted record is found" "inserted: line 4 \(record $((s0 + 2))\) was inserted" "$out"
restore "$f"
tamper "$f" "NR<=$((CAP_RECORDS - 2)) { print }"
out=$(echo "audit log verify -file $second" | ash_login)
expect_match "a cut file is found by the next file's first record" \
  "truncated: the log was truncated after line $((CAP_RECORDS - 2)) .*records $((s0 + CAP_RECORDS - 2)) to $((s0 + CAP_RECORDS - 1)) are missing; the next log file" "$out"
restore "$f"
# The newest records cut off: nothing more is logged meanwhile, so the file ends where the
# HSM's newest HMAC says the log ends.
echo 'audit config -parameter event -value none' | ash_login >/dev/null
wait_drained 10 || true
active=$(find "$d" -maxdepth 1 -name "hsm_${serial}_*.log" -printf '%f\n')
f=$d/$active
cp -p "$f" "$T/orig.log"
last=$(tail -1 "$f" | cut -c1-10 | tr -d ' ')
head -c $(( $(stat -c %s "$f") - LINE )) "$T/orig.log" >"$f"
out=$(echo "audit log verify -file $active" | ash_login)
expect_match "the newest record cut off is found by the HSM's newest HMAC" \
  "truncated: .*record $last are missing; the HSM continues at $((last + 1))" "$out"
restore "$f"

echo 'audit config -parameter event -value all' | ash_login >/dev/null

# --- tarlogs / untarlogs / verify as an external log -----------------------------------------
out=$(printf 'audit secret export\naudit log tarlogs\n' | ash_login)
expect_match "secret export names the file" "The encrypted log secret file $serial.lws now available for scp." "$out"
expect_match "tarlogs lists the in-progress file" "^$serial/$active$" "$out"
expect_match "tarlogs lists a ready file" "^$serial/ready_for_archive/$first$" "$out"
expect_match "tarlogs names the archive" "available as file 'audit-$serial.tgz'" "$out"
mkdir -p "$T/x" && tar -xzf "$T/home-audit/audit-$serial.tgz" -C "$T/x"
expect "the archive holds the rotated files unchanged" "$(cd "$d" && sha256sum ready_for_archive/*.log)" \
  "$(cd "$T/x/$serial" && sha256sum ready_for_archive/*.log)"
expect "the archive holds the file in progress as it was" "" \
  "$(cmp -n "$(stat -c %s "$T/x/$serial/$active")" "$T/x/$serial/$active" "$d/$active" 2>&1)"
out=$(printf 'audit log untarlogs -file audit-%s.tgz\naudit log verify -file %s -external\n' "$serial" "$first" | ash_login)
expect_match "untarlogs extracts to the audit home" "Extracting logs to audit home:" "$out"
expect_match "an unpacked log verifies as external" "Verifying log from HSM with serial $serial on HSM with serial $serial" "$out"
expect_match "external verify succeeds" "Verified messages 1 to $CAP_RECORDS" "$out"
out=$(echo 'audit log untarlogs -file nothing.tgz' | ash)
expect_match "untarlogs of a missing file lists what is there" "Found files:" "$out"

# --- who may do what -------------------------------------------------------------------------
expect_match "the admin cannot use the Audit interface" "role may not run audit commands" \
  "$(as "$ADMIN" busctl --system call com.safenet.Luna.Hsm /com/safenet/Luna/Audit com.safenet.Luna.Audit Show 2>&1)"
expect_match "the admin cannot clear the logs" "Only the audit role" \
  "$(as "$ADMIN" busctl --system call com.safenet.Luna.Cbs /com/safenet/Luna/AuditLogs com.safenet.Luna.AuditLogs Clear 2>&1)"
expect_match "the audit user cannot fetch records" "Only cbsd" \
  "$(as "$AUDIT" busctl --system call com.safenet.Luna.Hsm /com/safenet/Luna/Audit com.safenet.Luna.Audit FetchRecords tu 0 10 2>&1)"
expect_match "the audit user cannot open the HSM's buffer" "Only cbsd" \
  "$(as "$AUDIT" busctl --system call com.safenet.Luna.Hsm /com/safenet/Luna/Audit com.safenet.Luna.Audit OpenRecords t 0 2>&1)"
expect_match "lunash hides audit from the admin" "The admin role may not run 'audit" \
  "$(as "$ADMIN" env LUNA_ROLES_FILE="$T/roles" "$T/bin/lunash" -c 'audit show' 2>&1)"

# --- clear --------------------------------------------------------------------------------------
# The session's own login is a record: clear once cbsd has written it (under load cbsd could
# otherwise write it after the clear, into a new file). The login is written to lunash's input
# at once, so wait for the record to exist first, then for cbsd to have it.
logged_and_drained() { [ "$(newest)" -gt "$1" ] && drained; }
pre=$(newest)
{ echo "audit login -password $AUDIT_PW"; LUNA_WAIT=20 luna_wait_for logged_and_drained "$pre" || true
  echo 'audit log clear -force'; } | ash >/dev/null
expect "clear removes every file" "0" "$(find "$d" -name '*.log' | wc -l)"
before=$(newest)
echo 'audit sync' | ash_login >/dev/null
wait_drained 10 || true
expect_match "records continue after clear, in a new file" "^$((before + 1)) " "$(records | head -1)"
expect "a cleared file name is not reused" "" "$(find "$d" -name "$first")"

cbsd_down TERM
finish
