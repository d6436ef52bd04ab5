#!/bin/bash
# `ntls bind` for real: ntlsd in a network namespace of its own with a veth eth0 (10.77.0.1)
# and no --listen override. It starts on all devices; binding to a device without an address
# keeps the current binding; binding to eth0 moves the listener there (the client reaches it on
# 10.77.0.1 and no longer on 127.0.0.1), and a restarted ntlsd binds to eth0 at once.
. "$(dirname "$0")/ntls-lib.sh"
command -v ip >/dev/null || skip "iproute2 is not installed"
unshare --net true 2>/dev/null || skip "cannot make a network namespace"
ntls_up                                   # the bus, hsmd and a first ntlsd (on loopback)
ntlsd_down
server_pem() { busctl --system --json=short get-property "$NTLS_BUS" "$NTLS_OBJ" com.safenet.Luna.Ntls CertificatePem \
  | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["data"])' >"$1"; }

# ntlsd_netns_up: ntlsd in its own network namespace (made once, kept by a sleeper).
if [ ! -s "$T/netns.pid" ]; then
  unshare --net sh -c 'ip link set lo up && ip link add eth0 type veth peer name x0 && ip addr add 10.77.0.1/24 dev eth0 && ip link set x0 up &&
    ip link set eth0 up && exec sleep 600' &
  echo $! >"$T/netns.pid"
  sleep 0.5
fi
NS=$(cat "$T/netns.pid")
in_ns() { nsenter --net="/proc/$NS/ns/net" "$@"; }
ntlsd_netns_up() {
  setsid nsenter --net="/proc/$NS/ns/net" unshare --mount --propagation private -- sh -c \
    'for l in /dev/log /run/systemd/journal/dev-log; do [ -S "$l" ] && mount --bind /dev/null "$l"; done; exec "$@"' sh \
    setpriv --reuid="$NTLS_UID" --regid="$NTLS_UID" --clear-groups -- \
    "$T/bin/ntlsd" --state-dir "$T/ntls" --roles "$T/roles" --port "$NTLS_PORT" \
    --data-socket "$T/run/data.sock" --hostname 10.77.0.1 --log-stderr >>"$T/ntlsd.log" 2>&1 </dev/null &
  echo $! >"$T/ntlsd.pid"
  luna_wait_for luna_name_owned "$NTLS_BUS" || { cat "$T/ntlsd.log"; exit 99; }
}
ns_client() {
  local host=$1 n=$2; shift 2
  timeout 30 nsenter --net="/proc/$NS/ns/net" "$T/bin/ntls-client" "$host" "$NTLS_PORT" "$T/certs/$n.pem" \
    "$T/certs/${n}Key.pem" "$T/server.pem" "$@" 2>/dev/null || true
}

ntlsd_netns_up
server_pem "$T/server.pem"
client_cert alpha
expect_done "register alpha at 10.77.0.1" "$(register $ADMIN alpha 10.77.0.1)"
expect 'starts on all devices' 's "0.0.0.0"' "$(ntls_prop BoundAddress)"
expect 'BoundDevice all' 's "all"' "$(ntls_prop BoundDevice)"
expect_match "reachable on eth0's address" "^handshake: ok" "$(ns_client 10.77.0.1 alpha slots)"

expect_done "bind eth1 (no such device here)" "$(ntls_call $ADMIN Ntls SetBind sb eth1 false)"
expect 'restart keeps the current binding' 's "0.0.0.0"' "$(ntls_call $ADMIN Ntls RestartListener)"
expect 'configured eth1' 's "eth1"' "$(ntls_prop BindDevice)"

expect_done "bind eth0" "$(ntls_call $OPERATOR Ntls SetBind sb eth0 false)"
expect 'restart moves to eth0' 's "10.77.0.1"' "$(ntls_call $ADMIN Ntls RestartListener)"
expect 'BoundDevice eth0' 's "eth0"' "$(ntls_prop BoundDevice)"
expect_match "reachable on 10.77.0.1" "^handshake: ok" "$(ns_client 10.77.0.1 alpha slots)"
expect_match "no longer on 127.0.0.1" "^connect: failed" "$(ns_client 127.0.0.1 alpha slots)"

ntlsd_down
ntlsd_netns_up
expect 'a restarted ntlsd binds to eth0' 's "10.77.0.1"' "$(ntls_prop BoundAddress)"
ntlsd_down && pass "ntlsd exits cleanly" || fail "ntlsd exit status"
kill "$NS" 2>/dev/null || true
finish
