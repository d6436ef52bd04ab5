#!/bin/bash
# lunash's client, ntls and sysconf regencert/fingerprint commands over a real sshd, against
# ntlsd and hsmd: output per the LunaSH reference, roles, bad input refused with nothing
# applied, registrations that survive an ntlsd restart.
. "$(dirname "$0")/lunash-lib.sh"
. "$(dirname "$0")/ntls-lib.sh"
ntls_up
luna_sshd_up "$T" "$LUNA_LUNASH" "DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SYSTEM_BUS_ADDRESS" "LUNA_ROLES_FILE=$T/roles"
client 0 init ntls-hsm "$SO_PW" dom-1234 -- login "$SO_PW" -- create p1 0 -- create p2 0 >/dev/null
server_pem "$T/server.pem"

# The client's certificate, where scp would have put it: the admin's home, named by its IP.
client_cert alpha
install -m 0644 "$T/certs/alpha.pem" "$T/ssh/home/admin/127.0.0.1.pem"
install -m 0644 "$T/certs/alpha.pem" "$T/ssh/home/operator/bravo-host.pem"

out=$(sh_cmd admin 'client register -client alpha -ip 127.0.0.1')
expect_contains "client register" "'client register' successful." "$out"
expect_contains "client register: Command Result 0" "Command Result : 0 (Success)" "$out"
out=$(sh_cmd admin 'client register -client beta -ip 10.1.1.1')
expect_contains "register without the certificate file is refused" "Error: The client certificate file 10.1.1.1.pem was not found." "$out"
expect_contains "... with result 65535" "Command Result : 65535 (Luna Shell execution)" "$out"
out=$(sh_cmd admin 'client register -client beta')
expect_contains "register needs -hostname or -ip" "Error: Specify either -hostname or -ip for the client." "$out"
out=$(sh_cmd operator 'client register -client bravo -hostname bravo-host')
expect_contains "the same certificate under another name is refused" "CKR_CERTIFICATE_IN_USE" "$out"
out=$(sh_cmd monitor 'client register -client gamma -ip 127.0.0.1')
expect_contains "monitor may not register" "Error: The monitor role may not run 'client register'." "$out"
out=$(sh_cmd monitor 'client list')
expect_contains "client list (monitor)" "registered client 1: alpha" "$out"
expect_lacks "nothing applied by the refusals" "beta" "$out"

out=$(sh_cmd admin 'client assignpartition -client alpha -partition p1')
expect_contains "client assignpartition" "'client assignPartition' successful." "$out"
out=$(sh_cmd operator 'client assignPartition -c alpha -p p9')
expect_contains "assigning a missing partition" "CKR_PARTITION_NOT_FOUND" "$out"
out=$(sh_cmd monitor 'client show -client alpha')
expect_contains "client show: ClientID" "ClientID:                alpha" "$out"
expect_contains "client show: IPAddress" "IPAddress:               127.0.0.1" "$out"
expect_contains "client show: Partitions" 'Partitions:              "p1"' "$out"
fp=$(openssl x509 -in "$T/certs/alpha.pem" -noout -fingerprint -sha1 | cut -d= -f2)
expect_contains "client fingerprint" "Certificate fingerprint: $fp" "$(sh_cmd admin 'client fingerprint -client alpha')"
expect_contains "a client with its partition connects" "slots: " "$(nc_client alpha slots)"

out=$(sh_cmd admin 'client hostip map -client alpha -ipaddress 10.0.0.5')
expect_contains "client hostip map" "Command Result : 0 (Success)" "$out"
out=$(sh_cmd monitor 'client hostip show')
expect_contains "client hostip show: heading" "Client Name                 Host Name                 Host IP" "$out"
expect_contains "client hostip show: row" "alpha                       alpha                     10.0.0.5" "$out"
expect_contains "hostip map of a bad address" "CKR_ADDRESS_INVALID" "$(sh_cmd admin 'client hostip map -client alpha -ipaddress 10.0.0')"
sh_cmd admin 'client hostip unmap -client alpha' >/dev/null
expect_lacks "client hostip unmap" "10.0.0.5" "$(sh_cmd admin 'client hostip show')"
out=$(sh_cmd admin 'client revokepartition -client alpha -partition p1')
expect_contains "client revokepartition" "'client revokePartition' successful." "$out"
expect_lacks "revoked partition gone from client show" '"p1"' "$(sh_cmd admin 'client show -client alpha')"

# ---- ntls ---------------------------------------------------------------------------------------
expect_contains "ntls show" 'NTLS is currently bound to IP Address: "127.0.0.1"' "$(sh_cmd monitor 'ntls show')"
expect_contains "ntls ipcheck show" "NTLS client source IP validation : Enable" "$(sh_cmd monitor 'ntls ipcheck show')"
expect_contains "ntls ipcheck disable" "NTLS client source IP validation disabled" "$(sh_cmd admin 'ntls ipcheck disable')"
expect_contains "ntls ipcheck show after disable" "NTLS client source IP validation : Disable" "$(sh_cmd monitor 'ntls ipcheck show')"
sh_cmd admin 'ntls ipcheck enable' >/dev/null
expect_contains "ntls timer show (default)" "NTLS Receive timeout timer is set to default at 20 seconds." "$(sh_cmd monitor 'ntls timer show')"
sh_cmd operator 'ntls timer set -timeout 30' >/dev/null
expect_contains "ntls timer set 5 is refused" "Error: -timeout must be 10 to 300 seconds." "$(sh_cmd admin 'ntls timer set -timeout 5')"
expect_contains "ntls timer show" "NTLS Receive timeout timer is set to 30 seconds." "$(sh_cmd monitor 'ntls timer show')"
expect_contains "monitor may not set the timer" "Error: The monitor role may not run 'ntls timer set'." \
  "$(sh_cmd monitor 'ntls timer set -timeout 40')"
out=$(sh_cmd admin 'ntls threads set -cmdprocessor 40 -datapath 10')
expect_contains "ntls threads set" "NOTICE: The NTLS and STCD services must be restarted for new settings to take effect." "$out"
expect_contains "ntls threads set -datapath 99 is refused" "Error: -datapath must be 1 to 15." "$(sh_cmd admin 'ntls threads set -datapath 99')"
out=$(sh_cmd monitor 'ntls threads show')
expect_contains "ntls threads show: data path" " Data path     : 10 threads" "$out"
expect_contains "ntls threads show: cmd processor" " CMD processor : 40 threads" "$out"
out=$(sh_cmd admin 'ntls tcp_keepalive set -idle 200 -interval 150 -probes 15')
expect_contains "ntls tcp_keepalive set" "NOTICE: The NTLS service must be restarted for new settings to take effect." "$out"
expect_contains "ntls tcp_keepalive set -probes 31 is refused" "Error: -probes must be 1 to 30." \
  "$(sh_cmd admin 'ntls tcp_keepalive set -idle 200 -interval 150 -probes 31')"
out=$(sh_cmd monitor 'ntls tcp_keepalive show')
expect_contains "tcp_keepalive show: idle" " TCP_KEEPIDLE : 200" "$out"
expect_contains "tcp_keepalive show: count" " TCP_KEEPCNT   : 15" "$out"
out=$(sh_cmd monitor 'ntls information show')
expect_contains "ntls information show: status" "  Operational Status:                                                            1 (up)" "$out"
expect_match "ntls information show: successful connections" "Successful Client Connections: +[1-9]" "$out"
sh_cmd admin 'ntls information reset' >/dev/null
expect_contains "ntls information reset" "  Successful Client Connections:                                                 0" \
  "$(sh_cmd monitor 'ntls information show')"
out=$(sh_cmd monitor 'ntls certificate show')
expect_contains "ntls certificate show" "NTLS Server Certificate:" "$out"
expect_contains "ntls certificate show: signature" "Signature Algorithm: sha256WithRSAEncryption" "$out"
out=$(sh_cmd admin 'ntls certificate monitor trap trigger -preexpiry 30 -trapinterval 6')
expect_contains "trap trigger" "Certificate expiry trap is configured to be sent 30 days before the Certificate expiry day" "$out"
sh_cmd admin 'ntls certificate monitor enable' >/dev/null
expect_contains "certificate monitor show" "NTLS Server Certificate Expiry Monitor is enabled." "$(sh_cmd monitor 'ntls certificate monitor show')"
out=$(sh_cmd admin 'ntls bind eth0 -force')
expect_contains "ntls bind" "NTLS binding set to network device eth0." "$out"
expect_contains "ntls bind restarts the listener" "Starting ntls:" "$out"
expect_contains "ntls bind eth7 is refused" "Error: Invalid value 'eth7'" "$(sh_cmd admin 'ntls bind eth7 -force')"
expect "the binding is kept" 's "eth0"' "$(ntls_prop BindDevice)"

# ---- sysconf --------------------------------------------------------------------------------------
fp=$(ntls_prop CertificateFingerprint | cut -d'"' -f2)
expect_contains "sysconf fingerprint ntls" "NTLS server certificate fingerprint: $fp" "$(sh_cmd monitor 'sysconf fingerprint ntls')"
expect_contains "operator may not regencert" "Error: The operator role may not run 'sysconf regencert'." \
  "$(sh_cmd operator 'sysconf regencert -force')"
expect_contains "regencert with a bad IP is refused" "Error: '999.1.1.1' is not an IP address." \
  "$(sh_cmd admin 'sysconf regencert 999.1.1.1 -force')"
expect_contains "regencert -days 4000 is refused" "Error: -days must be 1 to 3653." "$(sh_cmd admin 'sysconf regencert -days 4000 -force')"
expect "nothing applied by the refusals" "$fp" "$(ntls_prop CertificateFingerprint | cut -d'"' -f2)"
out=$(sh_cmd admin 'sysconf regencert 127.0.0.1 -days 365 -force')
expect_contains "sysconf regencert" "'sysconf regenCert' successful. The NTLS, STC and CBS services must be (re)started before clients" "$out"
new=$(ntls_prop CertificateFingerprint | cut -d'"' -f2)
[ "$new" != "$fp" ] && pass "regencert made a new certificate" || fail "fingerprint unchanged"

# ---- the registry survives an ntlsd restart; delete ------------------------------------------------
ntlsd_down; ntlsd_up
expect_contains "client list after an ntlsd restart" "registered client 1: alpha" "$(sh_cmd monitor 'client list')"
out=$(printf 'client delete -client alpha\nquit\n' | luna_ssh "$T" admin 2>&1 || true)
expect_contains "client delete asks first" "CAUTION:  Are you sure you wish to delete client named:" "$out"
expect_contains "client list after quitting: still there" "registered client 1: alpha" "$(sh_cmd monitor 'client list')"
expect_contains "client delete -force" "'client delete' successful." "$(sh_cmd admin 'client delete -client alpha -force')"
expect_contains "client list empty" "There are no registered clients." "$(sh_cmd monitor 'client list')"
expect_contains "client show of a deleted client" "CKR_CLIENT_NOT_FOUND" "$(sh_cmd monitor 'client show -client alpha')"
finish
