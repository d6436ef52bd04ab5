#!/bin/bash
# sysconfd manages real appliance users, authorized by the caller's appliance role: run as
# root in a private mount namespace (overlay /etc and /var), callers under the uids of the
# users it provisioned. Checks the accounts in the namespace's /etc, the roles file, and
# that every refusal is a named error that changed nothing.
. "$(dirname "$0")/sysconf-ns.sh"
ns_setup "$@"
ROLES=$T/etc/luna/roles
sysconfd_up --etc-dir "$T/etc"
# An account that is no appliance user (the bus daemon wants a passwd entry for every caller).
useradd -M -N -l -r -s /usr/sbin/nologin outsider
denied="^ERROR $ERR.CKR_ACCESS_DENIED:"
state() { cat /etc/passwd /etc/shadow /etc/group "$ROLES"; ls "$T/home"; }
field() { getent passwd "$1" | cut -d: -f"$2"; }
shadow() { getent shadow "$1" | cut -d: -f"$2"; }

# ---- factory state
for u in admin operator monitor audit; do
  expect "built-in $u has lunash as its shell" "$T/bin/lunash" "$(field $u 7)"
  expect "built-in $u is in group lunausers" lunausers "$(id -gn $u)"
  expect "built-in $u must change PASSWORD at first login" 0 "$(shadow $u 3)"
  expect_match "built-in $u holds its role in the roles file" "^$u $u\$" "$(cat "$ROLES")"
done
expect "admin starts enabled" "" "$(shadow admin 8)"
for u in operator monitor audit; do expect "$u starts disabled" 1 "$(shadow $u 8)"; done
expect_match "the default password is PASSWORD" '^\$' "$(shadow admin 2)"
expect "Whoami as admin" '"admin" "admin"' "$(call admin Sysconf Whoami)"
expect "Whoami as monitor" '"monitor" "monitor"' "$(call monitor Sysconf Whoami)"
expect "Whoami as an account that is no appliance user" '"" "none"' "$(call outsider Sysconf Whoami)"
expect "Whoami as root" '"" "admin"' "$(call 0 Sysconf Whoami)"

# ---- refused callers change nothing
before=$(state)
for u in operator monitor audit outsider; do
  expect_match "$u may not add a user" "$denied" "$(call $u Users Add eve)"
  expect_match "$u may not delete a user" "$denied" "$(call $u Users Delete audit)"
  expect_match "$u may not disable a user" "$denied" "$(call $u Users Disable operator)"
  expect_match "$u may not list users" "$denied" "$(call $u Users List)"
  expect_match "$u may not set another's password" "$denied" "$(call $u Users SetPassword admin Xy-12345678)"
done
expect_match "monitor may not grant itself a role" "$denied" "$(call monitor Users AddRole monitor admin)"
expect "refused requests changed nothing" "$before" "$(state)"
expect "eve was not created" "" "$(getent passwd eve || true)"
expect_match "refusals are logged" "refused Users.Add from operator \(uid [0-9]+\): The operator role may not" \
  "$(cat "$T/sysconfd.log")"

# ---- admin adds a user
expect "admin adds james" "" "$(call admin Users Add james)"
expect "james has lunash as its shell" "$T/bin/lunash" "$(field james 7)"
expect "james's home" "$T/home/james" "$(field james 6)"
expect "james is in group lunausers" lunausers "$(id -gn james)"
expect "james's home belongs to james, 0700" "james 700" "$(stat -c '%U %a' "$T/home/james")"
expect "james must change PASSWORD at first login" 0 "$(shadow james 3)"
expect_no_match "james has no role yet" "^james " "$(cat "$ROLES")"
expect "Whoami as james" '"james" "none"' "$(call james Sysconf Whoami)"
expect_match "james without a role may not use my" "$denied" "$(call james Users GetMyPasswordExpiry)"
expect_match "user list shows james without a role, enabled" '\["james", "none", "enabled", false\]' "$(call admin Users List)"

# bad input
expect_match "a second james is refused" "^ERROR $ERR.CKR_USER_ALREADY_EXISTS:" "$(call admin Users Add james)"
expect_match "James (case) is refused" "^ERROR $ERR.CKR_USER_ALREADY_EXISTS:" "$(call admin Users Add James)"
expect_match "a system account name is refused" "^ERROR $ERR.CKR_USER_ALREADY_EXISTS:" "$(call admin Users Add daemon)"
expect_match "a name starting with a digit is refused" "^ERROR $ERR.CKR_USER_NAME_INVALID:" "$(call admin Users Add 9lives)"
expect_match "a name with a colon is refused" "^ERROR $ERR.CKR_USER_NAME_INVALID:" "$(call admin Users Add a:b)"
expect_match "a 32-character name is refused" "^ERROR $ERR.CKR_USER_NAME_INVALID:" \
  "$(call admin Users Add abcdefghijabcdefghijabcdefghijab)"
expect_match "the recovery account's name is refused" "^ERROR $ERR.CKR_USER_NAME_INVALID:" "$(call admin Users Add recover)"

# ---- roles: only the original admin changes them; built-ins keep theirs
expect "admin makes james an operator" "" "$(call admin Users AddRole james operator)"
expect_match "the roles file says so" "^james operator\$" "$(cat "$ROLES")"
expect "GetRoles" '["operator"]' "$(call admin Users GetRoles james)"
expect "Whoami as james" '"james" "operator"' "$(call james Sysconf Whoami)"
expect_match "operator james may not add users" "$denied" "$(call james Users Add eve)"
expect "admin adds boss" "" "$(call admin Users Add boss)"
expect "boss becomes an admin" "" "$(call admin Users AddRole boss admin)"
expect "boss (a named admin) adds eve" "" "$(call boss Users Add eve)"
expect_match "boss may not change roles (original admin only)" "$denied" "$(call boss Users AddRole eve admin)"
expect_match "a built-in user's role cannot change" "^ERROR $ERR.CKR_USER_BUILTIN:" \
  "$(call admin Users AddRole monitor admin)"
expect_match "an unknown role is refused" "^ERROR $ERR.CKR_ROLE_INVALID:" "$(call admin Users AddRole eve root)"
expect_match "deleting a role the user lacks is refused" "^ERROR $ERR.CKR_ROLE_INVALID:" \
  "$(call admin Users DeleteRole james admin)"
expect "DeleteRole" "" "$(call admin Users DeleteRole james operator)"
expect_no_match "james holds no role" "^james " "$(cat "$ROLES")"
call admin Users AddRole james monitor >/dev/null
expect "ClearRoles" "" "$(call admin Users ClearRoles james)"
expect_no_match "james holds no role again" "^james " "$(cat "$ROLES")"
expect "ListRoles" '["admin", "operator", "monitor", "audit"]' "$(call admin Users ListRoles)"

# ---- enable / disable
expect "disable james" "" "$(call admin Users Disable james)"
expect_match "james's password is locked" '^!' "$(shadow james 2)"
expect "james's account is expired" 1 "$(shadow james 8)"
expect_match "user list shows james disabled" '\["james", "none", "disabled", false\]' "$(call admin Users List)"
expect "enable james" "" "$(call admin Users Enable james)"
expect_no_match "james's password is unlocked" '^!' "$(shadow james 2)"
expect "james's account no longer expires" "" "$(shadow james 8)"
expect "enable the monitor user" "" "$(call admin Users Enable monitor)"
expect "monitor enabled" "" "$(shadow monitor 8)"
expect_match "admin cannot be disabled" "^ERROR $ERR.CKR_USER_BUILTIN:" "$(call admin Users Disable admin)"
expect_match "boss cannot disable itself" "^ERROR $ERR.CKR_OPERATION_NOT_ALLOWED:" "$(call boss Users Disable boss)"
expect_match "an unknown user" "^ERROR $ERR.CKR_USER_NOT_FOUND:" "$(call admin Users Disable nobody)"
expect_match "a system account is not an appliance user" "^ERROR $ERR.CKR_USER_NOT_FOUND:" \
  "$(call admin Users Disable daemon)"

# ---- passwords
hash=$(shadow james 2)
expect_match "a weak password is refused" "^ERROR $ERR.CKR_PASSWORD_QUALITY:" \
  "$(call admin Users SetPassword james password)"
expect_match "a short password is refused" "^ERROR $ERR.CKR_PASSWORD_QUALITY:" \
  "$(call admin Users SetPassword james Ab-1)"
expect "refused passwords changed nothing" "$hash" "$(shadow james 2)"
expect "admin sets james's password" "" "$(call admin Users SetPassword james Jame5-pass)"
expect_no_match "the hash changed" "^$hash\$" "$(shadow james 2)"
call admin Users AddRole eve audit >/dev/null
expect_match "an admin may not set an auditor's password" "$denied" \
  "$(call admin Users SetPassword eve Audit-pass1)"
expect "my password expiry: must change" "0 -1 true" "$(call monitor Users GetMyPasswordExpiry)"
expect "monitor sets its own password" "" "$(call monitor Users SetMyPassword M0nitor-pass)"
expect "monitor's password: changed today, never expires, no change needed" \
  "$(( $(date +%s) / 86400 * 86400 )) -1 false" "$(call monitor Users GetMyPasswordExpiry)"
expect_match "root has no own appliance password" "$denied" "$(call 0 Users SetMyPassword R00t-pass)"

# ---- public keys
ssh-keygen -q -t ed25519 -N '' -C me@pc -f "$T/mon_key"
expect "monitor adds a key" "" "$(call monitor Users AddMyPublicKey pub1 "$(cat "$T/mon_key.pub")")"
keyfile=$T/etc/luna/ssh/authorized_keys/monitor
expect "the key file is root's, 0644" "root 644" "$(stat -c '%U %a' "$keyfile")"
expect_match "the key line is restricted" "^restrict,pty ssh-ed25519 [A-Za-z0-9+/=]+ pub1\$" "$(grep -v '^#' "$keyfile")"
fp=$(ssh-keygen -l -E md5 -f "$T/mon_key.pub" | awk '{print $2}' | sed 's/^MD5://')
expect "ListMyPublicKeys shows name, type, bits, MD5 fingerprint" "[[\"pub1\", \"ssh-ed25519\", 256, \"$fp\"]]" \
  "$(call monitor Users ListMyPublicKeys)"
expect_match "the same key twice is refused" "^ERROR $ERR.CKR_OBJECT_ALREADY_EXISTS:" \
  "$(call monitor Users AddMyPublicKey pub2 "$(cat "$T/mon_key.pub")")"
expect_match "a key with options is refused" "^ERROR $ERR.CKR_SSH_KEY_INVALID:" \
  "$(call monitor Users AddMyPublicKey pub3 "command=\"/bin/sh\" $(cat "$T/mon_key.pub")")"
expect_match "garbage is refused" "^ERROR $ERR.CKR_SSH_KEY_INVALID:" \
  "$(call monitor Users AddMyPublicKey pub3 "ssh-ed25519 AAAAnotakey")"
expect_match "a bad key name is refused" "^ERROR $ERR.CKR_SSH_KEY_INVALID:" \
  "$(call monitor Users AddMyPublicKey ../x "$(cat "$T/mon_key.pub")")"
expect "the operator sees none of the monitor's keys" "[]" "$(call operator Users ListMyPublicKeys)"
expect_match "deleting an unknown key" "^ERROR $ERR.CKR_SSH_KEY_NOT_FOUND:" "$(call monitor Users DeleteMyPublicKey nope)"
expect "delete the key" "" "$(call monitor Users DeleteMyPublicKey pub1)"
expect "no key file left" "no" "$([ -e "$keyfile" ] && echo yes || echo no)"
call monitor Users AddMyPublicKey pub1 "$(cat "$T/mon_key.pub")" >/dev/null
expect "clear the keys" "" "$(call monitor Users ClearMyPublicKeys)"
expect "no key file after clear" "no" "$([ -e "$keyfile" ] && echo yes || echo no)"

# ---- delete
expect_match "a built-in user cannot be deleted" "^ERROR $ERR.CKR_USER_BUILTIN:" "$(call admin Users Delete audit)"
expect "audit still exists" audit "$(field audit 1)"
(exec setpriv --reuid="$(id -u james)" --regid="$(id -g james)" --clear-groups sleep 30) &
sleeper=$!
sleep 0.2
expect_match "a logged-in user cannot be deleted" "^ERROR $ERR.CKR_USER_LOGGED_IN:" "$(call admin Users Delete james)"
kill $sleeper; wait $sleeper 2>/dev/null || true
call admin Users AddRole james operator >/dev/null
expect "delete james" "" "$(call admin Users Delete james)"
expect "james is gone from passwd" "" "$(getent passwd james || true)"
expect "james is gone from shadow" "" "$(getent shadow james || true)"
expect_no_match "james is gone from the roles file" "^james " "$(cat "$ROLES")"
expect "james's home is gone" "no" "$([ -e "$T/home/james" ] && echo yes || echo no)"
expect "add james again: a new user" "" "$(call admin Users Add james)"
expect_no_match "the new james has no role" "^james " "$(cat "$ROLES")"

# ---- the contract: live introspection is the XML in lib/dbus
busctl --system introspect --xml-interface "${SYSCONF[@]}" >"$T/live.xml"
if diff=$(python3 "$LUNA_ROOT/tests/integration/introspect-diff.py" "$LUNA_ROOT/lib/dbus" \
            --require com.safenet.Luna.Sysconf --require com.safenet.Luna.Users \
            "${SYSCONF[1]}=$T/live.xml" 2>&1); then
  pass "introspection: $diff"
else
  fail "live introspection differs from lib/dbus:"; printf '%s\n' "$diff"
fi

# ---- the request table is what it says
expect_match "Requests lists the permit of Users.Add" '\["Users.Add", "admin"\]' "$(call monitor Sysconf Requests)"
ns_finish
