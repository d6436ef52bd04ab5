#!/usr/bin/python3
"""Drives one interactive lunash session through a pseudo-terminal (pexpect), the way a person
types: tab completion, abbreviations, a confirmation answered 'quit' then 'proceed', a
password prompt that does not echo. Usage: lunash-pty.py SSH-ARG... ; prints ok:/FAIL: lines,
exits 1 if any check failed."""
import os
import sys

import pexpect

PROMPT = "lunash:>"
failures = 0


def check(what, good):
    global failures
    print(("ok: " if good else "FAIL: ") + what)
    if not good:
        failures += 1


def command_done(s):
    s.expect(r"Command Result : (\d+) \(([^)]*)\)")
    code = s.match.group(1)
    s.expect_exact(PROMPT)
    return code


env = dict(os.environ, TERM="vt100")
s = pexpect.spawn("ssh", ["-tt"] + sys.argv[1:], env=env, encoding="utf-8", timeout=30,
                  dimensions=(50, 200))
s.logfile_read = sys.stdout
s.expect_exact(PROMPT)

# Tab completion: "par<TAB>" becomes "partition ", "l<TAB>" then "list ".
# (libedit redraws with cursor moves: look for the completed tail of each word)
s.send("par\t")
s.expect_exact("tition")
s.send("l\t")
s.expect_exact("ist")
s.send("\r")
s.expect_exact(" Partition            Name")
check("tab completion ran 'partition list'", command_done(s) == "0")

# Two candidates: the first TAB completes what they share, a second lists both.
s.send("hsm sho\t\t")
s.expect_exact("showpolicies")
s.send("\x15")    # ^U: clear the line
s.send("\r")
s.expect_exact(PROMPT)
check("tab lists show and showpolicies", True)

# Abbreviation and documented short form.
s.send("hs sh\r")
s.expect_exact("HSM Details:")
check("'hs sh' is hsm show", command_done(s) == "0")

# A confirmation answered 'quit' applies nothing.
s.send("hsm init -label pty-hsm -password sopin-1234 -domain dom-1234\r")
s.expect_exact("Type 'proceed' to initialize the HSM, or 'quit'")
s.expect_exact("> ")
s.send("quit\r")
s.expect_exact("Command aborted.")
check("quit at the confirmation: non-zero result", command_done(s) == "65535")

s.send("hsm init -label pty-hsm -password sopin-1234 -domain dom-1234\r")
s.expect_exact("> ")
s.send("proceed\r")
s.expect_exact("'hsm init' successful.")
check("proceed initializes", command_done(s) == "0")

# The password prompt does not echo what is typed.
s.send("hsm login\r")
s.expect_exact("password:")
s.expect_exact("> ")
s.send("sopin-1234\r")
s.expect_exact("'hsm login' successful.")
check("password not echoed", "sopin-1234" not in s.before)
check("login by prompt", command_done(s) == "0")

# History: up-arrow recalls the last command.
s.send("status date\r")
command_done(s)
s.send("\x1b[A\r")
s.expect_exact("status date")
check("up-arrow recalls 'status date'", command_done(s) == "0")

s.send("exit\r")
s.expect(pexpect.EOF)
s.close()
check("exit ends the session with status 0", s.exitstatus == 0)
print()
sys.exit(1 if failures else 0)
