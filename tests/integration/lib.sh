# shellcheck shell=bash
# Shared by the integration tests: a temp dir, the appliance in it (tools/lib/appliance.sh),
# callers under test uids, and checks that count failures instead of stopping at the first.
# Needs LUNA_HSMD and LUNA_CLIENT (meson passes them). Exit 77 = skipped.
set -euo pipefail
# shellcheck source=../../tools/lib/appliance.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/appliance.sh"
LUNA_ERR_PREFIX=$(basename "$0" .sh)
: "${LUNA_HSMD:?set by meson}" "${LUNA_CLIENT:?set by meson}"
LUNA_HSMD=$(readlink -f "$LUNA_HSMD") LUNA_CLIENT=$(readlink -f "$LUNA_CLIENT")
LUNA_XML_DIR=$LUNA_ROOT/lib/dbus

# Test callers: numeric uids with no /etc/passwd entry on the host. The roles file names them by
# uid; the private bus knows them by these names (see luna_bus_up).
ADMIN=4101 MONITOR=4102 NOROLE=4103 OPERATOR=4104
ERR=com.safenet.Luna.Error
SO_PW=sopin-1234
failures=0 checks=0

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to run callers under other uids"

T=$(mktemp -d /tmp/luna-itest.XXXXXX)
finished=0
# A test that stops anywhere but in finish/skip broke its harness: exit 99, which meson counts
# as ERROR even for a should_fail test.
cleanup() {
  local rc=$?
  [ "$finished" = 1 ] || [ "$rc" = 0 ] || [ "$rc" = 77 ] || rc=99
  luna_hsmd_down "$T" 2>/dev/null || true
  luna_bus_down "$T" 2>/dev/null || true
  luna_systemd_down "$T" 2>/dev/null || true
  if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ -f "$T/hsmd.log" ]; then
    echo "--- hsmd log"; cat "$T/hsmd.log"; fi
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT

pass() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }

# expect DESCRIPTION EXPECTED ACTUAL: exact match.
expect() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi; }
# expect_match DESCRIPTION GREP-PATTERN ACTUAL
expect_match() {
  if printf '%s\n' "$3" | grep -qE -- "$2"; then pass "$1"; else fail "$1: expected /$2/, got '$3'"; fi
}

# expect_ok DESCRIPTION ACTUAL: the call did not fail.
expect_ok() { case $2 in ERROR*) fail "$1: $2" ;; *) pass "$1" ;; esac; }

# as UID CMD...: run CMD as UID with no supplementary groups.
as() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --clear-groups -- "$@"; }
# client UID CMD...: luna-client as UID; prints its output (errors as "ERROR name: message").
client() { local u=$1; shift; as "$u" "$T/bin/luna-client" "$@" 2>&1 || true; }
# prop NAME: a property of the HSM as root (uid 0 is always admin), bare value.
prop() { client 0 get "$1"; }

# check_introspection LABEL [CMD-PREFIX...]: every object hsmd serves matches lib/dbus/*.xml,
# and /com/safenet/Luna/Hsm has its two interfaces (STYLE habit 1). CMD-PREFIX runs busctl
# elsewhere (inside a systemd sandbox).
check_introspection() {
  local label=$1 path n=0 pairs=() out; shift
  for path in $("$@" busctl --system tree --list "$LUNA_BUS_NAME"); do
    n=$((n + 1))
    "$@" busctl --system introspect --xml-interface "$LUNA_BUS_NAME" "$path" >"$T/live-$n.xml"
    pairs+=("$path=$T/live-$n.xml")
  done
  if out=$(python3 "$LUNA_ROOT/tests/integration/introspect-diff.py" "$LUNA_XML_DIR" \
             --require com.safenet.Luna.Hsm --require com.safenet.Luna.Partitions "${pairs[@]}"); then
    pass "$label: $out"
  else
    fail "$label: live introspection differs from lib/dbus:"; printf '%s\n' "$out"
  fi
}

# appliance_up: the private bus and hsmd as the stand-in luna-hsm uid, callers by role.
appliance_up() {
  luna_stage "$T" "$LUNA_HSMD" "$LUNA_CLIENT"
  printf '# test roles\n%s admin\n%s monitor\n%s operator\n' "$ADMIN" "$MONITOR" "$OPERATOR" >"$T/roles"
  chmod 0644 "$T/roles"
  luna_bus_up "$T" "$LUNA_HSMD_UID" "luna-admin:$ADMIN" "luna-monitor:$MONITOR" \
    "luna-norole:$NOROLE" "luna-operator:$OPERATOR"
  luna_hsmd_up "$T" "$T/bin/hsmd" "$LUNA_HSMD_UID" "$T/roles" --kdf-iterations 1000
}

# finish: stop hsmd (it must exit 0 on SIGTERM), print the tally, exit accordingly.
finish() {
  if [ -s "$T/hsmd.pid" ]; then
    local rc=0
    luna_hsmd_down "$T" || rc=$?
    expect "hsmd exits cleanly on SIGTERM" 0 "$rc"
  fi
  echo "$checks checks, $failures failed"
  finished=1
  [ "$failures" = 0 ]
}
