# shellcheck shell=bash
# Start and stop the appliance without installing it. Sourced by tools/appliance-sandbox (one
# long-lived sandbox for a person) and by tests/integration (one sandbox per test). Two ways:
#
#   bus mode      a private, system-like dbus-daemon with the repo's D-Bus policy, and hsmd as a
#                 plain process under any uid. Needs nothing but the binaries; root only to run
#                 hsmd and the callers under other uids.
#   systemd mode  real systemd as PID 1 in fresh namespaces (tools/systemd-sandbox) with the
#                 repo's unit, sysusers, tmpfiles, D-Bus policy and activation files installed
#                 over copy-on-write /etc /var /usr. Proves the unit file. Needs root.
#
# Everything lives in one directory DIR of the caller's; nothing on the host is changed.
# Functions return non-zero on failure and say why on stderr.

LUNA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LUNA_BUS_NAME=com.safenet.Luna.Hsm
LUNA_OBJECT=/com/safenet/Luna/Hsm
LUNA_SYSTEMD_SANDBOX=$LUNA_ROOT/tools/systemd-sandbox/systemd-sandbox
# The uid hsmd runs as in bus mode when we are root: a stand-in for the luna-hsm user that
# needs no entry in /etc/passwd.
LUNA_HSMD_UID=${LUNA_HSMD_UID:-4100}

luna_err() { echo "${LUNA_ERR_PREFIX:-appliance}: $*" >&2; }

# luna_build BUILDDIR [NINJA-TARGET...]: configure once (LUNA_MESON_OPTS), then build.
luna_build() {
  local b=$1; shift
  if [ ! -f "$b/build.ninja" ]; then
    # shellcheck disable=SC2086
    meson setup "$b" "$LUNA_ROOT" ${LUNA_MESON_OPTS:-} >"$b.setup.log" 2>&1 \
      || { cat "$b.setup.log" >&2; luna_err "meson setup failed"; return 1; }
    rm -f "$b.setup.log"
  fi
  ninja -C "$b" "$@" >/dev/null || { ninja -C "$b" "$@" >&2; return 1; }
}

# luna_stage DIR FILE...: copy binaries to DIR/bin, world-executable. Callers under other uids
# may not be able to reach the build tree (a clone in a 0700 home, for one).
luna_stage() {
  local d=$1; shift
  mkdir -p "$d/bin" && chmod 0755 "$d" "$d/bin" && install -m 0755 "$@" "$d/bin/"
}

# luna_wait_for CMD...: poll CMD for up to ${LUNA_WAIT:-20} s; CMD exits 3 to give up at once.
luna_wait_for() {
  local i=0 n=$(( ${LUNA_WAIT:-20} * 10 )) rc
  while :; do
    rc=0; "$@" >/dev/null 2>&1 || rc=$?
    [ "$rc" = 0 ] && return 0
    [ "$rc" = 3 ] && return 1
    i=$((i + 1)); [ "$i" -lt "$n" ] || return 1
    sleep 0.1
  done
}

luna_name_owned() {
  busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
    NameHasOwner s "${1:-$LUNA_BUS_NAME}" 2>/dev/null | grep -qx 'b true'
}

# ---------------------------------------------------------------------------------------------
# Bus mode

# luna_bus_up DIR OWNER_UID [NAME:UID...]: start a private system-like bus in DIR/bus with the
# repo's D-Bus policy. Exports DBUS_SYSTEM_BUS_ADDRESS. As root, the bus runs in its own mount
# namespace whose /etc/passwd and /etc/group also hold OWNER_UID as "luna-hsm" and each
# NAME:UID, so the policy is loaded as it ships, and callers under those uids may connect
# (dbus-daemon refuses uids it cannot look up). Otherwise the policy is given to our own user.
luna_bus_up() {
  local d=$1/bus owner=$2 f u run=()
  shift 2
  mkdir -p "$d/system.d" && chmod 0755 "$d/.." "$d"
  if [ "$(id -u)" = 0 ]; then
    cp "$LUNA_ROOT"/systemd/dbus-1/system.d/*.conf "$d/system.d/"
    cp /etc/passwd "$d/passwd" && cp /etc/group "$d/group"
    for u in "luna-hsm:$owner" "$@"; do
      echo "${u%%:*}:x:${u#*:}:${u#*:}::/nonexistent:/usr/sbin/nologin" >>"$d/passwd"
      echo "${u%%:*}:x:${u#*:}:" >>"$d/group"
    done
    run=(unshare --mount --propagation private -- sh -c \
      'mount --bind "$0" /etc/passwd && mount --bind "$1" /etc/group && shift && exec "$@"' \
      "$d/passwd" "$d/group")
  else
    for f in "$LUNA_ROOT"/systemd/dbus-1/system.d/*.conf; do
      sed "s/user=\"luna-hsm\"/user=\"$(id -un)\"/" "$f" >"$d/system.d/$(basename "$f")"
    done
  fi
  cat >"$d/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<!-- The default context of Debian's system.conf; service policy comes from system.d. -->
<busconfig>
  <type>system</type>
  <listen>unix:path=$d/bus.sock</listen>
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
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"
          send_member="UpdateActivationEnvironment"/>
  </policy>
  <includedir>$d/system.d</includedir>
</busconfig>
CONF
  : >"$d/address"
  ${LUNA_DETACH:+setsid} "${run[@]}" dbus-daemon --config-file="$d/bus.conf" --nofork --nosyslog \
    --print-address=3 3>"$d/address" >/dev/null 2>"$d/bus.log" </dev/null &
  echo $! >"$d/pid"
  luna_wait_for test -s "$d/address" \
    || { cat "$d/bus.log" >&2; luna_err "dbus-daemon did not start"; return 1; }
  DBUS_SYSTEM_BUS_ADDRESS=$(head -n1 "$d/address")
  export DBUS_SYSTEM_BUS_ADDRESS
}

# luna_hsmd_up DIR HSMD UID ROLES [HSMD-ARG...]: run HSMD as UID with its state in DIR/state and
# wait until it owns its bus name (it notifies READY=1 at that moment too).
luna_hsmd_up() {
  local d=$1 hsmd=$2 uid=$3 roles=$4; shift 4
  local run=()
  mkdir -p "$d/state" && chmod 0700 "$d/state"
  if [ "$(id -u)" = 0 ]; then
    # hsmd logs with syslog(3); in its own mount namespace the host's log sockets are /dev/null,
    # so a sandbox never writes to the host's journal.
    run=(unshare --mount --propagation private -- sh -c \
      'for l in /dev/log /run/systemd/journal/dev-log; do [ -S "$l" ] && mount --bind /dev/null "$l"; done; exec "$@"' sh)
  fi
  if [ "$uid" != "$(id -u)" ]; then
    chown "$uid:$uid" "$d/state" && run+=(setpriv --reuid="$uid" --regid="$uid" --clear-groups --)
  fi
  ${LUNA_DETACH:+setsid} "${run[@]}" "$hsmd" --state-dir "$d/state" --roles "$roles" "$@" \
    >"$d/hsmd.log" 2>&1 </dev/null &
  echo $! >"$d/hsmd.pid"
  local pid=$!
  luna_wait_for luna_hsmd_ready "$pid" || {
    cat "$d/hsmd.log" >&2
    luna_err "hsmd did not take the name $LUNA_BUS_NAME"; return 1; }
}

luna_hsmd_ready() {
  kill -0 "$1" 2>/dev/null || return 3
  luna_name_owned
}

# luna_stop PIDFILE COMM: SIGTERM, wait up to 10 s, then SIGKILL. Returns the exit status if the
# process is our child, 0 if it was not (its status is not ours to see), 1 if it had to be killed.
# With COMM, a pid whose command is not COMM is not ours any more (a stale file): left alone.
luna_stop() {
  local pid i=0 rc=0
  [ -s "$1" ] || return 0
  pid=$(cat "$1"); rm -f "$1"
  if [ -n "${2:-}" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "$2" ]; then
    wait "$pid" 2>/dev/null || rc=$?; return "$rc"
  fi
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; return 1; fi
    sleep 0.1
  done
  wait "$pid" 2>/dev/null || rc=$?
  [ "$rc" = 127 ] && rc=0   # not our child
  return "$rc"
}

luna_hsmd_down() { luna_stop "$1/hsmd.pid" hsmd; }
luna_bus_down() { luna_stop "$1/bus/pid" dbus-daemon; }

# ---------------------------------------------------------------------------------------------
# systemd mode

luna_systemd_exec() { "$LUNA_SYSTEMD_SANDBOX" exec "$(cat "$1/systemd.pid")" "${@:2}"; }

# luna_systemd_usable: root, and this kernel lets us make the namespaces.
luna_systemd_usable() {
  [ "$(id -u)" = 0 ] && [ -x /lib/systemd/systemd ] && command -v unshare >/dev/null \
    && unshare --pid --mount --cgroup --fork true 2>/dev/null
}

# luna_systemd_up DIR HSMD [ROLES]: boot systemd in DIR/systemd with the repo's units and policy
# (/etc /var /usr /home copy-on-write: sysconfd, when started, makes the users' homes),
# install HSMD as /usr/sbin/hsmd and create the users, as a package would. hsmd itself
# is not started: `systemctl start hsmd` or any call to its bus name (D-Bus activation) does.
luna_systemd_up() {
  local d=$1 hsmd=$2 roles=${3:-} s=$LUNA_ROOT/systemd pid
  mkdir -p "$d/systemd"
  pid=$(SANDBOX_NET=1 SANDBOX_OVERLAY="/etc /var /usr /home" "$LUNA_SYSTEMD_SANDBOX" up "$d/systemd" \
        "$s/system" "$s/dbus-1/system.d" "$s/dbus-1/system-services") \
    || { luna_err "systemd did not boot: $d/systemd/console.log"; return 1; }
  echo "$pid" >"$d/systemd.pid"
  luna_systemd_exec "$d" install -D -m 0755 "$hsmd" /usr/sbin/hsmd &&
  luna_systemd_exec "$d" install -D -m 0644 "$s/sysusers.d/luna.conf" /usr/lib/sysusers.d/luna.conf &&
  luna_systemd_exec "$d" install -D -m 0644 "$s/tmpfiles.d/luna.conf" /usr/lib/tmpfiles.d/luna.conf &&
  luna_systemd_exec "$d" systemd-sysusers luna.conf >>"$d/systemd/setup.log" 2>&1 &&
  luna_systemd_exec "$d" systemd-tmpfiles --create luna.conf || return 1
  if [ -n "$roles" ]; then
    luna_systemd_exec "$d" install -m 0644 "$roles" /etc/luna/roles || return 1
  fi
  # LeakSanitizer stops the world with ptrace, which the unit's seccomp filter forbids; leaks are
  # checked where hsmd runs unconfined (bus mode). The unit itself stays as it ships.
  if ldd "$hsmd" 2>/dev/null | grep -q libasan; then
    luna_systemd_exec "$d" sh -c 'mkdir -p /etc/systemd/system/hsmd.service.d &&
      printf "[Service]\nEnvironment=ASAN_OPTIONS=detect_leaks=0\n" >/etc/systemd/system/hsmd.service.d/sanitizer.conf &&
      systemctl daemon-reload' || return 1
  fi
  # The bus read its policy before luna-hsm existed; a policy naming an unknown user is dropped.
  luna_systemd_exec "$d" busctl --system call org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus ReloadConfig >/dev/null
}

luna_systemd_down() {
  [ -s "$1/systemd.pid" ] || return 0
  local pid; pid=$(cat "$1/systemd.pid")
  # Only a systemd in another pid namespace is ours (the pid file may be stale).
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd ] \
     && [ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ]; then
    "$LUNA_SYSTEMD_SANDBOX" down "$pid" "$1/systemd"
  fi
  rm -f "$1/systemd.pid"
}
