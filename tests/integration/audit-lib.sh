# shellcheck shell=bash
# Shared by the audit tests: the appliance of lib.sh plus cbsd writing the audit log files in
# $T/logs, a datagram socket standing in for the syslog daemon, and lunash as the appliance
# audit user. Needs LUNA_CBSD and LUNA_LUNASH (meson passes them).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${LUNA_CBSD:?set by meson}" "${LUNA_LUNASH:?set by meson}"
LUNA_CBSD=$(readlink -f "$LUNA_CBSD") LUNA_LUNASH=$(readlink -f "$LUNA_LUNASH")
AUDIT=4121 CBS=4120
AUDIT_PW=AuditPw-0001 AUDIT_DOMAIN=auditDomain-1
LINE=448
# Small files so rotation at the cap is quick to reach (the appliance's cap is 4 MB).
CAP_RECORDS=${CAP_RECORDS:-40}
command -v python3 >/dev/null || skip "python3 is not installed"

audit_cleanup() {
  local rc=$?
  set +e   # errexit would end the trap at the first failing step and leak the daemons
  cbsd_down 2>/dev/null || true
  [ -s "$T/syslogd.pid" ] && kill "$(cat "$T/syslogd.pid")" 2>/dev/null
  if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ -f "$T/cbsd.log" ]; then echo "--- cbsd log"; tail -20 "$T/cbsd.log"; fi
  (exit "$rc")
  cleanup
}
trap audit_cleanup EXIT

# audit_appliance_up: bus, hsmd (admitting cbsd), a syslog socket, cbsd.
audit_appliance_up() {
  luna_stage "$T" "$LUNA_HSMD" "$LUNA_CLIENT" "$LUNA_CBSD" "$LUNA_LUNASH"
  printf '# test roles\n%s admin\n%s audit\n' "$ADMIN" "$AUDIT" >"$T/roles"
  chmod 0644 "$T/roles"
  luna_bus_up "$T" "$LUNA_HSMD_UID" "luna-admin:$ADMIN" "audit:$AUDIT" "luna-cbs:$CBS" "${AUDIT_BUS_USERS[@]}"
  luna_hsmd_up "$T" "$T/bin/hsmd" "$LUNA_HSMD_UID" "$T/roles" --kdf-iterations 1000 --cbs-user "$CBS"
  mkdir -p "$T/cbs" "$T/logs" "$T/home-audit"
  chown "$CBS:$CBS" "$T/cbs" "$T/logs" && chown "$AUDIT:$AUDIT" "$T/home-audit"
  python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666)
out = open(sys.argv[2], "ab", buffering=0)
while True:
    out.write(s.recv(65536) + b"\n")
' "$T/syslog.sock" "$T/syslog.out" </dev/null >/dev/null 2>&1 &
  echo $! >"$T/syslogd.pid"
  luna_wait_for test -S "$T/syslog.sock"
  cbsd_up
}

cbsd_up() {
  ${LUNA_DETACH:+setsid} setpriv --reuid="$CBS" --regid="$CBS" --clear-groups -- "$T/bin/cbsd" \
    --state-dir "$T/cbs" --log-dir "$T/logs" --roles "$T/roles" --max-file-bytes $((CAP_RECORDS * LINE)) \
    --poll-interval 100 --batch 25 --syslog-socket "$T/syslog.sock" ${CBSD_ARGS:-} >>"$T/cbsd.log" 2>&1 </dev/null &
  echo $! >"$T/cbsd.pid"
  luna_wait_for luna_name_owned com.safenet.Luna.Cbs || { cat "$T/cbsd.log" >&2; luna_err "cbsd did not start"; return 1; }
}

# cbsd_down [SIGNAL]: TERM by default; KILL for a crash.
cbsd_down() {
  [ -s "$T/cbsd.pid" ] || return 0
  local pid; pid=$(cat "$T/cbsd.pid"); rm -f "$T/cbsd.pid"
  kill "-${1:-TERM}" "$pid" 2>/dev/null || return 0
  wait "$pid" 2>/dev/null || true
}

# ash: lunash as the appliance audit user, commands on stdin, one session (one bus connection,
# so `audit login` lasts for the commands after it). Prints the transcript.
ash() {
  as "$AUDIT" env HOME="$T/home-audit" LUNA_ROLES_FILE="$T/roles" DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS" \
    "$T/bin/lunash" 2>&1 || true
}
# ash_login: the commands on stdin after `audit login`.
ash_login() { { echo "audit login -password $AUDIT_PW"; cat; } | ash; }

# newest: the HSM's newest audit sequence number.
newest() {
  as "$AUDIT" busctl --system call com.safenet.Luna.Hsm /com/safenet/Luna/Audit com.safenet.Luna.Audit Show \
    | grep -o '"NewestSequence" t [0-9]*' | awk '{print $3}'
}
# hsm_dir: the HSM's log directory under $T/logs.
hsm_dir() { find "$T/logs" -mindepth 1 -maxdepth 1 -type d | head -1; }
# records: every record on disk, oldest file first, one line each.
records() {
  local d; d=$(hsm_dir)
  [ -n "$d" ] || return 0
  # shellcheck disable=SC2046
  cat $( (ls "$d"/ready_for_archive/*.log "$d"/*.log 2>/dev/null) | awk -F_ '{print $NF" "$0}' | sort | cut -d' ' -f2) 2>/dev/null
}
ondisk() { records | wc -l; }
drained() { [ "$(ondisk)" = "$(newest)" ]; }
wait_drained() { LUNA_WAIT=${1:-30} luna_wait_for drained; }
