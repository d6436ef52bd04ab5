# shellcheck shell=bash
# Shared by the packaging tests: the build installed into a tree (meson install --destdir),
# real systemd in namespaces (tools/systemd-sandbox) with /etc /var /usr /home copy-on-write
# and only loopback, checks that count failures. Exit 77 = skipped, 99 = broken harness.
set -euo pipefail
# shellcheck source=../../tools/lib/appliance.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/appliance.sh"
LUNA_ERR_PREFIX=$(basename "$0" .sh)
: "${LUNA_BUILD_ROOT:?set by meson}"
SYSTEMD_UNITS=$LUNA_ROOT/systemd/system
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
failures=0 checks=0 finished=0

skip() { echo "SKIP: $*"; exit 77; }
pass() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }
expect() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi; }
expect_match() {
  if printf '%s\n' "$3" | grep -qE -- "$2"; then pass "$1"; else fail "$1: expected /$2/, got '$3'"; fi
}
finish() { echo "$checks checks, $failures failed"; finished=1; [ "$failures" = 0 ]; }

T=$(mktemp -d /tmp/luna-ptest.XXXXXX)
chmod 0755 "$T"
SANDBOX_PID=
pkg_cleanup() {
  local rc=$?
  [ "$finished" = 1 ] || [ "$rc" = 0 ] || [ "$rc" = 77 ] || rc=99
  if [ -n "$SANDBOX_PID" ]; then
    if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
      echo "--- journal (last 60 lines)"
      inside journalctl --no-pager -n 80 -o short-monotonic _TRANSPORT=journal + _TRANSPORT=stdout + _TRANSPORT=syslog 2>/dev/null || true
    fi
    "$LUNA_SYSTEMD_SANDBOX" down "$SANDBOX_PID" "$T/sandbox" || true
  fi
  rm -rf "$T"
  exit "$rc"
}
trap pkg_cleanup EXIT

# The build's install tree is laid out for /usr (units say /usr/sbin/hsmd).
need_usr_prefix() {
  local prefix
  prefix=$(meson introspect --buildoptions "$LUNA_BUILD_ROOT" |
    python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
  [ "$prefix" = /usr ] || skip "the build's prefix is $prefix: meson configure $LUNA_BUILD_ROOT -Dprefix=/usr"
}

# install_tree DIR: the build as `meson install` lays it out, under DIR.
install_tree() {
  meson install -C "$LUNA_BUILD_ROOT" --no-rebuild --quiet --destdir "$1" >"$T/install.log" 2>&1 \
    || { cat "$T/install.log" >&2; echo "meson install failed" >&2; exit 99; }
}

# sandbox_up: systemd as PID 1 of fresh namespaces; nothing it writes reaches the host
# (sysconfd makes the appliance users' homes in /home).
sandbox_up() {
  luna_systemd_usable || skip "needs root and pid/mount/cgroup namespaces"
  [ -d /home ] || mkdir -p /home
  SANDBOX_PID=$(SANDBOX_NET=1 SANDBOX_OVERLAY="/etc /var /usr /home" \
    "$LUNA_SYSTEMD_SANDBOX" up "$T/sandbox") \
    || { cat "$T/sandbox/console.log" >&2; echo "systemd did not boot" >&2; exit 99; }
  # LeakSanitizer cannot stop the world inside the sandbox ("does not work under ptrace"), and a
  # sanitized build's daemons would then fail their exit; ASan and UBSan keep checking the rest.
  # Nothing reads it in a normal build.
  inside systemctl set-environment ASAN_OPTIONS=detect_leaks=0
}
inside() { "$LUNA_SYSTEMD_SANDBOX" exec "$SANDBOX_PID" "$@"; }

# The programs the units run (ExecStart= paths), as a `pgrep -f` pattern.
appliance_daemons() {
  echo "^($(sed -n 's#^ExecStart=[-@:+!]*\([^ ]*\).*#\1#p' "$SYSTEMD_UNITS"/*.service | paste -sd'|'))( |\$)"
}

# The units of the source tree: every one must come up under luna-appliance.target.
appliance_units() { (cd "$SYSTEMD_UNITS" && ls -- *.service *.socket *.target 2>/dev/null); }

# skipped_by_condition UNIT: systemd evaluated the unit's Condition*= and it was not met (a
# unit with nothing to do yet, e.g. lsta before a trap host is set): it stays inactive.
# (only a unit that has a Condition can be skipped by one: before its job runs, a unit without
# any may read ConditionResult=no, and was once taken as settled while still inactive)
skipped_by_condition() {
  grep -q '^Condition' "$SYSTEMD_UNITS/$1" 2>/dev/null \
    && [ "$(inside systemctl show -P ConditionResult "$1")" = no ] \
    && [ "$(inside systemctl show -P ConditionTimestampMonotonic "$1")" != 0 ]
}

unit_settled() { unit_settled_as "$1" "$(inside systemctl show -P ActiveState "$1")" "${2:-}"; }
unit_settled_as() {
  case $2 in
    active|failed) return 0 ;;
    inactive) [ "${3:-}" = any ] && return 0; skipped_by_condition "$1" && return 0 ;;
  esac
  return 1
}

# settled_state UNIT: its ActiveState once settled (as unit_settled), or the last seen after 30 s.
settled_state() {
  local s i
  for i in $(seq 300); do
    s=$(inside systemctl show -P ActiveState "$1")
    unit_settled_as "$1" "$s" && break
    sleep 0.1
  done
  echo "$s"
}

# expect_units_active: each unit of systemd/system active (waiting for those still starting),
# and each service pulled in by luna-appliance.target.
expect_units_active() {
  local u deps s
  deps=$(inside systemctl list-dependencies --plain --no-legend luna-appliance.target | awk '{ print $1 }')
  for u in $(appliance_units); do
    # The state judged is the one seen settled, not a second read (CI once saw "activating" there).
    s=$(settled_state "$u")
    if [ "$s" = inactive ] && skipped_by_condition "$u"; then
      pass "$u is not started: its Condition is not met ($(grep -h '^Condition' "$SYSTEMD_UNITS/$u" | paste -sd' '))"
    else
      expect "$u is active" active "$s"
    fi
    case $u in
      luna-appliance.target) ;;
      *) expect_match "luna-appliance.target wants $u" "^$u\$" "$deps" ;;
    esac
  done
}
