#!/usr/bin/python3
# first-login USER OLD NEW [HOST PORT]: the first password login of an appliance user on the
# stock Debian sshd: the expired password (chage -d 0) must be changed first, then (in the
# same session or, as OpenSSH does when it ran passwd itself, in a new login with the new
# password) lunash runs `hsm show`. Prints the transcript; exits 0 if the password changed
# and lunash answered.
import sys

import pexpect

user, old, new = sys.argv[1:4]
host, port = (sys.argv[4], sys.argv[5]) if len(sys.argv) > 5 else ("127.0.0.1", "22")


def ssh(password_prompt_answer):
    child = pexpect.spawn(
        "ssh",
        ["-F", "/dev/null", "-p", port, "-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no",
         "-o", "LogLevel=ERROR", "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password",
         "-tt", user + "@" + host],
        encoding="utf-8", timeout=30, env={"PATH": "/usr/bin:/bin", "TERM": "vt100"})
    child.logfile_read = sys.stdout
    child.expect("password:")
    child.sendline(password_prompt_answer)
    return child


def hsm_show(child):
    child.expect("lunash:>")
    child.sendline("hsm show")
    child.expect(r"Command Result : 0 \(Success\)")
    child.expect("lunash:>")
    child.sendline("exit")
    child.expect(pexpect.EOF)


try:
    child = ssh(old)
    child.expect("(?i)current password:")
    child.sendline(old)
    child.expect("(?i)new password:")
    child.sendline(new)
    child.expect("(?i)retype new password:")
    child.sendline(new)
    child.expect("(?i)password updated successfully|all authentication tokens updated successfully")
    # sshd either goes on into the session or, having run passwd itself, closes it.
    if child.expect(["lunash:>", pexpect.EOF]) == 1:
        child = ssh(new)
    else:
        child.sendline("")
    hsm_show(child)
except (pexpect.TIMEOUT, pexpect.EOF) as e:
    print("\nfirst-login: " + type(e).__name__)
    sys.exit(1)
sys.exit(0)
