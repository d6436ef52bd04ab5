#!/bin/bash
# The project's MIBs: smilint at level 4 says nothing about them, and snmptranslate resolves
# every object, table, notification and group they define by name, at the OIDs that existing
# Luna monitoring polls.
set -u
M=$(cd "$(dirname "$0")/../../mibs" && pwd)
for tool in smilint snmptranslate; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (tools/install-deps)"; exit 77; }
done
T=$(mktemp -d /tmp/lmibs.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0 passes=0
ok() { echo "ok - $*"; passes=$((passes + 1)); }
not_ok() { echo "not ok - $*"; fails=$((fails + 1)); }

MODULES="SAFENET-GLOBAL-MIB SAFENET-HSM-MIB SAFENET-APPLIANCE-MIB CHRYSALIS-UTSP-MIB"

for m in $MODULES; do
  out=$(SMIPATH="$M/base:$M" smilint -c /dev/null -l 4 -s "$M/$m.txt" 2>&1)
  if [ -z "$out" ]; then ok "smilint -l 4 $m: silent"; else not_ok "smilint -l 4 $m:"; echo "$out" | sed 's/^/#   /'; fi
done

translate() {
  SNMP_PERSISTENT_DIR=$T MIBS= snmptranslate -M "$M/base:$M" -m ALL "$@"
}
translate -On SNMPv2-SMI::enterprises >/dev/null 2>&1   # creates $T/cert_indexes, which it reports once

# Every descriptor the four modules define, by name.
for m in $MODULES; do
  names=$(sed -n 's/^\([a-z][A-Za-z0-9-]*\)[[:space:]]\+\(OBJECT-TYPE\|OBJECT IDENTIFIER\|NOTIFICATION-TYPE\|MODULE-IDENTITY\|OBJECT-GROUP\|NOTIFICATION-GROUP\|MODULE-COMPLIANCE\).*/\1/p' "$M/$m.txt")
  n=0 bad=""
  for name in $names; do
    n=$((n + 1))
    if ! translate -On "$m::$name" >"$T/out" 2>"$T/err" || [ -s "$T/err" ] || ! grep -q '^\.1\.3\.6\.1\.' "$T/out"; then
      bad="$bad $name"
    fi
  done
  if [ -z "$bad" ] && [ "$n" -gt 0 ]; then ok "snmptranslate resolves all $n names of $m"; else not_ok "$m: unresolved:$bad"; fi
done

# The numbers monitoring systems already poll (seed ch.17; digest §1.2).
expect() {
  local got; got=$(translate -On "$1" 2>&1)
  if [ "$got" = "$2" ]; then ok "$1 = $2"; else not_ok "$1 = $2 (got: $got)"; fi
}
expect CHRYSALIS-UTSP-MIB::hsmOperationRequests .1.3.6.1.4.1.12383.3.1.1.1
expect CHRYSALIS-UTSP-MIB::hsmOperationErrors .1.3.6.1.4.1.12383.3.1.1.2
expect CHRYSALIS-UTSP-MIB::hsmCriticalEvents .1.3.6.1.4.1.12383.3.1.1.3
expect CHRYSALIS-UTSP-MIB::hsmNonCriticalEvents .1.3.6.1.4.1.12383.3.1.1.4
expect CHRYSALIS-UTSP-MIB::ntlsOperStatus .1.3.6.1.4.1.12383.3.1.2.1
expect CHRYSALIS-UTSP-MIB::ntlsConnectedClients .1.3.6.1.4.1.12383.3.1.2.2
expect CHRYSALIS-UTSP-MIB::ntlsLinks .1.3.6.1.4.1.12383.3.1.2.3
expect CHRYSALIS-UTSP-MIB::ntlsSuccessfulClientConnections .1.3.6.1.4.1.12383.3.1.2.4
expect CHRYSALIS-UTSP-MIB::ntlsFailedClientConnections .1.3.6.1.4.1.12383.3.1.2.5
expect CHRYSALIS-UTSP-MIB::ntlsCertExpireNotification .1.3.6.1.4.1.12383.3.1.2.6
expect SAFENET-GLOBAL-MIB::luna .1.3.6.1.4.1.23629.1.5
expect SAFENET-HSM-MIB::hsmSerialNumber .1.3.6.1.4.1.23629.1.5.1.2.1.1
expect SAFENET-HSM-MIB::hsmCommandCount .1.3.6.1.4.1.23629.1.5.1.2.1.21
expect SAFENET-HSM-MIB::hsmLicenseTable .1.3.6.1.4.1.23629.1.5.1.3
expect SAFENET-HSM-MIB::hsmPartitionObjectCount .1.3.6.1.4.1.23629.1.5.1.4.1.7
expect SAFENET-HSM-MIB::hsmPolicyValue .1.3.6.1.4.1.23629.1.5.1.5.1.4
expect SAFENET-HSM-MIB::hsmPartitionPolicyTable .1.3.6.1.4.1.23629.1.5.1.6
expect SAFENET-HSM-MIB::hsmClientAddress .1.3.6.1.4.1.23629.1.5.1.7.1.2
expect SAFENET-HSM-MIB::hsmClientOTTEpiry .1.3.6.1.4.1.23629.1.5.1.7.1.4
expect SAFENET-HSM-MIB::hsmClientPartitionAssignmentTable .1.3.6.1.4.1.23629.1.5.1.8
expect SAFENET-APPLIANCE-MIB::appSoftwareVersion .1.3.6.1.4.1.23629.1.5.2.1.1
expect SAFENET-APPLIANCE-MIB::ssLogReference .1.3.6.1.4.1.23629.1.5.2.2.1
expect SAFENET-APPLIANCE-MIB::fanAttentionNotify .1.3.6.1.4.1.23629.1.5.2.2.2
expect SAFENET-APPLIANCE-MIB::powerSupplyAttentionNotify .1.3.6.1.4.1.23629.1.5.2.2.3
expect SAFENET-APPLIANCE-MIB::motherboardAttentionNotify .1.3.6.1.4.1.23629.1.5.2.2.4
expect SAFENET-APPLIANCE-MIB::diskDriveAttentionNotify .1.3.6.1.4.1.23629.1.5.2.2.5
expect SAFENET-APPLIANCE-MIB::ntlsAttentionNotify .1.3.6.1.4.1.23629.1.5.2.2.6
expect SAFENET-APPLIANCE-MIB::cryptoAttentionNotify .1.3.6.1.4.1.23629.1.5.2.2.7
# The trap decode the monitoring guide prints.
expect SAFENET-APPLIANCE-MIB::fanAttentionNotify .1.3.6.1.4.1.23629.1.5.2.2.2
got=$(translate -Of SAFENET-APPLIANCE-MIB::fanAttentionNotify 2>&1)
case $got in
  *enterprises.safenet-inc.safenetRoot.luna.appliance.ssTraps.fanAttentionNotify) ok "full name: $got" ;;
  *) not_ok "full name of fanAttentionNotify: $got" ;;
esac

# The seven tables, with every column the guide lists.
tables=$(translate -Tp 2>/dev/null | grep -c 'Table(')
[ "$tables" -ge 7 ] && ok "snmptranslate -Tp shows the 7 SAFENET-HSM-MIB tables" || not_ok "-Tp shows $tables tables"
cols=$(translate -Tp SAFENET-HSM-MIB::safenetHsmMIB 2>/dev/null | grep -c -- '-- -R-- ')
[ "$cols" = 44 ] && ok "44 read-only columns in SAFENET-HSM-MIB" || not_ok "$cols read-only columns, want 44"

# A manager with the system's MIB path as well (-M+) still resolves ours.
got=$(SNMP_PERSISTENT_DIR=$T MIBS= snmptranslate -M+"$M/base:$M" -m +SAFENET-HSM-MIB -On SAFENET-HSM-MIB::hsmLabel 2>/dev/null)
[ "$got" = .1.3.6.1.4.1.23629.1.5.1.2.1.3 ] && ok "-M+ path: hsmLabel resolves" || not_ok "-M+ path: hsmLabel: $got"

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
