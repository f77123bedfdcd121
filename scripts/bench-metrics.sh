#!/usr/bin/env bash
# What /metrics counting and the request log cost on the hottest page, a cached post: wrk through
# nginx in one run, the pool restarted between rows with request_metrics / request_log switched
# (CORKBOARD_REQUEST_METRICS, CORKBOARD_REQUEST_LOG), the settings taking turns BENCH_ROUNDS (3)
# times. BENCH_DURATION (5s), BENCH_POST_CONNECTIONS (32), BENCH_THREADS (2).
#
# Uses the running stack named by CB_STACK (default bench: started here and stopped afterwards).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DURATION="${BENCH_DURATION:-5s}"
THREADS="${BENCH_THREADS:-2}"
CONNECTIONS="${BENCH_POST_CONNECTIONS:-32}"
export CB_STACK="${CB_STACK:-bench}"
command -v wrk >/dev/null || { echo "bench-metrics.sh: wrk is not installed (scripts/stack.sh deps)" >&2; exit 1; }

started=""
if [[ "$(scripts/stack.sh status)" != *"nginx    running"* ]]; then
    scripts/stack.sh start
    started=yes
fi
# shellcheck disable=SC1090
source "var/$CB_STACK/stack.env"
# shellcheck source=scripts/bench/wrk-row.sh
source scripts/bench/wrk-row.sh
pool_with() { # METRICS LOG
    scripts/stack.sh pool-stop >/dev/null
    CORKBOARD_REQUEST_METRICS="$1" CORKBOARD_REQUEST_LOG="$2" scripts/stack.sh pool-start >/dev/null
}
cleanup() {
    pool_with true true
    if [[ -n "$started" ]]; then scripts/stack.sh stop; fi
}
trap cleanup EXIT

post_id="$(mariadb --defaults-file="var/$CB_STACK/client.cnf" -S "$CB_PRIMARY_SOCKET" -N -B corkboard -e \
    "SELECT MIN(id) FROM posts WHERE deleted_at IS NULL AND created_at > UTC_TIMESTAMP() - INTERVAL 6 DAY")"
[[ "$post_id" =~ ^[0-9]+$ ]] || { echo "bench-metrics.sh: no visible post to measure (is the stack seeded?)" >&2; exit 1; }
post="/post/$post_id"
echo "stack $CB_STACK, GET $post (hot-post cache), wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores"
ROUNDS="${BENCH_ROUNDS:-3}"
wrk_header "request_metrics / request_log"
# The settings take turns, ROUNDS times, so load from elsewhere on the machine hits each alike;
# the summary compares medians.
declare -A rps cpu
# utime + stime of the web pool's workers, in clock ticks.
worker_ticks() {
    local total=0 pid
    for pid in $(pgrep -P "$(cat "$CB_POOL_PIDFILE")"); do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}
for ((round = 1; round <= ROUNDS; round++)); do
    for setting in "true true" "false false" "true false" "false true"; do
        read -r m l <<<"$setting"
        pool_with "$m" "$l"
        wrk -t"$THREADS" -c"$CONNECTIONS" -d1s "$CB_HTTPS_URL$post" >/dev/null   # every worker caches the page
        t0="$(worker_ticks)"
        wrk_row "metrics $m, log $l" "$post" "$CONNECTIONS"
        rps["$m $l"]="${rps["$m $l"]:-} $last_rps"
        # CPU the web pool's workers spent per request (less swayed by other load than req/s).
        cpu["$m $l"]="${cpu["$m $l"]:-} $(awk -v t="$(( $(worker_ticks) - t0 ))" -v hz="$(getconf CLK_TCK)" -v r="$last_rps" -v d="${DURATION%s}" \
            'BEGIN { printf "%.1f", t / hz * 1e6 / (r * d) }')"
    done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
off="$(median "${rps["false false"]}")"
echo
for setting in "false false" "true false" "false true" "true true"; do
    read -r m l <<<"$setting"
    awk -v name="metrics $m, log $l" -v r="$(median "${rps["$setting"]}")" -v off="$off" \
        'BEGIN { printf "%-24s median %8.0f req/s  %6.1f%% of both off", name, r, 100 * r / off }'
    printf '   worker CPU %s us/request\n' "$(median "${cpu["$setting"]}")"
done
