#!/usr/bin/env bash
# Corkboard's local stack: MariaDB primary + GTID replica, the SMTP catcher, the FastCGI pool
# and nginx (TLS) — everything on loopback, owned by this checkout, never the system services.
#
#   scripts/stack.sh deps|build|start|stop|status|pool-start|pool-stop|pool-reload|logs [-f]
#   scripts/stack.sh mailer-start|mailer-stop|smtp-start|smtp-stop   (one process of the stack)
#   scripts/stack.sh gc-start|gc-stop                                 (the photo collector, every CB_GC_EVERY s)
#   scripts/stack.sh db-stop|db-start primary|replica                 (failover drills)
#   scripts/stack.sh monitoring-start|monitoring-stop [NAME]          (Prometheus, Alertmanager, exporters)
#
# CB_STACK      instance name: demo (default), test (wiped and started fresh), bench, …
# CB_PORT_BASE  first port: 18400 demo, 18500 test, 18700 bench; +6 primary, +7 replica,
#               +25 SMTP, +43 HTTPS, +80 HTTP, +90..+93 monitoring (scripts/stack-monitoring.sh).
#               Set it for a second checkout on the same machine.
# CB_BIN        the corkboard binary (default: the release build of this checkout).
# CB_DB_BUFFER_POOL  InnoDB buffer pool of both servers (default 128M; the search bench uses more).
#
# Several hosts (scripts/cluster.sh sets these; unset, everything is on loopback):
# CB_ADDR_<NAME>  the address NAME listens on: PRIMARY, REPLICA, SMTP, WEB (nginx), SITE (the
#                 address clients use: the balancer's); default 127.0.0.1.
# CB_NETNS        a namespace prefix: the primary and replica then run in namespaces
#                 <prefix>primary and <prefix>replica.
# CB_DB_CLIENTS   the host part of the database accounts (default 127.0.0.1; '10.214.0.%').
# CB_BALANCER     the balancer's address: nginx then takes the PROXY protocol and trusts the
#                 client address it carries from that address only.
# CB_TLS_SANS     extra subjectAltName entries of the certificate (e.g. IP:10.214.0.2).
# CB_ROLE         all (default), data (databases + SMTP catcher) or app (nginx + pools + mailer).
# CB_HOST_ID      the application host's name (host_id), CB_PHOTO_PEERS the other hosts' addresses.
#
# Data and logs live under var/$CB_STACK/ in the checkout; sockets and pid files under a short
# run dir /tmp/cb-<hash of the checkout path>-$CB_STACK/ (unix socket paths must stay < 108 bytes).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CB_STACK="${CB_STACK:-demo}"
case "$CB_STACK" in
    demo) default_base=18400 ;;
    test) default_base=18500 ;;
    bench) default_base=18700 ;;
    *) default_base="" ;;
esac
PORT_BASE="${CB_PORT_BASE:-$default_base}"
if [[ -z "$PORT_BASE" ]]; then
    echo "stack.sh: CB_STACK=$CB_STACK has no default port base; set CB_PORT_BASE" >&2
    exit 2
fi
if [[ ! "$CB_STACK" =~ ^[a-z0-9_-]+$ ]]; then
    echo "stack.sh: CB_STACK must be [a-z0-9_-]+" >&2
    exit 2
fi

# host_addr NAME: where NAME listens (CB_ADDR_NAME, else loopback).
host_addr() { local v="CB_ADDR_${1^^}"; printf '%s\n' "${!v:-127.0.0.1}"; }
# in_host NAME COMMAND...: COMMAND on NAME's host (its network namespace under CB_NETNS).
in_host() {
    local name="$1"
    shift
    if [[ -n "${CB_NETNS:-}" ]]; then ip netns exec "$CB_NETNS$name" "$@"; else "$@"; fi
}
DB_CLIENTS="${CB_DB_CLIENTS:-127.0.0.1}"
# CB_ROLE: all (one host), data (the databases and SMTP catcher only) or app (nginx, the pools,
# the mailer and the collector, against CB_ADDR_PRIMARY/REPLICA): what start and stop touch.
ROLE="${CB_ROLE:-all}"
[[ "$ROLE" =~ ^(all|data|app)$ ]] || { echo "stack.sh: CB_ROLE must be all, data or app" >&2; exit 2; }

PRIMARY_PORT=$((PORT_BASE + 6))
REPLICA_PORT=$((PORT_BASE + 7))
SMTP_PORT=$((PORT_BASE + 25))
HTTPS_PORT=$((PORT_BASE + 43))
HTTP_PORT=$((PORT_BASE + 80))
# Behind a balancer: each host's direct HTTPS port (+44) and its cluster port for peers (+45).
DIRECT_PORT=$((PORT_BASE + 44))
PEER_PORT=$((PORT_BASE + 45))

VAR="$ROOT/var/$CB_STACK"
LOG="$VAR/log"
RUN="/tmp/cb-$(printf '%s' "$ROOT" | sha256sum | cut -c1-8)-$CB_STACK"
VENV="$ROOT/var/venv"
CONF="$VAR/corkboard.conf"
STACK_ENV="$VAR/stack.env"
SECRETS="$VAR/secrets.env"
CLIENT_CNF="$VAR/client.cnf"
# cbadmin: the operator's account (READ_ONLY ADMIN; sets read_only, repoints replication).
ADMIN_CNF="$VAR/admin.cnf"
TLS="$VAR/tls"
MAIL_DIR="$VAR/mail"
IMAGES="$VAR/images"

PRIMARY_DIR="$VAR/primary"
REPLICA_DIR="$VAR/replica"
PRIMARY_SOCK="$RUN/primary.sock"
REPLICA_SOCK="$RUN/replica.sock"
PRIMARY_PID="$RUN/primary.pid"
REPLICA_PID="$RUN/replica.pid"
SMTP_PID="$RUN/smtp.pid"
POOL_PID="$RUN/pool.pid"
MAILER_PID="$RUN/mailer.pid"
# The photo collector (gc-photos --every): the safety net behind the immediate release of a
# photo's files when its last use goes; production runs it from corkboard-gc-photos.timer.
GC_PID="$RUN/gc-photos.pid"
GC_EVERY="${CB_GC_EVERY:-30}"
POOL_SOCK="$RUN/pool.sock"
# The upload pool: a second, smaller, niced `corkboard serve` for photo processing (nginx sends
# creates and photo uploads to it), so uploads cannot take every browsing worker.
UPLOADS_PID="$RUN/uploads.pid"
UPLOADS_SOCK="$RUN/uploads.sock"
UPLOADS_CONF="$VAR/corkboard-uploads.conf"
UPLOAD_WORKERS="${CB_UPLOAD_WORKERS:-2}"
# A post whose title holds this marker fails just before its commit (test_hooks = true only).
TEST_FAIL_MARKER="__fail_before_commit__"
# A post whose title holds this marker holds its transaction open before the commit, for a drill
# to kill its database connection (test_hooks = true only).
TEST_HOLD_MARKER="__hold_before_commit__"
NGINX_PID="$RUN/nginx.pid"
NGINX_CONF="$VAR/nginx.conf"
# nginx limit_req rates for the account forms (CB_LOGIN_RATE…): production's, but generous in
# the test stack, where every test comes from 127.0.0.1 (test_accounts.py tightens them itself
# with `nginx-reload`).
if [[ "$CB_STACK" == test ]]; then default_rate=1000r/s; else default_rate=""; fi
LOGIN_RATE="${CB_LOGIN_RATE:-${default_rate:-10r/m}}"
SIGNUP_RATE="${CB_SIGNUP_RATE:-${default_rate:-3r/m}}"
RESET_RATE="${CB_RESET_RATE:-${default_rate:-3r/m}}"

# Prometheus, Alertmanager and the exporters (their ports, configs, start and stop).
# shellcheck source=scripts/stack-monitoring.sh
source "$ROOT/scripts/stack-monitoring.sh"

APT_PACKAGES=(
    build-essential pkg-config libfcgi-dev libfcgi-bin libmariadb-dev mariadb-server mariadb-client mariadb-backup
    nginx-light libssl-dev openssl wrk chromium chromium-driver python3-venv libvips-dev
    libargon2-dev libcurl4-openssl-dev systemd curl ca-certificates gettext-base util-linux
    fonts-dejavu-core
    prometheus prometheus-alertmanager prometheus-node-exporter prometheus-blackbox-exporter python3-yaml
    haproxy iproute2
)

say() { printf '==> %s\n' "$*"; }
warn() { printf 'stack.sh: WARNING: %s\n' "$*" >&2; }
die() { printf 'stack.sh: %s\n' "$*" >&2; exit 1; }

# The corkboard binary: CB_BIN, else the release build of this checkout.
bin_path() {
    if [[ -n "${CB_BIN:-}" ]]; then
        printf '%s\n' "$CB_BIN"
    else
        printf '%s/corkboard\n' "$(cd "$ROOT" && swift build -c release --show-bin-path 2>/dev/null || echo "$ROOT/.build/release")"
    fi
}

# ---------------------------------------------------------------------------------------------
# processes

# pid_alive PIDFILE WORD: true when the pid file names a live process whose command line has WORD
# (so a stale pid file whose number was reused by something else is never signalled).
pid_alive() {
    local file="$1" word="$2" pid
    [[ -s "$file" ]] || return 1
    pid="$(tr -dc '0-9' <"$file")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$word"
}

# stop_pid NAME PIDFILE WORD SIGNAL SECONDS: signal, wait up to SECONDS, then SIGKILL.
stop_pid() {
    local name="$1" file="$2" word="$3" sig="$4" secs="$5" pid i
    if ! pid_alive "$file" "$word"; then
        rm -f "$file"
        return 0
    fi
    pid="$(tr -dc '0-9' <"$file")"
    kill -"$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < secs * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        warn "$name (pid $pid) still running after ${secs}s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
    rm -f "$file"
    say "stopped $name (pid $pid)"
}

# wait_for SECONDS DESCRIPTION COMMAND...: retry COMMAND every 0.1 s, fail after SECONDS.
wait_for() {
    local secs="$1" what="$2" i
    shift 2
    for ((i = 0; i < secs * 10; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    die "timed out after ${secs}s waiting for $what"
}

# port_free PORT: nothing accepts connections on 127.0.0.1:PORT.
port_free() { ! (exec 3<>"/dev/tcp/$(host_addr web)/$1") 2>/dev/null; }

# check_ports: every port of a component that is not running yet must be free, or say who to ask.
check_ports() {
    local spec name file word port busy=()
    for spec in "primary:$PRIMARY_PID:mariadbd:$PRIMARY_PORT" "replica:$REPLICA_PID:mariadbd:$REPLICA_PORT" \
        "smtp:$SMTP_PID:mailcatcher:$SMTP_PORT" "nginx:$NGINX_PID:nginx:$HTTPS_PORT" "nginx:$NGINX_PID:nginx:$HTTP_PORT" \
        "${MONITORING_SPECS[@]}"; do
        IFS=: read -r name file word port <<<"$spec"
        pid_alive "$file" "$word" && continue
        port_free "$port" || busy+=("$port ($name)")
    done
    ((${#busy[@]} == 0)) || die "port(s) already in use by something else: ${busy[*]}; pick another CB_PORT_BASE (now $PORT_BASE)"
}

# ---------------------------------------------------------------------------------------------
# deps / build

cmd_deps() {
    local missing=() p
    for p in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if ((${#missing[@]})); then
        [[ $EUID -eq 0 ]] || die "missing packages (${missing[*]}); run as root: scripts/stack.sh deps"
        say "apt-get install ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends "${APT_PACKAGES[@]}"
    else
        say "Debian packages present"
    fi
    command -v swift >/dev/null || warn "no swift toolchain on PATH (Swift 6 is not a Debian package; install it separately)"

    local req="$ROOT/Tests/e2e/requirements.txt" stamp="$VENV/.requirements.sha256" sum
    sum="$(sha256sum "$req" | cut -d' ' -f1)"
    if [[ -x "$VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then
        say "Python venv present ($VENV)"
    else
        say "creating Python venv in $VENV"
        /usr/bin/python3 -m venv "$VENV"
        "$VENV/bin/pip" install -q --upgrade pip >/dev/null 2>&1 || true
        "$VENV/bin/pip" install -q -r "$req"
        printf '%s\n' "$sum" >"$stamp"
    fi
}

cmd_build() {
    cd "$ROOT"
    swift build -c release
}

# ---------------------------------------------------------------------------------------------
# layout, secrets, TLS

prepare_dirs() {
    mkdir -p "$VAR" "$LOG" "$MAIL_DIR" "$IMAGES" "$TLS" "$RUN" "$RUN/nginx-tmp"
    # nginx's workers (www-data) traverse these to reach the pool socket, the images and the
    # static files: var/ is ours to open up, the checkout's own parents are not.
    chmod 0755 "$ROOT/var" "$VAR" "$IMAGES" "$RUN"
    chmod 0700 "$TLS"
}

ensure_secrets() {
    if [[ ! -s "$SECRETS" ]]; then
        umask 077
        {
            printf 'ROOT_PASSWORD=%s\n' "$(openssl rand -hex 12)"
            printf 'APP_PASSWORD=%s\n' "$(openssl rand -hex 12)"
            printf 'REPL_PASSWORD=%s\n' "$(openssl rand -hex 12)"
        } >"$SECRETS"
        umask 022
    fi
    # The operator's account (corkboard db/backup/restore) came later: added to older stacks.
    grep -q '^ADMIN_PASSWORD=' "$SECRETS" || (umask 077; printf 'ADMIN_PASSWORD=%s\n' "$(openssl rand -hex 12)" >>"$SECRETS")
    # Signing keys are settings of their own (never derived from the database password); a
    # stack made before they existed gets them added.
    local key
    for key in CAUSAL_COOKIE_SECRET SEARCH_CURSOR_SECRET PHOTO_PEER_SECRET; do
        grep -q "^$key=" "$SECRETS" || (umask 077; printf '%s=%s\n' "$key" "$(openssl rand -hex 32)" >>"$SECRETS")
    done
    # shellcheck disable=SC1090
    source "$SECRETS"
    umask 077
    printf '[client]\nuser=root\npassword=%s\n' "$ROOT_PASSWORD" >"$CLIENT_CNF"
    printf '[client]\nuser=cbadmin\npassword=%s\n' "$ADMIN_PASSWORD" >"$ADMIN_CNF"
    umask 022
}

# A small CA and a leaf for 127.0.0.1/localhost, made once per stack. Clients trust ca.pem.
ensure_tls() {
    [[ -s "$TLS/server.pem" && -s "$TLS/ca.pem" ]] && return 0
    say "making a self-signed CA and certificate for 127.0.0.1/localhost"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Corkboard dev CA ($CB_STACK)" \
        -keyout "$TLS/ca.key" -out "$TLS/ca.pem" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>/dev/null
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost${CB_TLS_SANS:+,$CB_TLS_SANS}" "basicConstraints=CA:FALSE" \
        "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" >"$TLS/server.ext"
    openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial \
        -days 825 -extfile "$TLS/server.ext" -out "$TLS/server.pem" 2>/dev/null
    rm -f "$TLS/server.csr"
}

# ---------------------------------------------------------------------------------------------
# MariaDB

sql_primary() { mariadb --defaults-file="$CLIENT_CNF" -S "$PRIMARY_SOCK" -N -B "$@"; }
sql_replica() { mariadb --defaults-file="$CLIENT_CNF" -S "$REPLICA_SOCK" -N -B "$@"; }
# A freshly installed server: root has no password yet (it arrives by replication on the replica).
sql_fresh() { mariadb --no-defaults -uroot -S "$1" -N -B "${@:2}"; }
sql_admin() { mariadb --defaults-file="$ADMIN_CNF" -S "$1" -N -B "${@:2}"; }

start_mariadbd() { # NAME DATADIR SOCK PID PORT SERVER_ID EXTRA...
    local name="$1" dir="$2" sock="$3" pid="$4" port="$5" id="$6"
    shift 6
    if pid_alive "$pid" mariadbd; then
        return 0
    fi
    rm -f "$sock" "$pid"
    # --no-defaults: nothing from /etc/mysql, so Debian's own server is never touched.
    mkdir -p "$VAR/$name-tmp"
    in_host "$name" setsid mariadbd --no-defaults --datadir="$dir" --tmpdir="$VAR/$name-tmp" --socket="$sock" --port="$port" \
        --bind-address="$(host_addr "$name")" --user=root --server-id="$id" --pid-file="$pid" \
        --log-error="$LOG/$name.err" --skip-name-resolve \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
        --log-bin="$name-bin" --binlog-format=ROW --gtid-strict-mode=ON --read-only \
        --innodb-buffer-pool-size="${CB_DB_BUFFER_POOL:-128M}" "$@" </dev/null >>"$LOG/$name.out" 2>&1 &
}

server_ready() { mariadb-admin --no-defaults -S "$1" --connect-timeout=1 ping; }

start_databases() {
    local fresh_primary=0 fresh_replica=0 installs=() p
    # A marker written after the one-time setup: a half-set-up server is made anew.
    if [[ ! -f "$PRIMARY_DIR/corkboard-ready" ]]; then fresh_primary=1; fi
    if [[ ! -f "$REPLICA_DIR/corkboard-ready" ]]; then fresh_replica=1; fi
    # A replica without its primary's history cannot be resumed: make both anew together.
    if ((fresh_primary)); then fresh_replica=1; fi
    if ((fresh_primary || fresh_replica)); then
        stop_pid replica "$REPLICA_PID" mariadbd TERM 60
        ((fresh_primary)) && stop_pid primary "$PRIMARY_PID" mariadbd TERM 60
    fi
    for p in $( ((fresh_primary)) && echo primary) $( ((fresh_replica)) && echo replica); do
        rm -rf "${VAR:?}/$p" "${VAR:?}/$p-tmp"
        # Each server (and its bootstrap) keeps temporary tables in a folder of its own: in a
        # shared /tmp another process's clean-up can remove them mid-install.
        mkdir -p "$VAR/$p-tmp"
        mariadb-install-db --no-defaults --datadir="$VAR/$p" --user=root --tmpdir="$VAR/$p-tmp" \
            --auth-root-authentication-method=normal --skip-test-db >"$LOG/$p-install.log" 2>&1 &
        installs+=($!)
    done
    for p in "${installs[@]}"; do
        wait "$p" || die "mariadb-install-db failed; see $LOG/*-install.log"
    done

    # The event scheduler stamps replication_heartbeat every second (replica lag, sql/0007).
    start_mariadbd primary "$PRIMARY_DIR" "$PRIMARY_SOCK" "$PRIMARY_PID" "$PRIMARY_PORT" 1 --event-scheduler=ON
    # MASTER_CONNECT_RETRY is set to 1 s below: the default 60 s stalls replication for a
    # minute after the primary restarts.
    start_mariadbd replica "$REPLICA_DIR" "$REPLICA_SOCK" "$REPLICA_PID" "$REPLICA_PORT" 2 \
        --read-only --log-slave-updates
    wait_for 30 "the primary (see $LOG/primary.err)" server_ready "$PRIMARY_SOCK"
    wait_for 30 "the replica (see $LOG/replica.err)" server_ready "$REPLICA_SOCK"

    if ((fresh_primary)); then
        say "creating the corkboard database and users on the primary"
        # Written to the binlog, so the replica (which starts from an empty GTID position)
        # gets the same users and database.
        sql_fresh "$PRIMARY_SOCK" <<SQL
ALTER USER 'root'@'localhost' IDENTIFIED BY '$ROOT_PASSWORD';
ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '$ROOT_PASSWORD';
ALTER USER 'root'@'::1' IDENTIFIED BY '$ROOT_PASSWORD';
DROP USER IF EXISTS 'root'@'$(hostname)';
-- Every server starts read-only (a restarted old primary must not take writes); this one is
-- the primary of a new stack. Later starts reclaim it only while the topology names it.
SET GLOBAL read_only = OFF;
-- Without READ_ONLY ADMIN root cannot write to the read-only replica: a stray write there would
-- log a replica GTID and stop GTID-strict replication for good. It fails loudly instead.
REVOKE READ_ONLY ADMIN ON *.* FROM 'root'@'localhost';
REVOKE READ_ONLY ADMIN ON *.* FROM 'root'@'127.0.0.1';
REVOKE READ_ONLY ADMIN ON *.* FROM 'root'@'::1';
CREATE DATABASE corkboard CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'corkboard'@'$DB_CLIENTS' IDENTIFIED BY '$APP_PASSWORD';
CREATE USER 'corkboard'@'localhost' IDENTIFIED BY '$APP_PASSWORD';
GRANT ALL PRIVILEGES ON corkboard.* TO 'corkboard'@'$DB_CLIENTS', 'corkboard'@'localhost';
GRANT REPLICATION CLIENT, SLAVE MONITOR, BINLOG MONITOR ON *.* TO 'corkboard'@'$DB_CLIENTS', 'corkboard'@'localhost';
CREATE USER 'repl'@'$DB_CLIENTS' IDENTIFIED BY '$REPL_PASSWORD';
-- The operator's commands (corkboard db, backup, restore): ALL includes READ_ONLY ADMIN.
CREATE USER 'cbadmin'@'$DB_CLIENTS' IDENTIFIED BY '$ADMIN_PASSWORD';
CREATE USER 'cbadmin'@'localhost' IDENTIFIED BY '$ADMIN_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'cbadmin'@'$DB_CLIENTS', 'cbadmin'@'localhost';
GRANT REPLICATION SLAVE ON *.* TO 'repl'@'$DB_CLIENTS';
SQL
        touch "$PRIMARY_DIR/corkboard-ready"
    fi
    if ((fresh_replica)); then
        say "pointing the replica at the primary (GTID)"
        sql_fresh "$REPLICA_SOCK" <<SQL
CHANGE MASTER TO MASTER_HOST='$(host_addr primary)', MASTER_PORT=$PRIMARY_PORT, MASTER_USER='repl',
  MASTER_PASSWORD='$REPL_PASSWORD', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
START SLAVE;
SQL
        touch "$REPLICA_DIR/corkboard-ready"
    fi
    # Caught up = the replica has applied everything the primary has logged.
    local pos waited
    pos="$(sql_primary -e 'SELECT @@gtid_binlog_pos')"
    # root's new password reaches the replica through replication, so either login may be the
    # one that works right now: try both until the wait succeeds.
    for _ in $(seq 60); do
        waited="$(sql_replica -e "SELECT MASTER_GTID_WAIT('$pos', 30)" 2>/dev/null ||
            sql_fresh "$REPLICA_SOCK" -e "SELECT MASTER_GTID_WAIT('$pos', 30)" 2>/dev/null || true)"
        [[ "$waited" == 0 ]] && break
        sleep 0.5
    done
    [[ "$waited" == 0 ]] || die "the replica did not catch up with the primary ($pos); see $LOG/replica.err"
    ((fresh_primary)) || reclaim_primary
    # A primary started before the flag existed: turn the heartbeat's scheduler on anyway.
    sql_primary -e 'SET GLOBAL event_scheduler = ON' || warn "could not turn on the primary's event scheduler"
}

# Every server starts read-only. The primary's server takes writes again only while the
# topology row (sql/0015) the replica holds still names it (or the replica cannot tell): after a
# failover promoted the replica, the old primary stays read-only until `corkboard db rejoin`.
reclaim_primary() {
    local own named
    own="$(sql_admin "$PRIMARY_SOCK" -e 'SELECT @@server_id')"
    named="$(sql_admin "$REPLICA_SOCK" -e 'SELECT server_id FROM corkboard.db_topology WHERE id = 1' 2>/dev/null || true)"
    if [[ -z "$named" || "$named" == "$own" ]]; then
        sql_admin "$PRIMARY_SOCK" -e 'SET GLOBAL read_only = OFF'
    else
        warn "the primary's server stays read-only: the topology names server $named (see corkboard db status)"
    fi
}

# db-stop/db-start primary|replica: one server down and back (failover drills). A restarted
# replica resumes replication by itself; a restarted primary is picked up within
# MASTER_CONNECT_RETRY (1 s).
cmd_db() { # stop|start NAME
    case "${2:-}" in
        primary)
            if [[ "$1" == stop ]]; then stop_pid primary "$PRIMARY_PID" mariadbd TERM 60; return; fi
            start_mariadbd primary "$PRIMARY_DIR" "$PRIMARY_SOCK" "$PRIMARY_PID" "$PRIMARY_PORT" 1 --event-scheduler=ON
            wait_for 30 "the primary (see $LOG/primary.err)" server_ready "$PRIMARY_SOCK"
            reclaim_primary ;;
        replica)
            if [[ "$1" == stop ]]; then stop_pid replica "$REPLICA_PID" mariadbd TERM 60; return; fi
            start_mariadbd replica "$REPLICA_DIR" "$REPLICA_SOCK" "$REPLICA_PID" "$REPLICA_PORT" 2 \
                --read-only --log-slave-updates
            wait_for 30 "the replica (see $LOG/replica.err)" server_ready "$REPLICA_SOCK" ;;
        *) die "usage: stack.sh db-$1 primary|replica" ;;
    esac
}

replication_state() {
    mariadb --defaults-file="$CLIENT_CNF" -S "$REPLICA_SOCK" -e 'SHOW SLAVE STATUS\G' 2>/dev/null |
        awk '$1 ~ /^(Slave_IO_Running|Slave_SQL_Running|Gtid_IO_Pos):$/ {printf "%s %s  ", $1, $2}'
}

# ---------------------------------------------------------------------------------------------
# SMTP catcher

start_smtp() {
    pid_alive "$SMTP_PID" mailcatcher && return 0
    [[ -x "$VENV/bin/python" ]] || die "no Python venv; run: scripts/stack.sh deps"
    setsid "$VENV/bin/python" "$ROOT/scripts/mailcatcher.py" --host "$(host_addr smtp)" --port "$SMTP_PORT" \
        --dir "$MAIL_DIR" </dev/null >>"$LOG/smtp.log" 2>&1 &
    echo $! >"$SMTP_PID"
    wait_for 10 "the SMTP catcher (see $LOG/smtp.log)" bash -c "exec 3<>/dev/tcp/$(host_addr smtp)/$SMTP_PORT"
}

# ---------------------------------------------------------------------------------------------
# the pool

write_config() {
    cat >"$CONF" <<EOF
# Written by scripts/stack.sh for the '$CB_STACK' stack; systemd/corkboard.conf documents every key.
listen = unix:$POOL_SOCK
socket_mode = 0660
socket_group = www-data
workers = 4
max_requests = 1000000
request_timeout = 30
shutdown_timeout = 10
db_primary = $(host_addr primary):$PRIMARY_PORT
db_replicas = $(host_addr replica):$REPLICA_PORT
db_user = corkboard
db_password = $APP_PASSWORD
db_name = corkboard
causal_cookie_secret = $CAUSAL_COOKIE_SECRET
search_cursor_secret = $SEARCH_CURSOR_SECRET
site_url = https://$(host_addr site):$HTTPS_PORT
images_root = $IMAGES
static_root = $ROOT/public/static
migrations_dir = $ROOT/sql
log_level = info
smtp_host = $(host_addr smtp)
smtp_port = $SMTP_PORT
mail_from = Corkboard <noreply@localhost>
# Posts: test-only fault hooks (CORKBOARD_TEST_FAIL_BEFORE_COMMIT and _HOLD_BEFORE_COMMIT, set for
# the pools below), and the X-Corkboard-Worker header. Off on the bench stack, which measures the
# site as production runs it.
test_hooks = $([[ "$CB_STACK" == bench ]] && echo false || echo true)
smtp_timeout = 10
mailer_poll_interval = 1
common_passwords_file = $ROOT/share/common-passwords.txt
# /metrics: every process's counters file lives here; 127.0.0.3 stands for a Prometheus on
# another host (tests send from 127.0.0.2, which neither nginx nor the pool allows).
pool_name = web
metrics_dir = $RUN/metrics
metrics_allow = 127.0.0.3
search_term_min_clients = ${CB_SEARCH_TERM_MIN_CLIENTS:-2}
# corkboard db|backup|restore (the pool never uses these).
db_admin_user = cbadmin
db_admin_password = $ADMIN_PASSWORD
db_repl_user = repl
db_repl_password = $REPL_PASSWORD
backup_dir = $VAR/backups
EOF
    if [[ -n "${CB_HOST_ID:-}" ]]; then
        printf '# One of several application hosts: it writes and follows the change log.\nhost_id = %s\n' "$CB_HOST_ID" >>"$CONF"
    fi
    if [[ -n "${CB_PHOTO_PEERS:-}" ]]; then
        local peer
        printf '# Other hosts take a copy of every photo file before an upload is acknowledged.\nphoto_peers =' >>"$CONF"
        for peer in $CB_PHOTO_PEERS; do printf ' http://%s:%s' "$peer" "$PEER_PORT" >>"$CONF"; done
        printf '\nphoto_peer_secret = %s\n' "$PHOTO_PEER_SECRET" >>"$CONF"
    fi
    chmod 0600 "$CONF"
}

# wait_for_pool NAME PIDFILE SOCKET LOGFILE: until that master has created its socket (15 s),
# failing at once with its log's tail if it exits first.
wait_for_pool() {
    local name="$1" pidfile="$2" sock="$3" log="$4" i
    for ((i = 0; i < 150; i++)); do
        [[ -S "$sock" ]] && pid_alive "$pidfile" serve && return 0
        kill -0 "$(cat "$pidfile")" 2>/dev/null || { tail -n 20 "$log" >&2; die "the $name exited at start; see $log"; }
        sleep 0.1
    done
    die "the $name did not create $sock within 15 s; see $log"
}

# runnable_bin: the corkboard binary, once it is built and the stack's config exists.
runnable_bin() {
    local bin
    bin="$(bin_path)"
    [[ -x "$bin" ]] || die "no corkboard binary at $bin; run: scripts/stack.sh build"
    [[ -f "$CONF" ]] || die "no $CONF; run: scripts/stack.sh start"
    echo "$bin"
}

cmd_pool_start() {
    local bin
    bin="$(runnable_bin)"
    if pid_alive "$POOL_PID" serve; then
        say "pool already running (pid $(cat "$POOL_PID"))"
        uploads_start "$bin"
        return 0
    fi
    rm -f "$POOL_SOCK"
    CORKBOARD_TEST_FAIL_BEFORE_COMMIT="$TEST_FAIL_MARKER" CORKBOARD_TEST_HOLD_BEFORE_COMMIT="$TEST_HOLD_MARKER" setsid "$bin" serve --config "$CONF" </dev/null >>"$LOG/pool.log" 2>&1 &
    echo $! >"$POOL_PID"
    wait_for_pool pool "$POOL_PID" "$POOL_SOCK" "$LOG/pool.log"
    say "pool running (pid $(cat "$POOL_PID"), socket $POOL_SOCK)"
    uploads_start "$bin"
}

# The upload pool: same binary and config, its own socket, fewer workers, nice 10 (browsing wins
# the CPU when both want it). Its log is log/uploads.log.
uploads_start() {
    local bin="$1"
    # Its own copy of the config (listen and workers changed), so its processes are told apart
    # from the main pool's by their command lines too. Written even when the pool runs, so a
    # pool-reload picks up a changed config (e.g. a new photo peer).
    sed -e "s|^listen = .*|listen = unix:$UPLOADS_SOCK|" -e "s|^workers = .*|workers = $UPLOAD_WORKERS|" \
        -e "s|^pool_name = .*|pool_name = uploads|" "$CONF" >"$UPLOADS_CONF"
    chmod 0600 "$UPLOADS_CONF"
    pid_alive "$UPLOADS_PID" serve && return 0
    rm -f "$UPLOADS_SOCK"
    CORKBOARD_LISTEN="unix:$UPLOADS_SOCK" CORKBOARD_WORKERS="$UPLOAD_WORKERS" CORKBOARD_POOL_NAME=uploads CORKBOARD_TEST_FAIL_BEFORE_COMMIT="$TEST_FAIL_MARKER" \
        CORKBOARD_TEST_HOLD_BEFORE_COMMIT="$TEST_HOLD_MARKER" \
        setsid nice -n 10 "$bin" serve --config "$UPLOADS_CONF" </dev/null >>"$LOG/uploads.log" 2>&1 &
    echo $! >"$UPLOADS_PID"
    wait_for_pool "upload pool" "$UPLOADS_PID" "$UPLOADS_SOCK" "$LOG/uploads.log"
    say "upload pool running (pid $(cat "$UPLOADS_PID"), socket $UPLOADS_SOCK)"
}

# SIGHUP to both pools: a rolling restart that re-reads the config (no request fails).
cmd_pool_reload() {
    local f
    for f in "$POOL_PID" "$UPLOADS_PID"; do
        pid_alive "$f" serve && kill -HUP "$(tr -dc '0-9' <"$f")"
    done
    return 0
}

cmd_pool_stop() {
    # SIGTERM = drain: the master waits for in-flight requests (shutdown_timeout) and reaps workers.
    stop_pid pool "$POOL_PID" serve TERM 20
    rm -f "$POOL_SOCK"
    stop_pid uploads "$UPLOADS_PID" serve TERM 20
    rm -f "$UPLOADS_SOCK"
}

# ---------------------------------------------------------------------------------------------
# the mailer (outbox → the SMTP catcher)

cmd_mailer_start() {
    local bin
    bin="$(runnable_bin)"
    if pid_alive "$MAILER_PID" mailer; then
        say "mailer already running (pid $(cat "$MAILER_PID"))"
        return 0
    fi
    setsid "$bin" mailer --config "$CONF" </dev/null >>"$LOG/mailer.log" 2>&1 &
    echo $! >"$MAILER_PID"
    sleep 0.3
    pid_alive "$MAILER_PID" mailer || { tail -n 20 "$LOG/mailer.log" >&2; die "the mailer exited at start; see $LOG/mailer.log"; }
    say "mailer running (pid $(cat "$MAILER_PID"), log $LOG/mailer.log)"
}

cmd_mailer_stop() {
    # SIGTERM: the mailer finishes the message it is sending (smtp_timeout at most), then exits.
    stop_pid mailer "$MAILER_PID" mailer TERM 15
}

cmd_gc_start() {
    local bin
    bin="$(runnable_bin)"
    if pid_alive "$GC_PID" gc-photos; then
        say "gc-photos already running (pid $(cat "$GC_PID"))"
        return 0
    fi
    setsid "$bin" gc-photos --config "$CONF" --every "$GC_EVERY" </dev/null >>"$LOG/gc-photos.log" 2>&1 &
    echo $! >"$GC_PID"
    sleep 0.2
    pid_alive "$GC_PID" gc-photos || { tail -n 20 "$LOG/gc-photos.log" >&2; die "gc-photos exited at start; see $LOG/gc-photos.log"; }
    say "gc-photos running every ${GC_EVERY}s (pid $(cat "$GC_PID"), log $LOG/gc-photos.log)"
}

cmd_gc_stop() {
    # A run killed half-way is harmless: each photo is one transaction, files before the row.
    stop_pid gc-photos "$GC_PID" gc-photos TERM 5
}

# ---------------------------------------------------------------------------------------------
# nginx

# True when www-data can reach PATH (every directory on the way traversable, PATH readable).
www_data_can_read() { runuser -u www-data -- test -r "$1" -a -x "$1"; }

# write_listen FILE: the HTTPS server's listen lines. Behind a balancer (CB_BALANCER) its
# port takes the PROXY protocol (v2, sent by HAProxy), and the client address it carries
# becomes $remote_addr (limit_req, the pool's REMOTE_ADDR) for connections from the balancer
# only; DIRECT_PORT is a direct port for operators and drills (the peer's own address).
write_listen() {
    local addr
    addr="$(host_addr web)"
    if [[ -z "${CB_BALANCER:-}" ]]; then
        printf 'listen %s:%s ssl http2;\n' "$addr" "$HTTPS_PORT" >"$1"
        return
    fi
    cat >"$1" <<EOF
listen            $addr:$HTTPS_PORT ssl http2 proxy_protocol;
listen            $addr:$DIRECT_PORT ssl http2;
set_real_ip_from  $CB_BALANCER;
real_ip_header    proxy_protocol;
EOF
}

# write_cluster_nginx: with photo peers (CB_PHOTO_PEERS), the cluster listener other hosts use
# (PEER_PORT: photo files this host has, and their copies of new ones, into the upload pool) and
# a photo this host lacks asked of the peers; otherwise none, and a missing photo is a 404.
write_cluster_nginx() {
    local cluster="$VAR/snippets/corkboard-cluster.conf" miss="$VAR/snippets/corkboard-image-miss.conf" peer
    if [[ -z "${CB_PHOTO_PEERS:-}" ]]; then
        echo "# one host: no cluster listener" >"$cluster"
        ln -sfn "$ROOT/nginx/corkboard-image-miss.conf" "$miss"
        return
    fi
    rm -f "$miss"
    {
        echo "upstream corkboard_peers {"
        for peer in $CB_PHOTO_PEERS; do echo "    server $peer:$PEER_PORT max_fails=1 fail_timeout=2s;"; done
        echo "}"
        cat <<EOF
# The hosts' network only: peers fetch photo files this host has, and send copies of theirs.
server {
    listen                $(host_addr web):$PEER_PORT;
    allow                 ${CB_CLUSTER_CIDR:-127.0.0.0/8};
    deny                  all;
    client_max_body_size  16m;
    access_log            $LOG/nginx-peer-access.log corkboard;
    # Only this host's own files: a miss is a 404, never asked further (no loops).
    location /images/ {
        root       $VAR;
        try_files  \$uri =404;
    }
    location /_cluster/photos/ {
        include        snippets/corkboard-fastcgi-params.conf;
        fastcgi_param  CORKBOARD_PEER 1;
        fastcgi_pass   corkboard_uploads;
    }
}
EOF
    } >"$cluster"
    cat >"$miss" <<EOF
# A photo file this host lacks (written while it was down, or before it joined): from a peer.
proxy_pass             http://corkboard_peers;
proxy_next_upstream    error timeout http_404;
proxy_connect_timeout  1s;
EOF
}

start_nginx() {
    local user=www-data p
    for p in "$ROOT/public/static" "$IMAGES" "$RUN"; do
        if ! www_data_can_read "$p"; then
            warn "www-data cannot reach $p (a parent of the checkout is not traversable, e.g. /root is 0700)."
            warn "The dev nginx runs its workers as root instead; production must keep them as www-data."
            user=root
            break
        fi
    done
    # The site's shared snippets are linked, not copied, so dev and production cannot drift.
    mkdir -p "$VAR/snippets"
    ln -sfn "$ROOT/nginx/corkboard-locations.conf" "$VAR/snippets/corkboard-locations.conf"
    ln -sfn "$ROOT/nginx/corkboard-headers.conf" "$VAR/snippets/corkboard-headers.conf"
    ln -sfn "$ROOT/nginx/corkboard-fastcgi-params.conf" "$VAR/snippets/corkboard-fastcgi-params.conf"
    ln -sfn "$ROOT/nginx/corkboard-tls.conf" "$VAR/snippets/corkboard-tls.conf"
    write_listen "$VAR/snippets/corkboard-listen.conf"
    write_cluster_nginx
    # metrics_allow as nginx `allow` lines, from the same config the pool reads.
    "$(runnable_bin)" metrics-allow --config "$CONF" >"$VAR/snippets/corkboard-metrics-allow.conf" ||
        die "corkboard metrics-allow failed"
    # shellcheck disable=SC2016
    WEB_ADDR="$(host_addr web)" NGINX_USER="$user" RUN_DIR="$RUN" LOG_DIR="$LOG" POOL_SOCKET="$POOL_SOCK" UPLOADS_SOCKET="$UPLOADS_SOCK" TLS_DIR="$TLS" \
        HTTPS_PORT="$HTTPS_PORT" HTTP_PORT="$HTTP_PORT" PUBLIC_ROOT="$ROOT/public" DATA_ROOT="$VAR" \
        LOGIN_RATE="$LOGIN_RATE" SIGNUP_RATE="$SIGNUP_RATE" RESET_RATE="$RESET_RATE" \
        envsubst '$WEB_ADDR $NGINX_USER $RUN_DIR $LOG_DIR $POOL_SOCKET $UPLOADS_SOCKET $TLS_DIR $HTTPS_PORT $HTTP_PORT $PUBLIC_ROOT $DATA_ROOT $LOGIN_RATE $SIGNUP_RATE $RESET_RATE' \
        <"$ROOT/nginx/dev.conf.template" >"$NGINX_CONF"
    nginx -t -q -e "$LOG/nginx-error.log" -p "$VAR" -c "$NGINX_CONF" || die "nginx -t failed for $NGINX_CONF"
    if pid_alive "$NGINX_PID" nginx; then
        # Already running: pick up a changed site (re-run of start after editing nginx/).
        kill -HUP "$(cat "$NGINX_PID")"
        return 0
    fi
    nginx -e "$LOG/nginx-error.log" -p "$VAR" -c "$NGINX_CONF"
    wait_for 10 "nginx (see $LOG/nginx-error.log)" pid_alive "$NGINX_PID" nginx
}

# ---------------------------------------------------------------------------------------------
# stack.env: everything tests and scripts need, shell-sourceable.

write_stack_env() {
    cat >"$STACK_ENV" <<EOF
CB_STACK=$CB_STACK
CB_PORT_BASE=$PORT_BASE
CB_ROOT=$ROOT
CB_HTTPS_URL=https://$(host_addr site):$HTTPS_PORT
CB_HTTP_URL=http://127.0.0.1:$HTTP_PORT
CB_CA_FILE=$TLS/ca.pem
CB_CONFIG=$CONF
CB_BIN=$(bin_path)
CB_RUN_DIR=$RUN
CB_LOG_DIR=$LOG
CB_POOL_PIDFILE=$POOL_PID
CB_POOL_SOCKET=$POOL_SOCK
CB_UPLOADS_PIDFILE=$UPLOADS_PID
CB_UPLOADS_SOCKET=$UPLOADS_SOCK
CB_MAILER_PIDFILE=$MAILER_PID
CB_NGINX_PIDFILE=$NGINX_PID
CB_PRIMARY_PORT=$PRIMARY_PORT
CB_REPLICA_PORT=$REPLICA_PORT
CB_PRIMARY_SOCKET=$PRIMARY_SOCK
CB_REPLICA_SOCKET=$REPLICA_SOCK
CB_SMTP_PORT=$SMTP_PORT
CB_MAIL_DIR=$MAIL_DIR
CB_IMAGES_ROOT=$IMAGES
CB_DB_USER=root
CB_DB_PASSWORD=$ROOT_PASSWORD
CB_APP_DB_USER=corkboard
CB_APP_DB_PASSWORD=$APP_PASSWORD
CB_ADMIN_DB_USER=cbadmin
CB_ADMIN_DB_PASSWORD=$ADMIN_PASSWORD
CB_REPL_PASSWORD=$REPL_PASSWORD
CB_PRIMARY_DATADIR=$PRIMARY_DIR
CB_REPLICA_DATADIR=$REPLICA_DIR
CB_PRIMARY_PIDFILE=$PRIMARY_PID
CB_REPLICA_PIDFILE=$REPLICA_PID
EOF
    monitoring_env >>"$STACK_ENV"
    chmod 0600 "$STACK_ENV"
}

# ---------------------------------------------------------------------------------------------

cmd_start() {
    local t0=$SECONDS bin
    if [[ "$CB_STACK" == test || "${CB_FRESH:-0}" == 1 ]]; then
        cmd_stop >/dev/null
        rm -rf "$VAR" "$RUN"
    fi
    bin="$(bin_path)"
    [[ -x "$bin" ]] || die "no corkboard binary at $bin; run: scripts/stack.sh build (or set CB_BIN)"
    [[ "$ROLE" == data ]] || check_ports
    prepare_dirs
    ensure_secrets
    ensure_tls
    if [[ "$ROLE" != app ]]; then
        start_databases
        start_smtp
    fi
    write_config
    write_stack_env
    if [[ "$ROLE" != app ]]; then
        say "migrating and seeding"
        "$bin" migrate --config "$CONF" >>"$LOG/migrate.log" 2>&1 || { tail -n 20 "$LOG/migrate.log" >&2; die "corkboard migrate failed; see $LOG/migrate.log"; }
        "$bin" seed --config "$CONF" >>"$LOG/migrate.log" 2>&1 || { tail -n 20 "$LOG/migrate.log" >&2; die "corkboard seed failed; see $LOG/migrate.log"; }
    fi
    [[ "$ROLE" == data ]] && return 0
    # The hashed copies of the stylesheet and scripts that pages link to (as a deploy does).
    "$bin" assets --config "$CONF" >>"$LOG/migrate.log" 2>&1 || { tail -n 20 "$LOG/migrate.log" >&2; die "corkboard assets failed; see $LOG/migrate.log"; }
    cmd_pool_start
    cmd_mailer_start
    cmd_gc_start
    start_nginx
    [[ "$ROLE" == app ]] && return 0
    write_monitoring_config
    monitoring_start
    say "stack '$CB_STACK' up in $((SECONDS - t0))s: https://127.0.0.1:$HTTPS_PORT/ (env: $STACK_ENV)"
}

cmd_stop() {
    if [[ "$ROLE" != data ]]; then
        [[ "$ROLE" == app ]] || monitoring_stop
        stop_pid nginx "$NGINX_PID" nginx QUIT 10
        cmd_gc_stop
        cmd_mailer_stop
        cmd_pool_stop
    fi
    [[ "$ROLE" == app ]] && return 0
    stop_pid smtp "$SMTP_PID" mailcatcher TERM 5
    stop_pid replica "$REPLICA_PID" mariadbd TERM 60
    stop_pid primary "$PRIMARY_PID" mariadbd TERM 60
    rm -f "$PRIMARY_SOCK" "$REPLICA_SOCK"
}

cmd_status() {
    local name file word
    printf 'stack %s (ports %s..%s, run dir %s)\n' "$CB_STACK" "$PORT_BASE" "$HTTP_PORT" "$RUN"
    for spec in "primary:$PRIMARY_PID:mariadbd" "replica:$REPLICA_PID:mariadbd" "smtp:$SMTP_PID:mailcatcher" \
        "pool:$POOL_PID:serve" "uploads:$UPLOADS_PID:serve" "mailer:$MAILER_PID:mailer" "gc:$GC_PID:gc-photos" "nginx:$NGINX_PID:nginx" \
        "${MONITORING_SPECS[@]}"; do
        IFS=: read -r name file word _ <<<"$spec"
        if pid_alive "$file" "$word"; then
            printf '  %-13s running (pid %s)\n' "$name" "$(tr -dc '0-9' <"$file")"
        else
            printf '  %-13s stopped\n' "$name"
        fi
    done
    if pid_alive "$REPLICA_PID" mariadbd && [[ -f "$CLIENT_CNF" ]]; then
        printf '  replication: %s\n' "$(replication_state)"
    fi
    pid_alive "$NGINX_PID" nginx && printf '  https://127.0.0.1:%s/\n' "$HTTPS_PORT"
    return 0
}

cmd_logs() {
    local files=()
    mapfile -t files < <(ls "$LOG"/*.log "$LOG"/*.err 2>/dev/null)
    ((${#files[@]})) || die "no logs under $LOG"
    if [[ "${1:-}" == -f ]]; then
        exec tail -n 20 -F "${files[@]}"
    fi
    tail -n 20 "${files[@]}"
}

case "${1:-}" in
    deps) cmd_deps ;;
    build) cmd_build ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    pool-start) cmd_pool_start ;;
    pool-stop) cmd_pool_stop ;;
    pool-reload) cmd_pool_reload ;;
    nginx-reload) start_nginx ;;
    mailer-start) cmd_mailer_start ;;
    mailer-stop) cmd_mailer_stop ;;
    gc-start) cmd_gc_start ;;
    gc-stop) cmd_gc_stop ;;
    smtp-start) start_smtp ;;
    smtp-stop) stop_pid smtp "$SMTP_PID" mailcatcher TERM 5 ;;
    db-stop) cmd_db stop "${2:-}" ;;
    db-start) cmd_db start "${2:-}" ;;
    monitoring-start) monitoring_start "${2:-}" ;;
    monitoring-stop) monitoring_stop "${2:-}" ;;
    logs) cmd_logs "${2:-}" ;;
    *)
        sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
