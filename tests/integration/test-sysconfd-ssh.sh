#!/bin/bash
# Appliance users as people meet them: sysconfd (root) makes real users in a private mount
# namespace, a real OpenSSH sshd on a loopback port serves them, lunash is their login shell
# and talks to sysconfd over a private bus. The built-in admin must change PASSWORD at its
# first login; `user add` makes a user who can log in; `my public-key add` enables key login;
# each role sees its own command list; disabled and deleted users cannot log in.
. "$(dirname "$0")/sysconf-ns.sh"
: "${LUNA_LUNASH:?set by meson}"
for tool in /usr/sbin/sshd ssh scp sshpass; do command -v "$tool" >/dev/null || skip "$tool is not installed"; done
/usr/bin/python3 -c 'import pexpect' 2>/dev/null || skip "python3-pexpect is not installed"
ns_setup "$@"
install -m 0755 "$(readlink -f "$LUNA_LUNASH")" "$T/bin/lunash"
# The namespace's own /etc: the roles file and key files where the appliance keeps them.
sysconfd_up --etc-dir /etc

# ---- sshd, configured as the appliance's: keys only from sysconfd's root-owned directory
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/ssh" && chmod 0755 "$T/ssh"
ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/host_ed25519"
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$T/ssh/host_ed25519.pub")" >"$T/ssh/known_hosts"
cat >"$T/ssh/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $T/ssh/host_ed25519
PidFile $T/ssh/sshd.pid
UsePAM no
PermitRootLogin no
AllowGroups lunausers
PasswordAuthentication yes
KbdInteractiveAuthentication no
AuthorizedKeysFile /etc/luna/ssh/authorized_keys/%u
PermitUserEnvironment no
AllowTcpForwarding no
AllowAgentForwarding no
AllowStreamLocalForwarding no
PermitTunnel no
X11Forwarding no
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
Subsystem sftp internal-sftp
SetEnv DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SYSTEM_BUS_ADDRESS
CONF
mkdir -p -m 0755 /run/sshd
/usr/sbin/sshd -t -f "$T/ssh/sshd_config" || { fail "sshd -t refuses the config"; ns_finish; }
/usr/sbin/sshd -D -e -f "$T/ssh/sshd_config" >"$T/sshd.log" 2>&1 </dev/null &
echo $! >"$T/sshd.pid"
wait_for sh -c "ss -ltnH 'sport = :$port' | grep -q ." || { fail "sshd did not listen"; ns_finish; }

SSH=(ssh -F /dev/null -p "$port" -o "UserKnownHostsFile=$T/ssh/known_hosts" -o StrictHostKeyChecking=yes
     -o LogLevel=ERROR -o ConnectTimeout=10)
# pw USER PASSWORD COMMAND [STDIN]: ssh with a password; prints the output and "rc=N".
pw() {
  local out rc=0
  out=$(printf '%b' "${4:-}" | SSHPASS=$2 timeout 60 sshpass -e "${SSH[@]}" -o PubkeyAuthentication=no \
          -o PreferredAuthentications=password "$1@127.0.0.1" "$3" 2>&1) || rc=$?
  printf '%s\nrc=%s\n' "$out" "$rc"
}
# key USER KEYFILE COMMAND: ssh with a key only.
key() {
  local out rc=0
  out=$(timeout 60 "${SSH[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -o PasswordAuthentication=no \
          -i "$2" "$1@127.0.0.1" "$3" </dev/null 2>&1) || rc=$?
  printf '%s\nrc=%s\n' "$out" "$rc"
}
expect_contains() { if grep -qF -- "$2" <<<"$3"; then pass "$1"; else fail "$1: expected '$2' in:
$3"; fi; }
ADMIN_PW=Adm1n-Secret-pw

# ---- first login: PASSWORD must be changed before anything else
out=$(pw admin PASSWORD 'help')
expect_contains "admin with PASSWORD and no terminal is refused" "Password change required but no TTY available" "$out"
expect_contains "... and runs nothing" "rc=1" "$out"
# The appliance's password rule for that passwd, as the package installs it (pam_pwquality).
install -D -m 0644 "$LUNA_ROOT/packaging/debian/pwquality/luna-appliance.conf" /etc/security/pwquality.conf.d/luna-appliance.conf
if out=$(/usr/bin/python3 "$LUNA_ROOT/tests/integration/ssh-first-login.py" "$port" "$T/ssh/known_hosts" \
           admin PASSWORD "$ADMIN_PW" alllowercase 2>&1); then
  pass "admin's first login on a terminal forces a new password, under the appliance rule (2 classes refused)"
else
  fail "forced password change: $out"
fi
out=$(pw admin "$ADMIN_PW" 'my password expiry show')
expect_match "admin's new password works; expiry shows today" "Last password change +: $(date -u '+%b %d, %Y')" "$out"
expect_contains "... and no forced change any more" "Password expires                                                : never" "$out"

# ---- role-based command lists
out=$(pw admin "$ADMIN_PW" 'help')
expect_match "admin sees user" "^user +u +> User" "$out"
expect_match "admin sees my" "^my +m +> My" "$out"

# ---- user add, then the new user logs in
out=$(pw admin "$ADMIN_PW" 'user add -username james')
expect_contains "admin: user add" "Command Result : 0 (Success)" "$out"
expect "james is a real user with lunash as shell" "$T/bin/lunash" "$(getent passwd james | cut -d: -f7)"
out=$(pw james PASSWORD 'help')
expect_contains "james's first password login without a terminal is refused" "Password change required" "$out"
out=$(pw admin "$ADMIN_PW" 'user role add -username james -role operator')
expect_contains "user role add" "User james was successfully modified." "$out"

# ---- a key login does not skip the forced change: sshd checks the password's age only after a
# password login, lunash checks it at every ssh session (a users restore, say, brings a key back
# to an account whose password must change; here root puts it where sysconfd keeps keys)
ssh-keygen -q -t ed25519 -N '' -C james@old -f "$T/ssh/id_james_old"
install -D -m 0644 /dev/null /etc/luna/ssh/authorized_keys/james
echo "restrict,pty $(cut -d' ' -f1,2 "$T/ssh/id_james_old.pub") old.pub" >/etc/luna/ssh/authorized_keys/james
out=$(key james "$T/ssh/id_james_old" 'partition list')
expect_contains "key login, password to change, no terminal: refused" "Password change required but no TTY available." "$out"
expect_contains "... exit status 1" "rc=1" "$out"
expect_no_match "... and no command ran" "Command Result" "$out"
rc=0; out=$(/usr/bin/python3 "$LUNA_ROOT/tests/integration/ssh-key-first-login.py" "$port" "$T/ssh/known_hosts" \
              james "$T/ssh/id_james_old" short 2>&1) || rc=$?
expect "key login on a terminal: a password against the appliance rule is refused" 2 "$rc"
out=$(key james "$T/ssh/id_james_old" 'help')
expect_contains "... and the change is still due" "Password change required but no TTY available." "$out"
rc=0; out=$(/usr/bin/python3 "$LUNA_ROOT/tests/integration/ssh-key-first-login.py" "$port" "$T/ssh/known_hosts" \
              james "$T/ssh/id_james_old" 'Jame5-Key-pw1' 2>&1) || rc=$?
expect "key login on a terminal: the new password is chosen first" 0 "$rc"
out=$(key james "$T/ssh/id_james_old" 'my password expiry show')
expect_match "then the key session runs commands; the change is done" "Last password change +: $(date -u '+%b %d, %Y')" "$out"
out=$(pw james 'Jame5-Key-pw1' 'help')
expect_contains "the password chosen at the key login works" "Command Result : 0 (Success)" "$out"
rm -f /etc/luna/ssh/authorized_keys/james
out=$(pw admin "$ADMIN_PW" 'user password james' 'Jame5-Secret-pw\nJame5-Secret-pw\n')
expect_contains "user password" "passwd: all authentication tokens updated successfully." "$out"
out=$(pw james Jame5-Secret-pw 'help')
expect_contains "james logs in with the password the admin set" "Command Result : 0 (Success)" "$out"
expect_match "operator james sees my" "^my +m +> My" "$out"
expect_no_match "operator james does not see user" "^user " "$out"
out=$(pw james Jame5-Secret-pw 'user list')
expect_contains "operator james may not run user list" "Command Result : 65535" "$out"
out=$(pw admin "$ADMIN_PW" 'user list')
expect_match "user list shows james" "james +operator +enabled +no" "$out"
expect_match "user list shows the built-ins" "monitor +monitor +disabled +no" "$out"

# ---- my public-key add, then key login
ssh-keygen -q -t ed25519 -N '' -C james@pc -f "$T/ssh/id_james"
out=$(key james "$T/ssh/id_james" 'help')
expect_contains "no key login before the key is added" "rc=255" "$out"
if SSHPASS=Jame5-Secret-pw timeout 60 sshpass -e scp -q -P "$port" -o "UserKnownHostsFile=$T/ssh/known_hosts" \
     -o PubkeyAuthentication=no "$T/ssh/id_james.pub" james@127.0.0.1:id_james.pub; then
  pass "scp the public key into james's file area"
else
  fail "scp to james"
fi
out=$(pw james Jame5-Secret-pw 'my file list')
expect_contains "my file list shows it" "id_james.pub" "$out"
out=$(pw james Jame5-Secret-pw 'my public-key add id_james.pub')
expect_contains "my public-key add" "Command Result : 0 (Success)" "$out"
out=$(key james "$T/ssh/id_james" 'my public-key list')
expect_contains "key login works" "SSH Public Keys for user 'james':" "$out"
fp=$(ssh-keygen -l -E md5 -f "$T/ssh/id_james.pub" | awk '{print $2}' | sed 's/^MD5://')
expect_match "the key is listed" "^id_james.pub +ssh-ed25519 256 +$fp" "$out"
expect "keys live in sysconfd's root-owned file" "root 644" "$(stat -c '%U %a' /etc/luna/ssh/authorized_keys/james)"
out=$(key james "$T/ssh/id_james" 'my public-key delete id_james.pub')
expect_contains "my public-key delete" "Command Result : 0 (Success)" "$out"
out=$(key james "$T/ssh/id_james" 'help')
expect_contains "no key login after delete" "rc=255" "$out"

# ---- monitor: enabled by the admin, sees only its list
out=$(pw admin "$ADMIN_PW" 'user enable -username monitor')
expect_contains "user enable" "monitor was enabled successfully." "$out"
out=$(pw admin "$ADMIN_PW" 'user password monitor' 'M0nitor-Secret\nM0nitor-Secret\n')
out=$(pw monitor M0nitor-Secret 'help')
expect_contains "monitor logs in" "Command Result : 0 (Success)" "$out"
expect_no_match "monitor does not see user" "^user " "$out"
out=$(pw monitor M0nitor-Secret 'user add -username eve')
expect_contains "monitor may not add users" "Command Result : 65535" "$out"
expect "no eve" "" "$(getent passwd eve || true)"

# ---- disable, delete
out=$(pw admin "$ADMIN_PW" 'user disable -username james')
expect_contains "user disable" "james was disabled successfully." "$out"
out=$(pw james Jame5-Secret-pw 'help')
expect_contains "a disabled user cannot log in" "rc=5" "$out"
out=$(pw admin "$ADMIN_PW" 'user delete -username admin')
expect_contains "the built-in admin cannot be deleted" "CKR_USER_BUILTIN" "$out"
out=$(pw admin "$ADMIN_PW" 'user delete -username james')
expect_contains "user delete" "Command Result : 0 (Success)" "$out"
expect "james is gone" "" "$(getent passwd james || true)"
out=$(pw james Jame5-Secret-pw 'help')
expect_contains "a deleted user cannot log in" "rc=5" "$out"
ns_finish
