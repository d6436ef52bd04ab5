#!/bin/bash
# luna-snmp keeps its AgentX session by itself: started before snmpd it connects once snmpd
# comes up; snmpd killed (SIGKILL or SIGTERM) and restarted, the data comes back; hsmd gone
# and back, the HSM tables empty and fill again.
. "$(dirname "$0")/lib.sh"

REFRESH=1
snmp_setup
subagent_up "$REFRESH"            # no master yet
sleep 2
check "subagent waits for the master" kill -0 "$(cat "$D/snmp/luna-snmp.pid")"
check "and says so" grep -q "Failed to connect to the agentx master agent" "$D/snmp/luna-snmp.log"

luna_snmpd_up "$D" "$SNMP_UID" || exit 1
check "connects once snmpd comes up" within 15 hsm_rows_served

kill -KILL "$(cat "$D/snmp/snmpd.pid")"; wait "$(cat "$D/snmp/snmpd.pid")" 2>/dev/null; rm -f "$D/snmp/snmpd.pid"
luna_snmpd_up "$D" "$SNMP_UID" || exit 1
check "data back after snmpd SIGKILL + restart" within 15 hsm_rows_served

luna_snmpd_down "$D"
luna_snmpd_up "$D" "$SNMP_UID" || exit 1
check "data back after snmpd stop + restart" within 15 hsm_rows_served

luna_hsmd_down "$D"
ntls_answers() { luna_snmp snmpget 127.0.0.1 CHRYSALIS-UTSP-MIB::ntlsOperStatus.0 | grep -q notRunning; }
no_hsm() { luna_snmp snmpget 127.0.0.1 "SAFENET-HSM-MIB::hsmSerialNumber.\"$SERIAL\"" | grep -q "No Such Instance"; }
check "hsmd gone: the HSM tables empty" within 15 no_hsm
check "hsmd gone: the Chrysalis scalars still answer" \
  ntls_answers
luna_hsmd_up "$D" "$D/bin/hsmd" "$HSMD_UID" "$D/roles" --kdf-iterations 1000 || exit 1
check "hsmd back: the HSM rows return" within 15 hsm_rows_served

check "subagent still the same process" kill -0 "$(cat "$D/snmp/luna-snmp.pid")"
luna_subagent_down "$D"
check "subagent stops cleanly on SIGTERM" [ $? = 0 ]
finish
