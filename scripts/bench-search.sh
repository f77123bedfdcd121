#!/usr/bin/env bash
# The search benchmark (issue 5): one city of 1,000,000 posts over the last 7 days plus two
# small cities (English and Korean), driven through nginx with wrk at 16 connections:
# the first page of the city, a deep page (page 50 via cursors), a common word, a rare word,
# a word with price and category filters, and a Korean word. Prints req/s and latency
# percentiles, then MariaDB's plan for each query shape.
#
# Runs on the CB_STACK=bench stack with the corpus of scripts/bench/corpus.sh (loaded once, kept
# between runs). Not part of `make test`; `make bench` measures the same shapes beside ceilings.
#
# BENCH_DURATION (10s), BENCH_CONNECTIONS (16), BENCH_THREADS (2), and corpus.sh's settings
# change it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
THREADS="${BENCH_THREADS:-2}"
command -v wrk >/dev/null || { echo "bench-search.sh: wrk is not installed (scripts/stack.sh deps)" >&2; exit 1; }

# shellcheck source=scripts/bench/corpus.sh
source scripts/bench/corpus.sh
corpus_start
trap 'scripts/stack.sh stop >/dev/null' EXIT
# shellcheck disable=SC1091
source var/bench/stack.env

sql -N -B -e "SELECT c.slug, COUNT(*) FROM posts p JOIN cities c ON c.id = p.city_id GROUP BY c.slug" | paste -sd' ' |
    sed 's/^/posts per city: /'
sql -N -B -e "SELECT COUNT(*) FROM search_terms" | sed 's/^/search_terms rows: /'

api() { curl -s --cacert "$CB_CA_FILE" "$CB_HTTPS_URL$1"; }
# Page 50: follow 49 cursors.
deep="/api/search?city=metropolis"
cursor=""
for _ in $(seq 49); do
    cursor="$(api "/api/search?city=metropolis${cursor:+&cursor=$cursor}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["next_cursor"])')"
done
deep="/api/search?city=metropolis&cursor=$cursor"
rare="$(corpus_rare_word)"
korean="%EC%9E%90%EC%A0%84%EA%B1%B0"   # 자전거 (bicycle)
declare -a NAMES=("city first page (HTML)" "deep page 50 (API)" "common word 'good'" "rare word '$rare'"
                  "'good' + price + category" "Korean '자전거'")
declare -a PATHS=("/metropolis" "$deep" "/metropolis/search?q=good" "/api/search?city=metropolis&q=$rare"
                  "/api/search?city=metropolis&q=good&category=bikes&min_price=50&max_price=500"
                  "/api/search?city=hanseong&q=$korean")
declare -a QUERIES=("city=metropolis" "city=metropolis&cursor=$cursor" "city=metropolis&q=good" "city=metropolis&q=$rare"
                    "city=metropolis&q=good&category=bikes&min_price=50&max_price=500" "city=hanseong&q=$korean")

# shellcheck source=scripts/bench/wrk-row.sh
source scripts/bench/wrk-row.sh

echo
echo "stack bench, $CB_HTTPS_URL, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores, nothing cached in the app"
wrk_header "search target"
for i in "${!NAMES[@]}"; do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CB_CA_FILE" "$CB_HTTPS_URL${PATHS[$i]}")" == 200 ]] ||
        echo "warning: ${PATHS[$i]} does not answer 200"
    wrk_row "${NAMES[$i]}" "${PATHS[$i]}" "$CONNECTIONS"
done

echo
echo "query plans (EXPLAIN on the primary; the pool reads a replica with the same data)"
for i in "${!NAMES[@]}"; do
    echo "== ${NAMES[$i]}"
    "$CB_BIN" search explain --config "$CB_CONFIG" "${QUERIES[$i]}" 2>/dev/null | sed 's/^/   /'
done
