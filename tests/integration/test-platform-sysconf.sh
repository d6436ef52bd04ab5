#!/bin/bash
# LunaSH `sysconf time/timezone/ntp/banner/forcesologin/fingerprint/license` and `network
# show` under real systemd. The clock is sysconfd's offset clock and ntpd runs without any
# power over the host's clock (a user namespace of its own, ProtectClock): the host's time is
# never changed. Licences are issued for this HSM with the development vendor key
# (tools/license) and applied with the HSM SO logged in, as the seed requires.
. "$(dirname "$0")/platform-lib.sh"
: "${LUNA_LICENSE_TOOL:?set by meson}"
plat_up
host_epoch() { date +%s; }
t0=$(host_epoch)

# ---- time zone and time
expect_match "timezone set" "Time zone set to America/New_York" "$(lsh operator sysconf timezone set America/New_York)"
expect "the zone's link" /usr/share/zoneinfo/America/New_York "$(in_sandbox readlink /etc/localtime)"
expect_match "timezone show (monitor)" "^E[SD]T$" "$(lsh monitor sysconf timezone show)"
expect_match "status zone sees it" "^E[SD]T$" "$(lsh monitor status zone)"
expect_match "timezone list Kentucky" "America/Kentucky/Louisville" "$(lsh monitor sysconf timezone list Kentucky)"
out=$(lsh operator sysconf time 13:58 20170301)
expect_match "sysconf time sets the appliance clock" "Wed Mar  1 13:58:00 EST 2017" "$out"
expect_match "status date shows it" "Wed Mar  1 13:5[89]:[0-9]{2} EST 2017" "$(lsh monitor status date)"
expect_match "ntp status shows the appliance time" "Appliance time: Wed Mar  1 13:5[89]:[0-9]{2} EST 2017 \(offset clock\)" \
  "$(lsh monitor sysconf ntp status)"
offset=$(in_sandbox cat /var/lib/luna-sysconf/clock-offset)
zone=$(in_sandbox readlink /etc/localtime)
for bad in "25:00" "12:60" "1200" "12:00 20170230" "12:00 1701" "12:00 19600101"; do
  expect_match "sysconf time $bad is refused" "is not a (time|date)" "$(lsh operator sysconf time $bad)"
done
for bad in Mars/Olympus ../../etc/passwd "America/New York" zone.tab; do
  expect_match "timezone $bad is refused" "is not a time zone" "$(lsh operator "sysconf timezone set \"$bad\"")"
done
# (lunash does not offer monitor `sysconf time`, so the word reads as a prefix of timezone.)
expect_match "monitor may not set the time" "rc=1" "$(lsh monitor sysconf time 10:00)"
expect_match "sysconfd refuses monitor too" "The monitor role may not run this command" "$(bcall monitor Time SetTime ss 10:00 '')"
expect "refusals left the clock alone" "$offset" "$(in_sandbox cat /var/lib/luna-sysconf/clock-offset)"
expect "refusals left the zone alone" "$zone" "$(in_sandbox readlink /etc/localtime)"

# ---- NTP (ntpd really runs, powerless over the clock)
expect_match "no server yet" "NTP Servers:" "$(lsh monitor sysconf ntp listservers)"
out=$(lsh operator sysconf ntp addserver 127.0.0.1 -iburst -prefer)
expect_match "addserver" "NTP server 'server 127.0.0.1' added." "$out"
expect_match "addserver warns: no authentication" "added without authentication" "$out"
expect_match "addserver starts NTP" "NTP is running" "$out"
expect "ntpsec.service is active" active "$(unit_prop ntpsec.service ActiveState)"
expect "ntpsec.service is enabled" enabled "$(unit_prop ntpsec.service UnitFileState)"
expect_match "ntp.conf has the server" "^server 127.0.0.1 iburst prefer$" "$(in_sandbox cat /etc/ntpsec/ntp.conf)"
expect_match "listservers" "^server 127.0.0.1 iburst prefer$" "$(lsh monitor sysconf ntp listservers)"
show=$(lsh monitor sysconf ntp show)
expect_match "show: the local clock" "fudge 127.127.1.0 stratum 10" "$show"
expect_match "show: the servers" "server 127.0.0.1 iburst prefer" "$show"
status=$(lsh monitor sysconf ntp status)
expect_match "status: running and enabled" "NTP is running" "$status"
expect_match "status: ntpq answers" "remote|127.127.1.0|LOCAL" "$status"
ntpconf=$(in_sandbox cat /etc/ntpsec/ntp.conf) ntpd_pid=$(unit_prop ntpsec.service MainPID)
expect_match "a second add of the same server" "is already configured" "$(lsh operator sysconf ntp addserver 127.0.0.1)"
expect_match "a bad server" "'bad_server' is not a valid host name" "$(lsh operator sysconf ntp addserver bad_server)"
expect_match "ntp.conf syntax as a server" "is not a valid host name" \
  "$(bcall operator Ntp AddServer sbbbuu 'x
restrict default' false false false 0 4)"
expect_match "version 5" "must be 3 or 4" "$(lsh operator sysconf ntp addserver 192.0.2.1 -version 5)"
expect_match "key 0" "1 to 65535" "$(lsh operator sysconf ntp addserver 192.0.2.1 -key 0)"
expect_match "autokey" "not supported" "$(lsh operator sysconf ntp addserver 192.0.2.1 -autokey)"
expect_match "monitor may not add" "may not run" "$(lsh monitor sysconf ntp addserver 192.0.2.1)"
expect "the refused servers left ntp.conf as it was" "$ntpconf" "$(in_sandbox cat /etc/ntpsec/ntp.conf)"
expect "... and did not restart ntpd" "$ntpd_pid" "$(unit_prop ntpsec.service MainPID)"
expect_match "disable" "NTP is disabled" "$(lsh operator sysconf ntp disable)"
expect "ntpsec.service is stopped" inactive "$(unit_prop ntpsec.service ActiveState)"
expect_match "status: stopped and disabled" "NTP is stopped.*NTP is disabled" "$(lsh monitor sysconf ntp status | paste -sd' ')"
expect_match "enable" "NTP is running" "$(lsh operator sysconf ntp enable)"
# ntpd's messages land in the ntp log (the factory syslog configuration routes them there).
lsh admin sysconf config factoryreset -service syslog -force >/dev/null
in_sandbox logger -t ntpd "ntp-log-line-$$"
wait_for_line_in() { local i; for i in $(seq 100); do grep -q -- "$2" <<<"$($1)" && return 0; sleep 0.1; done; return 1; }
ntplog() { lsh operator sysconf ntp log tail -entries 3; }
wait_for_line_in ntplog "ntp-log-line-$$" || true
out=$(ntplog)
expect_match "ntp log tail shows ntpd's messages" "ntpd(\[[0-9]+\])?: ntp-log-line-$$" "$out"
expect_match "... under the syslog command it stands for" "^syslog tail -l ntp -e 3$" "$out"
expect_match "monitor may not read the ntp log" "may not run" "$(lsh monitor sysconf ntp log tail)"
expect_match "deleteserver" "NTP server 127.0.0.1 deleted." "$(lsh operator sysconf ntp deleteserver 127.0.0.1)"
expect_match "deleting it again" "is not configured" "$(lsh operator sysconf ntp deleteserver 127.0.0.1)"
lsh operator sysconf ntp disable >/dev/null
t1=$(host_epoch)
if [ $((t1 - t0)) -ge 0 ] && [ $((t1 - t0)) -lt 600 ]; then pass "the host clock ran on undisturbed ($((t1 - t0)) s)"
else fail "the host clock moved: $t0 -> $t1"; fi

# ---- banner
printf 'Your use of this resource is monitored and recorded.\n    d=(^_-)\n' | user_file admin banner1.txt
expect_match "banner add" "Success" "$(lsh admin sysconf banner add -file banner1.txt)"
expect "the banner file" "Your use of this resource is monitored and recorded." "$(in_sandbox head -1 /etc/luna/banner)"
login=$(in_sandbox sh -c 'echo exit | script -qec "setpriv --reuid=monitor --regid=lunausers --init-groups /usr/bin/lunash" /dev/null' 2>&1 || true)
expect_match "an interactive session shows the banner" "monitored and recorded" "$login"
printf 'caf\xc3\xa9\n' | user_file admin utf8.txt
expect_match "non-ASCII text is refused" "standard ASCII characters only" "$(lsh admin sysconf banner add -file utf8.txt)"
head -c 9000 /dev/zero | tr '\0' a | user_file admin big.txt
expect_match "more than 8 KB is refused" "larger than 8192 bytes" "$(lsh admin sysconf banner add -file big.txt)"
expect_match "a missing file" "Cannot find none.txt" "$(lsh admin sysconf banner add -file none.txt)"
expect_match "operator may not set the banner" "may not run" "$(lsh operator sysconf banner add -file banner1.txt)"
expect "refusals kept the banner" "Your use of this resource is monitored and recorded." "$(in_sandbox head -1 /etc/luna/banner)"
expect_match "banner clear" "Success" "$(lsh admin sysconf banner clear -force)"
expect "the banner is gone" no "$(in_sandbox test -e /etc/luna/banner && echo yes || echo no)"

# ---- fingerprints
ssh=$(lsh monitor sysconf fingerprint ssh)
want=$(in_sandbox ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | awk '{print $2}')
expect_match "ssh fingerprint as ssh-keygen prints it" "ED25519 +256 $want" "$ssh"
fp=$(lsh monitor sysconf fingerprint license)
serial=$(printf '%s\n' "$fp" | sed -n 's/^HSM serial #\([^ ]*\) : .*/\1/p')
expect_match "the licence fingerprint names the HSM serial" "^[0-9A-Za-z]+$" "$serial"
expect_match "... and its locking code" "HSM serial #$serial : $("$LUNA_LICENSE_TOOL" fingerprint "$serial" | sed 's/\*/\\*/')" "$fp"

# ---- licences
KEY=$LUNA_ROOT/tools/license/vendor-dev-key.pem
lic() { "$LUNA_LICENSE_TOOL" sign --key "$KEY" "$@"; }
lic --serial "$serial" --quantity 10 --aid 2c305d17-eec7-46cb-ad9f-b0ed752692ef | user_file admin five.lic
lic --serial 99999 --quantity 5 | user_file admin other.lic
lic --serial "$serial" --feature LUNA_TELEPORT --quantity 1 | user_file admin unknown.lic
lic --serial "$serial" --quantity 95 | user_file admin many.lic
echo "LUNA_PARTITIONS 1.0 not-a-licence" | user_file admin junk.lic
in_sandbox sh -c "sed 's/ 10_PACK / 50_PACK /' /home/admin/five.lic >/home/admin/tampered.lic && chown admin /home/admin/tampered.lic"
out=$(lsh admin sysconf license apply -filename five.lic -force)
expect_match "without the HSM SO logged in" "Update Result : 12 \(Error detecting HSM\)" "$out"
SO='hsm login -password sopin-1234'
out=$(lsh_session admin 'hsm init -label plat -password sopin-1234 -domain dom-1234' proceed "$SO" \
  'sysconf license apply -filename five.lic -force' 'sysconf license apply -filename five.lic -force' \
  'sysconf license apply -filename other.lic -force' 'sysconf license apply -filename unknown.lic -force' \
  'sysconf license apply -filename tampered.lic -force' 'sysconf license apply -filename many.lic -force' \
  'sysconf license apply -filename junk.lic -force' 'sysconf license apply -filename none.lic -force')
expect_match "the HSM is initialized and the SO logged in" "'hsm login' successful" "$out"
expect_match "a licence for this HSM is applied" "This is a NON-destructive capability update" "$out"
expect_match "... Update Result 0" "Update Result : 0 \(success\)" "$out"
expect_match "the same licence again" "License is already applied" "$out"
expect_match "a licence for another HSM" "LUNA_PARTITIONS_5PACK not licensed for this appliance" "$out"
expect_match "an unknown feature" "License is unknown/not available \(LUNA_TELEPORT\)" "$out"
expect_match "a tampered licence" "signature does not verify" "$out"
expect_match "beyond the model's partitions" "partitions not available for this model of HSM" "$out"
expect_match "a malformed licence" "Invalid license string format" "$out"
expect_match "a missing licence file" "Cannot find none.lic" "$out"
list=$(lsh monitor sysconf license list)
expect_match "license list" "^1 +LUNA_PARTITIONS +1.0 +10$" "$list"
expect "only the good licence was applied" 1 "$(printf '%s\n' "$list" | grep -c LUNA_ || true)"
expect_match "operator may not apply" "may not run" "$(lsh operator sysconf license apply -filename five.lic -force)"
expect_match "revoke of an unknown index" "no applied license with index 4" "$(lsh admin sysconf license revoke -feature 4 -force)"
expect_match "revoke" "Success" "$(lsh admin sysconf license revoke -feature 1 -force)"
expect "the list is empty" 0 "$(lsh monitor sysconf license list | grep -c LUNA_ || true)"

# ---- SO login enforcement
expect_match "forcesologin show" "is NOT enabled" "$(lsh admin sysconf forcesologin show)"
expect_match "enable needs the SO" "USER_NOT_LOGGED_IN|NOT_LOGGED_IN" "$(lsh admin sysconf forcesologin enable)"
out=$(lsh_session admin "$SO" 'sysconf forcesologin disable' 'sysconf forcesologin show' \
  'sysconf forcesologin enable' 'sysconf forcesologin show')
expect_match "the SO disables it, then enables it" \
  "Enforcement is NOT enabled\..*Enforcement is enabled\." "$(printf '%s\n' "$out" | paste -sd' ')"
expect "the setting is kept in /etc/luna/forcesologin" enabled "$(in_sandbox cat /etc/luna/forcesologin 2>/dev/null || true)"
out=$(lsh_session admin "$SO" 'sysconf forcesologin show')
expect_match "the SO enables it" "HSM Administrator Login Enforcement is enabled." "$out"
expect_match "factoryreset ntls now needs the SO" "log in as HSM SO" "$(lsh admin sysconf config factoryreset -service ntls -force)"
out=$(lsh_session admin "$SO" 'sysconf config factoryreset -service all -force' 'sysconf forcesologin show')
expect_match "with the SO logged in, the reset runs" "network +: +succeeded" "$out"
expect_match "... and SO login enforcement is back to disabled" "is NOT enabled" "$out"

# ---- network (read-only)
net=$(lsh monitor network show)
expect_match "network show: hostname" "Hostname +: " "$net"
expect "network show: the routing tables, each headed once" "Kernel IP routing table,Kernel IPv6 routing table" \
  "$(grep -E '^Kernel IP(v6)? routing table' <<<"$net" | paste -sd,)"
expect_match "... the IPv4 table as route prints it" "^Destination +Gateway +Genmask +Flags" "$net"
expect_match "network show -verbose: the devices' details" "Device and Connection Details" "$(lsh monitor network show -verbose)"
out=$(lsh monitor network route show)
expect_match "network route show" "Manually configured routes" "$out"
expect "... then the routing tables, each headed once" "Kernel IP routing table,Kernel IPv6 routing table" \
  "$(grep -E '^Kernel IP(v6)? routing table' <<<"$out" | paste -sd,)"

# ---- reboot (last: the sandbox's systemd ends; a machine would come back up)
sandbox=$(cat "$T/systemd.pid")
out=$(lsh operator sysconf appliance reboot </dev/null)
expect_match "reboot without -force asks, and without 'proceed' aborts" "Command aborted" "$out"
expect_match "monitor may not reboot" "may not run" "$(lsh monitor sysconf appliance reboot -force)"
expect "... the appliance is still up" active "$(unit_prop sysconfd.service ActiveState)"
expect_match "operator reboots the appliance" "Reboot commencing" "$(lsh operator sysconf appliance reboot -force)"
gone=no
for i in $(seq 300); do kill -0 "$sandbox" 2>/dev/null || { gone=yes; break; }; sleep 0.1; done
expect "systemd went down for the reboot" yes "$gone"
finish
