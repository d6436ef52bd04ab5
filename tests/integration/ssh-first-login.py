#!/usr/bin/python3
# ssh-first-login PORT KNOWN_HOSTS USER OLD NEW [WEAK]: a password login on a terminal whose
# password must be changed first (chage -d 0): sshd runs passwd before anything else, then
# closes the session. With WEAK, that is offered first and must be refused by the appliance's
# rule (pam_pwquality: fewer than 3 character classes). Prints the transcript; exits 0 if
# passwd reported success.
import sys

import pexpect

port, known, user, old, new = sys.argv[1:6]
weak = sys.argv[6] if len(sys.argv) > 6 else None
child = pexpect.spawn(
    "ssh",
    ["-F", "/dev/null", "-p", port, "-o", "UserKnownHostsFile=" + known, "-o", "StrictHostKeyChecking=yes",
     "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password", "-tt", user + "@127.0.0.1"],
    encoding="utf-8", timeout=20, env={"PATH": "/usr/bin:/bin", "TERM": "vt100"})
child.logfile_read = sys.stdout
try:
    child.expect("password:")
    child.sendline(old)
    child.expect("You must change your password now")
    child.expect("(?i)current password:")
    child.sendline(old)
    child.expect("(?i)new password:")
    if weak:
        child.sendline(weak)
        child.expect("BAD PASSWORD: The password contains less than 3 character classes")
        child.expect("(?i)new password:")
    child.sendline(new)
    child.expect("(?i)retype new password:")
    child.sendline(new)
    child.expect("(?i)password updated successfully|all authentication tokens updated successfully")
    child.expect(pexpect.EOF)
except (pexpect.TIMEOUT, pexpect.EOF) as e:
    print("\nssh-first-login: " + type(e).__name__)
    sys.exit(1)
sys.exit(0)
