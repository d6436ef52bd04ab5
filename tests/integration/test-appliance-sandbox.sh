#!/bin/bash
# The README's first command, as a person runs it: tools/appliance-sandbox up boots the
# appliance under real systemd (sysconfd, hsmd, cbsd, ntlsd, the real sshd), admin's first
# login changes the default password PASSWORD, `tools/appliance-sandbox lunash` is an ssh
# session as admin at lunash:>, and `down` leaves nothing running.
set -euo pipefail
LUNA_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
: "${LUNA_BUILD_ROOT:?set by meson}"
failures=0 checks=0
skip() { echo "SKIP: $*"; exit 77; }
pass() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
expect() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi; }
expect_contains() { if grep -qF -- "$2" <<<"$3"; then pass "$1"; else fail "$1: expected '$2' in:
$3"; fi; }
[ "$(id -u)" = 0 ] && [ -x /lib/systemd/systemd ] || skip "needs root and systemd"
unshare --pid --mount --cgroup --fork true 2>/dev/null || skip "cannot make pid/mount/cgroup namespaces here"
for tool in /usr/sbin/sshd ssh sshpass systemd-socket-activate; do command -v "$tool" >/dev/null || skip "$tool is not installed"; done
/usr/bin/python3 -c 'import pexpect' 2>/dev/null || skip "python3-pexpect is not installed"

T=$(mktemp -d /tmp/luna-sandbox-test.XXXXXX)
export SANDBOX_DIR=$T/sb BUILD_DIR=$LUNA_BUILD_ROOT APPLIANCE_SANDBOX_MODE=systemd
export APPLIANCE_SSH_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SB=$LUNA_ROOT/tools/appliance-sandbox
cleanup() {
  local rc=$?
  set +e
  [ "$rc" = 0 ] || [ "$rc" = 77 ] || { [ -f "$SANDBOX_DIR/ssh-forward.log" ] && cat "$SANDBOX_DIR/ssh-forward.log"; }
  "$SB" down >/dev/null 2>&1
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT

out=$("$SB" up 2>&1) || { echo "$out"; fail "appliance-sandbox up"; exit 1; }
echo "$out" | sed 's/^/    | /'
expect_contains "up says how to log in" "ssh -p $APPLIANCE_SSH_PORT admin@127.0.0.1" "$out"
inside() { "$LUNA_ROOT/tools/systemd-sandbox/systemd-sandbox" exec "$(cat "$SANDBOX_DIR/systemd.pid")" "$@"; }
for u in sysconfd hsmd cbsd ntlsd ssh; do
  expect "$u.service is active" active "$(inside systemctl is-active "$u.service" 2>&1 || true)"
done
expect "admin is an appliance user with lunash as shell" /usr/bin/lunash "$(inside getent passwd admin | cut -d: -f7)"

# First login: PASSWORD, changed at once (sshd runs passwd, which applies the appliance's
# rule: a one-class password is refused), then the session closes.
NEW=Adm1n-Sandbox-pw
if out=$(/usr/bin/python3 "$LUNA_ROOT/tests/integration/ssh-first-login.py" "$APPLIANCE_SSH_PORT" \
           "$SANDBOX_DIR/known_hosts" admin PASSWORD "$NEW" alllowercase 2>&1); then
  pass "admin's first login changes PASSWORD, under the appliance's password rule"
else
  fail "first login: $out"
fi
# `tools/appliance-sandbox lunash COMMAND` over ssh with the new password (sshpass types it).
out=$(SSHPASS=$NEW timeout 60 sshpass -e "$SB" lunash 'hsm show' </dev/null 2>&1) || true
expect_contains "appliance-sandbox lunash 'hsm show'" "Command Result : 0 (Success)" "$out"
expect_contains "... the HSM is hsmd's" "HSM Model:" "$out"
# A factory reset of ssh rewrites sshd_config: sysconfd restarts ssh.service (a new main
# PID), the session that asked survives it, and sshd takes logins with the factory file.
before=$(inside systemctl show -P MainPID ssh.service)
out=$(SSHPASS=$NEW timeout 60 sshpass -e "$SB" lunash 'sysconf config factoryreset -service ssh -force' </dev/null 2>&1) || true
expect_contains "sysconf config factoryreset -service ssh" "Command Result : 0 (Success)" "$out"
after=$(inside systemctl show -P MainPID ssh.service)
if [ -n "$after" ] && [ "$after" != 0 ] && [ "$after" != "$before" ]; then pass "ssh.service restarted ($before -> $after)"
else fail "ssh.service not restarted: MainPID $before -> $after"; fi
out=$(SSHPASS=$NEW timeout 60 sshpass -e "$SB" lunash 'status date' </dev/null 2>&1) || true
expect_contains "... and sshd still lets admin in" "Command Result : 0 (Success)" "$out"
# An interactive session: the lunash:> prompt, a command, exit.
cat >"$T/session.py" <<'PY'
import os, sys, pexpect
s = pexpect.spawn(sys.argv[1], ["lunash"], encoding="utf-8", timeout=30, env=dict(os.environ, TERM="vt100"))
s.logfile_read = sys.stdout
s.expect("password:")
s.sendline(sys.argv[2])
s.expect_exact("lunash:>")
s.send("status date\r")
s.expect_exact("Command Result : 0 (Success)")
s.expect_exact("lunash:>")
s.send("exit\r")
s.expect(pexpect.EOF)
s.close()
sys.exit(s.exitstatus)
PY
if out=$(/usr/bin/python3 "$T/session.py" "$SB" "$NEW" 2>&1); then
  pass "appliance-sandbox lunash: an interactive session at lunash:>"
else
  fail "interactive session: $out"
fi

"$SB" down >/dev/null
expect "down: the forwarder no longer listens" "" "$(ss -ltnH "sport = :$APPLIANCE_SSH_PORT")"
expect "down: the sandbox directory is gone" no "$([ -e "$SANDBOX_DIR" ] && echo yes || echo no)"
echo "$checks checks, $failures failed"
[ "$failures" = 0 ]
