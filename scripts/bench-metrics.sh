#!/usr/bin/env bash
# What /metrics counting and the request log cost on the hottest page, a cached post: wrk through
# nginx in one run, the pool restarted between rows with request_metrics / request_log switched
# (CORKBOARD_REQUEST_METRICS, CORKBOARD_REQUEST_LOG), the first setting measured again last so
# drift shows. BENCH_DURATION (10s), BENCH_POST_CONNECTIONS (32), BENCH_THREADS (2).
#
# Uses the running stack named by CB_STACK (default bench: started here and stopped afterwards).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DURATION="${BENCH_DURATION:-10s}"
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
wrk_header "request_metrics / request_log"
declare -A rps
for setting in "true true" "false false" "true false" "false true" "true true"; do
    read -r m l <<<"$setting"
    pool_with "$m" "$l"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d1s "$CB_HTTPS_URL$post" >/dev/null   # every worker caches the page
    wrk_row "metrics $m, log $l" "$post" "$CONNECTIONS"
    rps["$m $l"]="${rps["$m $l"]:-} $last_rps"
done
awk -v on="${rps["true true"]}" -v off="${rps["false false"]}" 'BEGIN {
    n = split(on, a, " "); s = 0; for (i = 1; i <= n; i++) s += a[i]; mean = s / n
    printf "metrics + log on (mean of %d rows) vs both off: %.1f%% of the req/s\n", n, 100 * mean / off }'
