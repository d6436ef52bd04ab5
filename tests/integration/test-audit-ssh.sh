#!/bin/bash
# The audit role as the appliance audit user reaches it: lunash over a real sshd (seed ch.1,
# "Appliance Audit User Available Commands"). One ssh session holds the Auditor's HSM login.
. "$(dirname "$0")/audit-lib.sh"
LUNA_SSH_USERS="audit:$AUDIT admin:$ADMIN"
# shellcheck source=../../tools/lib/ssh.sh
. "$LUNA_ROOT/tools/lib/ssh.sh"
for tool in /usr/sbin/sshd ssh unshare; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (tools/install-deps)"
done
ssh_cleanup() {
  local rc=$?
  set +e
  luna_sshd_down "$T" >/dev/null 2>&1 || true
  (exit "$rc")
  audit_cleanup
}
trap ssh_cleanup EXIT
audit_appliance_up
luna_sshd_up "$T" "$LUNA_LUNASH" "DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SYSTEM_BUS_ADDRESS" "LUNA_ROLES_FILE=$T/roles"

out=$(luna_ssh "$T" audit help </dev/null 2>&1 || true)
expect_match "the audit user sees the audit group" '^audit +a +> Audit$' "$out"
expect_lacks() { if grep -qE -- "$2" <<<"$3"; then fail "$1"; else pass "$1"; fi; }
expect_lacks "the audit user does not see partition" '^partition ' "$out"
out=$(luna_ssh "$T" audit 'hsm show' </dev/null 2>&1 || true)
expect_match "the audit user has hsm show" '^Serial #: +[0-9]+$' "$out"
out=$(luna_ssh "$T" admin help </dev/null 2>&1 || true)
expect_lacks "the admin does not see audit" '^audit ' "$out"

out=$(luna_ssh "$T" audit 2>&1 <<EOF
audit init -domain $AUDIT_DOMAIN -password $AUDIT_PW -force
audit login -password $AUDIT_PW
audit config -parameter event -value s,f,a,m,g
audit config -parameter rotation -value hourly
audit show
audit sync
audit secret export
audit logout
EOF
) || true
expect "every command succeeds" 8 "$(grep -c '^Command Result : 0 (Success)$' <<<"$out")"
expect_match "show: configuration" '^event mask        : Log failures and successes of: access, manage, logmanage$' "$out"
expect_match "show: rotation" '^rotation interval : hourly$' "$out"
expect_match "logout" "^'audit logout' successful.$" "$out"
serial=$(sed -n 's/^The encrypted log secret file \([0-9]*\)\.lws now available for scp\.$/\1/p' <<<"$out")
[ -n "$serial" ] && [ -s "$T/ssh/home/audit/$serial.lws" ] && pass "the secret file is in the audit user's home" \
  || fail "no secret file: $out"

# A new session has no Auditor login; a wrong password is refused.
out=$(luna_ssh "$T" audit 'audit config -parameter event -value none' </dev/null 2>&1 || true)
expect_match "config needs the Auditor login" "Error: 'audit config' failed. \(.*USER_NOT_LOGGED_IN\)" "$out"
out=$(luna_ssh "$T" audit 'audit login -password Wrong-pw-01' </dev/null 2>&1 || true)
expect_match "a wrong password is refused" "Error: 'audit login' failed. \(.*PIN_INCORRECT\)" "$out"

wait_drained || true
out=$(luna_ssh "$T" audit 2>&1 <<EOF
audit login -password $AUDIT_PW
audit log list
audit log verify -file hsm_${serial}_00000001.log
EOF
) || true
expect_match "log list over ssh" "hsm_${serial}_00000001\.log$" "$out"
expect_match "log verify over ssh" "Verified messages 1 to [0-9]+" "$out"
finish
