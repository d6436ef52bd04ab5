#!/bin/bash
# The repo's D-Bus policy, loaded as it ships: only luna-hsm may own com.safenet.Luna.Hsm, and
# everyone may call it (refusals come from hsmd, not from the bus).
. "$(dirname "$0")/lib.sh"
luna_stage "$T" "$LUNA_HSMD" "$LUNA_CLIENT"
luna_bus_up "$T" "$LUNA_HSMD_UID" "luna-admin:$ADMIN" "luna-norole:$NOROLE"
busdenied="ERROR org.freedesktop.DBus.Error.AccessDenied:"

expect "luna-hsm may own the name" "owned $LUNA_BUS_NAME" "$(client "$LUNA_HSMD_UID" own "$LUNA_BUS_NAME")"
expect_match "root may not own the name" "^$busdenied" "$(client 0 own "$LUNA_BUS_NAME")"
expect_match "an admin-role user may not own the name" "^$busdenied" "$(client $ADMIN own "$LUNA_BUS_NAME")"

printf '%s admin\n' "$ADMIN" >"$T/roles"; chmod 0644 "$T/roles"
luna_hsmd_up "$T" "$T/bin/hsmd" "$LUNA_HSMD_UID" "$T/roles" --kdf-iterations 1000
expect_match "a caller without a role reaches hsmd, which refuses it" "^ERROR $ERR.CKR_ACCESS_DENIED:" \
  "$(client $NOROLE list)"
expect_match "nobody can take the name from a running hsmd" "^$busdenied" \
  "$(client $NOROLE own "$LUNA_BUS_NAME")"
finish
