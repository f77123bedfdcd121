#!/usr/bin/env bash
# `make bench` (issue 12): one table of every page the site serves most, each beside the two
# ceilings measured in the same run at the same body size (a bare libfcgi responder under the
# same pool master and nginx settings, and nginx serving a static file), so the ratios hold on
# a noisy machine; then the instructions per request under callgrind (deterministic), and the
# top of that profile.
#
# Runs on the CB_STACK=bench stack with the big corpus (scripts/bench/corpus.sh: one city of
# 1,000,000 posts and two of 100,000; loaded once, which takes minutes and says so, then kept).
# Rows (wrk through nginx over HTTPS, BENCH_CONNECTIONS = 32 each, BENCH_DURATION = 5s):
#   post page from the hot cache (anonymous, without and with the CSRF cookie a first view sets)
#   / with the cache missing (the pool restarted with
#   hot_cache_entries = 0); the city listing's first page and a scrolled page; six search shapes
#   (word, rare word, two words, word + filters, deep page, Korean) in the 1 M city and the 100 k city, with
#   the list cache off (list_cache_ms = 0: the search's own cost); the
#   mixed load (scripts/bench/mixed.lua: 60% post pages on a Zipf draw over all posts, 25%
#   listings, 15% searches, while scripts/bench/posters.py posts about once a second), with the
#   hot cache's hit rate; the workers' PSS and RSS after it.
#
# BENCH_CONNECTIONS, BENCH_DURATION, BENCH_THREADS (2), BENCH_MIXED_DURATION (30s),
# BENCH_CALLGRIND_REQUESTS (50; 0 skips callgrind), BENCH_PAIRS (5: runs of each post-page row
# alternating with the bare responder), BENCH_LOAD_ONLY=1 (only load the corpus),
# CB_PORT_BASE (the bench stack's ports) change it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DURATION="${BENCH_DURATION:-5s}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
MIXED_DURATION="${BENCH_MIXED_DURATION:-30s}"
CALLGRIND_REQUESTS="${BENCH_CALLGRIND_REQUESTS:-50}"
PAIRS="${BENCH_PAIRS:-5}"
command -v wrk >/dev/null || { echo "bench.sh: wrk is not installed (scripts/stack.sh deps)" >&2; exit 1; }

# shellcheck source=scripts/bench/corpus.sh
source scripts/bench/corpus.sh
# shellcheck source=scripts/bench/wrk-row.sh
source scripts/bench/wrk-row.sh
corpus_start
[[ "${BENCH_LOAD_ONLY:-0}" == 1 ]] && exit 0
# shellcheck disable=SC1091
source var/bench/stack.env

bare_bin="$CB_RUN_DIR/bare-responder"
bare_pid=""
gcc -O2 -o "$bare_bin" scripts/bench/bare-responder.c -lfcgi
bare_start() { # BODY_BYTES
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
pool_with() { # ENV=VALUE…: the pool restarted with these settings over its configuration file
    scripts/stack.sh pool-stop >/dev/null
    env "$@" scripts/stack.sh pool-start >/dev/null
}
cleanup() {
    bare_stop
    rm -f "$CB_RUN_DIR/bench-static.html"
    scripts/stack.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
pool_with CORKBOARD_REQUEST_TIMEOUT=30

get() { curl -s --cacert "$CB_CA_FILE" "$CB_HTTPS_URL$1"; }
status_of() { curl -s -o /dev/null -w '%{http_code}' --cacert "$CB_CA_FILE" "$CB_HTTPS_URL$1"; }
warm() { wrk -t"$THREADS" -c"$CONNECTIONS" -d1s "$CB_HTTPS_URL$1" >/dev/null; }

# Every row's figures, by name, for the table at the end.
declare -a ROWS=()
declare -A RPS=() P50=() P99=() ERRS=() BYTES=()
probe() { # NAME PATH: warns unless PATH answers 200; its body size, from one request, is the row's
    local code
    code="$(status_of "$2")"
    [[ "$code" == 200 ]] || echo "warning: $2 answers $code"
    BYTES["$1"]="$(get "$2" | wc -c)"
}
measure() { # NAME PATH: one wrk row
    local name="$1" path="$2" out
    probe "$name" "$path"
    warm "$path"
    out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$CB_HTTPS_URL$path")"
    record "$name" "$out"
}
bucket() { echo $(( ($1 + 512) / 1024 * 1024 )); }
# The post-page rows are measured in alternating pairs with the bare responder at the same body
# size: one bare run and one post run each could land in a quiet and a busy moment of the
# machine (a single run's hot-post ratio has ranged from 65% to 93% on the same code). The row
# keeps the pair whose ratio is the median of PAIRS, and that ratio is its "% bare".
declare -A PAIRED=()
measure_paired() { # NAME PATH [COOKIE]: the page asked for with COOKIE ("name=value") when given
    local name="$1" path="$2" cookie="${3:-}" size i bare_out out pairs=()
    local with=(${cookie:+-H "Cookie: $cookie"})
    probe "$name" "$path"
    size="$(bucket "${BYTES[$name]}")"
    bare_start "$size"
    warm /_bench/bare
    wrk -t"$THREADS" -c"$CONNECTIONS" -d1s "${with[@]}" "$CB_HTTPS_URL$path" >/dev/null
    for ((i = 0; i < PAIRS; i++)); do
        bare_out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$CB_HTTPS_URL/_bench/bare")"
        out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${with[@]}" "$CB_HTTPS_URL$path")"
        printf -v "pair_out_$i" '%s' "$out"
        pairs+=("$(awk -v i="$i" '/^Requests\/sec:/ {r[n++] = $2} END {printf "%s %s %s %.4f", i, r[0], r[1], r[1] / r[0]}' \
            <<<"$bare_out"$'\n'"$out")")
    done
    bare_stop
    printf '  %-40s pairs (bare, post req/s): %s\n' "$name" "$(printf '%s\n' "${pairs[@]}" | awk '{printf "%s%.0f/%.0f=%.0f%%", (NR > 1 ? ", " : ""), $2, $3, 100 * $4}')"
    read -r i _ _ PAIRED["$name"] <<<"$(printf '%s\n' "${pairs[@]}" | sort -k4,4g | sed -n "$(( (PAIRS + 1) / 2 ))p")"
    local var="pair_out_$i"
    record "$name" "${!var}"
}
record() { # NAME WRK_OUTPUT
    ROWS+=("$1")
    RPS["$1"]="$(awk '/^Requests\/sec:/ {print $2}' <<<"$2")"
    P50["$1"]="$(awk '$1 == "50%" {print $2}' <<<"$2")"
    P99["$1"]="$(awk '$1 == "99%" {print $2}' <<<"$2")"
    ERRS["$1"]="$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {e = $0} END {printf "%s%s", (n ? "non-2xx " n " " : ""), e}' <<<"$2")"
    printf '  %-40s %9s req/s  p50 %8s  p99 %8s  %s\n' "$1" "${RPS[$1]}" "${P50[$1]}" "${P99[$1]}" "${ERRS[$1]}"
}

echo "stack bench ($CB_HTTPS_URL), wrk -t$THREADS -c$CONNECTIONS -d$DURATION per row, $(nproc) cores, $(date -u +%FT%TZ), $(git rev-parse --short HEAD)"
sql -N -B -e "SELECT c.slug, COUNT(*) FROM posts p JOIN cities c ON c.id = p.city_id GROUP BY c.slug ORDER BY 2 DESC" |
    paste -sd' ' | sed 's/^/posts per city: /'

# --- what the rows ask for ---
mix_dir="$CB_RUN_DIR/mix"
mkdir -p "$mix_dir"
corpus_visible_ids "$mix_dir/ids"
big_count="$(wc -l <"$mix_dir/ids")"
post="/post/$(sed -n 4243p "$mix_dir/ids")"
api_json() { get "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("next_cursor") or "")'; }
cursor_after() { # CITY PAGES [QUERY]: the cursor of page PAGES+1
    local cursor="" i
    for ((i = 0; i < $2; i++)); do cursor="$(api_json "/api/search?city=$1${3:+&$3}${cursor:+&cursor=$cursor}")"; done
    printf '%s' "$cursor"
}
rare="$(corpus_rare_word)"
korean="%EC%9E%90%EC%A0%84%EA%B1%B0"   # 자전거 (bicycle)
categories="$(sql -N -B -e "SELECT slug FROM categories ORDER BY sort")"

echo
echo "rows (each row's ceilings follow in one block, by body size)"
measure_paired "post page, hot cache" "$post"
# The same page for a returning viewer: the browser sends back the CSRF cookie the first view
# set, so the form's token is only its HMAC (wrk sends no cookie on the row above: every request
# there makes a new one).
measure_paired "post page, hot cache, csrf cookie" "$post" \
    "__Host-csrf=$(python3 -c 'import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode())')"
pool_with CORKBOARD_REQUEST_TIMEOUT=30 CORKBOARD_HOT_CACHE_ENTRIES=0
measure_paired "post page, cache miss" "$post"
pool_with CORKBOARD_REQUEST_TIMEOUT=30
measure "listing, first page" "/metropolis"
measure "listing, scrolled page 2" "/metropolis?cursor=$(cursor_after metropolis 1)"
# The search shapes with the list cache off: what the search itself costs, and how it grows.
pool_with CORKBOARD_REQUEST_TIMEOUT=30 CORKBOARD_LIST_CACHE_MS=0
for city in metropolis smallville; do
    n="$(sql -N -B -e "SELECT COUNT(*) FROM posts p JOIN cities c ON c.id = p.city_id WHERE c.slug = '$city'")"
    size="$(awk -v n="$n" 'BEGIN { printf (n >= 1e6 ? "%dM" : "%dk"), (n >= 1e6 ? n / 1e6 : n / 1e3) }')"
    measure "search $size: word 'good' (HTML)" "/$city/search?q=good"
    measure "search $size: rare word" "/api/search?city=$city&q=$rare"
    # Two common words, the commoner first: the rarer one must still drive the walk.
    measure "search $size: two words 'vintage lamp'" "/api/search?city=$city&q=vintage+lamp"
    measure "search $size: word + price + category" "/api/search?city=$city&q=good&category=bikes&min_price=50&max_price=500"
    measure "search $size: deep page 50" "/api/search?city=$city&cursor=$(cursor_after "$city" 49)"
done
measure "search 100k: Korean '자전거'" "/api/search?city=hanseong&q=$korean"

# --- the mixed load ---
{
    printf 'first\t/metropolis\n'
    for c in $categories; do printf 'first\t/metropolis/search?category=%s\n' "$c"; done
    for h in district-1 district-2 district-3 district-7; do printf 'first\t/metropolis/search?neighbourhood=%s\n' "$h"; done
    cursor=""
    for _ in 1 2 3 4 5; do
        cursor="$(api_json "/api/search?city=metropolis${cursor:+&cursor=$cursor}")"
        printf 'scrolled\t/metropolis?cursor=%s\n' "$cursor"
    done
    for c in bikes furniture electronics; do
        printf 'scrolled\t/metropolis/search?category=%s&cursor=%s\n' "$c" "$(cursor_after metropolis 1 "category=$c")"
    done
} >"$mix_dir/listings"
python3 - >"$mix_dir/searches" <<'EOF'
# The common ad words the corpus draws from (BenchCorpus.commonWords), most searched first, then
# pairs, then a few rarer words: one search path per line, in popularity order.
words = """bike sofa table chair desk lamp phone laptop camera guitar piano car truck bed coat shoes jacket
kitchen garden office shelf vintage modern wood metal parts repair job free delivery""".split()
paths = [f"/metropolis/search?q={w}" for w in words]
paths += [f"/metropolis/search?q={a}+{b}" for a, b in [("red", "bike"), ("vintage", "lamp"), ("office", "chair"),
          ("used", "car"), ("black", "sofa"), ("wood", "table"), ("free", "delivery"), ("good", "condition")]]
paths += [f"/metropolis/search?q={w}&category=bikes" for w in ["good", "new", "light"]]
print("\n".join(paths))
EOF
cache_counts() { # hits misses, from the pool's /status (cgi-fcgi straight to the pool socket)
    REQUEST_METHOD=GET SCRIPT_NAME=/status REQUEST_URI="/status?format=json" QUERY_STRING=format=json REMOTE_ADDR=127.0.0.1 \
        cgi-fcgi -bind -connect "$CB_POOL_SOCKET" 2>/dev/null | sed '1,/^\r$/d' |
        python3 -c 'import json,sys; c=json.load(sys.stdin)["database"]["cache"]; print(c["hits"], c["misses"])'
}
echo
echo "mixed load (${MIXED_DURATION}, posting about once a second): over the $big_count posts viewers still see"
pool_with CORKBOARD_REQUEST_TIMEOUT=30
# Twenty seconds of the same mix first: a worker lives for up to a million requests, and its
# hot-post cache reaches its steady hit rate in about that long (after a restart: 61% over the
# first ten seconds, 65-68% from the twentieth on).
wrk -t"$THREADS" -c"$CONNECTIONS" -d20s -s scripts/bench/mixed.lua "$CB_HTTPS_URL" -- \
    "$mix_dir/ids" "$mix_dir/listings" "$mix_dir/searches" 7 >/dev/null
read -r hits0 misses0 <<<"$(cache_counts)"
var/venv/bin/python scripts/bench/posters.py "$CB_HTTPS_URL" "$CB_CA_FILE" var/bench/posters.tsv metropolis \
    "${MIXED_DURATION%s}" $categories >"$mix_dir/posters.out" 2>&1 &
posters_pid=$!
log_from=$(( $(stat -c %s "$CB_LOG_DIR/pool.log") + 1 ))
out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$MIXED_DURATION" --latency -s scripts/bench/mixed.lua "$CB_HTTPS_URL" -- \
    "$mix_dir/ids" "$mix_dir/listings" "$mix_dir/searches")"
wait "$posters_pid" || true
# Where the tail comes from: the workers' own time per route during the mix (the request log),
# beside wrk's, which adds the wait for a free worker and the box's scheduling.
tail -c +"$log_from" "$CB_LOG_DIR/pool.log" | python3 -c '
import re, sys
by = {}
for line in sys.stdin:
    m = re.search(r"route=(\S+) status=\d+ duration_ms=([\d.]+) db_ms=([\d.]+)", line)
    if m: by.setdefault(m.group(1), []).append((float(m.group(2)), float(m.group(3))))
total = sum(len(v) for v in by.values())
print(f"  worker time per route during the mix ({total} requests): share, p50 / p99 ms, db share of the time")
for route, v in sorted(by.items(), key=lambda kv: -len(kv[1])):
    d = sorted(x for x, _ in v)
    q = lambda f: d[min(len(d) - 1, int(f * len(d)))]
    print(f"    {route:<22} {100 * len(v) / total:5.1f}%  {q(0.5):7.2f} / {q(0.99):7.2f}  db {100 * sum(y for _, y in v) / max(sum(d), 1e-9):3.0f}%")
'
read -r hits1 misses1 <<<"$(cache_counts)"
record "mixed load" "$out"
BYTES["mixed load"]="$(awk '/^Requests\/sec:/ {r = $2} /^Transfer\/sec:/ {t = $2} END {
    m = (t ~ /MB$/) ? 1048576 : (t ~ /KB$/) ? 1024 : 1; sub(/[A-Za-z]+$/, "", t); printf "%d", t * m / r }' <<<"$out")"
hit_rate="$(awk -v h=$((hits1 - hits0)) -v m=$((misses1 - misses0)) 'BEGIN { printf "%.1f%%", (h + m) ? 100 * h / (h + m) : 0 }')"
echo "  hot cache during the mix: $((hits1 - hits0)) hits, $((misses1 - misses0)) misses: hit rate $hit_rate; posting: $(cat "$mix_dir/posters.out")"
p90="$(awk '$1 == "90%" {print $2}' <<<"$out")"
echo "  mixed p90 $p90"

# Memory of the web pool's workers now (their caches filled by the mix).
echo
# PSS shares each page among the processes mapping it, on the whole machine: the Swift
# runtime's libraries count less when other Swift processes run (another stack, a test run).
# Private memory (USS) is the worker's own, whatever else runs.
for pid in $(pgrep -P "$(cat "$CB_POOL_PIDFILE")"); do
    awk -v pid="$pid" '/^Rss:/ {r = $2} /^Pss:/ {p = $2} /^Private_(Clean|Dirty):/ {u += $2}
        END {printf "  worker %s: PSS %.1f MB, private %.1f MB, RSS %.1f MB\n", pid, p / 1024, u / 1024, r / 1024}' \
        "/proc/$pid/smaps_rollup"
done

# --- the ceilings, by body size (rounded to 1 KB) ---
echo
echo "ceilings"
declare -A BARE=() STATIC=() done_size=()
for name in "${ROWS[@]}"; do
    size="$(bucket "${BYTES[$name]}")"
    (( size > 0 )) || size=2
    [[ -n "${done_size[$size]:-}" ]] && continue
    done_size[$size]=1
    bare_start "$size"
    warm /_bench/bare
    record "bare libfcgi, $size bytes" "$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$CB_HTTPS_URL/_bench/bare")"
    bare_stop
    head -c "$size" /dev/zero | tr '\0' 'x' >"$CB_RUN_DIR/bench-static.html"
    chmod 0644 "$CB_RUN_DIR/bench-static.html"
    warm /_bench/static
    record "static (nginx), $size bytes" "$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$CB_HTTPS_URL/_bench/static")"
done

echo
printf '%-40s %8s %9s %9s %9s %9s %8s  %s\n' "row" "bytes" "req/s" "p50" "p99" "% bare" "% static" "errors"
for name in "${ROWS[@]}"; do
    [[ "$name" == bare* || "$name" == static* ]] && continue
    size="$(bucket "${BYTES[$name]}")"
    (( size > 0 )) || size=2
    awk -v n="$name" -v b="${BYTES[$name]}" -v r="${RPS[$name]}" -v p50="${P50[$name]}" -v p99="${P99[$name]}" \
        -v bare="${RPS["bare libfcgi, $size bytes"]}" -v st="${RPS["static (nginx), $size bytes"]}" -v e="${ERRS[$name]}" \
        -v paired="${PAIRED[$name]:-}" \
        'BEGIN { printf "%-40s %8d %9.0f %9s %9s %7.0f%%%s %7.0f%%  %s\n", n, b, r, p50, p99,
                 100 * (paired != "" ? paired : r / bare), (paired != "" ? "*" : " "), 100 * r / st, e }'
done
echo "* the median of $PAIRS runs alternating with the bare responder (the pairs are listed with the row above)"
echo "mixed load: hot-cache hit rate $hit_rate"

# --- instructions per request (callgrind) ---
if (( CALLGRIND_REQUESTS > 0 )); then
    echo
    echo "instructions per request (callgrind, SWIFT_DETERMINISTIC_HASHING=1, $CALLGRIND_REQUESTS requests after 10 to warm up)"
    post_bytes="${BYTES["post page, hot cache"]}"
    # Valgrind 3.19 cannot read the DWARF 5 that Swift writes: a copy without it (same code).
    cp "$CB_BIN" "$CB_RUN_DIR/corkboard-nodebug"
    strip --strip-debug "$CB_RUN_DIR/corkboard-nodebug"
    BARE_BIN="$bare_bin" CB_BIN="$CB_RUN_DIR/corkboard-nodebug" CB_CONFIG="$CB_CONFIG" python3 scripts/bench/callgrind.py "$CB_RUN_DIR/callgrind" \
        "$CALLGRIND_REQUESTS" "bare=bare:$post_bytes" "post-cached=$post" \
        "post-uncached=$post@CORKBOARD_HOT_CACHE_ENTRIES=0" "search=/metropolis/search?q=vintage+lamp@CORKBOARD_LIST_CACHE_MS=0" \
        "listing-cached=/metropolis" "api-search-rare=/api/search?city=metropolis&q=$rare@CORKBOARD_LIST_CACHE_MS=0" \
        "api-search-korean=/api/search?city=hanseong&q=$korean@CORKBOARD_LIST_CACHE_MS=0"
fi
