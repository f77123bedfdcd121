# Sourced by the benchmarks that need the big corpus (scripts/bench.sh, scripts/bench-search.sh):
# starts the CB_STACK=bench stack with a larger buffer pool and, when its data is missing, of
# another size or older than BENCH_MAX_AGE hours (posts leave the 7-day window), loads the
# corpus on a fresh stack: metropolis with BENCH_POSTS (1,000,000) posts, smallville
# (English) and hanseong (Korean) with BENCH_SMALL_POSTS (100,000) each, plus
# BENCH_POSTERS (200) verified accounts with a session each for the mixed load's posting
# (their tokens in var/bench/posters.tsv). The data is kept between runs: only the first load
# takes long (it says so), and `BENCH_LOAD_ONLY=1 scripts/bench.sh` does just that part.
#
# Defines: corpus_start (the stack, loaded), sql (a client on the primary), corpus_rare_word,
# corpus_visible_ids.

export CB_STACK=bench
export CB_DB_BUFFER_POOL="${CB_DB_BUFFER_POOL:-3G}"
BENCH_POSTS="${BENCH_POSTS:-1000000}"
BENCH_SMALL_POSTS="${BENCH_SMALL_POSTS:-100000}"
BENCH_POSTERS="${BENCH_POSTERS:-200}"
BENCH_MAX_AGE="${BENCH_MAX_AGE:-24}"
CORPUS_MARKER="var/bench/search-corpus"

sql() { mariadb --defaults-file=var/bench/client.cnf -S "$CB_PRIMARY_SOCKET" corkboard "$@"; }

# The corpus's rare word, BenchCorpus.tailWord(19000): the same spelling rule as the Swift side.
corpus_rare_word() {
    python3 -c '
c, v, n, out = "bdfgklmnprstvz", "aeiou", 19000, ""
while True:
    out += c[n % len(c)]; n //= len(c); out += v[n % len(v)]; n //= len(v)
    if n == 0: break
print(out + "x")'
}

# corpus_visible_ids FILE: the big city's bench posts that viewers still see, one id per line
# (the corpus spreads them over the 7 days when it is loaded, so the oldest leave the window as it
# ages; ten minutes of margin keep a post from expiring during the run).
corpus_visible_ids() {
    sql -N -B -e "SELECT p.id FROM posts p JOIN cities c ON c.id = p.city_id
        WHERE c.slug = 'metropolis' AND p.user_id = (SELECT id FROM users WHERE email = 'bench-poster@corkboard.invalid')
        AND p.created_at > NOW() - INTERVAL 7 DAY + INTERVAL 10 MINUTE AND p.deleted_at IS NULL AND p.hidden_at IS NULL
        ORDER BY p.id" >"$1"
}

# corpus_fresh: 0 when the loaded corpus can be used as it is, 1 when it must be loaded again.
corpus_fresh() {
    local seeded_at seeded_posts seeded_small
    [[ -f "$CORPUS_MARKER" ]] || { echo 1; return; }
    read -r seeded_at seeded_posts seeded_small <"$CORPUS_MARKER"
    if (( ($(date +%s) - seeded_at) / 3600 >= BENCH_MAX_AGE )) || [[ "$seeded_posts" != "$BENCH_POSTS" ]] ||
        [[ "${seeded_small:-}" != "$BENCH_SMALL_POSTS" ]]; then
        echo 1
    else
        echo 0
    fi
}

# The posters of the mixed load: verified accounts with one live session each, written as
# "token<TAB>csrf header" lines (the CSRF token is HMAC(csrf_secret, "corkboard form"), as the
# site computes it for a session's forms). Made in SQL, since a log-in per account would be
# rate-limited and would hash a password each time.
corpus_posters() {
    python3 - "$BENCH_POSTERS" >var/bench/posters.sql 3>var/bench/posters.tsv <<'EOF'
import base64, hashlib, hmac, os, secrets, sys
n = int(sys.argv[1])
tsv = os.fdopen(3, "w")
for i in range(n):
    email = f"bench-{i:04d}@corkboard.invalid"
    token = secrets.token_urlsafe(32)[:43]
    csrf_secret = os.urandom(32)
    csrf = base64.urlsafe_b64encode(hmac.new(csrf_secret, b"corkboard form", hashlib.sha256).digest()).decode().rstrip("=")
    print(f"INSERT IGNORE INTO users (email, password_hash, role, email_verified_at) VALUES ('{email}', '!', 'user', UTC_TIMESTAMP(6));")
    print(f"INSERT INTO sessions (token_hash, user_id, csrf_secret, expires_at) SELECT UNHEX('{hashlib.sha256(token.encode()).hexdigest()}'),"
          f" id, UNHEX('{csrf_secret.hex()}'), UTC_TIMESTAMP(6) + INTERVAL 30 DAY FROM users WHERE email = '{email}';")
    tsv.write(f"{token}\t{csrf}\n")
EOF
    sql <var/bench/posters.sql
    rm -f var/bench/posters.sql
}

corpus_start() {
    local fresh t0 corpus pos
    fresh="$(corpus_fresh)"
    if (( fresh )); then
        echo "loading the benchmark corpus on a fresh bench stack ($BENCH_POSTS + 2 x $BENCH_SMALL_POSTS posts):" \
             "this takes several minutes, once; later runs reuse it"
    fi
    CB_FRESH=$fresh scripts/stack.sh start
    # shellcheck disable=SC1091
    source var/bench/stack.env
    # Prometheus and its exporters scrape and probe the site: not part of what is measured.
    scripts/stack.sh monitoring-stop >/dev/null 2>&1 || true
    if (( fresh )); then
        corpus="var/bench/corpus"
        rm -rf "$corpus"
        t0=$SECONDS
        "$CB_BIN" seed-bench --config "$CB_CONFIG" --out "$PWD/$corpus" --posts "$BENCH_POSTS" --small-posts "$BENCH_SMALL_POSTS"
        echo "corpus written in $((SECONDS - t0)) s ($(du -sh "$corpus" | cut -f1))"
        t0=$SECONDS
        sql --local-infile=1 <"$corpus/load.sql"
        sql -e "ANALYZE TABLE posts, search_terms, search_docs, post_images" >/dev/null
        corpus_posters
        pos="$(sql -N -B -e 'SELECT @@gtid_binlog_pos')"
        mariadb --defaults-file=var/bench/client.cnf -S "$CB_REPLICA_SOCKET" -N -B -e "SELECT MASTER_GTID_WAIT('$pos', 7200)" >/dev/null
        mariadb --defaults-file=var/bench/client.cnf -S "$CB_REPLICA_SOCKET" corkboard -e \
            "ANALYZE TABLE posts, search_terms, search_docs, post_images" >/dev/null 2>&1 || true
        echo "loaded (primary and replica) in $((SECONDS - t0)) s"
        rm -rf "$corpus"
        echo "$(date +%s) $BENCH_POSTS $BENCH_SMALL_POSTS" >"$CORPUS_MARKER"
    fi
}
