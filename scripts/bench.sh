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
row "GET /healthz (pool)" /healthz
row "GET static (nginx)" /static/corkboard.css
