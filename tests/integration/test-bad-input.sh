#!/bin/bash
# Bad arguments are refused with a named error and leave the HSM as it was.
. "$(dirname "$0")/lib.sh"
appliance_up
range="ERROR $ERR.CKR_PIN_LEN_RANGE:"

expect_match "Init with a 3-character SO password is refused" "^$range" "$(client $ADMIN init lab abc dom)"
expect "HSM still zeroized" Zeroized "$(prop Status)"
expect "HSM still not initialized" false "$(prop Initialized)"
expect_match "Init with a 257-character SO password is refused" "^$range" \
  "$(client $ADMIN init lab "$(printf 'p%.0s' $(seq 257))" dom)"
expect "HSM still zeroized" Zeroized "$(prop Status)"
expect "Init with a 7-character SO password is accepted" hardInit=true "$(client $ADMIN init lab 7chars! dom)"
expect "HSM initialized" OK "$(prop Status)"
expect_match "Login with a wrong password is refused" "^ERROR $ERR.CKR_PIN_INCORRECT:" \
  "$(client $ADMIN login wrong-password)"
finish
