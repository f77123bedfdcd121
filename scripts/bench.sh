#!/usr/bin/env bash
# wrk through nginx over HTTPS: GET /healthz (the pool) and a static file (nginx alone), in the
# same run, 16 connections for ~10 s each. Prints req/s and latency percentiles per row.
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

# One row: NAME PATH. wrk's --latency prints 50/75/90/99% lines; keep 50, 90, 99.
row() {
    local name="$1" path="$2" out rps p50 p90 p99 errors
    out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$CB_HTTPS_URL$path")"
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
    p90="$(awk '$1 == "90%" {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    errors="$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {print} END {if (n) print "non-2xx: " n}' <<<"$out" | paste -sd' ')"
    printf '%-22s %10s %9s %9s %9s  %s\n' "$name" "$rps" "$p50" "$p90" "$p99" "$errors"
}

echo "stack $CB_STACK, $CB_HTTPS_URL, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores"
printf '%-22s %10s %9s %9s %9s\n' "target" "req/s" "p50" "p90" "p99"
# The ceiling for any pool route: a bare libfcgi responder (C, no routing, no database) run by
# the same pool master with the same worker count, answering a body as large as /healthz's.
bare_bin="$CB_RUN_DIR/bare-responder"
gcc -O2 -o "$bare_bin" scripts/bench/bare-responder.c -lfcgi
body_bytes="$(curl -s --cacert "$CB_CA_FILE" "$CB_HTTPS_URL/healthz" | wc -c)"
BARE_BODY_BYTES="$body_bytes" CORKBOARD_LISTEN="unix:$CB_RUN_DIR/bare.sock" \
    "$CB_BIN" serve --config "$CB_CONFIG" --worker-command "$bare_bin" >>"$CB_RUN_DIR/bare.log" 2>&1 &
bare_pid=$!
trap 'kill -TERM $bare_pid 2>/dev/null; wait $bare_pid 2>/dev/null; [[ -n "$started" ]] && scripts/stack.sh stop' EXIT
for _ in $(seq 50); do [[ -S "$CB_RUN_DIR/bare.sock" ]] && break; sleep 0.1; done

row "GET /healthz (pool)" /healthz
row "bare libfcgi (ceiling)" /_bench/bare
row "GET static (nginx)" /static/corkboard.css

# The search benchmark (scripts/bench-search.sh): a 1,000,000-post city on the CB_STACK=bench
# stack with a larger buffer pool, its corpus kept between runs (the first load takes minutes).
# BENCH_SEARCH=0 skips it.
if [[ "${BENCH_SEARCH:-1}" == 1 ]]; then
    kill -TERM "$bare_pid" 2>/dev/null; wait "$bare_pid" 2>/dev/null || true
    if [[ -n "$started" ]]; then scripts/stack.sh stop >/dev/null; fi
    trap - EXIT
    echo
    scripts/bench-search.sh
fi
