#!/usr/bin/env bash
# Backup and restore figures at the bench corpus (issue 15): one city of BENCH_POSTS posts
# (default 1,000,000, the search benchmark's city) plus two of BENCH_SMALL_POSTS, loaded into a
# fresh stack of its own (CB_STACK=dbbench, CB_PORT_BASE default 20200), then: `corkboard backup`
# of the replica (time, size), `corkboard restore --datadir` into a new data directory (time),
# that server started and seeded with `restore --replica` (time to caught up), and a
# `corkboard db switchover` to the replica and back with the data loaded (write pause). The
# stack is stopped and removed at the end. Not part of `make test` (`make bench-backup`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CB_STACK=dbbench
export CB_PORT_BASE="${CB_PORT_BASE:-20200}"
export CB_DB_BUFFER_POOL="${CB_DB_BUFFER_POOL:-1G}"
POSTS="${BENCH_POSTS:-1000000}"
SMALL="${BENCH_SMALL_POSTS:-50000}"
VAR="$ROOT/var/$CB_STACK"

CB_FRESH=1 scripts/stack.sh start >/dev/null
restored_pid=""
cleanup() {
    [[ -n "$restored_pid" ]] && kill "$restored_pid" 2>/dev/null && wait "$restored_pid" 2>/dev/null
    scripts/stack.sh stop >/dev/null
    rm -rf "$VAR"
}
trap cleanup EXIT
# shellcheck disable=SC1091
source "$VAR/stack.env"
sql() { mariadb --defaults-file="$VAR/client.cnf" -S "$CB_PRIMARY_SOCKET" corkboard "$@"; }
cli() { "$CB_BIN" "$@" --config "$CB_CONFIG"; }

t0=$SECONDS
"$CB_BIN" seed-bench --config "$CB_CONFIG" --out "$VAR/corpus" --posts "$POSTS" --small-posts "$SMALL" >/dev/null
sql --local-infile=1 <"$VAR/corpus/load.sql"
rm -rf "$VAR/corpus"
pos="$(sql -N -B -e 'SELECT @@gtid_binlog_pos')"
mariadb --defaults-file="$VAR/client.cnf" -S "$CB_REPLICA_SOCKET" -N -B -e "SELECT MASTER_GTID_WAIT('$pos', 3600)" >/dev/null
echo "corpus: $(sql -N -B -e 'SELECT COUNT(*) FROM posts') posts, $(sql -N -B -e 'SELECT COUNT(*) FROM search_docs') search rows; loaded in $((SECONDS - t0)) s"

t0=$SECONDS
cli backup
folder="$(ls -d "$VAR"/backups/*Z | tail -n 1)"
echo "backup: $((SECONDS - t0)) s wall, $(du -sh "$folder" | cut -f1) on disk ($(du -sh "$folder/db" | cut -f1) database)"

restored="$VAR/restored"
t0=$SECONDS
CORKBOARD_IMAGES_ROOT="$VAR/restored-images" cli restore "$folder" --datadir "$restored" >/dev/null
echo "restore --datadir (checksums + copy-back): $((SECONDS - t0)) s"
port=$((CB_PORT_BASE + 8))
setsid mariadbd --no-defaults --datadir="$restored" --socket="$CB_RUN_DIR/restored.sock" --port="$port" \
    --bind-address=127.0.0.1 --user=root --server-id=31 --log-bin=restored-bin --binlog-format=ROW \
    --gtid-strict-mode=ON --read-only --log-slave-updates --innodb-buffer-pool-size=256M \
    --log-error="$VAR/log/restored.err" </dev/null >/dev/null 2>&1 &
restored_pid=$!
t0=$SECONDS
for _ in $(seq 600); do mariadb-admin --no-defaults -S "$CB_RUN_DIR/restored.sock" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "restored server up in $((SECONDS - t0)) s"
t0=$SECONDS
cli restore "$folder" --replica --server "127.0.0.1:$port" | head -n 1
echo "restore --replica (caught up): $((SECONDS - t0)) s"

cli db switchover --to "127.0.0.1:$CB_REPLICA_PORT"
cli db switchover --to "127.0.0.1:$CB_PRIMARY_PORT"
