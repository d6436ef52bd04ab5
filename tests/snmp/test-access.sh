#!/bin/bash
# SNMPv3 authPriv only: the right user and passwords get the subagent's data; a wrong
# authentication or privacy password, an unknown user, a lower security level and v2c do not.
. "$(dirname "$0")/lib.sh"

snmp_setup
luna_snmpd_up "$D" "$SNMP_UID" || exit 1
subagent_up 2
check "the test user reads the HSM tables" within 20 hsm_rows_served

O=SAFENET-APPLIANCE-MIB::appSoftwareVersion.0
q() { luna_snmp snmpget -t 0.3 -r 0 127.0.0.1 "$O" 2>&1; }
refused() { local out; out=$("$@"); echo "$out" | grep -q 'STRING' && return 1; echo "# $out" | head -2; return 0; }

out=$(LUNA_SNMP_AUTH=wrongpass123 q)
check "wrong authentication password: Authentication failure" grep -q "Authentication failure" <<<"$out"
out=$(LUNA_SNMP_PRIV=wrongpass123 q)
check "wrong privacy password: no answer" refused echo "$out"
check "wrong privacy password: times out" grep -q "Timeout" <<<"$out"
out=$(LUNA_SNMP_USER=nobody q)
check "unknown user: Unknown user name" grep -q "Unknown user name" <<<"$out"
out=$(luna_snmp snmpget -t 0.3 -r 0 -l authNoPriv 127.0.0.1 "$O" 2>&1)
check "authNoPriv: refused" refused echo "$out"
out=$(SNMPCONFPATH=$D/snmp/cli SNMP_PERSISTENT_DIR=$D/snmp/cli snmpget -v2c -c public -t 0.3 -r 0 \
      "udp:127.0.0.1:$(cat "$D/snmp/port")" .1.3.6.1.4.1.23629.1.5.2.1.1.0 2>&1)
check "v2c: no answer (no community)" grep -q "Timeout" <<<"$out"
out=$(q)
check "right credentials: the version" grep -q "STRING: \"\?${LUNA_VERSION:?}" <<<"$out"
finish
