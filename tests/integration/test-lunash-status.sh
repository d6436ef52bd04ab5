#!/bin/bash
# The status group over ssh as the monitor would run it: every sub-command of the reference
# (cpu, date, disk, handles, interface, mac, mem, memmap, netstat, ps, sensors, sysstat, time,
# zone), its layout as the reference's example, and its values against the live machine
# (/proc, /sys, the processes and sockets this test started).
. "$(dirname "$0")/lunash-lib.sh"
lunash_up
hsmd_pid=$(cat "$T/hsmd.pid")
port=$(cat "$T/ssh/port")

# run COMMAND: `ssh monitor 'COMMAND'` must succeed; its output without the Command Result
# lines and blank lines is left in $body.
run() {
  local out; out=$(sh_cmd monitor "$1")
  expect_contains "$1: Command Result 0" "Command Result : 0 (Success)" "$out"
  body=$(sed '/^Command Result/,$d' <<<"$out" | sed '/^$/d')
}

run 'status cpu'; out=$body
expect "cpu: title" "CPU Load Averages:" "$(sed -n 1p <<<"$out")"
expect_match "cpu: loads, running/total, last pid" '^[0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2} [0-9]+/[0-9]+ [0-9]+$' "$(sed -n 2p <<<"$out")"
expect "cpu: uptime title" "System uptime:" "$(sed -n 3p <<<"$out")"
expect_match "cpu: uptime line" '^At [A-Z][a-z]{2} [A-Z][a-z]{2} +[0-9]+ [0-9:]{8} .* [0-9]{4}, I am up ' "$(sed -n 4p <<<"$out")"

run 'status date'; out=$body
expect_match "date: the reference's layout, today" "^$(date '+%a %b') +$(date +%-d) [0-9:]{8} [A-Z+0-9-]+ $(date +%Y)$" "$out"
run 'status time'
expect_match "time: HH:MM.SS" '^[0-9]{2}:[0-9]{2}\.[0-9]{2}$' "$body"
run 'status zone'
expect "zone: the machine's zone" "$(date +%Z)" "$body"

run 'status disk'; out=$body
expect_contains "disk: utilization banner" "===================== Hard Disk utilization =====================" "$out"
expect_match "disk: df -k's header" '^Filesystem +1K-blocks +Used +Available +Use% +Mounted on$' "$out"
expect_match "disk: the root file system" ' /$' "$out"

run 'status mem'; out=$body
expect_match "mem: free's header" '^ +total +used +free +shared +buff/cache +available$' "$out"
expect "mem: total is the kernel's MemTotal" "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)" "$(awk '/^Mem:/ { print $2 }' <<<"$out")"

run 'status memmap'; out=$body
expect_match "memmap: the reference's columns" '^ +PID CMD +MAPPED\(K\) +WR/PR\(K\) +SHARED\(K\)$' "$(sed -n 1p <<<"$out")"
row=$(awk -v p="$hsmd_pid" '$1 == p' <<<"$out")
expect_match "memmap: hsmd's row" "^ +$hsmd_pid .*hsmd +[0-9]+ +[0-9]+ +[0-9]+$" "$row"
mapped=$(awk '{ print $(NF-2) }' <<<"$row")
vmsize=$(awk '/^VmSize:/ { print $2 }' "/proc/$hsmd_pid/status")
expect "memmap: hsmd's mapped size is its VmSize" "$vmsize" "$mapped"
[ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ] && expect_match "memmap: a kernel thread maps nothing" '^ +2 \[kthreadd\] +0 +0 +0$' "$out"

run 'status ps'; out=$body
expect_match "ps: ps aux's header" '^USER +PID +%CPU +%MEM ' "$out"
expect_match "ps: hsmd is listed" "^[^ ]+ +$hsmd_pid .*hsmd" "$out"

run 'status handles'; out=$body
expect_match "handles: header" '^ HANDLES +PID +CMD$' "$out"
expect_match "handles: monitor's own lunash" 'lunash$' "$out"
expect_match "handles: total" '^ +[0-9]+ +Total handles allocated\.$' "$out"

run 'status interface'; out=$body
expect_match "interface: lo" '^[0-9]+: lo: <LOOPBACK' "$out"
expect_contains "interface: its address" "inet 127.0.0.1/8 scope host lo" "$out"

run 'status mac'; out=$body
want=""
for d in /sys/class/net/*; do
  [ "$(basename "$d")" = lo ] && continue
  want+="$(basename "$d") $(cat "$d/address")"$'\n'
done
expect "mac: every interface and its address" "$(sort <<<"${want%$'\n'}")" "$(sort <<<"$out")"

run 'status netstat'; out=$body
expect_match "netstat: sshd's listening socket" "^tcp +[0-9]+ +[0-9]+ 127\.0\.0\.1:$port +0\.0\.0\.0:\* +LISTEN" "$out"

run 'status sensors'; out=$body
expect_contains "sensors: the reference's table header" "Sensor           | Reading    | Unit       |status | Thresholds" "$out"
expect_contains "sensors: says there is no BMC" "no baseboard management controller" "$out"
run 'status sensors -log'
expect_contains "sensors -log: no event log" "No sensor event log" "$body"

run 'status sysstat code all'; out=$body
expect_match "sysstat code: header" '^Code +State +Description$' "$out"
expect_match "sysstat code: 0 is ISO" '^0 +ISO +In service and operational\.$' "$out"
run 'status sysstat show'; out=$body
expect_contains "sysstat show: title" "System Status Monitor - Current Status" "$out"
expect_match "sysstat show: hostname" "Hostname: +$(hostname)$" "$out"

# The reference's short forms.
run 'sta memm'
expect_match "sta memm is status memmap" '^ +PID CMD +MAPPED' "$(sed -n 1p <<<"$body")"
run 'sta se'
expect_contains "sta se is status sensors" "Sensor           |" "$body"
finish
