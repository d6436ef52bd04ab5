#!/bin/bash
# ntlsd's status, counters and client registry through luna-snmp and a real snmpd (SNMPv3
# authPriv): CHRYSALIS-UTSP-MIB ntls* scalars and SAFENET-HSM-MIB's client tables show what
# ntlsd publishes on com.safenet.Luna.Ntls, and follow it.
. "$(dirname "$0")/ntls-lib.sh"
. "$LUNA_ROOT/tools/lib/snmp.sh"
: "${LUNA_SNMP:?set by meson}"
for tool in snmpd snmpget snmpwalk; do command -v "$tool" >/dev/null || skip "$tool is not installed"; done
ntls_up
luna_stage "$T" "$(readlink -f "$LUNA_SNMP")"
out=$(client 0 init ntls-hsm "$SO_PW" dom-1234 -- login "$SO_PW" -- create p1 0 -- list)
P1=$(awk '$2 == "p1" {print $1}' <<<"$out")
HSN=$(prop SerialNumber)
server_pem "$T/server.pem"
client_cert alpha
client_cert unreg
expect_done "register alpha" "$(register $ADMIN alpha 127.0.0.1)"
expect_done "assign p1" "$(ntls_call $ADMIN Clients AssignPartition ss alpha p1)"
nc_client alpha slots >/dev/null
nc_client unreg slots >/dev/null

# The subagent runs as the monitor-role uid; the AgentX socket belongs to its group.
luna_snmpd_up "$T" "$MONITOR" || exit 99
luna_subagent_up "$T" "$T/bin/luna-snmp" "$MONITOR" 1
export LUNA_SNMP_DIR=$T
get() { luna_snmp snmpget -Oqv 127.0.0.1 "$@" 2>&1 | tr -d '"'; }
is() { [ "$(get "$1")" = "$2" ]; }
LUNA_WAIT=30 luna_wait_for is CHRYSALIS-UTSP-MIB::ntlsOperStatus.0 up || { cat "$T/snmp/luna-snmp.log"; }
expect "ntlsOperStatus" up "$(get CHRYSALIS-UTSP-MIB::ntlsOperStatus.0)"
expect "ntlsSuccessfulClientConnections" "$(ntls_num SuccessfulConnections)" "$(get CHRYSALIS-UTSP-MIB::ntlsSuccessfulClientConnections.0)"
expect "ntlsFailedClientConnections" "$(ntls_num FailedConnections)" "$(get CHRYSALIS-UTSP-MIB::ntlsFailedClientConnections.0)"
expect "hsmClientAddress of alpha" 127.0.0.1 "$(get "SAFENET-HSM-MIB::hsmClientAddress.\"alpha\"")"
expect "hsmClientPartitionAssignmentTable row" "$HSN" \
  "$(get "SAFENET-HSM-MIB::hsmClientHsmSerialNumber.\"alpha\".\"$HSN\".\"$P1\"")"

(nc_client alpha wait-file "$T/done" >/dev/null) &
h=$!
LUNA_WAIT=15 luna_wait_for is CHRYSALIS-UTSP-MIB::ntlsLinks.0 1 || true
expect "ntlsLinks follows an open link" 1 "$(get CHRYSALIS-UTSP-MIB::ntlsLinks.0)"
expect "ntlsConnectedClients" 1 "$(get CHRYSALIS-UTSP-MIB::ntlsConnectedClients.0)"
touch "$T/done"; wait "$h" || true

ntlsd_down
LUNA_WAIT=15 luna_wait_for is CHRYSALIS-UTSP-MIB::ntlsOperStatus.0 notRunning || true
expect "ntlsOperStatus once ntlsd is gone" notRunning "$(get CHRYSALIS-UTSP-MIB::ntlsOperStatus.0)"
finish
