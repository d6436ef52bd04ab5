#!/bin/bash
# STYLE habit 1: the XML is the contract. hsmd's live object must serve exactly the interfaces
# in lib/dbus (methods, arguments, signals, properties), and busctl must show them.
. "$(dirname "$0")/lib.sh"
appliance_up

live=$(busctl --system introspect --xml-interface "$LUNA_BUS_NAME" "$LUNA_OBJECT")
printf '%s\n' "$live" >"$T/live.xml"
if diff=$(python3 "$(dirname "$0")/introspect-diff.py" "$T/live.xml" "${HSM_XML[@]}"); then
  pass "$diff"
else
  fail "live introspection differs from lib/dbus:"; printf '%s\n' "$diff"
fi

table=$(busctl --system introspect "$LUNA_BUS_NAME" "$LUNA_OBJECT")
expect_match "busctl introspect shows com.safenet.Luna.Hsm" '^com\.safenet\.Luna\.Hsm +interface' "$table"
expect_match "busctl introspect shows com.safenet.Luna.Partitions" \
  '^com\.safenet\.Luna\.Partitions +interface' "$table"
finish
