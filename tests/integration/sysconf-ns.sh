# shellcheck shell=bash
# Shared by the sysconfd tests: real appliance users need a real /etc, so each test re-runs
# itself in private mount and pid namespaces; /etc and /var are copy-on-write overlays with
# their upper layers in a temp dir (recipes/sshd.md, "C"). useradd, chpasswd, sshd, ... then
# work for real inside, and nothing reaches the host: the namespace and its overlays die
# with the test, the temp dir is removed. Inside: a private system-like bus with the repo's
# D-Bus policy and sysconfd as root. Exit 77 = skipped.
#
#   . sysconf-ns.sh; ns_setup; sysconfd_up [SYSCONFD-ARG...]; ...checks...; ns_finish
# Needs LUNA_SYSCONFD (meson passes it).
set -euo pipefail
LUNA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${LUNA_SYSCONFD:?set by meson}"
LUNA_SYSCONFD=$(readlink -f "$LUNA_SYSCONFD")
SYSCONF=(com.safenet.Luna.Sysconf /com/safenet/Luna/Sysconf)
ERR=com.safenet.Luna.Error
failures=0 checks=0

skip() { echo "SKIP: $*"; exit 77; }
pass() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
expect() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi; }
expect_match() {
  if printf '%s\n' "$3" | grep -qE -- "$2"; then pass "$1"; else fail "$1: expected /$2/, got '$3'"; fi
}
expect_no_match() {
  if printf '%s\n' "$3" | grep -qE -- "$2"; then fail "$1: unexpected /$2/ in '$3'"; else pass "$1"; fi
}

# ns_setup: outside, make the temp dir and re-run this script inside a new mount namespace;
# inside, lay the overlays. Returns only inside.
ns_setup() {
  if [ -z "${LUNA_NS_DIR:-}" ]; then
    [ "$(id -u)" = 0 ] || skip "needs root (users are created inside a private mount namespace)"
    command -v unshare >/dev/null && command -v useradd >/dev/null || skip "needs unshare and useradd"
    unshare --mount --propagation private --pid --fork --mount-proc true 2>/dev/null \
      || skip "cannot make mount and pid namespaces here"
    local t rc=0
    t=$(mktemp -d /tmp/luna-sysconf.XXXXXX)
    chmod 0755 "$t"   # users must reach their homes below it
    # A pid namespace too: "is this user logged in?" looks for its processes in /proc, and
    # tests running side by side give their users the same uids.
    LUNA_NS_DIR=$t unshare --mount --propagation private --pid --fork --mount-proc -- bash "$0" "$@" || rc=$?
    rm -rf "$t"
    exit "$rc"
  fi
  T=$LUNA_NS_DIR
  local d
  for d in etc var; do
    mkdir -p "$T/ov/$d/up" "$T/ov/$d/work"
    mount -t overlay "luna-$d" -o "lowerdir=/$d,upperdir=$T/ov/$d/up,workdir=$T/ov/$d/work" "/$d" \
      || skip "cannot mount an overlay on /$d"
  done
  # sshd's privilege separation directory lives in /run; keep the host's /run out of reach too.
  mount -t tmpfs -o mode=0755 luna-run /run
  mkdir -p "$T/bin" "$T/home" "$T/etc"
  chmod 0755 "$T/bin" "$T/home"
  install -m 0755 "$LUNA_ROOT/tests/integration/sysconf-call.py" "$T/bin/"
  trap ns_cleanup EXIT
}

ns_cleanup() {
  local rc=$? p
  for p in "$T"/*.pid; do
    [ -s "$p" ] || continue
    kill "$(cat "$p")" 2>/dev/null || true
  done
  if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
    for p in "$T"/*.log; do [ -f "$p" ] && { echo "--- $p"; tail -n 40 "$p"; }; done
  fi
  exit "$rc"
}

wait_for() {
  local i
  for i in $(seq 200); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done
  return 1
}

# bus_up: a private system-like bus (Debian's system.conf default context) with the repo's
# service policy from systemd/dbus-1/system.d.
bus_up() {
  mkdir -p "$T/bus/system.d"
  cp "$LUNA_ROOT"/systemd/dbus-1/system.d/*.conf "$T/bus/system.d/"
  cat >"$T/bus/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$T/bus/bus.sock</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
  </policy>
  <includedir>$T/bus/system.d</includedir>
</busconfig>
CONF
  chmod 0755 "$T/bus"
  : >"$T/bus/address"
  dbus-daemon --config-file="$T/bus/bus.conf" --nofork --nosyslog --print-address=3 \
    3>"$T/bus/address" 2>"$T/bus.log" </dev/null &
  echo $! >"$T/bus.pid"
  wait_for test -s "$T/bus/address" || { cat "$T/bus.log"; return 1; }
  export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/bus/bus.sock
}

sysconfd_owns_name() {
  busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
    NameHasOwner s com.safenet.Luna.Sysconf 2>/dev/null | grep -qx 'b true'
}

# sysconfd_up [ARG...]: the bus, then sysconfd as root with the built-in users provisioned,
# homes in $T/home and the stub (or real) lunash in $T/bin as login shell.
sysconfd_up() {
  [ -n "${DBUS_SYSTEM_BUS_ADDRESS:-}" ] || bus_up
  [ -x "$T/bin/lunash" ] || printf '#!/bin/sh\nexit 0\n' >"$T/bin/lunash"
  chmod 0755 "$T/bin/lunash"
  "$LUNA_SYSCONFD" --provision-users --home-dir "$T/home" --shell "$T/bin/lunash" "$@" \
    >"$T/sysconfd.log" 2>&1 </dev/null &
  echo $! >"$T/sysconfd.pid"
  wait_for sysconfd_owns_name || { fail "sysconfd did not take its bus name"; return 1; }
}

uid_of() { id -u "$1"; }
# as USER CMD...: run CMD as USER (a name or a numeric uid) with no supplementary groups.
as() {
  local u=$1; shift
  local uid gid
  uid=$(id -u "$u" 2>/dev/null || echo "$u"); gid=$(id -g "$u" 2>/dev/null || echo "$u")
  setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@"
}
# call USER IFACE METHOD [ARG...]: a sysconfd method as USER (sysconf-call.py: arguments
# JSON or plain strings); prints the reply's values as JSON on one line, separated by
# blanks, or "ERROR <name>: <message>".
call() {
  local u=$1; shift
  as "$u" /usr/bin/python3 "$T/bin/sysconf-call.py" "$@" 2>&1 | paste -sd' ' || true
}

ns_finish() {
  if [ -s "$T/sysconfd.pid" ]; then
    local pid rc=0
    pid=$(cat "$T/sysconfd.pid"); rm -f "$T/sysconfd.pid"
    kill -TERM "$pid"; wait "$pid" || rc=$?
    expect "sysconfd exits cleanly on SIGTERM" 0 "$rc"
  fi
  echo "$checks checks, $failures failed"
  [ "$failures" = 0 ]
}
