#!/bin/bash
# Every unit in systemd/ as meson installs it: `systemd-analyze verify` is clean (with the
# built binaries in place of /usr/...), each service keeps the appliance's rules (Type=notify,
# a sysusers user unless it must be root, hardening, restart policy, part of
# luna-appliance.target), and the D-Bus names of unit, activation file and policy agree.
. "$(dirname "$0")/lib.sh"
need_usr_prefix
install_tree "$T/root"
units=$T/root/lib/systemd/system
sysusers=$(cat "$T/root/usr/lib/sysusers.d/"*.conf)
# Services that must run as root, and why (everything else has a dedicated user).
declare -A root_ok=([sysconfd.service]="creates accounts and writes system configuration")

mkdir -p "$T/verify"
for f in "$units"/*; do
  # Exec lines name installed paths: point them into the install tree.
  sed -E "/^Exec/ s#(^Exec[A-Za-z]*=[-@:+!]*)/usr/#\\1$T/root/usr/#" "$f" >"$T/verify/$(basename "$f")"
done
for u in $(appliance_units); do
  [ -f "$units/$u" ] || { fail "$u is not installed by meson"; continue; }
  if out=$(cd "$T/verify" && systemd-analyze verify --man=no "./$u" 2>&1) && [ -z "$out" ]; then
    pass "systemd-analyze verify $u: clean"
  else
    fail "systemd-analyze verify $u:"; printf '%s\n' "$out"
  fi
done

key() { sed -n "s/^$2=//p" "$units/$1" | tail -n1; }
for u in $(cd "$units" && ls -- *.service); do
  expect "$u: Type=notify" notify "$(key "$u" Type)"
  expect "$u: Restart=on-failure" on-failure "$(key "$u" Restart)"
  expect "$u: PartOf=luna-appliance.target" luna-appliance.target "$(key "$u" PartOf)"
  expect "$u: WantedBy=luna-appliance.target" luna-appliance.target "$(key "$u" WantedBy)"
  for setting in NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes PrivateDevices=yes \
      ProtectKernelTunables=yes ProtectControlGroups=yes RestrictNamespaces=yes \
      LockPersonality=yes SystemCallArchitectures=native; do
    expect "$u: $setting" "${setting#*=}" "$(key "$u" "${setting%%=*}")"
  done
  grep -q '^CapabilityBoundingSet=' "$units/$u" && pass "$u: CapabilityBoundingSet set" \
    || fail "$u: no CapabilityBoundingSet"
  user=$(key "$u" User)
  if [ -z "$user" ] || [ "$user" = root ]; then
    if [ -n "${root_ok[$u]:-}" ]; then pass "$u runs as root: ${root_ok[$u]}"
    else fail "$u runs as root without a reason in this test"; fi
  else
    expect_match "$u: user $user comes from sysusers.d" "^u[[:space:]]+$user[[:space:]]" "$sysusers"
    expect_match "$u: a StateDirectory or RuntimeDirectory" '.' \
      "$(key "$u" StateDirectory)$(key "$u" RuntimeDirectory)"
  fi
  bus=$(key "$u" BusName)
  if [ -n "$bus" ]; then
    act=$T/root/usr/share/dbus-1/system-services/$bus.service
    pol=$T/root/usr/share/dbus-1/system.d/$bus.conf
    expect "$u: activation file for $bus goes through the unit" "$u" \
      "$(sed -n 's/^SystemdService=//p' "$act" 2>/dev/null)"
    expect_match "$u: policy lets ${user:-root} own $bus" \
      "<policy user=\"${user:-root}\">[[:space:]]*<allow own=\"$bus\"/>" "$(tr -d '\n' <"$pol" 2>/dev/null)"
  fi
done

# sysusers and tmpfiles apply to an empty root.
mkdir -p "$T/empty/etc"
if out=$(systemd-sysusers --root="$T/empty" "$T/root/usr/lib/sysusers.d/"*.conf 2>&1); then
  pass "systemd-sysusers: every sysusers.d file applies"
else fail "systemd-sysusers: $out"; fi
if out=$(systemd-tmpfiles --root="$T/empty" --create "$T/root/usr/lib/tmpfiles.d/"*.conf 2>&1); then
  pass "systemd-tmpfiles: every tmpfiles.d file applies"
else fail "systemd-tmpfiles: $out"; fi
expect "factory roles file gives luna-snmp the monitor role" "luna-snmp monitor" \
  "$(grep -v '^#' "$T/empty/etc/luna/roles" 2>&1)"
finish
