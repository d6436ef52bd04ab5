# shellcheck shell=bash
# Common setup of the snmp suite: a sandbox directory with a private bus, hsmd and the SNMP
# pieces of tools/lib/snmp.sh, torn down on exit. Tests call snmp_setup, then use $D.
#   env: LUNA_BUILD (the build dir, set by meson), LUNA_KEEP=1 keeps the sandbox
set -u
LUNA_ERR_PREFIX=snmp-test
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/appliance.sh"
. "$LUNA_ROOT/tools/lib/snmp.sh"

B=${LUNA_BUILD:?set LUNA_BUILD to the build directory}
fails=0
passes=0

for tool in snmpd snmpget snmpwalk snmptable smilint; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (tools/install-deps)"; exit 77; }
done

ok() { echo "ok - $*"; passes=$((passes + 1)); }
not_ok() { echo "not ok - $*"; fails=$((fails + 1)); }
# check DESCRIPTION CMD...: one assertion.
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
finish() { echo "$passes passed, $fails failed"; [ "$fails" = 0 ]; }

# Poll CMD for up to SECONDS.
within() {
  local s=$1; shift
  LUNA_WAIT=$s luna_wait_for "$@"
}

# As root the daemons run under their own uids, as installed: hsmd as luna-hsm (4100) and
# luna-snmp as its own user (4102) with the monitor role. Otherwise everything is us.
if [ "$(id -u)" = 0 ]; then
  HSMD_UID=$LUNA_HSMD_UID
  SNMP_UID=${LUNA_SNMP_UID:-4102}
  ROLE_LINE="$SNMP_UID monitor"
else
  HSMD_UID=$(id -u)
  SNMP_UID=$(id -u)
  ROLE_LINE="$SNMP_UID admin"
fi

D=""
snmp_teardown() {
  [ -n "$D" ] || return 0
  luna_subagent_down "$D" || true
  luna_snmpd_down "$D" || true
  luna_hsmd_down "$D" || true
  luna_bus_down "$D" || true
  if [ "${LUNA_KEEP:-0}" = 1 ] || [ "$fails" != 0 ]; then echo "# sandbox kept: $D"; else rm -rf "$D"; fi
}
trap snmp_teardown EXIT

# snmp_setup: bus + hsmd (an initialized HSM) in a fresh $D; the SNMP parts are the test's.
snmp_setup() {
  D=$(mktemp -d /tmp/lsnmp.XXXXXX)
  export LUNA_SNMP_DIR=$D
  luna_stage "$D" "$B/daemons/hsmd/hsmd" "$B/daemons/snmp/luna-snmp" "$B/tests/snmp/hsm-driver"
  echo "$ROLE_LINE" >"$D/roles" && chmod 0644 "$D/roles"
  luna_bus_up "$D" "$HSMD_UID" "luna-snmp:$SNMP_UID" || exit 1
  luna_hsmd_up "$D" "$D/bin/hsmd" "$HSMD_UID" "$D/roles" --kdf-iterations 1000 || exit 1
  hsm init snmplabel sopassword1 snmpdomain >/dev/null || exit 1
  SERIAL=$(hsm_serial)
}

hsm() {
  local args=() a
  for a in "$@"; do args+=("$a"); done
  "$D/bin/hsm-driver" "${args[@]}"
}

subagent_up() { luna_subagent_up "$D" "$D/bin/luna-snmp" "$SNMP_UID" "${1:-2}"; }

# The subagent answers with HSM data (not only with its own scalars).
hsm_rows_served() {
  luna_snmp snmpget -t 0.3 -r 0 -Oqv 127.0.0.1 "SAFENET-HSM-MIB::hsmSerialNumber.\"$SERIAL\"" 2>/dev/null \
    | grep -qx "\"\?$SERIAL\"\?"
}

# The HSM's serial: the first index of every HSM table.
hsm_serial() { hsm get SerialNumber; }
