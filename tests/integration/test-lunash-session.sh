#!/bin/bash
# The scripted session of issue 3 over a real sshd, as an admin would type it: hsm init ->
# hsm login -> partition create -> partition list -> hsm show -> hsm zeroize, in one ssh
# session (the HSM SO login belongs to that session's bus connection). Outputs are checked
# against the reference's layout and against hsmd's live values.
. "$(dirname "$0")/lunash-lib.sh"
lunash_up

out=$(sh_cmd admin 'hsm show')
expect_contains "ssh admin 'hsm show' succeeds" "Command Result : 0 (Success)" "$out"
expect_contains "exit status 0" "rc=0" "$out"
expect "label of a fresh HSM" "no label" "$(field 'HSM Label:' "$out")"
expect "serial is hsmd's" "$(prop SerialNumber)" "$(field 'Serial #:' "$out")"
expect "model says simulated" "Luna K7 (simulated)" "$(field 'HSM Model:' "$out")"
expect "zeroized HSM: attempts line" "HSM is zeroized!" "$(field 'HSM Admin login attempts left:' "$out")"
expect_match "value column is 65 (reference layout)" '^Serial #: {55}[0-9]' "$(grep '^Serial #:' <<<"$out")"
expect_contains "simulated battery is labelled" "Battery Voltage:                                                3.093 V (simulated)" "$out"

transcript=$(printf '%s\n' \
  'hsm init -label itest-hsm -password sopin-1234 -domain dom-1234' proceed \
  'hsm login -password sopin-1234' \
  'par cr -par p1' proceed \
  'partition list' \
  'hsm sh' \
  'hsm zeroize' proceed \
  'hsm show' \
  exit | sh_session admin)
echo "$transcript" | sed 's/^/    | /'
expect "every command of the session succeeded" 7 "$(grep -c '^Command Result : 0 (Success)$' <<<"$transcript")"
expect_contains "session exit status 0" "rc=0" "$transcript"
expect_contains "init asks for confirmation" "Type 'proceed' to initialize the HSM, or 'quit'" "$transcript"
expect_contains "init succeeds" "'hsm init' successful." "$transcript"
expect_contains "login succeeds" "'hsm login' successful." "$transcript"
expect_contains "create asks for confirmation" "Type 'proceed' to create the partition, or" "$transcript"
expect_contains "create succeeds (short forms par cr -par)" "'partition create' successful." "$transcript"
expect_contains "zeroize asks for confirmation" "CAUTION: Are you sure you wish to zeroize this HSM?" "$transcript"
expect_contains "zeroize succeeds" "'hsm zeroize' successful." "$transcript"

# The partition list row, with hsmd's serial and sizes (the partition is gone now: the
# session's own 'hsm show' before zeroize carries the live values).
list=$(sed -n '/^lunash:>partition list$/,/^Command Result/p' <<<"$transcript")
expect_contains "partition list header" " Partition            Name                   Objects   Total    Used    Free" "$list"
expect_match "partition list row" '^ [0-9]+ +p1 +0 +[0-9]+ +0 +[0-9]+$' "$list"
show=$(sed -n '/^lunash:>hsm sh$/,/^Command Result/p' <<<"$transcript")
expect "hsm show: label" itest-hsm "$(field 'HSM Label:' "$show")"
expect "hsm show: the session is logged in" "Logged In" "$(field 'HSM Admin login status:' "$show")"
expect "hsm show: attempts left" "3 before HSM zeroization!" "$(field 'HSM Admin login attempts left:' "$show")"
serial=$(awk '$2 == "p1" { print $1 }' <<<"$list")
expect_contains "hsm show lists the partition" "Partition:         $serial, Name: p1" "$show"
expect "hsm show: partitions created" 1 "$(field 'Number of partitions created:' "$show")"
total=$(field 'Maximum HSM Storage Space (Bytes):' "$show")
used=$(field 'Space In Use (Bytes):' "$show")
free=$(field 'Free Space Left (Bytes):' "$show")
expect "storage adds up" "$total" "$((used + free))"
expect "storage total is hsmd's" "$(prop StorageTotal)" "$total"
after=$(sed -n '/^lunash:>hsm show$/,/^Command Result/p' <<<"$transcript")
expect "after zeroize: no partitions" "There are no partitions." "$(grep -m1 'no partitions' <<<"$after")"
expect "after zeroize: hsmd agrees" 0 "$(prop PartitionCount)"
expect "after zeroize: not initialized" false "$(prop Initialized)"

# The login belonged to that ssh session: a new one is not logged in.
out=$(sh_cmd operator 'hsm show')
expect "a new session is not logged in" "Not Logged In" "$(field 'HSM Admin login status:' "$out")"

# Password login (sshpass) works as well as keys.
out=$(luna_ssh_password "$T" operator 'partition list' </dev/null 2>&1) || true
expect_contains "operator by password: partition list" "Command Result : 0 (Success)" "$out"
finish
