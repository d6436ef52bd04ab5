#!/bin/bash
# lunash refuses bad input over ssh with the reference's layout, a non-zero Command Result and
# exit status, and nothing applied; each role sees exactly its commands; hsmd's own refusals
# come back as the reference's failure line; no way out to a Linux shell.
. "$(dirname "$0")/lunash-lib.sh"
lunash_up
expect "admin Init (through luna-client)" hardInit=true "$(client $ADMIN init itest-hsm $SO_PW dom-1234)"

# refused USER COMMAND MESSAGE: one bad command: message, shell failure result, exit status 1.
refused() {
  local out; out=$(sh_cmd "$1" "$2")
  expect_contains "$2 ($1): message" "$3" "$out"
  expect_contains "$2 ($1): Command Result 65535" "Command Result : 65535 (Luna Shell execution)" "$out"
  expect_contains "$2 ($1): exit status 1" "rc=1" "$out"
}
refused admin 'frob' "Error: Unknown command 'frob'."
refused admin 'h' "Error: Ambiguous command 'h' (matches: help, hsm)."
refused admin 'hsm init' "Error: Missing required parameter '-label' for 'hsm init'."
refused admin 'hsm init -label' "Error: Parameter '-label' needs a value: -label <hsm_label>."
refused admin 'hsm show extra' "Error: Unexpected argument 'extra' for 'hsm show'."
refused admin 'hsm show -x' "Error: Unknown parameter '-x' for 'hsm show'."
refused admin 'partition create -partition p1 -size 12k' "Error: Invalid value '12k' for -size: a decimal number is required."
refused admin 'hsm init -d x -label y' "Error: Ambiguous parameter '-d' for 'hsm init' (matches: -defaultdomain, -domain)."
out=$(sh_cmd admin 'partition create -partition p1 -size 12k')
expect_contains "a bad argument shows the command's syntax" \
  "Syntax: partition create -partition <name> [-size <bytes>] [-allfreestorage] [-force]" "$out"
refused monitor 'hsm init -label x -password sopin-9999 -domain d -force' "Error: The monitor role may not run 'hsm init'."
refused operator 'hsm zeroize -force' "Error: The operator role may not run 'hsm zeroize'."
refused monitor 'partition create -partition p1 -force' "Error: The monitor role may not run 'partition create'."
expect "nothing applied: still initialized, label kept" itest-hsm "$(prop Label)"

# hsmd's refusals: not logged in (this is a new ssh session), wrong password.
refused admin 'partition create -partition p1 -force' "Error: 'partition create' failed. ("
out=$(sh_cmd admin 'partition create -partition p1 -force')
expect_contains "the failure names the CKR" "USER_NOT_LOGGED_IN" "$out"
refused admin 'hsm login -password wrong-pass' "Error: 'hsm login' failed. ("
expect "nothing applied: no partition" 0 "$(prop PartitionCount)"

# Factory reset is for the local serial console only.
refused admin 'hsm factoryreset -force' "Error:        'hsm factoryReset' can only be run from the local"
expect "factory reset refused: HSM still initialized" true "$(prop Initialized)"

# Quitting a confirmation applies nothing.
out=$(printf 'hsm zeroize\nquit\n' | sh_session admin)
expect_contains "quit at the confirmation" "Command aborted." "$out"
expect "quit: HSM still initialized" true "$(prop Initialized)"

# No shell escape: whatever sshd hands lunash is a lunash command line.
refused admin 'sh -c id' "Error: Unknown command 'sh'."
refused admin 'scp -t /tmp/x' "Error: Unknown command 'scp'."
out=$(luna_ssh "$T" admin -s sftp </dev/null 2>&1) || true
expect_lacks "no sftp subsystem" "sftp>" "$out"

# Each role's command list, from the rows.
for role in admin operator monitor; do
  out=$(sh_cmd $role help)
  for g in help exit hsm partition status; do expect_match "$role sees $g" "^$g +" "$out"; done
  expect_contains "$role: help succeeds" "rc=0" "$out"
done
hsm_list() { sh_cmd "$1" 'hsm -help' | awk '/^Name/ { on = 1; next } on && NF { print $1 }' | grep -v '^Command$\|^rc=' | tr '\n' ' '; }
expect "admin's hsm commands" "changepolicy changepw factoryreset information init login logout show showpolicies zeroize " "$(hsm_list admin)"
expect "operator's hsm commands" "information login logout show showpolicies " "$(hsm_list operator)"
expect "monitor's hsm commands" "information show showpolicies " "$(hsm_list monitor)"
par_list() { sh_cmd "$1" 'partition ?' | awk '/^Name/ { on = 1; next } on && NF { print $1 }' | grep -v '^Command$\|^rc=' | tr '\n' ' '; }
expect "operator's partition commands" "create delete list rename resize show " "$(par_list operator)"
expect "monitor's partition commands" "list show " "$(par_list monitor)"
finish
