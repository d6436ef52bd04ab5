# shellcheck shell=bash
# A private, real OpenSSH sshd whose users' login shell is lunash: the way admins reach the
# appliance. Sourced after tools/lib/appliance.sh (tests, tools/appliance-sandbox). Needs root.
#
# sshd runs in its own mount namespace whose /etc is a copy-on-write overlay (recipe C of
# shared/recipes/sshd.md): the appliance users exist only there, and /run and /var/log are
# private tmpfs, so nothing on the host changes. It listens on 127.0.0.1 only.
#
#   luna_sshd_up DIR LUNASH [VAR=VALUE...]   the users of LUNA_SSH_USERS ("name:uid ..."),
#                                            passwords Pw<Name>-1, a key each in DIR/ssh/client;
#                                            VAR=VALUE reach every session (sshd SetEnv)
#   luna_ssh DIR USER [SSH-ARG...]           ssh to USER with their key (batch mode)
#   luna_ssh_password DIR USER [SSH-ARG...]  the same with the password (sshpass)
#   luna_sshd_down DIR

# The bus must know a caller's uid (a private bus gets its own passwd: luna_bus_up), and
# hsmd's roles file names callers by uid: choose uids both know.
LUNA_SSH_USERS=${LUNA_SSH_USERS:-"admin:7001 operator:7002 monitor:7003"}
LUNA_SSH_GID=${LUNA_SSH_GID:-7000}

# luna_ssh_uid USER: the uid luna_sshd_up gives USER.
luna_ssh_uid() {
  local u
  for u in $LUNA_SSH_USERS; do
    [ "${u%%:*}" = "$1" ] && { echo "${u#*:}"; return 0; }
  done
  return 1
}

luna_ssh_password_of() { echo "Pw${1^}-1"; }

luna_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

luna_sshd_up() {
  local top=$1 d=$1/ssh lunash=$2 port u v; shift 2
  command -v /usr/sbin/sshd >/dev/null || { luna_err "openssh-server is not installed"; return 1; }
  mkdir -p "$d/etc" "$d/home" "$d/client" "$d/ov/up" "$d/ov/work" "$d/bin"
  chmod 0755 "$top" "$d" "$d/home" "$d/bin"   # users must reach their home and lunash
  install -m 0755 "$lunash" "$d/bin/lunash"
  ssh-keygen -q -t ed25519 -N '' -f "$d/etc/host_ed25519"
  for u in $LUNA_SSH_USERS; do ssh-keygen -q -t ed25519 -N '' -C "${u%%:*}" -f "$d/client/id_${u%%:*}"; done
  port=$(luna_free_port)
  echo "$port" >"$d/port"
  echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$d/etc/host_ed25519.pub")" >"$d/client/known_hosts"
  cat >"$d/etc/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $d/etc/host_ed25519
PidFile $d/sshd.pid
UsePAM no
PermitRootLogin no
AllowGroups lunausers
PasswordAuthentication yes
KbdInteractiveAuthentication no
AuthorizedKeysFile .ssh/authorized_keys
PermitUserEnvironment no
AllowTcpForwarding no
AllowAgentForwarding no
AllowStreamLocalForwarding no
PermitTunnel no
X11Forwarding no
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
CONF
  for v in "$@"; do echo "SetEnv $v" >>"$d/etc/sshd_config"; done
  cat >"$d/ns-sshd.sh" <<NS
#!/bin/sh
set -e
mount -t overlay lunaetc -o lowerdir=/etc,upperdir=$d/ov/up,workdir=$d/ov/work /etc
mount -t tmpfs lunarun /run && mkdir -m 0755 /run/sshd
mount -t tmpfs lunalog /var/log
groupadd -g $LUNA_SSH_GID lunausers
for entry in $LUNA_SSH_USERS; do
  u=\${entry%%:*} uid=\${entry#*:}
  useradd -M -N -u \$uid -g lunausers -d $d/home/\$u -s $d/bin/lunash \$u
  install -d -m 0755 -o \$u -g lunausers $d/home/\$u
  install -d -m 0700 -o \$u -g lunausers $d/home/\$u/.ssh
  install -m 0600 -o \$u -g lunausers $d/client/id_\$u.pub $d/home/\$u/.ssh/authorized_keys
  pw=Pw\$(echo \$u | cut -c1 | tr a-z A-Z)\$(echo \$u | cut -c2-)-1
  echo "\$u:\$pw" | chpasswd
done
exec /usr/sbin/sshd -D -e -f $d/etc/sshd_config
NS
  chmod 0755 "$d/ns-sshd.sh"
  setsid unshare --mount --propagation private -- "$d/ns-sshd.sh" >"$d/sshd.log" 2>&1 </dev/null &
  echo $! >"$d/listener.pid"
  luna_wait_for luna_port_listening "$port" || {
    cat "$d/sshd.log" >&2; luna_err "sshd did not listen on 127.0.0.1:$port"; return 1; }
}

luna_port_listening() { ss -ltnH "sport = :$1" | grep -q .; }

luna_ssh_base() {
  local d=$1/ssh
  echo "ssh -F /dev/null -p $(cat "$d/port") -o UserKnownHostsFile=$d/client/known_hosts" \
    "-o StrictHostKeyChecking=yes -o LogLevel=ERROR -o ConnectTimeout=10"
}

luna_ssh() {
  local dir=$1 u=$2; shift 2
  # shellcheck disable=SC2046
  timeout 60 $(luna_ssh_base "$dir") -o BatchMode=yes -o IdentitiesOnly=yes \
    -i "$dir/ssh/client/id_$u" "$u@127.0.0.1" "$@"
}

luna_ssh_password() {
  local dir=$1 u=$2; shift 2
  # shellcheck disable=SC2046
  SSHPASS=$(luna_ssh_password_of "$u") timeout 60 sshpass -e $(luna_ssh_base "$dir") \
    -o PubkeyAuthentication=no -o PreferredAuthentications=password "$u@127.0.0.1" "$@"
}

luna_sshd_down() {
  local d=$1/ssh pid
  [ -s "$d/listener.pid" ] || return 0
  pid=$(cat "$d/listener.pid"); rm -f "$d/listener.pid"
  # Open sessions outlive the listener (each setsid()s): end them first.
  pkill -TERM -P "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  local i=0
  while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
