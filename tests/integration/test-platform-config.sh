#!/bin/bash
# LunaSH `sysconf config ...` under real systemd: a backup, then changes to every service's
# configuration, then `restore` brings each file back; `factoryreset -service all` leaves
# every file and setting at its factory value; list/show/export/import/delete/clear; a
# corrupt backup, a tampered one and one from another appliance are refused and change
# nothing.
. "$(dirname "$0")/platform-lib.sh"
plat_up
# Every file the configuration covers (sysconf/config_catalog.cpp), with a digest each.
FILES="/etc/rsyslog.d/60-luna.conf /etc/logrotate.d/luna /etc/ntpsec/ntp.conf /etc/timezone /etc/ssh/sshd_config
/etc/luna/banner /etc/luna/roles /var/lib/luna-ntls/ntls.conf /etc/hostname"
state() {
  local f
  for f in $FILES; do printf '%s %s\n' "$f" "$(in_sandbox sha256sum "$f" 2>/dev/null | cut -c1-16 || echo absent)"; done
  printf 'localtime %s\n' "$(in_sandbox readlink /etc/localtime || true)"
  printf 'keys %s\n' "$(in_sandbox ls /etc/luna/ssh/authorized_keys 2>/dev/null | paste -sd, || true)"
  printf 'forcesologin %s\n' "$(in_sandbox cat /etc/luna/forcesologin 2>/dev/null || echo off)"
}
change_everything() {
  lsh admin syslog remotehost add -host 192.0.2.44 -protocol tcp >/dev/null
  lsh admin syslog rotations 9 >/dev/null
  lsh admin sysconf timezone set America/Toronto >/dev/null
  echo "Authorized use only" | user_file admin banner1.txt
  lsh admin sysconf banner add -file banner1.txt >/dev/null
  in_sandbox sh -c 'printf "Port 22\nPermitRootLogin no\n" >/etc/ssh/sshd_config'
  in_sandbox mkdir -p /etc/luna/ssh/authorized_keys /var/lib/luna-ntls
  in_sandbox sh -c 'echo "restrict,pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGhzEQeNfePFu8zOqOJKS7bZtyQQxmnx/rGzDjweQz8a k" >/etc/luna/ssh/authorized_keys/admin'
  in_sandbox sh -c 'echo "timeout=99" >/var/lib/luna-ntls/ntls.conf'
}

# ---- the factory state is reached, and a second reset changes nothing
out=$(lsh admin sysconf config factoryreset -service all -force)
expect_match "factory reset: every service" "webserver : +succeeded" "$out"
for s in users snmp ntp ntls system ssh syslog network; do
  expect_match "factory reset: $s" " $s +: +succeeded" "$out"
done
factory=$(state)
lsh admin sysconf config factoryreset -service all -force >/dev/null
expect "a factory reset is idempotent" "$factory" "$(state)"
expect_match "factory syslog: no remote host" "^$" "$(lsh admin syslog remotehost list | grep -E ':[0-9]+, ' || true)"
expect_match "factory time zone" "^Etc/UTC$" "$(in_sandbox cat /etc/timezone)"
expect "factory sshd_config is the shipped copy" "$(sha256sum <"$LUNA_ROOT/sysconf/factory/ssh/sshd_config" | cut -c1-16)" \
  "$(in_sandbox sha256sum /etc/ssh/sshd_config | cut -c1-16)"
expect "factory roles: the daemons' and the four built-in users'" \
  "luna-snmp monitor,admin admin,operator operator,monitor monitor,audit audit" \
  "$(in_sandbox grep -v '^#' /etc/luna/roles | paste -sd,)"

# ---- backup, change everything, restore
out=$(lsh admin 'sysconf config backup -description "Configuration Backup 17-03-01"')
expect_match "backup" "Created configuration backup file: [A-Za-z0-9_.-]+_Config_[0-9]{8}_[0-9]{4}\.tar\.gz" "$out"
name=$(printf '%s\n' "$out" | sed -n 's/.*Created configuration backup file: //p')
expect_match "operator may not back up" "may not run" "$(lsh operator sysconf config backup -description x)"
expect_match "backup -factoryconfig is refused in words" "-factoryconfig is not supported" \
  "$(lsh admin sysconf config backup -description x -factoryconfig)"
expect_match "list (monitor)" "\| $name +\| Configuration Backup 17-03-01" "$(lsh monitor sysconf config list)"
show=$(lsh monitor sysconf config show -file "$name")
expect_match "show: hostname" "^hostname: " "$show"
expect_match "show: description" "^Description: Configuration Backup 17-03-01" "$show"
before=$(state)
change_everything
changed=$(state)
expect_no_match "the changes took" "^$" "$(diff <(echo "$before") <(echo "$changed") || true)"
out=$(lsh admin sysconf config restore -file "$name" -service all -force)
expect_match "restore" "Restore the all configuration: Succeeded." "$out"
auto=$(printf '%s\n' "$out" | sed -n 's/^Created configuration backup file: //p')
expect_match "restore made an automatic backup first" "_Config_" "$auto"
expect "restore brought every file back" "$before" "$(state)"
expect_match "the automatic backup says why" "Automatic Backup Before Restoring: all" "$(lsh admin sysconf config list)"
# One service from the automatic backup: syslog only comes back to the changed state.
lsh admin sysconf config restore -file "$auto" -service syslog -force >/dev/null
expect_match "restore -service syslog" "192.0.2.44:514, tcp" "$(lsh admin syslog remotehost list)"
expect "... and nothing else" "$(echo "$before" | grep -v -e rsyslog -e logrotate)" "$(state | grep -v -e rsyslog -e logrotate)"

# ---- roles and keys are the original admin's to restore: a named admin may not
lsh admin user add -username boss >/dev/null
lsh admin user role add -role admin -username boss >/dev/null
pre=$(state)
expect_match "a named admin may not restore users" "Only the original admin account may restore or reset the users configuration" \
  "$(lsh boss sysconf config restore -file "$name" -service users -force)"
expect_match "... nor all" "Only the original admin account" "$(lsh boss sysconf config restore -file "$name" -service all -force)"
expect_match "... nor reset them" "Only the original admin account" "$(lsh boss sysconf config factoryreset -service users -force)"
expect "those refusals changed nothing" "$pre" "$(state)"
expect_match "a named admin restores another service" "Restore the ntp configuration: Succeeded." \
  "$(lsh boss sysconf config restore -file "$name" -service ntp -force)"

# ---- export, import, bad backups
expect_match "export" "file named: \"$name\"" "$(lsh admin sysconf config export -file "$name" -force)"
expect "the export is admin's" admin "$(in_sandbox stat -c %U "/home/admin/$name")"
lsh admin sysconf config delete -file "$name" -force >/dev/null
expect_no_match "delete" "$name" "$(lsh admin sysconf config list)"
expect_match "import" "Success" "$(lsh admin sysconf config import -file "$name" -force)"
expect_match "the imported backup is listed" "$name" "$(lsh admin sysconf config list)"
head -c 3000 /dev/urandom | user_file admin junk.tar.gz
count=$(lsh admin sysconf config list | grep -c _Config_ || true)
out=$(lsh admin sysconf config import -file junk.tar.gz -force)
expect_match "a corrupt file is not imported" "CKR_BACKUP_INVALID" "$out"
expect_match "... saying so" "The configuration backup file is corrupt or not a backup" "$out"
# One that got into the store anyway (a damaged disk): restoring it changes nothing.
pre=$(state)
in_sandbox sh -c "head -c 2000 /home/admin/$name >/var/lib/luna-sysconf/backups/vm_Config_20200101_0000.tar.gz"
out=$(lsh admin sysconf config restore -file vm_Config_20200101_0000.tar.gz -service all -force)
expect_match "a truncated backup in the store is not restored" "corrupt or not a backup" "$out"
expect "... and nothing changed" "$pre" "$(state)"
in_sandbox rm -f /var/lib/luna-sysconf/backups/vm_Config_20200101_0000.tar.gz
# Tampered: one file changed after the backup, the manifest left alone.
# (Scratch space in $T: /root and the rest outside /etc /var /usr /home are the host's.)
mkdir "$T/t"
in_sandbox sh -c "tar -xzf /home/admin/$name -C $T/t && echo 'Port 6666' >$T/t/files/\$(grep ' ssh file ' $T/t/manifest | cut -d' ' -f2) && tar -czf /home/admin/tampered.tar.gz -C $T/t . && chown admin /home/admin/tampered.tar.gz"
expect_match "a tampered backup is not imported" "checksum of /etc/ssh/sshd_config does not match" \
  "$(lsh admin sysconf config import -file tampered.tar.gz -force)"
expect_match "a file not in the file area" "Cannot find nothere.tar.gz" "$(lsh admin sysconf config import -file nothere.tar.gz -force)"
expect_match "a name that is a path" "is not a file name" "$(lsh admin sysconf config import -file ../../etc/shadow -force)"
expect "refused imports stored nothing" "$count" "$(lsh admin sysconf config list | grep -c _Config_ || true)"
# From another appliance: this one gets a new identity.
pre=$(state)
in_sandbox sh -c "cp /etc/machine-id $T/machine-id && echo 00112233445566778899aabbccddeeff >/etc/machine-id"
expect_match "a backup from another appliance is refused" "was made on another appliance; nothing was restored" \
  "$(lsh admin sysconf config restore -file "$name" -service all -force)"
expect_match "... and not imported" "made on another appliance" "$(lsh admin sysconf config import -file "$name" -force)"
in_sandbox cp "$T/machine-id" /etc/machine-id
expect "refusals changed nothing" "$pre" "$(state)"
expect_match "an unknown backup" "does not exist" "$(lsh admin sysconf config restore -file none_Config_1.tar.gz -service all -force)"
expect_match "an unknown service" "Invalid value" "$(lsh admin sysconf config restore -file "$name" -service printer -force)"
expect_match "the HSM as backup store is not offered" "not supported" "$(lsh admin sysconf config list -devicetype hsm)"

# ---- factory reset after all of that
change_everything
lsh admin sysconf config factoryreset -service all -force >/dev/null
expect "factoryreset -service all: every file and setting at its factory value" "$factory" "$(state)"
expect_match "... and rsyslog runs the factory configuration" active "$(unit_prop rsyslog.service ActiveState)"
expect_match "clear" "Success" "$(lsh admin sysconf config clear -force)"
expect "clear left no backup" "0" "$(lsh admin sysconf config list | grep -c _Config_ || true)"
finish
