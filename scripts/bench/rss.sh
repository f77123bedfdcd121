#!/usr/bin/env bash
# Worker memory over a long life (issue 12: RSS after 1 M requests against after 100 k). The
# pool recycles a worker after max_requests (750,000 to 1,000,000), so this restarts the bench
# stack's pool with one worker that is never recycled (max_requests 0), drives it with the
# mixed load (scripts/bench/mixed.lua, all of the city's posts, listings and searches) in
# 10-second wrk runs, and prints the worker's RSS and PSS at each checkpoint.
#
#   scripts/bench/rss.sh [REQUESTS [CHECKPOINT]]   (default 1000000, every 100000)
# Needs the bench stack's corpus (scripts/bench/corpus.sh, loaded by `make bench`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TOTAL="${1:-1000000}"
STEP="${2:-100000}"
# shellcheck source=scripts/bench/corpus.sh
source scripts/bench/corpus.sh
corpus_start >/dev/null
trap 'scripts/stack.sh stop >/dev/null 2>&1 || true' EXIT
# shellcheck disable=SC1091
source var/bench/stack.env
scripts/stack.sh pool-stop >/dev/null
CORKBOARD_WORKERS=1 CORKBOARD_MAX_REQUESTS=0 CORKBOARD_REQUEST_TIMEOUT=30 scripts/stack.sh pool-start >/dev/null
dir="$CB_RUN_DIR/rss"
mkdir -p "$dir"
corpus_visible_ids "$dir/ids"
printf 'first\t/metropolis\n' >"$dir/listings"
for c in $(sql -N -B -e "SELECT slug FROM categories"); do printf 'first\t/metropolis/search?category=%s\n' "$c"; done >>"$dir/listings"
printf '/metropolis/search?q=%s\n' bike sofa table lamp phone "vintage+lamp" "office+chair" >"$dir/searches"
worker="$(pgrep -P "$(cat "$CB_POOL_PIDFILE")" | head -1)"
echo "one worker (pid $worker), mixed load, RSS and PSS every $STEP requests up to $TOTAL"
done_requests=0
next=$STEP
while (( done_requests < TOTAL )); do
    n="$(wrk -t2 -c8 -d10s -s scripts/bench/mixed.lua "$CB_HTTPS_URL" -- "$dir/ids" "$dir/listings" "$dir/searches" "$RANDOM" |
        awk '/requests in/ {print $1}')"
    done_requests=$((done_requests + n))
    if (( done_requests >= next )); then
        [[ "$(pgrep -P "$(cat "$CB_POOL_PIDFILE")" | head -1)" == "$worker" ]] || { echo "the worker was replaced"; exit 1; }
        awk -v n="$done_requests" '/^Rss:/ {r = $2} /^Pss:/ {p = $2} END {printf "  after %9d requests: RSS %.1f MB, PSS %.1f MB\n", n, r / 1024, p / 1024}' \
            "/proc/$worker/smaps_rollup"
        next=$((next + STEP))
    fi
done
