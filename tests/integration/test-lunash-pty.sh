#!/bin/bash
# An interactive lunash session over ssh on a pseudo-terminal (lunash-pty.py, pexpect):
# completion, abbreviation, confirmation prompt, silent password prompt, history.
. "$(dirname "$0")/lunash-lib.sh"
python3 -c 'import pexpect' 2>/dev/null || skip "python3-pexpect is not installed"
lunash_up
rc=0
# shellcheck disable=SC2046
python3 "$(dirname "$0")/lunash-pty.py" $(luna_ssh_base "$T" | cut -d' ' -f2-) -o BatchMode=yes \
  -o IdentitiesOnly=yes -i "$T/ssh/client/id_admin" admin@127.0.0.1 || rc=$?
expect "the pty session's checks" 0 "$rc"
expect "the session's login changed the HSM: initialized" true "$(prop Initialized)"
expect "label set in the session" pty-hsm "$(prop Label)"
finish
