# shellcheck shell=bash
# Shared by the NTLS tests: the appliance of lib.sh with hsmd's data socket, plus ntlsd as its
# own uid (the stand-in for luna-ntls) on a free loopback port, and client certificates.
# Needs LUNA_NTLSD and LUNA_NTLS_CLIENT (meson passes them).
declare -F appliance_up >/dev/null || . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${LUNA_NTLSD:?set by meson}" "${LUNA_NTLS_CLIENT:?set by meson}"
LUNA_NTLSD=$(readlink -f "$LUNA_NTLSD") LUNA_NTLS_CLIENT=$(readlink -f "$LUNA_NTLS_CLIENT")
NTLS_UID=4105
NTLS_BUS=com.safenet.Luna.Ntls
NTLS_OBJ=/com/safenet/Luna/Ntls
NTLS_XML=("$LUNA_XML_DIR/com.safenet.Luna.Ntls.xml" "$LUNA_XML_DIR/com.safenet.Luna.Clients.xml")

ntls_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ntls_cleanup() {
  local rc=$?
  luna_stop "$T/ntlsd.pid" ntlsd 2>/dev/null || true
  if declare -F luna_sshd_down >/dev/null; then luna_sshd_down "$T" >/dev/null 2>&1 || true; fi
  # test-ntls-bind's namespace holder, which the test may have killed already (no errexit here)
  if [ -s "$T/netns.pid" ]; then kill "$(cat "$T/netns.pid")" 2>/dev/null || true; fi
  if [ -d "$T/snmp" ]; then
    luna_stop "$T/snmp/luna-snmp.pid" luna-snmp >/dev/null 2>&1 || true
    luna_stop "$T/snmp/snmpd.pid" snmpd >/dev/null 2>&1 || true
  fi
  if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ -f "$T/ntlsd.log" ]; then
    echo "--- ntlsd log"; tail -60 "$T/ntlsd.log"; fi
  (exit "$rc")
  cleanup
}
trap ntls_cleanup EXIT

# ntls_up: bus (with luna-ntls), hsmd with its data socket admitting NTLS_UID, and ntlsd.
ntls_up() {
  luna_stage "$T" "$LUNA_HSMD" "$LUNA_CLIENT" "$LUNA_NTLSD" "$LUNA_NTLS_CLIENT"
  printf '# test roles\n%s admin\n%s monitor\n%s operator\n' "$ADMIN" "$MONITOR" "$OPERATOR" >"$T/roles"
  chmod 0644 "$T/roles"
  luna_bus_up "$T" "$LUNA_HSMD_UID" "luna-admin:$ADMIN" "luna-monitor:$MONITOR" \
    "luna-norole:$NOROLE" "luna-operator:$OPERATOR" "luna-ntls:$NTLS_UID"
  mkdir -p "$T/run" && chown "$LUNA_HSMD_UID:$LUNA_HSMD_UID" "$T/run" && chmod 0755 "$T/run"
  hsmd_up
  NTLS_PORT=$(ntls_free_port)
  mkdir -p "$T/ntls" && chown "$NTLS_UID:$NTLS_UID" "$T/ntls" && chmod 0700 "$T/ntls"
  ntlsd_up
}

hsmd_up() {
  luna_hsmd_up "$T" "$T/bin/hsmd" "$LUNA_HSMD_UID" "$T/roles" --kdf-iterations 1000 \
    --data-socket "$T/run/data.sock" --ntls-uid "$NTLS_UID"
}

# ntlsd_up [ARG...]: ntlsd as NTLS_UID, logging to $T/ntlsd.log (stderr; the host's syslog
# sockets are /dev/null in its mount namespace); waits for its bus name and its port.
ntlsd_up() {
  setsid unshare --mount --propagation private -- sh -c \
    'for l in /dev/log /run/systemd/journal/dev-log; do [ -S "$l" ] && mount --bind /dev/null "$l"; done; exec "$@"' sh \
    setpriv --reuid="$NTLS_UID" --regid="$NTLS_UID" --clear-groups -- \
    "$T/bin/ntlsd" --state-dir "$T/ntls" --roles "$T/roles" --listen 127.0.0.1 --port "$NTLS_PORT" \
    --data-socket "$T/run/data.sock" --hostname ntls-test --log-stderr "$@" >>"$T/ntlsd.log" 2>&1 </dev/null &
  echo $! >"$T/ntlsd.pid"
  local pid=$!
  luna_wait_for ntlsd_ready "$pid" || { cat "$T/ntlsd.log" >&2; luna_err "ntlsd did not start"; return 1; }
}
ntlsd_ready() {
  kill -0 "$1" 2>/dev/null || return 3
  luna_name_owned "$NTLS_BUS" && ss -ltnH "sport = :$NTLS_PORT" | grep -q .
}
ntlsd_down() { luna_stop "$T/ntlsd.pid" ntlsd; }

# ntls_call UID IFACE METHOD SIGNATURE ARGS...: busctl call to ntlsd as UID.
ntls_call() {
  local u=$1 iface=$2; shift 2
  as "$u" busctl --system -- call "$NTLS_BUS" "$NTLS_OBJ" "com.safenet.Luna.$iface" "$@" 2>&1 || true
}
# ntls_err UID IFACE METHOD DBUS-SEND-ARG...: the D-Bus error name of a refused call ("OK" if
# it succeeded); dbus-send names the error where busctl prints only its message.
ntls_err() {
  local u=$1 iface=$2 m=$3 out; shift 3
  out=$(as "$u" dbus-send --system --print-reply --dest="$NTLS_BUS" "$NTLS_OBJ" "com.safenet.Luna.$iface.$m" "$@" 2>&1) \
    && { echo OK; return; }
  sed -n 's/^Error \([^:]*\):.*/\1/p' <<<"$out" | sed 's/^com\.safenet\.Luna\.Error\.//'
}
# register_err UID NAME IP [CERTNAME]: the error name of a registration.
register_err() {
  ntls_err "$1" Clients Register "string:$2" string: "string:$3" "string:$(cat "$T/certs/${4:-$2}.pem")" boolean:false
}

# expect_done DESCRIPTION OUTPUT: a busctl call that did not fail.
expect_done() {
  if printf '%s\n' "$2" | grep -qE '^(Call failed|busctl:|Failed)'; then fail "$1: $2"; else pass "$1"; fi
}
# ntls_prop NAME: a com.safenet.Luna.Ntls property (busctl's "TYPE VALUE" form).
ntls_prop() { busctl --system get-property "$NTLS_BUS" "$NTLS_OBJ" com.safenet.Luna.Ntls "$1" 2>&1 || true; }
ntls_num() { ntls_prop "$1" | awk '{print $2}'; }
num_is() { [ "$(ntls_num "$1")" = "$2" ]; }
num_above() { [ "$(ntls_num "$1")" -gt "$2" ]; }

# server_pem FILE: the server certificate clients trust, from ntlsd's CertificatePem property.
server_pem() {
  busctl --system --json=short get-property "$NTLS_BUS" "$NTLS_OBJ" com.safenet.Luna.Ntls CertificatePem \
    | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["data"])' >"$1"
}

# client_cert NAME [openssl req key args]: NAME.pem / NAMEKey.pem in $T/certs (vtl's names).
client_cert() {
  local n=$1; shift
  mkdir -p "$T/certs"
  [ $# -gt 0 ] || set -- -newkey ec -pkeyopt ec_paramgen_curve:P-256
  openssl req -x509 -nodes "$@" -subj "/CN=$n" -days 30 \
    -keyout "$T/certs/${n}Key.pem" -out "$T/certs/$n.pem" 2>/dev/null
}

# register UID NAME IP [CERTNAME]: com.safenet.Luna.Clients.Register by IP.
register() {
  ntls_call "$1" Clients Register ssssb "$2" "" "$3" "$(cat "$T/certs/${4:-$2}.pem")" false
}

# nc_client CERTNAME CMD...: ntls-client with CERTNAME's certificate, trusting $T/server.pem.
nc_client() {
  local n=$1; shift
  timeout 60 "$T/bin/ntls-client" 127.0.0.1 "$NTLS_PORT" "$T/certs/$n.pem" "$T/certs/${n}Key.pem" \
    "${SERVER_PEM:-$T/server.pem}" "$@" 2>/dev/null || true
}
