#!/usr/bin/env bash
# Corkboard on several test hosts (issue 14): each host a network namespace on one bridge, as
# root. Built from scripts/stack.sh's pieces (CB_ROLE=data for the databases, CB_ROLE=app for
# each application host, run inside that host's namespace).
#
#   scripts/cluster.sh start|stop|status
#   scripts/cluster.sh host-add NAME       (a new application host, then into HAProxy)
#   scripts/cluster.sh host-stop|host-start NAME   (every process of the host, and back)
#   scripts/cluster.sh host-reload NAME    (its pools' rolling restart: a new binary, config)
#   scripts/cluster.sh host-cut|host-mend NAME     (its network link down, and up)
#   scripts/cluster.sh can-run             (exit 0 when this machine can make namespaces)
#
#   client network (this machine) 10.214.0.1 ── bridge cbc-br ──┬─ cbc-lb       .2   HAProxy
#                                                              ├─ cbc-primary  .21  MariaDB primary
#                                                              ├─ cbc-replica  .22  MariaDB replica
#                                                              └─ cbc-a .11, cbc-b .12, … app hosts
#
# CB_PORT_BASE  ports as stack.sh's (HTTPS = base+43 on the balancer and each host's PROXY port,
#               base+44 each host's direct port); default 19400.
# CB_CLUSTER_NET  the /24 (default 10.214.0); CB_NETNS the namespace prefix (default cbc-).
# Files: var/cluster/ (databases, secrets, TLS, cluster.env, haproxy.cfg), var/cluster-NAME/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK="$ROOT/scripts/stack.sh"
export CB_PORT_BASE="${CB_PORT_BASE:-19400}"
NET="${CB_CLUSTER_NET:-10.214.0}"
NS="${CB_NETNS:-cbc-}"
BRIDGE="${NS}br"
VAR="$ROOT/var/cluster"
HOSTS_FILE="$VAR/hosts"
HTTPS_PORT=$((CB_PORT_BASE + 43))
RUN="/tmp/cb-$(printf '%s' "$ROOT" | sha256sum | cut -c1-8)-cluster"
HAPROXY_CFG="$VAR/haproxy.cfg"
HAPROXY_PID="$RUN/haproxy.pid"
LB="$NET.2"

say() { printf '==> %s\n' "$*"; }
die() { printf 'cluster.sh: %s\n' "$*" >&2; exit 1; }

# The environment stack.sh needs for the data host (databases, SMTP catcher) and for every host.
common_env() {
    export CB_ADDR_PRIMARY="$NET.21" CB_ADDR_REPLICA="$NET.22" CB_ADDR_SMTP="$NET.1" CB_ADDR_SITE="$LB"
    export CB_DB_CLIENTS="$NET.%" CB_BALANCER="$LB"
}

can_run() {
    [[ $EUID -eq 0 ]] || { echo "not root: network namespaces need root"; return 1; }
    command -v ip >/dev/null || { echo "no ip command (iproute2)"; return 1; }
    local probe="${NS}probe$$"
    ip netns add "$probe" 2>/dev/null || { echo "cannot create network namespaces (ip netns add failed)"; return 1; }
    ip netns del "$probe"
    command -v haproxy >/dev/null || { echo "no haproxy (scripts/stack.sh deps installs it)"; return 1; }
}

# ---------------------------------------------------------------------------------------------
# the network

net_up() {
    ip link show "$BRIDGE" >/dev/null 2>&1 && return 0
    ip link add "$BRIDGE" type bridge
    ip addr add "$NET.1/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
}

# host_up NAME LAST_OCTET: namespace NAME with eth0 = NET.LAST_OCTET, its veth on the bridge.
host_up() {
    local name="$1" ip="$NET.$2"
    ip netns list | grep -qx "$NS$name\( .*\)\?" && return 0
    ip netns add "$NS$name"
    ip link add "$NS$name-v" type veth peer name eth0 netns "$NS$name"
    ip link set "$NS$name-v" master "$BRIDGE" up
    ip -n "$NS$name" addr add "$ip/24" dev eth0
    ip -n "$NS$name" link set eth0 up
    ip -n "$NS$name" link set lo up
}

host_down() {
    ip netns pids "$NS$1" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip link del "$NS$1-v" 2>/dev/null || true
    ip netns del "$NS$1" 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------
# application hosts (var/cluster/hosts: "NAME OCTET" lines)

app_hosts() { [[ -f "$HOSTS_FILE" ]] && cut -d' ' -f1 "$HOSTS_FILE"; }
host_octet() { awk -v n="$1" '$1 == n {print $2}' "$HOSTS_FILE"; }
# The other application hosts' addresses: where NAME copies photo files and asks for missing ones.
peers_of() { awk -v n="$1" -v net="$NET" '$1 != n {printf "%s.%s ", net, $2}' "$HOSTS_FILE"; }

# What `start` was given that every later host command must see too: the nginx rates and the
# CORKBOARD_* overrides (e.g. a host started again after a drill keeps the same limits).
save_settings() {
    env | grep -E '^(CB_(LOGIN|SIGNUP|RESET)_RATE|CB_UPLOAD_WORKERS|CB_BIN|CORKBOARD_[A-Z0-9_]+)=' |
        sed "s/'/'\\\\''/g; s/=\(.*\)/='\1'/; s/^/export /" >"$VAR/settings.env" || true
}

# The host's stack (var/cluster-NAME), inside its namespace, sharing the cluster's secrets and TLS.
app_stack() { # NAME stack.sh-COMMAND
    local name="$1"
    common_env
    # shellcheck disable=SC1091
    [[ -f "$VAR/settings.env" ]] && source "$VAR/settings.env"
    mkdir -p "$ROOT/var/cluster-$name"
    cp -p "$VAR/secrets.env" "$ROOT/var/cluster-$name/secrets.env"
    rm -rf "$ROOT/var/cluster-$name/tls"
    cp -rp "$VAR/tls" "$ROOT/var/cluster-$name/tls"
    CB_STACK="cluster-$name" CB_ROLE=app CB_HOST_ID="$name" CB_ADDR_WEB="$NET.$(host_octet "$name")" \
        CB_PHOTO_PEERS="$(peers_of "$name")" CB_CLUSTER_CIDR="$NET.0/24" \
        ip netns exec "$NS$name" "$STACK" "$2"
}

# register_host NAME: gives NAME the next free address (NET.11 …), once.
register_host() {
    local name="$1" octet
    [[ "$name" =~ ^[a-z][a-z0-9]{0,5}$ ]] || die "a host name is 1-6 of [a-z0-9], starting with a letter"
    [[ -n "$(host_octet "$name")" ]] && return 0
    octet=$((11 + $(wc -l <"$HOSTS_FILE")))
    ((octet < 20)) || die "at most 9 application hosts ($NET.11-19)"
    echo "$name $octet" >>"$HOSTS_FILE"
}

# host_start NAME: its namespace and its stack.
host_start() {
    host_up "$1" "$(host_octet "$1")"
    app_stack "$1" start
    say "host $1 up at $NET.$(host_octet "$1")"
}

cmd_host_add() {
    local name="$1"
    register_host "$name"
    host_start "$name"
    # The hosts already running learn their new peer: nginx reloads with the new list, and the
    # pools' rolling restart (SIGHUP) re-reads photo_peers without failing a request.
    local other
    for other in $(app_hosts); do
        [[ "$other" == "$name" ]] && continue
        app_stack "$other" start >/dev/null
        app_stack "$other" pool-reload
    done
    write_haproxy
    say "host $name in the balancer"
}

# ---------------------------------------------------------------------------------------------
# HAProxy: TCP (TLS passes through to each host's nginx), PROXY protocol v2 to carry the
# client's address, /healthz checked over TLS every 500 ms (down after 2 failures, up after 2).

write_haproxy() {
    local name
    {
        cat <<CFG
# Written by scripts/cluster.sh; the hosts come from $HOSTS_FILE.
global
    daemon
    pidfile $HAPROXY_PID
    maxconn 4096
    ssl-server-verify none
    stats socket $RUN/haproxy.sock mode 600 level admin

defaults
    mode tcp
    log global
    timeout connect 1s
    timeout client 60s
    timeout server 60s
    # A connection a host refused or never answered goes to another host; only requests
    # already in flight on a lost host fail.
    retries 2
    option redispatch 1

frontend https
    bind $LB:$HTTPS_PORT
    default_backend hosts

backend hosts
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host $LB
    http-check expect status 200
    default-server send-proxy-v2 check check-ssl check-send-proxy inter 500ms fall 2 rise 2
CFG
        for name in $(app_hosts); do
            printf '    server %s %s.%s:%s\n' "$name" "$NET" "$(host_octet "$name")" "$HTTPS_PORT"
        done
    } >"$HAPROXY_CFG"
    haproxy -c -q -f "$HAPROXY_CFG" || die "haproxy -c failed for $HAPROXY_CFG"
    if [[ -s "$HAPROXY_PID" ]] && kill -0 "$(cat "$HAPROXY_PID")" 2>/dev/null; then
        # A new process takes the listener; the old one finishes its connections (-sf).
        ip netns exec "${NS}lb" haproxy -f "$HAPROXY_CFG" -sf "$(cat "$HAPROXY_PID")"
    else
        ip netns exec "${NS}lb" haproxy -f "$HAPROXY_CFG"
    fi
}

# ---------------------------------------------------------------------------------------------

write_cluster_env() {
    local name
    {
        echo "CB_CLUSTER_URL=https://$LB:$HTTPS_PORT"
        echo "CB_CA_FILE=$VAR/tls/ca.pem"
        echo "CB_CLUSTER_NETNS=$NS"
        echo "CB_CLUSTER_HOSTS=\"$(app_hosts | tr '\n' ' ' | sed 's/ $//')\""
        for name in $(app_hosts); do
            echo "CB_HOST_${name^^}_URL=https://$NET.$(host_octet "$name"):$((CB_PORT_BASE + 44))"
            echo "CB_HOST_${name^^}_ENV=$ROOT/var/cluster-$name/stack.env"
        done
        echo "CB_HAPROXY_SOCKET=$RUN/haproxy.sock"
        grep -v '^CB_HTTPS_URL=\|^CB_CA_FILE=' "$VAR/stack.env"
    } >"$VAR/cluster.env"
    chmod 0600 "$VAR/cluster.env"
}

cmd_start() {
    local t0=$SECONDS reason name
    reason="$(can_run)" || die "$reason"
    cmd_stop >/dev/null 2>&1 || true
    rm -rf "$VAR" "$ROOT"/var/cluster-*
    mkdir -p "$VAR" "$RUN"
    : >"$HOSTS_FILE"
    save_settings
    net_up
    host_up lb 2
    host_up primary 21
    host_up replica 22
    common_env
    say "databases on $NET.21 (primary) and $NET.22 (replica)"
    CB_STACK=cluster CB_ROLE=data CB_NETNS="$NS" CB_TLS_SANS="IP:$LB,IP:$NET.11,IP:$NET.12,IP:$NET.13,IP:$NET.14" \
        "$STACK" start
    # Every host known first, so each starts with its photo peers.
    for name in ${CB_CLUSTER_HOSTS:-a b}; do register_host "$name"; done
    for name in $(app_hosts); do host_start "$name"; done
    write_haproxy
    write_cluster_env
    say "cluster up in $((SECONDS - t0))s: https://$LB:$HTTPS_PORT/ (env: $VAR/cluster.env)"
}

cmd_stop() {
    local name
    if [[ -s "$HAPROXY_PID" ]]; then kill "$(cat "$HAPROXY_PID")" 2>/dev/null || true; rm -f "$HAPROXY_PID"; fi
    for name in $(app_hosts 2>/dev/null); do
        [[ -f "$ROOT/var/cluster-$name/corkboard.conf" ]] && ip netns list | grep -q "^$NS$name" &&
            CB_STACK="cluster-$name" CB_ROLE=app ip netns exec "$NS$name" "$STACK" stop || true
        host_down "$name"
    done
    common_env
    CB_STACK=cluster CB_ROLE=data CB_NETNS="$NS" "$STACK" stop || true
    for name in lb primary replica; do host_down "$name"; done
    ip link del "$BRIDGE" 2>/dev/null || true
}

cmd_status() {
    local name
    ip netns list | grep "^$NS" || echo "no namespaces"
    for name in $(app_hosts 2>/dev/null); do
        echo "host $name ($NET.$(host_octet "$name")):"
        CB_STACK="cluster-$name" "$STACK" status | sed -n '/pool\|uploads\|mailer\|nginx/p'
    done
    [[ -S "$RUN/haproxy.sock" ]] || return 0
    echo "HAProxy (backend hosts):"
    python3 - "$RUN/haproxy.sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"show stat\n")
out = b""
while chunk := s.recv(65536):
    out += chunk
for line in out.decode().splitlines():
    f = line.split(",")
    if len(f) > 17 and f[0] == "hosts" and f[1] != "BACKEND":
        print(f"  {f[1]:<8} {f[17]}")
PY
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    can-run) can_run ;;
    host-add) cmd_host_add "${2:?host name}"; write_cluster_env ;;
    host-stop) app_stack "${2:?host name}" stop ;;
    host-start) app_stack "${2:?host name}" start ;;
    host-reload) app_stack "${2:?host name}" pool-reload ;;
    host-cut) ip link set "$NS${2:?host name}-v" down ;;
    host-mend) ip link set "$NS${2:?host name}-v" up ;;
    *) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
