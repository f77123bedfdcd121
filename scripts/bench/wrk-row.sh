# Sourced by scripts/bench.sh and scripts/bench-search.sh: one benchmark row through wrk.
# Needs THREADS, DURATION and CB_HTTPS_URL; prints the header with wrk_header.

# wrk_row NAME PATH CONNECTIONS: req/s and the 50/90/99% latencies from wrk's --latency
# table, plus any non-2xx answers or socket errors; sets last_rps for ratios.
wrk_row() {
    local name="$1" path="$2" conns="$3" out rps p50 p90 p99 errors
    out="$(wrk -t"$THREADS" -c"$conns" -d"$DURATION" --latency "$CB_HTTPS_URL$path")"
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
    p90="$(awk '$1 == "90%" {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    errors="$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {print} END {if (n) print "non-2xx: " n}' <<<"$out" | paste -sd' ')"
    printf '%-34s %5s %10s %9s %9s %9s  %s\n' "$name" "$conns" "$rps" "$p50" "$p90" "$p99" "$errors"
    last_rps="$rps"
}

# wrk_header TITLE: the column names above a block of rows.
wrk_header() {
    printf '%-34s %5s %10s %9s %9s %9s\n' "$1" "conns" "req/s" "p50" "p90" "p99"
}
