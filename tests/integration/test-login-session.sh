#!/bin/bash
# The HSM SO login belongs to the bus connection that made it: it ends when that client exits,
# and it lasts across calls on the same connection.
. "$(dirname "$0")/lib.sh"
appliance_up
expect "admin Init" hardInit=true "$(client $ADMIN init itest-hsm $SO_PW dom-1234)"
policy=$(client $ADMIN policies | awk 'NR == 1 { print $1 }')
expect_match "HSM policies are listed" '^[0-9]+$' "$policy"

expect "a client logs in, sees it, and exits" true "$(client $ADMIN login $SO_PW -- login-state)"
expect "a second client is not logged in" false "$(client $ADMIN login-state)"
expect_match "a second client's ChangePolicy is refused" "^ERROR $ERR.CKR_USER_NOT_LOGGED_IN:" \
  "$(client $ADMIN change-policy "$policy" 1)"
expect_match "a second client's partition Create is refused" "^ERROR $ERR.CKR_USER_NOT_LOGGED_IN:" \
  "$(client $ADMIN create p-refused 0)"

out=$(client $ADMIN login $SO_PW -- create p-itest 0 -- list)
expect_match "login then Create in one connection succeeds" '^[0-9]+$' "$(sed -n 1p <<<"$out")"
expect_match "List in that connection shows the partition" '^[0-9]+ p-itest ' "$(sed -n 2p <<<"$out")"
expect_match "another client (monitor) lists it too" '^[0-9]+ p-itest ' "$(client $MONITOR list)"
expect "PartitionCount is 1" 1 "$(prop PartitionCount)"
expect "logout ends the login within a connection" false "$(client $ADMIN login $SO_PW -- logout -- login-state)"
finish
