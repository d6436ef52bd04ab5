#!/usr/bin/python3
# ssh-key-first-login PORT KNOWN_HOSTS USER KEYFILE NEW: a public-key login on a terminal whose
# password must be changed first: sshd lets the key through, lunash asks for the new password
# before anything else (docs/sysconfd.md), then ends the session. Prints the transcript; exits
# 0 if the change was reported done, 2 if it was refused (its message is in the transcript).
import sys

import pexpect

port, known, user, key, new = sys.argv[1:6]
child = pexpect.spawn(
    "ssh",
    ["-F", "/dev/null", "-p", port, "-o", "UserKnownHostsFile=" + known, "-o", "StrictHostKeyChecking=yes",
     "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", key, "-tt", user + "@127.0.0.1"],
    encoding="utf-8", timeout=20, env={"PATH": "/usr/bin:/bin", "TERM": "vt100"})
child.logfile_read = sys.stdout
try:
    child.expect_exact("WARNING: Your password has expired.")
    child.expect_exact("You must change your password now and login again!")
    child.expect_exact("New password: ")
    child.sendline(new)
    child.expect_exact("Retype new password: ")
    child.sendline(new)
    done = child.expect_exact(["passwd: all authentication tokens updated successfully.",
                               "passwd: password unchanged"])
    child.expect(pexpect.EOF)
except (pexpect.TIMEOUT, pexpect.EOF) as e:
    print("\nssh-key-first-login: " + type(e).__name__)
    sys.exit(1)
sys.exit(0 if done == 0 else 2)
