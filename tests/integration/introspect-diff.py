#!/usr/bin/env python3
"""Compare a daemon's live introspection with the repo's interface XML (the D-Bus contract).

    introspect-diff.py XML-DIR [--require IFACE]... OBJECT-PATH=LIVE.xml...
    introspect-diff.py LIVE.xml CONTRACT.xml...     (one object; every contract required)

Every interface a live object serves (besides the standard org.freedesktop.DBus.* ones) must
have its contract XML-DIR/<interface>.xml and match it exactly: the same methods (argument
names, types, directions, in order), signals and properties (type, access, change
signalling). Each --require'd interface must be served by some object. Exits 1 with a diff
per interface if anything differs.
"""
import difflib
import os
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


def compare_one(live_file, contract_files):
    """The older form: one live object against named contract files."""
    contract = {}
    for path in contract_files:
        contract.update(interfaces(path))
    flat = lambda ifaces: [f"{n}: {line}" for n in sorted(ifaces) for line in ifaces[n]] + \
        [f"{n}: (interface)" for n in sorted(ifaces)]
    diff = list(difflib.unified_diff(flat(contract), flat(interfaces(live_file)), "contract",
                                     "live introspection", lineterm="", n=0))
    if diff:
        print("\n".join(diff))
        return 1
    print(f"live introspection matches the contract: {', '.join(sorted(contract))}")
    return 0


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if not os.path.isdir(argv[1]):
        return compare_one(argv[1], argv[2:])
    xml_dir, rest, required = argv[1], argv[2:], set()
    while len(rest) >= 2 and rest[0] == "--require":
        required.add(rest[1])
        rest = rest[2:]
    problems, checked = [], []
    for pair in rest:
        obj, _, live_file = pair.partition("=")
        for name, live in sorted(interfaces(live_file).items()):
            required.discard(name)
            contract_file = os.path.join(xml_dir, name + ".xml")
            if not os.path.exists(contract_file):
                problems.append(f"{obj}: serves {name}, which has no contract {contract_file}")
                continue
            contract = interfaces(contract_file).get(name, [])
            diff = list(difflib.unified_diff(contract, live, f"{name} (contract)",
                                             f"{name} (live at {obj})", lineterm="", n=0))
            if diff:
                problems.append("\n".join(diff))
            checked.append(f"{name} at {obj}")
    problems += [f"no object serves {name}" for name in sorted(required)]
    if problems:
        print("\n".join(problems))
        return 1
    print("live introspection matches the contract: " + ", ".join(checked))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
