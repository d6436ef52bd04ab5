#!/bin/bash
# hsmd authorizes from the caller's uid: a monitor reads but cannot change anything, a caller
# with no role is refused everything, the admin may initialize the HSM.
. "$(dirname "$0")/lib.sh"
appliance_up
denied="ERROR $ERR.CKR_ACCESS_DENIED:"

expect "factory-fresh HSM is zeroized" Zeroized "$(prop Status)"

# monitor: may read
expect "monitor reads Status" Zeroized "$(client $MONITOR get Status)"
expect_ok "monitor reads Label" "$(client $MONITOR get Label)"
expect "monitor lists partitions (none yet)" "" "$(client $MONITOR list)"
expect "monitor reads the login state" false "$(client $MONITOR login-state)"
# ... and may not change anything
expect_match "monitor Init is refused" "^$denied" "$(client $MONITOR init lab $SO_PW dom)"
expect "monitor's refused Init changed nothing" Zeroized "$(prop Status)"
expect "still not initialized" false "$(prop Initialized)"

# operator: not an admin, so no Init either
expect_match "operator Init is refused" "^$denied" "$(client $OPERATOR init lab $SO_PW dom)"

# no role: refused even reads (property reads: test-norole-properties.sh)
expect_match "no-role List is refused" "^$denied" "$(client $NOROLE list)"
expect_match "no-role GetLoginState is refused" "^$denied" "$(client $NOROLE login-state)"
expect_match "no-role Init is refused" "^$denied" "$(client $NOROLE init lab $SO_PW dom)"
expect "no-role's refused Init changed nothing" Zeroized "$(prop Status)"

# admin: hard init without login
expect "admin Init is a hard init" hardInit=true "$(client $ADMIN init itest-hsm $SO_PW dom-1234)"
expect "Status is OK after Init" OK "$(client $MONITOR get Status)"
expect "Label is set by Init" itest-hsm "$(client $MONITOR get Label)"
finish
