#!/bin/bash
# LunaSH `syslog ...` on the real rsyslog under real systemd: remote hosts over RELP, TCP and
# UDP reach a real rsyslogd receiver (the SIEM, imrelp/imtcp/imudp on loopback ports); bad
# hosts and ports are refused with a clear message and change nothing; a configuration that
# rsyslogd refuses at activation is rolled back; severity, rotation, tail and the archives.
. "$(dirname "$0")/platform-lib.sh"
plat_up
siem_up
DROPIN=/etc/rsyslog.d/60-luna.conf
dropin() { in_sandbox cat "$DROPIN" 2>/dev/null || true; }
rsyslog_pid() { unit_prop rsyslog.service MainPID; }
send() { in_sandbox logger -p "${2:-local5.info}" -t lunatest "$1"; }

# ---- RELP
pid0=$(rsyslog_pid)
out=$(lsh admin syslog remotehost add -host 127.0.0.1 -protocol relp -port 15515)
expect_match "admin adds a RELP remote host" "127.0.0.1 added successfully" "$out"
expect_match "the drop-in forwards with omrelp" 'type="omrelp".*target="127.0.0.1" port="15515"' "$(dropin)"
expect_no_match "rsyslog was restarted (new main PID)" "^$pid0\$" "$(rsyslog_pid)"
expect "rsyslog is active" active "$(unit_prop rsyslog.service ActiveState)"
send "relp-message-$$"
wait_for_line "$T/siem/relp.log" "relp-message-$$" && pass "the SIEM got the message over RELP" \
  || fail "the SIEM got nothing over RELP: $(cat "$T/siem/relp.log" 2>/dev/null; tail -5 "$T/siem/internal.log" 2>/dev/null)"

# ---- TCP and UDP
# Each remote host is one address (the list's key): TCP and UDP go to other loopback addresses.
expect_match "operator adds a TCP remote host" "added successfully" "$(lsh operator syslog remotehost add -host 127.0.0.2 -protocol tcp -port 15514)"
expect_match "a UDP remote host (the default protocol)" "added successfully" "$(lsh admin syslog remotehost add -host 127.0.0.3 -port 15514)"
expect_match "a host name and an IPv6 address are accepted" "added successfully" "$(lsh admin syslog remotehost add -host siem.example.com -protocol tcp)"
expect_match "an IPv6 address" "added successfully" "$(lsh admin syslog remotehost add -host ::1 -protocol udp -port 15599)"
expect_match "the name is listed" "siem.example.com:514, tcp" "$(lsh admin syslog remotehost list)"
lsh admin syslog remotehost delete -host siem.example.com >/dev/null
lsh admin syslog remotehost delete -host ::1 >/dev/null
send "tcp-udp-message-$$"
wait_for_line "$T/siem/tcp.log" "tcp-udp-message-$$" && pass "the SIEM got the message over TCP" || fail "nothing over TCP"
wait_for_line "$T/siem/udp.log" "tcp-udp-message-$$" && pass "the SIEM got the message over UDP" || fail "nothing over UDP"
list=$(lsh monitor syslog remotehost list)
expect_match "monitor may not list remote hosts" "CKR_ACCESS_DENIED|may not run" "$list"
list=$(lsh operator syslog remotehost list)
expect_match "the list shows the RELP host" "127.0.0.1:15515, relp" "$list"
expect_match "the list shows the TCP host" "127.0.0.2:15514, tcp" "$list"
expect_match "the list shows the UDP host" "127.0.0.3:15514, udp" "$list"

# ---- bad input changes nothing
before=$(dropin) pid1=$(rsyslog_pid)
out=$(lsh admin syslog remotehost add -host 'bad_host!' -protocol udp)
expect_match "a bad host name is refused with a clear message" "'bad_host!' is not a valid host name or IP address" "$out"
expect_match "... and the command fails" "CKR_CONFIG_VALUE_INVALID" "$out"
out=$(lsh admin syslog remotehost add -host 300.1.2.3)
expect_match "an IPv4 address out of range is refused" "not a valid host name or IP address" "$out"
out=$(lsh admin syslog remotehost add -host 10.0.0.9 -port 70000)
expect_match "port 70000 is refused" "out of range" "$out"
out=$(bcall admin Syslog AddRemoteHost sqs 10.0.0.9 0 udp)
expect_match "port 0 is refused by sysconfd" "Port 0 is out of range" "$out"
out=$(bcall admin Syslog AddRemoteHost sqs 10.0.0.9 514 sctp)
expect_match "an unknown protocol is refused by sysconfd" "'sctp' is not a protocol" "$out"
out=$(bcall admin Syslog AddRemoteHost sqs 'x" then action(type="omfile" file="/etc/passwd")' 514 udp)
expect_match "rsyslog syntax as a host is refused" "is not a valid host name or IP address" "$out"
out=$(lsh admin syslog remotehost add -host 127.0.0.2 -protocol udp)
expect_match "a host added twice is refused" "already a remote logging server" "$out"
out=$(lsh monitor syslog remotehost add -host 10.0.0.9)
expect_match "monitor may not add" "may not run|CKR_ACCESS_DENIED" "$out"
out=$(bcall monitor Syslog AddRemoteHost sqs 10.0.0.9 514 udp)
expect_match "sysconfd refuses monitor itself" "The monitor role may not run this command" "$out"
expect "refusals left the drop-in as it was" "$before" "$(dropin)"
expect "refusals did not restart rsyslog" "$pid1" "$(rsyslog_pid)"
expect_match "refusals are logged" "refused Syslog.AddRemoteHost from monitor" \
  "$(in_sandbox journalctl --no-pager -o cat -u sysconfd.service)"

# ---- activation failure: rsyslogd refuses the whole configuration -> the drop-in comes back
in_sandbox cp /etc/rsyslog.conf "$T/rsyslog.conf.good"
in_sandbox sh -c 'echo "this is not rsyslog syntax {" >>/etc/rsyslog.conf'
out=$(lsh admin syslog remotehost add -host 192.0.2.7)
expect_match "an activation rsyslogd refuses fails" "CKR_CONFIG_ACTIVATION_FAILED" "$out"
expect_match "... saying why" "rsyslogd refused it" "$out"
expect "... and the previous drop-in is back" "$before" "$(dropin)"
in_sandbox cp "$T/rsyslog.conf.good" /etc/rsyslog.conf

# ---- severity
out=$(lsh admin syslog severity set -logname lunalogs -loglevel crit)
expect_match "local severity of lunalogs" 'log level: "crit" will be logged' "$out"
expect_match "the drop-in filters lunalogs at crit" 'syslogfacility == 21\) and \$syslogseverity <= 2 then' "$(dropin)"
expect_match "remote severity for a host" "Success" "$(lsh admin syslog severity set -logname cron -loglevel debug -host 127.0.0.2)"
expect_match "messages has no local level" "not user configurable" "$(lsh admin syslog severity set -logname messages -loglevel err)"
expect_match "an unknown level is refused" "is not a log level" "$(lsh admin syslog severity set -logname lunalogs -loglevel loud)"
expect_match "an unknown host is refused" "is not a remote logging server" "$(lsh admin syslog severity set -logname cron -loglevel err -host 10.9.9.9)"
expect_match "operator may not set severity" "may not run|ACCESS_DENIED" "$(lsh operator syslog severity set -logname lunalogs -loglevel info)"
show=$(lsh monitor syslog show)
expect_match "show: local lunalogs level" "lunalogs +crit" "$show"
expect_match "show: messages logs everything" "messages +\*" "$show"
expect_match "show: remote cron level of 127.0.0.2" "127.0.0.2 +debug" "$show"
lsh admin syslog severity set -logname lunalogs -loglevel info >/dev/null

# ---- tail
send "tail-me-$$" local5.info
sleep 1
expect_match "syslog tail finds the message in lunalogs" "tail-me-$$" "$(lsh monitor syslog tail -logname lunalogs -entries 5)"
expect_match "syslog tail -search" "tail-me-$$" "$(lsh monitor syslog tail -logname lunalogs -search tail-me)"
expect "syslog tail -entries 0" "Command Result : 0 (Success)" "$(lsh monitor syslog tail -logname lunalogs -entries 0 | grep -v '^$')"
out=$(lsh admin syslog tail -logname hsm)
expect_match "the hsm log does not exist" "HSM log does not exist" "$out"
expect_match "... as a shell error" "65535" "$out"

# ---- rotation
expect_match "rotations" "Log rotations set to 5." "$(lsh operator syslog rotations 5)"
expect_match "period" "Log period set to daily." "$(lsh operator syslog period daily)"
expect_match "rotations out of range" "between 1 and 100" "$(lsh operator syslog rotations 101)"
expect_match "period unknown" "Invalid value|yearly" "$(lsh operator syslog period yearly)"
lr=$(in_sandbox cat /etc/logrotate.d/luna)
expect_match "logrotate file: daily" "^    daily" "$lr"
expect_match "logrotate file: 5 rotations keep 4 old sets" "rotate 4" "$lr"
show=$(lsh monitor syslog show -files)
expect_match "show: rotations" "Rotations: +5" "$show"
expect_match "show: period" "Rotation Period: +daily" "$show"
expect_match "show -files lists lunalogs (size, then the date as the reference prints it)" \
  "^lunalogs +[0-9]+ [A-Z][a-z]{2} [1-9][0-9]? [0-9]{2}:[0-9]{2}$" "$show"
expect_match "rotate" "Success" "$(lsh operator syslog rotate)"
expect_match "a rotated lunalogs exists" "lunalogs-[0-9]{4}-[0-9]{2}-[0-9]{2}" "$(in_sandbox ls /var/log)"
expect_match "a second rotation the same day is refused" "more than once per day" "$(lsh operator syslog rotate)"

# ---- archives land in the user's file area
expect_match "tarlogs" "filename 'logs.tgz'" "$(lsh monitor syslog tarlogs)"
expect_match "logs.tgz holds lunalogs" "lunalogs" "$(in_sandbox tar -tzf /home/monitor/logs.tgz)"
expect "logs.tgz belongs to monitor" monitor "$(in_sandbox stat -c %U /home/monitor/logs.tgz)"
expect_match "export" 'file named: "syslog"' "$(lsh operator syslog export)"
expect "syslog export is operator's" operator "$(in_sandbox stat -c %U /home/operator/syslog)"
out=$(lsh admin syslog cleanup -force)
expect_match "cleanup archives first" 'logs_cleanup_[0-9_]+\.tgz' "$out"
expect "cleanup deleted the rotated logs" "" "$(in_sandbox ls /var/log | grep -E '^lunalogs-' || true)"

# ---- delete and clear
expect_match "delete" "Success" "$(lsh admin syslog remotehost delete -host 127.0.0.2)"
expect_no_match "the TCP host is gone" "127.0.0.2:15514" "$(lsh admin syslog remotehost list)"
expect_match "deleting it again is refused" "is not a remote logging server" "$(lsh admin syslog remotehost delete -host 127.0.0.2)"
expect_match "clear" "Success" "$(lsh admin syslog remotehost clear -force)"
expect_no_match "no remote action is left" "omfwd|omrelp" "$(dropin)"
finish
