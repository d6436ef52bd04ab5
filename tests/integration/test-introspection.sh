#!/bin/bash
# STYLE habit 1: the XML is the contract. Every object hsmd serves must match lib/dbus
# (methods, arguments, signals, properties), and busctl must show the HSM's interfaces.
. "$(dirname "$0")/lib.sh"
appliance_up

check_introspection "private bus"

table=$(busctl --system introspect "$LUNA_BUS_NAME" "$LUNA_OBJECT")
expect_match "busctl introspect shows com.safenet.Luna.Hsm" '^com\.safenet\.Luna\.Hsm +interface' "$table"
expect_match "busctl introspect shows com.safenet.Luna.Partitions" \
  '^com\.safenet\.Luna\.Partitions +interface' "$table"
finish
