"""Read splitting, causal reads and failover against the real primary and replica.

Each test leaves the cluster as it found it (replication running, both servers up, the pool on
its configuration file), even when it fails.
"""

import threading
import time
import uuid

import pytest
import requests

CAUSAL_COOKIE = "__Host-cb_causal"
NOT_SHOWN = (404, 410)  # not there yet (replica) / gone


def status(stack):
    with stack.session() as s:
        r = s.get(stack.url("/status?format=json"), timeout=10)
        assert r.status_code == 200, r.text
        return r.json()["database"]


def reads(stack, role):
    return sum(s["reads"] for s in status(stack)["servers"] if s["role"] == role)


def seed_post(stack, title):
    """A post written straight to the primary (copying a sample post's owner, city, category)."""
    stack.root_sql("primary", f"""
        INSERT INTO posts (user_id, city_id, neighbourhood_id, category_id, title, description, created_at, updated_at)
        SELECT user_id, city_id, neighbourhood_id, category_id, '{title}', 'Seeded by the replication tests.',
               UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
        FROM posts WHERE deleted_at IS NULL AND hidden_at IS NULL ORDER BY id LIMIT 1""")
    return int(stack.root_sql("primary", f"SELECT id FROM posts WHERE title = '{title}'")[0][0])


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout}s: {what}")


@pytest.fixture
def sql_thread_stopped(stack):
    stack.root_sql("replica", "STOP SLAVE SQL_THREAD")
    try:
        yield
    finally:
        stack.root_sql("replica", "START SLAVE SQL_THREAD")


@pytest.fixture
def pool_env(stack):
    """Restart the pool with overrides; the configuration file alone again afterwards."""
    changed = []

    def apply(**env):
        changed.append(env)
        stack.pool_restart(**env)
    yield apply
    if changed:
        stack.pool_restart()


def test_writer_sees_own_write_while_replica_lags(stack, pool_env, sql_thread_stopped):
    pool_env(db_max_replica_lag=600)
    post_id = seed_post(stack, "causal-" + uuid.uuid4().hex[:10])
    with stack.session() as anon:
        assert anon.get(stack.url(f"/post/{post_id}"), timeout=10).status_code in NOT_SHOWN  # replica lags
    before = status(stack)["causal"]
    with stack.api_session() as writer:
        # Any committed write through the site makes the client a writer: sign-up commits after
        # the post above, so its GTID covers the post too.
        r = writer.post(stack.url("/api/signup"), timeout=30,
                        json={"email": stack.new_email("causal"), "password": stack.new_password()})
        assert r.status_code == 202, r.text
        assert CAUSAL_COOKIE in writer.cookies, r.headers
        header = r.headers["Set-Cookie"]
        assert "HttpOnly" in header and "Secure" in header and "SameSite=Lax" in header
        timings = []
        for _ in range(20):  # several workers, each waits once and falls back to the primary
            t = time.monotonic()
            page = writer.get(stack.url(f"/post/{post_id}"), timeout=10)
            timings.append(time.monotonic() - t)
            assert page.status_code == 200, page.status_code
        # A forged cookie is ignored: that client reads the lagging replica like anyone.
        forged = stack.session()
        forged.cookies.set(CAUSAL_COOKIE, writer.cookies[CAUSAL_COOKIE][:-4] + "0000")
        assert forged.get(stack.url(f"/post/{post_id}"), timeout=10).status_code in NOT_SHOWN
    after = status(stack)["causal"]
    assert after["fallbacks"] > before["fallbacks"]
    timings.sort()
    print(f"\nwriter page p50 {timings[len(timings) // 2] * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms; "
          f"causal wait buckets (ms, cumulative): {after['wait_buckets_ms']}")
    with stack.session() as anon:
        assert anon.get(stack.url(f"/post/{post_id}"), timeout=10).status_code in NOT_SHOWN
        stack.root_sql("replica", "START SLAVE SQL_THREAD")
        wait_until(lambda: anon.get(stack.url(f"/post/{post_id}"), timeout=10).status_code == 200, 10,
                   "the anonymous viewer sees the post once replication resumes")


def test_replica_past_lag_limit_is_skipped(stack, pool_env, sql_thread_stopped):
    pool_env(db_max_replica_lag=2, db_health_check_ms=200)
    time.sleep(4)  # the heartbeat on the replica is now older than the limit
    post_id = seed_post(stack, "skipped-" + uuid.uuid4().hex[:10])
    with stack.session() as anon:
        wait_until(lambda: anon.get(stack.url(f"/post/{post_id}"), timeout=10).status_code == 200, 5,
                   "a new post is read from the primary while the replica lags")
    replica = [s for s in status(stack)["servers"] if s["role"] == "replica"][0]
    assert replica["state"] == "lagging" and replica["lag_seconds"] > 2
    assert replica["skips"]["lagging"] > 0


def test_logged_out_session_refused_while_replica_lags(stack, pool_env):
    pool_env(db_max_replica_lag=600)
    email, password = stack.create_user()
    s = stack.api_login(stack.session(), email, password)
    assert s.get(stack.url("/api/me"), timeout=10).status_code == 200
    # The session is on the replica before it stops applying: a lookup there would find it.
    sessions = f"SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = '{email}'"
    wait_until(lambda: stack.root_sql("replica", sessions) == [["1"]], 10, "the session reaches the replica")
    stack.root_sql("replica", "STOP SLAVE SQL_THREAD")
    try:
        session_cookie = s.cookies["__Host-session"]
        assert s.post(stack.url("/api/logout"), timeout=10).status_code in (200, 204)
        assert stack.root_sql("replica", sessions) == [["1"]], "the replica must still hold the ended session"
        # Only the session cookie: a causal cookie would send the lookup to the primary anyway.
        with stack.session() as replay:
            replay.cookies.set("__Host-session", session_cookie)
            assert replay.get(stack.url("/api/me"), timeout=10).status_code == 401
    finally:
        stack.root_sql("replica", "START SLAVE SQL_THREAD")


def load(stack, paths, seconds):
    """GETs paths from 8 threads for `seconds`; returns the status codes seen."""
    codes, stop = [], time.monotonic() + seconds

    def run():
        with stack.session() as s:
            i = 0
            while time.monotonic() < stop:
                try:
                    codes.append(s.get(stack.url(paths[i % len(paths)]), timeout=10).status_code)
                except requests.RequestException as exc:
                    codes.append(repr(exc))
                i += 1
    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


def some_pages(stack):
    # A post viewers see (earlier tests hide, remove and expire some, the contract run's
    # moderator calls among them).
    post_id = int(stack.root_sql("primary", "SELECT MIN(id) FROM posts WHERE deleted_at IS NULL AND hidden_at IS NULL"
                                 " AND created_at > UTC_TIMESTAMP() - INTERVAL 6 DAY")[0][0])
    city = stack.root_sql("primary", "SELECT slug FROM cities ORDER BY id LIMIT 1")[0][0]
    return ["/", f"/{city}", f"/post/{post_id}"]


def test_replica_down_under_load_then_back(stack):
    paths = some_pages(stack)
    stack.db_stop("replica")
    try:
        primary_before = reads(stack, "primary")
        codes = load(stack, paths, 3)
        assert codes and all(c == 200 for c in codes), {c for c in codes if c != 200}
        assert reads(stack, "primary") > primary_before
    finally:
        stack.db_start("replica")
    replica_before = reads(stack, "replica")
    wait_until(lambda: (load(stack, paths, 0.5), reads(stack, "replica") > replica_before + 20)[1], 15,
               "reads go back to the replica")


PAUSED = "Posting and account changes are paused while we do maintenance; browsing still works."


def test_primary_down_reads_continue_writes_paused(stack):
    paths = some_pages(stack)
    email, password = stack.create_user()
    viewer = stack.api_login(stack.session(), email, password)
    stack.db_stop("primary")
    try:
        codes = load(stack, paths, 2)
        assert codes and all(c == 200 for c in codes), {c for c in codes if c != 200}
        with stack.api_session() as s:
            r = s.post(stack.url("/api/signup"), timeout=30,
                       json={"email": stack.new_email("paused"), "password": stack.new_password()})
            assert r.status_code == 503
            assert r.json()["error"] == PAUSED
        # A logged-in viewer (sessions live on the primary) browses as if logged out, told why
        # account changes are paused; pages that need the identity say so, not a generic error.
        for path in paths[1:]:
            r = viewer.get(stack.url(path), timeout=10)
            assert r.status_code == 200, (path, r.status_code)
            assert PAUSED in r.text, path
            assert "owner-controls" not in r.text
        for path in ("/account", "/post/new"):
            r = viewer.get(stack.url(path), timeout=10, allow_redirects=False)
            assert r.status_code == 503, (path, r.status_code)
            assert PAUSED in r.text and "Retry-After" in r.headers, path
        with stack.session() as anonymous:
            r = anonymous.get(stack.url(paths[1]), timeout=10)
            assert r.status_code == 200 and PAUSED not in r.text
    finally:
        stack.db_start("primary")
    with stack.api_session() as s:
        def signed_up():
            r = s.post(stack.url("/api/signup"), timeout=30,
                       json={"email": stack.new_email("resumed"), "password": stack.new_password()})
            return r.status_code == 202
        wait_until(signed_up, 15, "writes resume after the primary returns, without a pool restart")


def replica_replicating(stack):
    """Asked of the replica itself, not of the site: both threads run and the heartbeat the
    primary stamps every second has arrived within the last two seconds."""
    running = stack.root_sql("replica", "SHOW GLOBAL STATUS LIKE 'Slave_running'")
    if not running or running[0][1] != "ON":
        return False
    lag = stack.root_sql("replica", "SELECT TIMESTAMPDIFF(MICROSECOND, ts, UTC_TIMESTAMP(6)) FROM replication_heartbeat")
    return bool(lag) and int(lag[0][0]) < 2_000_000


def replica_as_reported(stack):
    site = [s for s in status(stack)["servers"] if s["role"] == "replica"][0]["state"]
    with stack.session() as s:
        health = s.get(stack.url("/healthz"), timeout=10).json()
    replica = [s for s in health["servers"] if s["role"] == "replica"][0]
    return site, replica["state"]


def test_health_is_current_after_the_primary_returns_with_no_traffic(stack):
    """Defect: after the primary was stopped and started and replication had resumed, /healthz
    and /status kept reporting the replica as io-stopped until traffic made workers recheck."""
    paths = some_pages(stack)
    stack.db_stop("primary")
    try:
        # Traffic while the primary is away: every worker sees the replica's IO thread stopped.
        wait_until(lambda: (load(stack, paths, 0.3), replica_as_reported(stack) == ("io-stopped", "io-stopped"))[1],
                   20, "the site reports the replica's IO thread stopped")
    finally:
        stack.db_start("primary")
    wait_until(lambda: replica_replicating(stack), 30, "replication resumes")
    time.sleep(1.5)   # older than db_health_check_ms, and no request to the site meanwhile
    assert replica_as_reported(stack) == ("usable", "usable")
