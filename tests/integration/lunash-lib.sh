# shellcheck shell=bash
# Shared by the lunash tests: the appliance of lib.sh plus a real sshd on a loopback port whose
# users admin/operator/monitor have lunash as their login shell (tools/lib/ssh.sh). Needs
# LUNA_LUNASH (meson passes it).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# The ssh users are lib.sh's test callers: the private bus and hsmd's roles file know them.
LUNA_SSH_USERS="admin:$ADMIN operator:$OPERATOR monitor:$MONITOR"
# shellcheck source=../../tools/lib/ssh.sh
. "$LUNA_ROOT/tools/lib/ssh.sh"
: "${LUNA_LUNASH:?set by meson}"
LUNA_LUNASH=$(readlink -f "$LUNA_LUNASH")
for tool in /usr/sbin/sshd ssh sshpass unshare; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (tools/install-deps)"
done

lunash_cleanup() {
  local rc=$?
  set +e   # errexit would end the trap at the first failing step and leak sshd, hsmd and the bus
  luna_sshd_down "$T" >/dev/null 2>&1 || true
  if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ -f "$T/ssh/sshd.log" ]; then
    echo "--- sshd log"; tail -30 "$T/ssh/sshd.log"; fi
  (exit "$rc")
  cleanup
}
trap lunash_cleanup EXIT

# lunash_up: bus, hsmd, and sshd; the ssh users get their appliance roles by uid.
lunash_up() {
  appliance_up
  luna_sshd_up "$T" "$LUNA_LUNASH" "DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SYSTEM_BUS_ADDRESS" "LUNA_ROLES_FILE=$T/roles"
}

# sh_cmd USER COMMAND: `ssh USER@appliance 'COMMAND'`; prints the output, then "rc=N".
sh_cmd() {
  local out rc=0
  out=$(luna_ssh "$T" "$1" "$2" </dev/null 2>&1) || rc=$?
  printf '%s\nrc=%s\n' "$out" "$rc"
}

# sh_session USER: commands on stdin go to one ssh session (one bus connection, so an
# `hsm login` lasts for the commands after it); prints the transcript, then "rc=N".
sh_session() {
  local out rc=0
  out=$(luna_ssh "$T" "$1" 2>&1) || rc=$?
  printf '%s\nrc=%s\n' "$out" "$rc"
}

# expect_contains DESCRIPTION FIXED-STRING ACTUAL
expect_contains() {
  if grep -qF -- "$2" <<<"$3"; then pass "$1"; else fail "$1: expected '$2' in:
$3"; fi
}
expect_lacks() {
  if grep -qF -- "$2" <<<"$3"; then fail "$1: did not expect '$2' in:
$3"; else pass "$1"; fi
}
# field LABEL TEXT: the value of an aligned "Label:   value" line.
field() {
  grep -m1 -F -- "$1" <<<"$2" | awk -v l="$1" '{ s = substr($0, index($0, l) + length(l)); sub(/^ +/, "", s); print s }'
}
