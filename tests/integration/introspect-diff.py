#!/usr/bin/env python3
"""Compare a daemon's live introspection with the repo's interface XML (the D-Bus contract).

    introspect-diff.py LIVE.xml CONTRACT.xml...

Every interface in the contract files must be served exactly: the same methods (argument
names, types, directions in order), signals and properties (type, access, change
signalling). Interfaces the live object adds beyond the contract are reported too, except
the standard org.freedesktop.DBus.* ones. Exits 1 and prints a diff if anything differs.
"""
import difflib
import sys
import xml.etree.ElementTree as ET

STANDARD = "org.freedesktop.DBus."
EMITS = "org.freedesktop.DBus.Property.EmitsChangedSignal"
# Annotations that change what a client sees; server-side ones (Method.Async) are not published.
VISIBLE = {"org.freedesktop.DBus.Deprecated", "org.freedesktop.DBus.Method.NoReply"}


def annotations(el, inherited=None):
    found = dict(inherited or {})
    for a in el.findall("annotation"):
        found[a.get("name")] = a.get("value")
    return found


def args(el, default_direction):
    return ", ".join(
        f"{a.get('direction', default_direction)} {a.get('type')} {a.get('name', '')}".rstrip()
        for a in el.findall("arg"))


def describe(iface):
    """One line per member, sorted, so a diff names exactly what differs."""
    lines = []
    iface_notes = annotations(iface)
    for m in iface.findall("method"):
        notes = sorted(f"@{k}={v}" for k, v in annotations(m).items() if k in VISIBLE)
        lines.append(f"method {m.get('name')}({args(m, 'in')}) {' '.join(notes)}".rstrip())
    for s in iface.findall("signal"):
        lines.append(f"signal {s.get('name')}({args(s, 'out')})")
    for p in iface.findall("property"):
        notes = annotations(p, {EMITS: iface_notes.get(EMITS, "true")})
        lines.append(f"property {p.get('name')} {p.get('type')} {p.get('access')} emits={notes[EMITS]}")
    return sorted(lines)


def interfaces(path):
    root = ET.parse(path).getroot()
    return {i.get("name"): describe(i) for i in root.findall("interface")
            if not i.get("name").startswith(STANDARD)}


def flatten(ifaces):
    return [f"{name}: {line}" for name in sorted(ifaces) for line in ifaces[name]] \
        + [f"{name}: (interface)" for name in sorted(ifaces) if not ifaces[name]]


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    live = interfaces(argv[1])
    contract = {}
    for path in argv[2:]:
        contract.update(interfaces(path))
    diff = list(difflib.unified_diff(flatten(contract), flatten(live),
                                     "contract (lib/dbus/*.xml)", "live introspection", lineterm="", n=0))
    if diff:
        print("\n".join(diff))
        return 1
    print(f"live introspection matches the contract: {', '.join(sorted(contract))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
