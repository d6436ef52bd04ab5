# shellcheck shell=bash
# Shared by the interop tests: a temp dir, the whole appliance in it (tools/lib/client.sh:
# bus, hsmd, ntlsd, an initialized HSM), a client directory made with vtl and registered with
# ntlsd, two partitions provisioned with lunacm; checks that count failures.
# Meson passes the binaries (LUNA_HSMD, LUNA_NTLSD, LUNA_CLIENT, LUNA_VTL, LUNA_LUNACM,
# LUNA_PKCS11, LUNA_MULTITOKEN). Exit 77 = skipped, 99 = the harness broke.
set -euo pipefail
# shellcheck source=../../tools/lib/client.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/client.sh"
LUNA_ERR_PREFIX=$(basename "$0" .sh)
: "${LUNA_HSMD:?set by meson}" "${LUNA_NTLSD:?}" "${LUNA_CLIENT:?}" "${LUNA_VTL:?}" "${LUNA_LUNACM:?}" "${LUNA_PKCS11:?}"
VTL=$(readlink -f "$LUNA_VTL") LUNACM=$(readlink -f "$LUNA_LUNACM") MODULE=$(readlink -f "$LUNA_PKCS11")
# A sanitized build (SANITIZE=1 tools/run-tests): the outside tools load an ASan-built module,
# and ASan's runtime must be the first library of their process, with libstdc++ loaded from the
# start (C programs such as p11tool and python would load it only with the module, too late for
# ASan's exception interceptors); their own leaks are not ours.
asan=$(ldd "$MODULE" 2>/dev/null | awk '/libasan/ { print $3 }')
if [ -n "$asan" ]; then
  stdcxx=$(ldd "$MODULE" | awk '/libstdc\+\+/ { print $3 }')
  export LD_PRELOAD="$asan:$stdcxx${LD_PRELOAD:+:$LD_PRELOAD}" ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
fi
# Debian's python3 (the python3-pykcs11 package), not whatever python3 is first on PATH.
PYTHON=/usr/bin/python3

failures=0 checks=0
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to run hsmd and ntlsd under their own uids"

T=$(mktemp -d /tmp/luna-interop.XXXXXX)
chmod 0755 "$T"
finished=0
cleanup() {
  local rc=$?
  [ "$finished" = 1 ] || [ "$rc" = 0 ] || [ "$rc" = 77 ] || rc=99
  luna_client_appliance_down "$T" 2>/dev/null || true
  if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
    for f in hsmd.log ntlsd.log; do [ -f "$T/$f" ] && { echo "--- $f"; tail -40 "$T/$f"; }; done
  fi
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT

pass() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
expect() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi; }
expect_match() {
  if printf '%s\n' "$3" | grep -qE -- "$2"; then pass "$1"; else fail "$1: expected /$2/, got:"; printf '%s\n' "$3" | tail -20; fi
}
# expect_ok DESCRIPTION CMD...: CMD exits 0 (its output is shown when it does not).
expect_ok() {
  local d=$1 out; shift
  if out=$("$@" 2>&1); then pass "$d"; else fail "$d (exit $?):"; printf '%s\n' "$out" | tail -30; fi
}

# interop_up: the appliance, partitions p1 and p2 for client "host1" (slots 0 and 1),
# provisioned with the LUNA_*_PIN of tools/lib/client.sh. Sets P1, P2.
interop_up() {
  luna_client_appliance_up "$T" "$LUNA_HSMD" "$LUNA_NTLSD" "$LUNA_CLIENT" || exit 99
  P1=$(luna_client_partition "$T" p1) && P2=$(luna_client_partition "$T" p2) || exit 99
  luna_client_setup "$T" 127.0.0.1 "$VTL" || exit 99
  luna_client_register "$T" host1 p1 p2 || exit 99
  luna_client_provision "$T" "$LUNACM" 0 || exit 99
  luna_client_provision "$T" "$LUNACM" 1 || exit 99
}

finish() {
  echo "$checks checks, $failures failed"
  finished=1
  [ "$failures" = 0 ]
}
