#!/usr/bin/env bash
# wrk through nginx over HTTPS, in one run, ~10 s per row; prints req/s and latency percentiles:
# - 16 connections: GET /healthz (the pool), a bare libfcgi responder (the pool's ceiling) and a
#   static file (nginx alone);
# - 32 connections: a seeded post's page from the hot-post cache, the same page with the cache
#   off, the bare responder and a static file both of that page's size; then the ratio
#   cached / bare (the target is at least 85%).
#
# Uses the running stack named by CB_STACK (default: demo if it is up, else a CB_STACK=bench
# stack started here and stopped afterwards). BENCH_DURATION, BENCH_CONNECTIONS, BENCH_THREADS
# change the load.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
THREADS="${BENCH_THREADS:-2}"
command -v wrk >/dev/null || { echo "bench.sh: wrk is not installed (scripts/stack.sh deps)" >&2; exit 1; }

started=""
if [[ -z "${CB_STACK:-}" ]]; then
    if [[ "$(CB_STACK=demo scripts/stack.sh status 2>/dev/null)" == *"nginx    running"* ]]; then
        export CB_STACK=demo
    else
        export CB_STACK=bench
    fi
fi
if [[ "$(scripts/stack.sh status)" != *"nginx    running"* || "$(scripts/stack.sh status)" != *"pool     running"* ]]; then
    scripts/stack.sh start
    started=yes
    trap 'scripts/stack.sh stop' EXIT
fi
# shellcheck disable=SC1090
source "var/$CB_STACK/stack.env"

# One row: NAME PATH [CONNECTIONS]. wrk's --latency prints 50/75/90/99% lines; keep 50, 90, 99.
# The req/s of the last row is left in $last_rps.
last_rps=0
# shellcheck source=scripts/bench/wrk-row.sh
source scripts/bench/wrk-row.sh
row() { wrk_row "$1" "$2" "${3:-$CONNECTIONS}"; }
# A short untimed run first: every worker has the page cached, TLS and files are warm.
warm() { wrk -t"$THREADS" -c"$POST_CONNECTIONS" -d1s "$CB_HTTPS_URL$1" >/dev/null; }
body_size() { curl -s --cacert "$CB_CA_FILE" "$CB_HTTPS_URL$1" | wc -c; }

# The ceiling for any pool route: a bare libfcgi responder (C, no routing, no database) run by
# the same pool master with the same worker count and nginx settings, answering a body of
# BARE_BODY_BYTES bytes (as large as the route it is compared with).
bare_bin="$CB_RUN_DIR/bare-responder"
bare_pid=""
gcc -O2 -o "$bare_bin" scripts/bench/bare-responder.c -lfcgi
bare_start() {
    rm -f "$CB_RUN_DIR/bare.sock"
    BARE_BODY_BYTES="$1" CORKBOARD_LISTEN="unix:$CB_RUN_DIR/bare.sock" CORKBOARD_POOL_NAME=bare \
        "$CB_BIN" serve --config "$CB_CONFIG" --worker-command "$bare_bin" >>"$CB_RUN_DIR/bare.log" 2>&1 &
    bare_pid=$!
    for _ in $(seq 50); do [[ -S "$CB_RUN_DIR/bare.sock" ]] && break; sleep 0.1; done
}
bare_stop() {
    [[ -n "$bare_pid" ]] || return 0
    kill -TERM "$bare_pid" 2>/dev/null || true
    wait "$bare_pid" 2>/dev/null || true
    bare_pid=""
}
# The pool on its configuration file alone again (the uncached row restarts it with the cache off).
pool_on_config() { scripts/stack.sh pool-stop >/dev/null && scripts/stack.sh pool-start >/dev/null; }
pool_changed=""
cleanup() {
    bare_stop
    rm -f "$CB_RUN_DIR/bench-static.html"
    if [[ -n "$pool_changed" && -z "$started" ]]; then pool_on_config; fi
    if [[ -n "$started" ]]; then scripts/stack.sh stop; fi
}
trap cleanup EXIT

echo "stack $CB_STACK, $CB_HTTPS_URL, wrk -t$THREADS -d$DURATION, $(nproc) cores"
wrk_header "target"
bare_start "$(body_size /healthz)"
row "GET /healthz (pool)" /healthz
row "bare libfcgi (ceiling)" /_bench/bare
row "GET static (nginx)" /static/corkboard.css
bare_stop

# A hot post's page: from the hot-post cache, then with the cache off (the pool restarted with
# hot_cache_entries = 0: every request reads the post and its photos and renders it), against a
# bare responder and a static file of the same size. BENCH_POST_CONNECTIONS (32) each.
POST_CONNECTIONS="${BENCH_POST_CONNECTIONS:-32}"
post_id="$(mariadb --defaults-file="var/$CB_STACK/client.cnf" -S "$CB_PRIMARY_SOCKET" -N -B corkboard -e \
    "SELECT MIN(id) FROM posts WHERE deleted_at IS NULL AND created_at > UTC_TIMESTAMP() - INTERVAL 6 DAY")"
[[ "$post_id" =~ ^[0-9]+$ ]] || { echo "bench.sh: no visible post to measure (is the stack seeded?)" >&2; exit 1; }
post="/post/$post_id"
[[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CB_CA_FILE" "$CB_HTTPS_URL$post")" == 200 ]] ||
    { echo "bench.sh: $post does not answer 200" >&2; exit 1; }
post_bytes="$(body_size "$post")"
echo
echo "post page $post, $post_bytes bytes"
warm "$post"
row "GET $post (cached)" "$post" "$POST_CONNECTIONS"
cached_rps="$last_rps"
pool_changed=yes
scripts/stack.sh pool-stop >/dev/null
CORKBOARD_HOT_CACHE_ENTRIES=0 scripts/stack.sh pool-start >/dev/null
warm "$post"
row "GET $post (no cache)" "$post" "$POST_CONNECTIONS"
pool_on_config
pool_changed=""
bare_start "$post_bytes"
warm /_bench/bare
row "bare libfcgi, same size" /_bench/bare "$POST_CONNECTIONS"
bare_rps="$last_rps"
bare_stop
head -c "$post_bytes" /dev/zero | tr '\0' 'x' >"$CB_RUN_DIR/bench-static.html"
chmod 0644 "$CB_RUN_DIR/bench-static.html"
if [[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CB_CA_FILE" "$CB_HTTPS_URL/_bench/static")" != 200 ]]; then
    scripts/stack.sh nginx-reload >/dev/null   # a stack started before the bench location existed
fi
warm /_bench/static
row "static (nginx), same size" /_bench/static "$POST_CONNECTIONS"
awk -v c="$cached_rps" -v b="$bare_rps" 'BEGIN { printf "cached post / bare libfcgi: %.0f%% (target >= 85%%)\n", 100 * c / b }'

# The search benchmark (scripts/bench-search.sh): a 1,000,000-post city on the CB_STACK=bench
# stack with a larger buffer pool, its corpus kept between runs (the first load takes minutes).
# BENCH_SEARCH=0 skips it.
if [[ "${BENCH_SEARCH:-1}" == 1 ]]; then
    trap - EXIT
    bare_stop
    rm -f "$CB_RUN_DIR/bench-static.html"
    if [[ -n "$started" ]]; then scripts/stack.sh stop >/dev/null; fi
    echo
    scripts/bench-search.sh
fi
