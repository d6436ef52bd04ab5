#!/bin/bash
# luna-snmp through a real snmpd over SNMPv3 authPriv (SHA + AES): every table and scalar
# answers with the project's MIBs, the values are hsmd's D-Bus state, and they follow a
# change on the HSM within the (shortened) refresh interval.
. "$(dirname "$0")/lib.sh"

REFRESH=2          # seconds; the seed's 60 s cache, shortened
snmp_setup
hsm login sopassword1 -- create alpha >/dev/null || exit 1
luna_snmpd_up "$D" "$SNMP_UID" || exit 1
subagent_up "$REFRESH"
within 20 hsm_rows_served || { cat "$D/snmp/luna-snmp.log"; not_ok "HSM rows served"; exit 1; }

S="\"$SERIAL\""
get() { luna_snmp snmpget -Oqv 127.0.0.1 "$@" | tr -d '"'; }
walk() { luna_snmp snmpwalk -Oq 127.0.0.1 "$@"; }
is() { [ "$(get "$1")" = "$2" ]; }                 # is OBJECT VALUE
answers() { luna_snmp snmpget 127.0.0.1 "$1" 2>&1 | grep -q "$2"; }   # answers OBJECT TEXT
has_rows() { luna_snmp snmptable -Cf '|' 127.0.0.1 "SAFENET-HSM-MIB::$1" | tail -n +4 | grep -q '|'; }
col() { get "SAFENET-HSM-MIB::$1.$S"; }
num() { col "$1" | cut -d' ' -f1; }                # drops the "bytes" unit

# --- every table and scalar ----------------------------------------------------------------
for t in hsmTable hsmLicenseTable hsmPartitionTable hsmPolicyTable hsmPartitionPolicyTable; do
  check "$t has rows" has_rows "$t"
done
# No client registry yet (it comes with ntlsd): the tables are registered and empty.
check "hsmClientRegistrationTable registered, empty" \
  answers "SAFENET-HSM-MIB::hsmClientAddress.\"c\"" "No Such Instance"
check "hsmClientPartitionAssignmentTable registered, empty" \
  answers "SAFENET-HSM-MIB::hsmClientHsmSerialNumber.\"c\".$S.\"p\"" "No Such Instance"
check "CHRYSALIS-UTSP-MIB walk: exactly the 9 scalars" \
  [ "$(walk .1.3.6.1.4.1.12383 | grep -c '^CHRYSALIS-UTSP-MIB::.*\.0 ')" = 9 ]
for o in hsmOperationRequests hsmOperationErrors hsmCriticalEvents hsmNonCriticalEvents \
         ntlsSuccessfulClientConnections ntlsFailedClientConnections; do
  check "$o: Counter64 0" answers "CHRYSALIS-UTSP-MIB::$o.0" "= Counter64: 0$"
done
check "ntlsOperStatus: notRunning (no ntlsd)" is CHRYSALIS-UTSP-MIB::ntlsOperStatus.0 notRunning
check "ntlsConnectedClients: Gauge32 0" answers CHRYSALIS-UTSP-MIB::ntlsConnectedClients.0 "= Gauge32: 0$"
check "ntlsLinks: Gauge32 0" answers CHRYSALIS-UTSP-MIB::ntlsLinks.0 "= Gauge32: 0$"
check "ntlsCertExpireNotification: No Such Object" \
  answers CHRYSALIS-UTSP-MIB::ntlsCertExpireNotification.0 "No Such Object"
check "appSoftwareVersion is the appliance version" is SAFENET-APPLIANCE-MIB::appSoftwareVersion.0 "${LUNA_VERSION:?}"

# --- hsmTable = hsmd's properties ------------------------------------------------------------
check "hsmSerialNumber" [ "$(col hsmSerialNumber)" = "$SERIAL" ]
check "hsmLabel" [ "$(col hsmLabel)" = "$(hsm get Label)" ]
check "hsmFirmwareVersion" [ "$(col hsmFirmwareVersion)" = "$(hsm get FirmwareVersion)" ]
check "hsmModel" [ "$(col hsmModel)" = "$(hsm get Model)" ]
check "hsmAuthenticationMethod: password" [ "$(col hsmAuthenticationMethod)" = password ]
check "hsmStorageTotalBytes" [ "$(num hsmStorageTotalBytes)" = "$(hsm get StorageTotal)" ]
check "hsmStorageAllocatedBytes" [ "$(num hsmStorageAllocatedBytes)" = "$(hsm get StorageUsed)" ]
check "hsmStorageAvailableBytes" [ "$(num hsmStorageAvailableBytes)" = "$(hsm get StorageFree)" ]
check "hsmMaximumPartitions" [ "$(col hsmMaximumPartitions)" = "$(hsm get MaxPartitions)" ]
check "hsmPartitionsCreated" [ "$(col hsmPartitionsCreated)" = "$(hsm get PartitionCount)" ]
check "hsmPartitionsFree" [ "$(col hsmPartitionsFree)" = $(( $(hsm get MaxPartitions) - $(hsm get PartitionCount) )) ]
check "hsmAdminLoginAttempts" [ "$(col hsmAdminLoginAttempts)" = "$(hsm get SoLoginAttemptsLeft)" ]
check "hsmAuditRoleInitialized: no" [ "$(col hsmAuditRoleInitialized)" = no ]
check "hsmManuallyZeroized: false" [ "$(col hsmManuallyZeroized)" = false ]
check "hsmPerformance: 15" [ "$(col hsmPerformance)" = 15 ]
check "hsmBackupProtocol: cloning" [ "$(col hsmBackupProtocol)" = cloning ]

# --- hsmPartitionTable = Partitions.List ------------------------------------------------------
read -r pserial pname pobjs ptotal pused pfree <<<"$(hsm partitions)"
P="\"$pserial\""
pcol() { get "SAFENET-HSM-MIB::$1.$S.$P" | cut -d' ' -f1; }
check "hsmPartitionSerialNumber" [ "$(pcol hsmPartitionSerialNumber)" = "$pserial" ]
check "hsmPartitionLabel (the name until init)" [ "$(pcol hsmPartitionLabel)" = "$pname" ]
check "hsmPartitionObjectCount" [ "$(pcol hsmPartitionObjectCount)" = "$pobjs" ]
check "hsmPartitionStorageTotalBytes" [ "$(pcol hsmPartitionStorageTotalBytes)" = "$ptotal" ]
check "hsmPartitionStorageAllocatedBytes" [ "$(pcol hsmPartitionStorageAllocatedBytes)" = "$pused" ]
check "hsmPartitionStorageAvailableBytes" [ "$(pcol hsmPartitionStorageAvailableBytes)" = "$pfree" ]

# --- policy tables = GetPolicies -------------------------------------------------------------
check "hsmPolicyTable: one capability row per HSM capability" \
  [ "$(walk SAFENET-HSM-MIB::hsmPolicyDescription | grep -c "\.capability\.")" = "$(hsm policies | wc -l)" ]
check "hsmPolicyTable: policy 16 On" is "SAFENET-HSM-MIB::hsmPolicyValue.$S.policy.16" On
check "hsmPolicyTable: capability 7 Allowed" is "SAFENET-HSM-MIB::hsmPolicyValue.$S.capability.7" Allowed
check "hsmPolicyTable: capability 33 = licensed partitions" \
  is "SAFENET-HSM-MIB::hsmPolicyValue.$S.capability.33" "$(hsm get LicensedPartitions)"
check "hsmPartitionPolicyTable: policy 25 is 248 (inverted minimum PIN length)" \
  is "SAFENET-HSM-MIB::hsmPartitionPolicyValue.$S.$P.policy.25" 248

# --- changes on the HSM show within the refresh interval --------------------------------------
new=$(hsm login sopassword1 -- create beta | tail -1)
check "a created partition appears within the refresh interval" \
  within $((REFRESH * 5)) is "SAFENET-HSM-MIB::hsmPartitionLabel.$S.\"$new\"" beta
check "hsmPartitionsCreated follows" [ "$(col hsmPartitionsCreated)" = 2 ]
hsm login sopassword1 -- change-policy 16 0 >/dev/null
check "a changed policy shows within the refresh interval" \
  within $((REFRESH * 5)) is "SAFENET-HSM-MIB::hsmPolicyValue.$S.policy.16" Off
hsm login sopassword1 -- delete beta >/dev/null
check "a deleted partition's row goes within the refresh interval" \
  within $((REFRESH * 5)) answers "SAFENET-HSM-MIB::hsmPartitionLabel.$S.\"$new\"" "No Such Instance"

# --- read-only, walkable ----------------------------------------------------------------------
set_refused() { luna_snmp snmpset 127.0.0.1 "$1" s other 2>&1 | grep -q notWritable; }
check "snmpset is refused (notWritable)" set_refused "SAFENET-HSM-MIB::hsmLabel.$S"
check "hsmLabel unchanged" [ "$(hsm get Label)" = snmplabel ]
luna_snmp snmpbulkwalk -Cr50 -On 127.0.0.1 .1.3.6.1.4.1 >"$D/bulk.txt" 2>&1
lacks() { ! grep -q "$@"; }
check "snmpbulkwalk of enterprises: no 'OID not increasing'" lacks 'OID not increasing' "$D/bulk.txt"
check "snmpbulkwalk of enterprises: our objects all there" [ "$(grep -c '^\.1\.3\.6\.1\.4\.1\.\(23629\|12383\)\.' "$D/bulk.txt")" -gt 150 ]
walk .1.3.6.1.4.1.23629 >"$D/walk.txt" 2>&1
check "the MIBs name every object served" lacks -v '^SAFENET-\(HSM\|APPLIANCE\)-MIB::' "$D/walk.txt"
check "the subagent logged no errors" lacks -i 'error\|cannot\|refused\|warning' "$D/snmp/luna-snmp.log"
finish
