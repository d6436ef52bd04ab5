# shellcheck shell=bash
# A private Net-SNMP master (snmpd), the luna-snmp subagent and SNMP clients for tests,
# beside the bus and hsmd of appliance.sh (source that first). Follows
# shared/recipes/snmp.md: everything in DIR/snmp, UDP on a free loopback port, AgentX on a
# unix socket in DIR, no use of /etc/snmp, /var/lib/snmp or the host's snmpd.
#
#   luna_snmpd_up DIR            start snmpd (master agentx, SNMPv3 user, port in DIR/snmp/port)
#   luna_snmpd_down DIR          stop it
#   luna_subagent_up DIR BIN UID [REFRESH]   start luna-snmp as UID (refresh interval in s)
#   luna_subagent_down DIR
#   luna_snmp CMD [ARGS...]      run snmpget/snmpwalk/snmptable... as the test's v3 user,
#                                authPriv SHA+AES, with the project's MIBs, against DIR's master
#
# The master runs in test mode: an SNMPv3 user with rwuser authPriv, as sysconfd will write
# it on the appliance. No community: v1/v2c are not offered.

LUNA_SNMP_USER=${LUNA_SNMP_USER:-lunaadmin}
LUNA_SNMP_AUTH=${LUNA_SNMP_AUTH:-authpass123}
LUNA_SNMP_PRIV=${LUNA_SNMP_PRIV:-privpass123}
LUNA_MIBS="$LUNA_ROOT/mibs/base:$LUNA_ROOT/mibs"

# The master and clients get the same private config dir layout; every Net-SNMP program
# has its own SNMP_PERSISTENT_DIR there (caveat 4 of the recipe).
_luna_snmp_dirs() {
  local s=$1/snmp
  mkdir -p "$s/conf" "$s/persist" "$s/cli" "$s/sub" "$s/subpersist" "$s/agentx"
  chmod 0755 "$1" "$s" "$s/sub" "$s/agentx"
  chmod 0700 "$s/persist"
}

_luna_snmpd_write_conf() {
  local s=$1/snmp port=$2 gid=$3
  cat >"$s/conf/snmpd.conf" <<CONF
[snmp] mibs :
agentAddress udp:127.0.0.1:$port
master agentx
agentXSocket unix:$s/agentx/master
# the subagent's group may connect, nobody else
agentXPerms 0660 0755 0 $gid
# a hung subagent costs a request 1 s, not 6 s
agentXTimeout 1
agentXRetries 0
rwuser $LUNA_SNMP_USER priv
dontLogTCPWrappersConnects yes
CONF
  # snmpd turns createUser into a localized usmUser line here when it stops.
  [ -s "$s/persist/snmpd.conf" ] ||
    echo "createUser $LUNA_SNMP_USER SHA \"$LUNA_SNMP_AUTH\" AES \"$LUNA_SNMP_PRIV\"" >"$s/persist/snmpd.conf"
  chmod 0600 "$s/persist/snmpd.conf"
  echo 'mibs :' >"$s/cli/snmp.conf"
}

# luna_snmpd_up DIR [GID]: start snmpd on a free loopback port (tries a few), wait until it
# answers the test user. GID is the group that may use the AgentX socket.
luna_snmpd_up() {
  local d=$1 gid=${2:-0} s=$1/snmp try port
  _luna_snmp_dirs "$d"
  if [ -s "$s/port" ]; then port=$(cat "$s/port"); fi
  for try in 1 2 3 4 5; do
    [ -n "${port:-}" ] || port=$(( 20000 + RANDOM % 40000 ))
    _luna_snmpd_write_conf "$d" "$port" "$gid"
    : >"$s/snmpd.log"
    SNMPCONFPATH=$s/conf:$s/persist SNMP_PERSISTENT_DIR=$s/persist MIBS= \
      ${LUNA_DETACH:+setsid} snmpd -f -Lf "$s/snmpd.log" </dev/null >/dev/null 2>&1 &
    echo $! >"$s/snmpd.pid"
    echo "$port" >"$s/port"
    if luna_wait_for _luna_snmpd_ready "$d"; then return 0; fi
    luna_stop "$s/snmpd.pid" || true
    if grep -q "couldn't open\|Error opening specified endpoint" "$s/snmpd.log"; then
      port=""; continue        # the port was taken: another one
    fi
    cat "$s/snmpd.log" >&2; luna_err "snmpd did not start"; return 1
  done
  luna_err "snmpd found no free port"; return 1
}

_luna_snmpd_ready() {
  kill -0 "$(cat "$1/snmp/snmpd.pid")" 2>/dev/null || return 2
  LUNA_SNMP_DIR=$1 luna_snmp snmpget -t 0.2 -r 0 -On 127.0.0.1 .1.3.6.1.2.1.1.3.0 | grep -q Timeticks
}

luna_snmpd_down() { luna_stop "$1/snmp/snmpd.pid"; }

# luna_subagent_up DIR BIN UID [REFRESH-SECONDS]: run luna-snmp as UID (the monitor-role
# user in hsmd's roles file) with its own luna-snmp.conf. Does not wait for the master:
# the subagent keeps trying to reach it by itself.
luna_subagent_up() {
  local d=$1 bin=$2 uid=$3 refresh=${4:-60} s=$1/snmp run=()
  _luna_snmp_dirs "$d"
  cat >"$s/sub/luna-snmp.conf" <<CONF
agentXSocket unix:$s/agentx/master
agentXPingInterval 1
lunaRefreshInterval $refresh
CONF
  chmod 0644 "$s/sub/luna-snmp.conf"
  [ "$uid" = "$(id -u)" ] || { chown "$uid:$uid" "$s/subpersist"; run=(setpriv --reuid="$uid" --regid="$uid" --clear-groups --); }
  SNMP_PERSISTENT_DIR=$s/subpersist ${LUNA_DETACH:+setsid} "${run[@]}" "$bin" --config "$s/sub/luna-snmp.conf" \
    >"$s/luna-snmp.log" 2>&1 </dev/null &
  echo $! >"$s/luna-snmp.pid"
}

luna_subagent_down() { luna_stop "$1/snmp/luna-snmp.pid"; }

# luna_snmp_served DIR: the subagent's objects answer through the master.
luna_snmp_served() {
  LUNA_SNMP_DIR=$1 luna_snmp snmpget -t 0.3 -r 0 -On 127.0.0.1 .1.3.6.1.4.1.23629.1.5.2.1.1.0 | grep -q STRING
}

# luna_snmp PROGRAM [ARGS...] HOST ...: PROGRAM as the v3 user; "127.0.0.1" is rewritten to
# the master's address and port. LUNA_SNMP_DIR names the sandbox; LUNA_SNMP_AUTH/PRIV may be
# overridden for negative tests.
luna_snmp() {
  local prog=$1 s=${LUNA_SNMP_DIR:?}/snmp a args=()
  shift
  for a in "$@"; do
    [ "$a" = 127.0.0.1 ] && a=udp:127.0.0.1:$(cat "$s/port")
    args+=("$a")
  done
  SNMPCONFPATH=$s/cli SNMP_PERSISTENT_DIR=$s/cli MIBS= timeout 30 "$prog" -v3 -l authPriv \
    -u "$LUNA_SNMP_USER" -a SHA -A "$LUNA_SNMP_AUTH" -x AES -X "$LUNA_SNMP_PRIV" \
    -M "$LUNA_MIBS" -m ALL "${args[@]}"
}
