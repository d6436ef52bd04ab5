#!/bin/bash
# The appliance as it ships: the project's .deb packages (tools/build-packages, from this
# build), lintian-clean of errors, installed with `dpkg -i` inside real systemd in fresh
# namespaces (loopback only, /etc /var /usr /home copy-on-write). The maintainer scripts
# create the users and start the units; the built-in admin reaches lunash over the stock
# sshd on a loopback port; `dpkg --purge` leaves no file, user or unit behind.
. "$(dirname "$0")/lib.sh"
need_usr_prefix
luna_systemd_usable || skip "needs root and pid/mount/cgroup namespaces"
for tool in dpkg-buildpackage dh lintian /usr/sbin/sshd ssh; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (tools/install-deps)"
done

if "$LUNA_ROOT/tools/build-packages" --prebuilt "$LUNA_BUILD_ROOT" --lintian "$T/debs" >"$T/build.log" 2>&1; then
  pass "packages built; lintian: no errors"
else
  fail "tools/build-packages:"; cat "$T/build.log"; finish; exit 1
fi
grep -E '^[WE]: ' "$T/debs/lintian.log" || true
# (build-packages fails on lintian errors already; said here in so many words.)
expect "lintian ran and reported no error" "ran, 0 errors" \
  "$([ -s "$T/debs/lintian.log" ] || [ -f "$T/debs/lintian.log" ] && echo "ran, $(grep -c '^E: ' "$T/debs/lintian.log" || true) errors")"
mapfile -t debs < <(ls "$T"/debs/*.deb | grep -v -- -dbgsym_)
packages=$(for d in "${debs[@]}"; do dpkg-deb -f "$d" Package; done | sort | tr '\n' ' ')
echo "packages: $packages"

sandbox_up
# A policy-rc.d from the machine's image (containers ship one that forbids starting services)
# is not the appliance's: inside the sandbox it goes (copy-on-write /usr).
inside rm -f /usr/sbin/policy-rc.d
# What the purge must give back: accounts, and the files outside dpkg's and the logs' own
# (and the backups the shadow tools keep of the files they edit, /etc/subuid- and the like;
# and logind's private /var/tmp, which runs on after the ssh session).
snapshot() {
  inside getent passwd | cut -d: -f1 | sort >"$T/$1.users"
  inside getent group | cut -d: -f1 | sort >"$T/$1.groups"
  inside find /etc /var /usr /home /opt -xdev \
    -path /var/lib/dpkg -prune -o -path /var/log -prune -o -path /var/cache -prune -o \
    -path /var/lib/systemd/catalog -prune -o -path /etc/ld.so.cache -prune -o \
    -path /var/lib/dbus -prune -o -path '/etc/*-' -prune -o \
    -path '/var/tmp/systemd-private-*-systemd-logind.service-*' -prune -o -print 2>/dev/null | sort >"$T/$1.files"
  inside systemctl list-unit-files --no-legend --plain | awk '{ print $1 }' | sort >"$T/$1.units"
}
snapshot before

if inside env DEBIAN_FRONTEND=noninteractive dpkg -i "${debs[@]}" >"$T/dpkg.log" 2>&1; then
  pass "dpkg -i $packages"
else
  fail "dpkg -i:"; cat "$T/dpkg.log"
fi
expect "no maintainer script complained" "" "$(grep -iE 'warning|error' "$T/dpkg.log" || true)"
expect "luna-appliance.target enabled by the package" enabled "$(inside systemctl is-enabled luna-appliance.target)"
expect_units_active
expect "system user luna-hsm" luna-hsm "$(inside getent passwd luna-hsm | cut -d: -f1)"
expect "admin provisioned with lunash as its shell" /usr/bin/lunash "$(inside getent passwd admin | cut -d: -f7)"
expect "sysconfd wrote the factory syslog configuration" present \
  "$(inside test -f /etc/rsyslog.d/60-luna.conf && inside test -f /etc/logrotate.d/luna && echo present || echo absent)"

inside systemctl start ssh.service
expect "the stock sshd is active" active "$(inside systemctl show -P ActiveState ssh.service)"
# First login with the factory password: PAM makes admin change it, then lunash answers.
if out=$(inside timeout 120 python3 "$HERE/first-login.py" admin PASSWORD 'Luna-Test-pw1' 2>&1); then
  pass "admin's first login: PASSWORD changed, then lunash runs 'hsm show' against the installed hsmd"
else
  fail "admin's first login over ssh:"; printf '%s\n' "$out"
fi
# Then the key way: admin adds its key through sysconfd, as `my public-key add` does.
ssh-keygen -q -t ed25519 -N '' -C admin-key -f "$T/id_admin"
out=$(inside setpriv --reuid=admin --regid=lunausers --init-groups busctl --system call \
  com.safenet.Luna.Sysconf /com/safenet/Luna/Sysconf com.safenet.Luna.Users AddMyPublicKey \
  ss admin-key "$(cat "$T/id_admin.pub")" 2>&1) && pass "admin adds its public key through sysconfd" \
  || fail "AddMyPublicKey as admin: $out"
# `ssh admin@127.0.0.1 <command>` on the sandbox's own loopback, port 22.
appliance_ssh() {
  inside timeout 60 ssh -F /dev/null -i "$T/id_admin" -o IdentitiesOnly=yes -o BatchMode=yes \
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR admin@127.0.0.1 "$@"
}
out=$(appliance_ssh 'hsm show' </dev/null 2>&1) || true
expect_match "ssh -i key admin 'hsm show': lunash answers" 'Command Result : 0 \(Success\)' "$out"
expect_match "lunash shows the simulated HSM" 'Luna K7 \(simulated\)' "$out"
out=$(appliance_ssh 'id' </dev/null 2>&1) || true
expect_match "lunash is the shell: no Linux commands" 'Command Result : [^0]|[Uu]nknown|not found|[Ii]nvalid' "$out"
# sshd runs the session under logind (pam_systemd): let admin's processes end before purge.
inside loginctl terminate-user admin >/dev/null 2>&1 || true
no_admin_procs() { ! inside pgrep -u admin >/dev/null; }
luna_wait_for no_admin_procs || fail "admin's processes did not end"
inside systemctl stop ssh.service

if inside env DEBIAN_FRONTEND=noninteractive dpkg --purge $packages >"$T/purge.log" 2>&1; then
  pass "dpkg --purge $packages"
else
  fail "dpkg --purge:"; cat "$T/purge.log"
fi
expect "nothing complained during purge" "" "$(grep -iE 'warning|error|could not' "$T/purge.log" || true)"
inside systemctl daemon-reload
for u in $(appliance_units); do
  expect "$u gone" "" "$(inside systemctl list-unit-files --no-legend "$u" 2>/dev/null)"
done
expect "no appliance process left" "" "$(inside pgrep -l -f "$(appliance_daemons)" || true)"
snapshot after
# (/var/log is left out of the snapshot for sshd's and dpkg's logs; the units' own must go.)
for d in $(sed -n 's/^LogsDirectory=//p' "$SYSTEMD_UNITS"/*.service | cut -d/ -f1 | sort -u); do
  expect "purge removes /var/log/$d" absent "$(inside test -e "/var/log/$d" && echo present || echo absent)"
done
for what in users groups units files; do
  expect "purge leaves the $what as before" "" "$(diff "$T/before.$what" "$T/after.$what" || true)"
done
finish
