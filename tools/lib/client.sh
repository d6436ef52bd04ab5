# shellcheck shell=bash
# The whole appliance for the host side (docs/client.md): the private bus and hsmd of
# tools/lib/appliance.sh, hsmd's data socket, ntlsd on a free loopback port, an initialized HSM
# with partitions, and a client directory (Chrystoki.conf, vtl's certificates) registered
# with ntlsd. Sourced by tests/interop and tools/bench-compare. Needs root (hsmd and ntlsd run
# under their own uids, as on the appliance). Everything lives in one directory DIR.
#
#   luna_client_appliance_up DIR HSMD NTLSD LUNA-CLIENT    bus, hsmd, ntlsd; HSM initialized
#   luna_client_partition DIR NAME                         prints the new partition's serial
#   luna_client_setup DIR NAME VTL                         client dir, cert, server trusted
#   luna_client_register DIR NAME PARTITION...             registered with ntlsd, assigned
#   luna_client_provision DIR LUNACM SLOT                  PSO, CO, CU with the LUNA_*_PIN below
#   luna_client_appliance_down DIR

# shellcheck source=appliance.sh
. "$(dirname "${BASH_SOURCE[0]}")/appliance.sh"

LUNA_NTLS_UID=${LUNA_NTLS_UID:-4105}
LUNA_NTLS_BUS=com.safenet.Luna.Ntls
LUNA_NTLS_OBJECT=/com/safenet/Luna/Ntls
LUNA_SO_PIN=${LUNA_SO_PIN:-sopin-1234}
LUNA_PSO_PIN=${LUNA_PSO_PIN:-PsoPin-0001}
LUNA_CO_PIN=${LUNA_CO_PIN:-CoPin-00001}
LUNA_CU_PIN=${LUNA_CU_PIN:-CuPin-00001}
LUNA_DOMAIN=${LUNA_DOMAIN:-client-dom-1}

luna_client_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# luna_client_appliance_up DIR HSMD NTLSD LUNA-CLIENT: stages the binaries in DIR/bin, starts
# the bus, hsmd (data socket admitting ntlsd's uid), ntlsd, and initializes the HSM. Exports
# LUNA_NTLS_PORT. LUNA_HSMD_ARGS adds hsmd options (--usage-without-login, say).
luna_client_appliance_up() {
  local d=$1 hsmd=$2 ntlsd=$3 client=$4
  [ "$(id -u)" = 0 ] || { luna_err "the appliance for client tests needs root"; return 1; }
  luna_stage "$d" "$hsmd" "$ntlsd" "$client" || return 1
  printf '# client tests: root is the admin\n' >"$d/roles" && chmod 0644 "$d/roles"
  # LUNA_BUS_USERS: more "name:uid" accounts the bus policy should know (tools/bench-audit).
  # shellcheck disable=SC2086
  luna_bus_up "$d" "$LUNA_HSMD_UID" "luna-ntls:$LUNA_NTLS_UID" ${LUNA_BUS_USERS:-} || return 1
  mkdir -p "$d/run" && chown "$LUNA_HSMD_UID:$LUNA_HSMD_UID" "$d/run" && chmod 0755 "$d/run"
  # shellcheck disable=SC2086
  luna_hsmd_up "$d" "$d/bin/hsmd" "$LUNA_HSMD_UID" "$d/roles" --kdf-iterations 1000 \
    --data-socket "$d/run/data.sock" --ntls-uid "$LUNA_NTLS_UID" ${LUNA_HSMD_ARGS:-} || return 1
  LUNA_NTLS_PORT=$(luna_client_free_port)
  export LUNA_NTLS_PORT
  mkdir -p "$d/ntls" && chown "$LUNA_NTLS_UID:$LUNA_NTLS_UID" "$d/ntls" && chmod 0700 "$d/ntls"
  ${LUNA_DETACH:+setsid} unshare --mount --propagation private -- sh -c \
    'for l in /dev/log /run/systemd/journal/dev-log; do [ -S "$l" ] && mount --bind /dev/null "$l"; done; exec "$@"' sh \
    setpriv --reuid="$LUNA_NTLS_UID" --regid="$LUNA_NTLS_UID" --clear-groups -- \
    "$d/bin/ntlsd" --state-dir "$d/ntls" --roles "$d/roles" --listen 127.0.0.1 --port "$LUNA_NTLS_PORT" \
    --data-socket "$d/run/data.sock" --hostname 127.0.0.1 --log-stderr >>"$d/ntlsd.log" 2>&1 </dev/null &
  echo $! >"$d/ntlsd.pid"
  luna_wait_for luna_client_ntlsd_ready "$!" || { cat "$d/ntlsd.log" >&2; luna_err "ntlsd did not start"; return 1; }
  local out
  out=$("$d/bin/luna-client" init client-hsm "$LUNA_SO_PIN" hsm-dom-1 2>&1) \
    || { luna_err "HSM init failed: $out"; return 1; }
}

luna_client_ntlsd_ready() {
  kill -0 "$1" 2>/dev/null || return 3
  luna_name_owned "$LUNA_NTLS_BUS" && ss -ltnH "sport = :$LUNA_NTLS_PORT" | grep -q .
}

luna_client_appliance_down() {
  luna_stop "$1/ntlsd.pid" ntlsd || true
  luna_hsmd_down "$1" || true
  luna_bus_down "$1" || true
}

# luna_client_partition DIR NAME: a new partition (HSM SO over D-Bus); prints its serial.
luna_client_partition() {
  local out
  out=$("$1/bin/luna-client" login "$LUNA_SO_PIN" -- create "$2" 0 2>&1) || { luna_err "partition create: $out"; return 1; }
  printf '%s\n' "$out" | head -n1
}

# luna_client_setup DIR NAME VTL: the client directory DIR/client (Chrystoki.conf, cert/),
# `vtl createCert -n NAME`, and the appliance's server.pem trusted with `vtl addServer`.
# Exports ChrystokiConfigurationPath.
luna_client_setup() {
  local d=$1 name=$2 vtl=$3
  mkdir -p "$d/client/bin"
  printf 'Misc = {\n   ToolsDir = %s/client/bin;\n}\n' "$d" >"$d/client/Chrystoki.conf"
  ChrystokiConfigurationPath=$d/client
  export ChrystokiConfigurationPath
  busctl --system --json=short get-property "$LUNA_NTLS_BUS" "$LUNA_NTLS_OBJECT" com.safenet.Luna.Ntls CertificatePem \
    | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["data"])' >"$d/server.pem" || return 1
  "$vtl" createCert -n "$name" >/dev/null && "$vtl" addServer -n 127.0.0.1 -c "$d/server.pem" -p "$LUNA_NTLS_PORT" >/dev/null
}

# luna_client_register DIR NAME PARTITION...: registers DIR/client's certificate as client NAME
# (from 127.0.0.1) and assigns the partitions (names or serials).
luna_client_register() {
  local d=$1 name=$2 cert p out; shift 2
  cert=$(sed -n 's/^ *ClientCertFile *= *\(.*\);$/\1/p' "$d/client/Chrystoki.conf")
  out=$(busctl --system -- call "$LUNA_NTLS_BUS" "$LUNA_NTLS_OBJECT" com.safenet.Luna.Clients Register ssssb \
        "$name" "" 127.0.0.1 "$(cat "$cert")" false 2>&1) || { luna_err "register: $out"; return 1; }
  for p in "$@"; do
    out=$(busctl --system -- call "$LUNA_NTLS_BUS" "$LUNA_NTLS_OBJECT" com.safenet.Luna.Clients AssignPartition ss \
          "$name" "$p" 2>&1) || { luna_err "assign $p: $out"; return 1; }
  done
}

# luna_client_provision DIR LUNACM SLOT: through lunacm, as a partition's owners would:
# partition init, the PSO creates the CO, the CO changes its first password and creates the
# CU, the CU changes its first password. Leaves nobody logged in (lunacm exits).
luna_client_provision() {
  local lunacm=$2 slot=$3 script=$1/provision-$3.lunacm out
  cat >"$script" <<EOF
slot set -slot $slot
partition init -label par$slot -password $LUNA_PSO_PIN -domain $LUNA_DOMAIN -force
role login -name po -password $LUNA_PSO_PIN
role init -name co -password CoFirst-0001
role logout
role login -name co -password CoFirst-0001
role changepw -name co -oldpw CoFirst-0001 -newpw $LUNA_CO_PIN
role logout
role login -name co -password $LUNA_CO_PIN
role init -name cu -password CuFirst-0001
role logout
role login -name cu -password CuFirst-0001
role changepw -name cu -oldpw CuFirst-0001 -newpw $LUNA_CU_PIN
role logout
EOF
  out=$("$lunacm" -e "$script" 2>&1) || { luna_err "provisioning slot $slot failed:"; printf '%s\n' "$out" >&2; return 1; }
}

# luna_cpu_ticks PID: CPU time (user + system, clock ticks) the process has used so far; 0 when
# there is no such process (the benchmarks read it around each run).
luna_cpu_ticks() {
  if [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ]; then awk '{ print $14 + $15 }' "/proc/$1/stat"; else echo 0; fi
}
