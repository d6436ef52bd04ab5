# shellcheck shell=bash
# Shared by the platform tests (syslog, service, sysconf config/ntp/time/license): the
# appliance booted under real systemd in fresh namespaces (tools/systemd-sandbox) with
# copy-on-write /etc /var /usr /home and a loopback-only network, the repo's units and D-Bus
# policy, sysconfd/lunash/hsmd installed where the packages put them, the real rsyslog,
# logrotate and ntpsec from the host's /usr. Nothing reaches the host: files land in the
# overlays, the network is the sandbox's own, and the appliance clock is sysconfd's offset
# clock (the host's clock is never set). Lunash runs as the appliance users sysconfd made.
# Needs LUNA_SYSCONFD, LUNA_LUNASH, LUNA_HSMD (meson passes them). Exit 77 = skipped.
set -euo pipefail
# shellcheck source=../../tools/lib/appliance.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/appliance.sh"
: "${LUNA_SYSCONFD:?set by meson}" "${LUNA_LUNASH:?set by meson}" "${LUNA_HSMD:?set by meson}"
LUNA_SYSCONFD=$(readlink -f "$LUNA_SYSCONFD") LUNA_LUNASH=$(readlink -f "$LUNA_LUNASH") LUNA_HSMD=$(readlink -f "$LUNA_HSMD")
ERR=com.safenet.Luna.Error
failures=0 checks=0

skip() { echo "SKIP: $*"; exit 77; }
pass() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
expect() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi; }
# (A here-string, not a pipe: with pipefail, grep -q leaving early could fail the writer.)
expect_match() {
  if grep -qE -- "$2" <<<"$3"; then pass "$1"; else fail "$1: expected /$2/, got '$3'"; fi
}
expect_no_match() {
  if grep -qE -- "$2" <<<"$3"; then fail "$1: unexpected /$2/ in '$3'"; else pass "$1"; fi
}

luna_systemd_usable || skip "needs root and pid/mount/cgroup/net namespaces"
for tool in rsyslogd logrotate; do command -v $tool >/dev/null || skip "needs $tool (deps/debian-packages.txt)"; done
[ -e /usr/lib/x86_64-linux-gnu/rsyslog/omrelp.so ] || [ -n "$(find /usr/lib -name omrelp.so 2>/dev/null | head -1)" ] \
  || skip "needs rsyslog-relp"

T=$(mktemp -d /tmp/luna-plat.XXXXXX)
chmod 0755 "$T"
finished=0
cleanup() {
  local rc=$?
  [ "$finished" = 1 ] || [ "$rc" = 0 ] || [ "$rc" = 77 ] || rc=99
  if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ -s "$T/systemd.pid" ]; then
    echo "--- sysconfd journal"; in_sandbox journalctl --no-pager -o cat -u sysconfd.service 2>/dev/null | tail -n 40 || true
  fi
  luna_systemd_down "$T" 2>/dev/null || true
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT

in_sandbox() { "$LUNA_SYSTEMD_SANDBOX" exec "$(cat "$T/systemd.pid")" "$@"; }
# lsh USER COMMAND...: `lunash -c "COMMAND..."` as the appliance user USER (the words joined
# by blanks: quote a value with blanks inside the command, as a user would type it); prints
# the output (and "rc=N" on failure).
lsh() {
  local u=$1; shift
  in_sandbox setpriv --reuid="$u" --regid=lunausers --init-groups -- /usr/bin/lunash -c "$*" 2>&1 || echo "rc=$?"
}
# lsh_session USER LINE...: one piped lunash session (the HSM login lasts for the session).
lsh_session() {
  local u=$1; shift
  printf '%s\n' "$@" | in_sandbox setpriv --reuid="$u" --regid=lunausers --init-groups -- /usr/bin/lunash 2>&1 || true
}
# call USER IFACE METHOD ARG...: sysconfd over D-Bus as USER (tests/integration/sysconf-call.py).
call() {
  local u=$1; shift
  in_sandbox setpriv --reuid="$u" --regid=lunausers --init-groups -- /usr/bin/python3 /usr/local/lib/luna-test/sysconf-call.py "$@" 2>&1 | paste -sd' ' || true
}
# bcall USER IFACE METHOD SIGNATURE ARG...: the same through busctl, for typed arguments;
# prints the reply or busctl's "Call failed: <sysconfd's sentence>".
bcall() {
  local u=$1 iface=$2 method=$3; shift 3
  in_sandbox setpriv --reuid="$u" --regid=lunausers --init-groups -- busctl --system call com.safenet.Luna.Sysconf \
    /com/safenet/Luna/Sysconf "com.safenet.Luna.$iface" "$method" "$@" 2>&1 || true
}
# user_file USER NAME < CONTENT: a file in USER's file area, as scp would leave it.
user_file() {
  in_sandbox setpriv --reuid="$1" --regid=lunausers --init-groups -- sh -c 'cat >"$0"' "/home/$1/$2"
}
unit_prop() { in_sandbox systemctl show -P "$2" "$1"; }

# plat_up: boot the sandbox with the appliance installed; sysconfd started.
plat_up() {
  local s=$LUNA_ROOT/systemd u=$T/units
  mkdir -p "$u/sysconfd.service.d" "$u/ntpsec.service.d" "$T/systemd"
  cp "$s"/system/* "$u/"
  # The test's sysconfd: the offset clock (never the host's), the repo's factory copies.
  cat >"$u/sysconfd.service.d/test.conf" <<CONF
[Service]
ExecStart=
ExecStart=/usr/sbin/sysconfd --provision-users --shell /usr/bin/lunash --clock offset:/var/lib/luna-sysconf/clock-offset --factory-dir /usr/share/luna/factory
CONF
  # ntpd inside cannot touch the host's clock: it is root only in a user namespace of its own
  # (no CAP_SYS_TIME where it counts), and binds 123 thanks to the sandbox netns' sysctl below.
  cat >"$u/ntpsec.service.d/sandbox.conf" <<'CONF'
[Service]
PrivateUsers=yes
ProtectClock=yes
ExecStart=
ExecStart=/usr/sbin/ntpd -p /run/ntpd.pid -c /etc/ntpsec/ntp.conf
CONF
  local pid
  pid=$(SANDBOX_NET=1 SANDBOX_OVERLAY="/etc /var /usr /home" "$LUNA_SYSTEMD_SANDBOX" up "$T/systemd" \
        "$u" "$s/dbus-1/system.d" "$s/dbus-1/system-services") || { echo "systemd did not boot"; cat "$T/systemd/console.log"; return 1; }
  echo "$pid" >"$T/systemd.pid"
  # LeakSanitizer cannot stop the world inside the sandbox ("does not work under ptrace"), and a
  # sanitized build's daemons would then fail their exit; ASan and UBSan keep checking the rest.
  # Nothing reads it in a normal build.
  in_sandbox systemctl set-environment ASAN_OPTIONS=detect_leaks=0
  # Unprivileged ports from 0 in the sandbox's own network namespace (ntpd's port 123).
  nsenter -t "$pid" -n sysctl -q -w net.ipv4.ip_unprivileged_port_start=0
  in_sandbox install -D -m 0755 "$LUNA_SYSCONFD" /usr/sbin/sysconfd
  in_sandbox install -D -m 0755 "$LUNA_LUNASH" /usr/bin/lunash
  in_sandbox install -D -m 0755 "$LUNA_HSMD" /usr/sbin/hsmd
  in_sandbox install -D -m 0644 "$LUNA_ROOT/tests/integration/sysconf-call.py" /usr/local/lib/luna-test/sysconf-call.py
  in_sandbox mkdir -p /usr/share/luna
  in_sandbox cp -r "$LUNA_ROOT/sysconf/factory" /usr/share/luna/factory
  # ntlsd too when the test has it (service restart ntls).
  [ -n "${LUNA_NTLSD:-}" ] && in_sandbox install -D -m 0755 "$(readlink -f "$LUNA_NTLSD")" /usr/sbin/ntlsd
  local f
  for f in "$s"/sysusers.d/*.conf; do in_sandbox install -D -m 0644 "$f" "/usr/lib/sysusers.d/$(basename "$f")"; done
  in_sandbox install -D -m 0644 "$s/tmpfiles.d/luna.conf" /usr/lib/tmpfiles.d/luna.conf
  in_sandbox systemd-sysusers >/dev/null 2>&1
  in_sandbox systemd-tmpfiles --create luna.conf >/dev/null 2>&1 || true
  # rsyslog's socket for cbsd's audit records, as the package installs it.
  in_sandbox install -D -m 0644 "$LUNA_ROOT/daemons/cbsd/rsyslog-audit-socket.conf" /etc/rsyslog.d/58-luna-audit-socket.conf
  # The sandbox's rsyslog must not read the host kernel's log.
  in_sandbox sed -i 's/^module(load="imklog")/#&/' /etc/rsyslog.conf
  # Sandboxes mask ntpsec.service (masks.txt); this one runs it, powerless (the drop-in above).
  in_sandbox rm -f /run/systemd/system/ntpsec.service
  in_sandbox systemctl daemon-reload
  # ntlsd's state directory, where its settings file lives (ntlsd.service would make it).
  in_sandbox mkdir -p -m 0700 /var/lib/luna-ntls
  in_sandbox busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig >/dev/null
  in_sandbox systemctl start rsyslog.service sysconfd.service || { in_sandbox journalctl --no-pager -u sysconfd -n 30; return 1; }
}

# siem_up: a real rsyslogd as the remote log server (the SIEM), on the sandbox's own network
# (loopback only, so every 127.x address reaches it): UDP and TCP 15514, RELP 15515; each
# transport to its own file under $T/siem. Runs as a transient unit, so systemd reaps it.
siem_up() {
  local d=$T/siem
  mkdir -p "$d/work"
  chmod 0777 "$d"
  cat >"$d/rsyslog.conf" <<CONF
global(workDirectory="$d/work" processInternalMessages="on")
module(load="imudp")
module(load="imtcp")
module(load="imrelp")
input(type="imudp" address="0.0.0.0" port="15514" ruleset="r_udp")
input(type="imtcp" address="0.0.0.0" port="15514" ruleset="r_tcp")
input(type="imrelp" address="0.0.0.0" port="15515" ruleset="r_relp")
ruleset(name="r_udp") {
  action(type="omfile" file="$d/udp.log")
}
ruleset(name="r_tcp") {
  action(type="omfile" file="$d/tcp.log")
}
ruleset(name="r_relp") {
  action(type="omfile" file="$d/relp.log")
}
syslog.* action(type="omfile" file="$d/internal.log")
CONF
  rsyslogd -N1 -f "$d/rsyslog.conf" >/dev/null 2>&1 || { echo "the SIEM configuration does not parse"; return 1; }
  in_sandbox systemd-run --quiet --unit=luna-siem.service rsyslogd -n -f "$d/rsyslog.conf" -i "$d/rsyslogd.pid"
  local i listening
  for i in $(seq 100); do
    listening=$(in_sandbox ss -ltn)
    grep -q ':15515 ' <<<"$listening" && grep -q ':15514 ' <<<"$listening" && return 0
    sleep 0.1
  done
  echo "the SIEM did not listen"; return 1
}

# wait_for_line FILE TEXT: up to 30 s.
wait_for_line() {
  local i
  for i in $(seq 300); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

finish() {
  finished=1
  echo "$checks checks, $failures failed"
  [ "$failures" = 0 ]
}
