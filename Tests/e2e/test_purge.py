"""The old-post purge (`corkboard purge-old-posts` and an admin's DELETE /api/old_posts):
exactly the posts past the retention go, in several batches, with their photo links, reports,
search rows and unreferenced files; fresh posts and shared files stay; a second run is a no-op;
a concurrent run is refused; a run that fails half-way is recorded and finished by the next;
the purge waits while the replica's SQL thread is stopped; expired sessions, tokens and old
log-in failures go too."""

import json
import os
import secrets
import subprocess
import time

import pytest

from posts_support import jpeg, post_fields, upload
from test_replication import wait_until

LOCK = "corkboard.purge-old-posts"


@pytest.fixture
def poster(stack):
    email, password = stack.create_user(verified=True)
    s = stack.api_login(stack.session(), email, password)
    yield s
    s.close()


@pytest.fixture(scope="module")
def admin(stack):
    email, password = stack.new_email("purge-admin"), stack.new_password()
    out = subprocess.run([stack.bin, "user", "create-admin", email, "--config", stack.config],
                         input=password + "\n", capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    s = stack.api_login(stack.session(), email, password)
    yield s
    s.close()


def purge(stack, *args, check=True):
    """Runs the CLI; returns (exit code, the run's record it printed)."""
    out = subprocess.run([stack.bin, "purge-old-posts", "--config", stack.config, *args],
                         capture_output=True, text=True, timeout=120)
    if check:
        assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    return out.returncode, (json.loads(lines[-1]) if lines else None)


def count(stack, sql):
    return int(stack.root_sql("primary", sql)[0][0])


def old_posts(stack, poster, n, days=40):
    """n posts created `days` ago: one through the API (so it has search rows), the rest cloned
    from it in SQL (the API's daily cap is 10). Returns their ids."""
    first = poster.post(stack.url("/api/posts"), json=post_fields(), timeout=30).json()["id"]
    if n > 1:
        stack.root_sql("primary", f"""
            INSERT INTO posts (user_id, city_id, neighbourhood_id, category_id, title, description,
                               price_minor, location_text, created_at, updated_at)
            SELECT user_id, city_id, neighbourhood_id, category_id, CONCAT(title, ' ', seq), description,
                   price_minor, location_text, created_at, updated_at
            FROM posts, seq_1_to_{n - 1} WHERE id = {first}""")
    ids = [int(r[0]) for r in stack.root_sql(
        "primary", f"SELECT id FROM posts WHERE id >= {first} AND user_id = (SELECT user_id FROM posts WHERE id = {first}) ORDER BY id")]
    backdate(stack, ids, days)
    return ids


def backdate(stack, ids, days):
    listed = ",".join(map(str, ids))
    stack.root_sql("primary", f"""
        UPDATE posts SET created_at = UTC_TIMESTAMP(6) - INTERVAL {days} DAY,
                         updated_at = UTC_TIMESTAMP(6) - INTERVAL {days} DAY WHERE id IN ({listed})""")


def due(stack):
    return count(stack, "SELECT COUNT(*) FROM posts WHERE created_at < UTC_TIMESTAMP(6) - INTERVAL 30 DAY")


def path_of(stack, url):
    return os.path.join(stack.images_root, url[len("/images/"):])


def test_purge_removes_expired_posts_in_batches_and_keeps_fresh_posts_and_shared_files(stack, poster):
    # Seeds of their own: a photo another test (or an earlier run on this stack) uses is kept.
    seed = 7_000_000 + secrets.randbelow(10**6) * 2
    shared = upload(poster, stack, jpeg(seed)).json()
    only = upload(poster, stack, jpeg(seed + 1)).json()
    old = poster.post(stack.url("/api/posts"), json=post_fields(photos=[shared["id"], only["id"]]), timeout=30).json()["id"]
    # The same bytes again (an upload is claimed by one post) are the same file.
    again = upload(poster, stack, jpeg(seed)).json()
    assert again["url"] == shared["url"]
    fresh = poster.post(stack.url("/api/posts"), json=post_fields(photos=[again["id"]]), timeout=30).json()["id"]
    expired_not_due = old_posts(stack, poster, 1, days=20)[0]
    clones = old_posts(stack, poster, 6)
    backdate(stack, [old], 40)
    stack.root_sql("primary", f"INSERT INTO reports (post_id, reporter_hash, reason) VALUES ({old}, UNHEX(SHA2('{secrets.token_hex(8)}', 256)), 'spam')")
    # Their photos were last used 40 days ago too (the collector's grace period has passed).
    stack.root_sql("primary", f"UPDATE photos SET last_used_at = UTC_TIMESTAMP(6) - INTERVAL 40 DAY WHERE sha256 IN (UNHEX('{shared['id']}'), UNHEX('{only['id']}'))")
    assert count(stack, f"SELECT COUNT(*) FROM search_docs WHERE post_id = {old}") == 1
    expected = due(stack)
    assert expected >= 7

    _, run = purge(stack, "--batch", "3")
    assert run["status"] == "succeeded" and run["error"] is None
    assert run["posts"] == expected
    assert run["batches"] == -(-expected // 3)
    assert run["files"] >= 1
    gone = [old] + clones
    listed = ",".join(map(str, gone))
    assert count(stack, f"SELECT COUNT(*) FROM posts WHERE id IN ({listed})") == 0
    assert count(stack, f"SELECT COUNT(*) FROM post_images WHERE post_id IN ({listed})") == 0
    assert count(stack, f"SELECT COUNT(*) FROM reports WHERE post_id IN ({listed})") == 0
    assert count(stack, f"SELECT COUNT(*) FROM search_docs WHERE post_id IN ({listed})") == 0
    assert due(stack) == 0
    # Fresh and expired-but-not-due posts stay; so does the file the fresh post shares.
    assert count(stack, f"SELECT COUNT(*) FROM posts WHERE id IN ({fresh}, {expired_not_due})") == 2
    assert not os.path.exists(path_of(stack, only["url"])) and not os.path.exists(path_of(stack, only["thumb_url"]))
    assert stack.session().get(stack.url(only["url"]), timeout=30).status_code == 404
    assert os.path.exists(path_of(stack, shared["url"]))
    assert stack.session().get(stack.url(shared["url"]), timeout=30).status_code == 200
    assert poster.get(stack.url(f"/api/posts/{fresh}"), timeout=30).status_code == 200

    # Again: nothing left to do.
    _, again = purge(stack, "--batch", "3")
    assert again["status"] == "succeeded" and again["posts"] == 0 and again["batches"] == 0 and again["id"] > run["id"]


def test_purge_removes_expired_sessions_spent_tokens_and_old_login_failures(stack, poster):
    user = int(stack.root_sql("primary", "SELECT id FROM users ORDER BY id DESC LIMIT 1")[0][0])
    dead, live = secrets.token_hex(32), secrets.token_hex(32)
    stack.root_sql("primary", f"""
        INSERT INTO sessions (token_hash, user_id, csrf_secret, created_at, last_seen_at, expires_at) VALUES
          (UNHEX('{dead}'), {user}, RANDOM_BYTES(32), UTC_TIMESTAMP(6) - INTERVAL 40 DAY, UTC_TIMESTAMP(6) - INTERVAL 40 DAY, UTC_TIMESTAMP(6) - INTERVAL 10 DAY),
          (UNHEX('{live}'), {user}, RANDOM_BYTES(32), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL 10 DAY);
        INSERT INTO account_tokens (token_hash, user_id, purpose, created_at, expires_at, used_at) VALUES
          (UNHEX('{dead}'), {user}, 'reset', UTC_TIMESTAMP(6) - INTERVAL 2 DAY, UTC_TIMESTAMP(6) + INTERVAL 1 DAY, UTC_TIMESTAMP(6) - INTERVAL 2 DAY),
          (UNHEX('{live}'), {user}, 'verify', UTC_TIMESTAMP(6) - INTERVAL 1 HOUR, UTC_TIMESTAMP(6) + INTERVAL 1 DAY, NULL);
        INSERT INTO login_failures (email, failures, locked_until, updated_at) VALUES
          ('purge-old-{dead[:8]}@example.com', 3, NULL, UTC_TIMESTAMP(6) - INTERVAL 2 DAY),
          ('purge-new-{live[:8]}@example.com', 3, NULL, UTC_TIMESTAMP(6))""")
    _, run = purge(stack)
    assert run["status"] == "succeeded"
    assert run["sessions"] >= 1 and run["tokens"] >= 1 and run["login_failures"] >= 1
    assert count(stack, f"SELECT COUNT(*) FROM sessions WHERE token_hash = UNHEX('{dead}')") == 0
    assert count(stack, f"SELECT COUNT(*) FROM sessions WHERE token_hash = UNHEX('{live}')") == 1
    assert count(stack, f"SELECT COUNT(*) FROM account_tokens WHERE token_hash = UNHEX('{dead}')") == 0
    assert count(stack, f"SELECT COUNT(*) FROM account_tokens WHERE token_hash = UNHEX('{live}')") == 1
    assert count(stack, f"SELECT COUNT(*) FROM login_failures WHERE email = 'purge-old-{dead[:8]}@example.com'") == 0
    assert count(stack, f"SELECT COUNT(*) FROM login_failures WHERE email = 'purge-new-{live[:8]}@example.com'") == 1


def test_a_run_that_fails_half_way_is_recorded_and_the_next_finishes(stack, poster):
    ids = old_posts(stack, poster, 7)
    expected = due(stack)
    rc, failed = purge(stack, "--batch", "2", "--fail-after-batches", "2", check=False)
    assert rc == 1
    assert failed["status"] == "failed" and "test hook" in failed["error"] and failed["finished_at"]
    assert failed["posts"] == 4 and failed["batches"] == 2
    assert due(stack) == expected - 4
    _, done = purge(stack, "--batch", "2")
    assert done["status"] == "succeeded" and done["posts"] == expected - 4
    listed = ",".join(map(str, ids))
    assert count(stack, f"SELECT COUNT(*) FROM posts WHERE id IN ({listed})") == 0


def test_a_run_whose_process_died_is_recorded_as_failed_by_the_next(stack):
    stack.root_sql("primary", """
        INSERT INTO purge_runs (trigger_source, host, pid, status, created_at, started_at)
        VALUES ('cli', 'elsewhere', 1, 'running', UTC_TIMESTAMP(6) - INTERVAL 2 HOUR, UTC_TIMESTAMP(6) - INTERVAL 2 HOUR)""")
    dead = int(stack.root_sql("primary", "SELECT MAX(id) FROM purge_runs")[0][0])
    _, run = purge(stack)
    assert run["status"] == "succeeded"
    status, error = stack.root_sql("primary", f"SELECT status, error FROM purge_runs WHERE id = {dead}")[0]
    assert status == "failed" and "without finishing" in error


def replica_lag(stack):
    return float(stack.root_sql("replica", "SELECT TIMESTAMPDIFF(MICROSECOND, ts, UTC_TIMESTAMP(6)) / 1e6 FROM replication_heartbeat")[0][0])


def test_purge_waits_while_the_replica_lags_and_a_second_run_is_refused(stack, poster):
    ids = old_posts(stack, poster, 5)
    expected = due(stack)
    stack.root_sql("replica", "STOP SLAVE SQL_THREAD")
    first = None
    try:
        # The heartbeat stops on the replica: its lag grows past purge_max_lag (1 s).
        wait_until(lambda: replica_lag(stack) > 1.5, 30, "replica lag above 1.5 s")
        first = subprocess.Popen([stack.bin, "purge-old-posts", "--config", stack.config, "--batch", "2"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_until(lambda: count(stack, "SELECT COUNT(*) FROM purge_runs WHERE status = 'running'") == 1, 30, "the run to start")
        running = int(stack.root_sql("primary", "SELECT id FROM purge_runs WHERE status = 'running'")[0][0])
        # While the replica lags, nothing is deleted (watched for 3 s, the lag growing all along).
        observe_until = time.monotonic() + 3
        while time.monotonic() < observe_until:
            assert first.poll() is None
            assert due(stack) == expected
            time.sleep(0.2)
        # A second run meanwhile is refused, says so, and exits 0.
        rc, second = purge(stack)
        assert rc == 0 and second["status"] == "skipped"
        assert f"run {running}" in second["error"]
        assert due(stack) == expected
    finally:
        stack.root_sql("replica", "START SLAVE SQL_THREAD")
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err[-2000:]
    record = json.loads(out.strip().splitlines()[-1])
    assert record["id"] == running and record["status"] == "succeeded"
    assert record["posts"] == expected and record["lag_wait_seconds"] >= 3
    listed = ",".join(map(str, ids))
    assert count(stack, f"SELECT COUNT(*) FROM posts WHERE id IN ({listed})") == 0


def test_delete_old_posts_api_is_admin_only_answers_202_and_runs_outside_the_request(stack, poster, admin):
    ids = old_posts(stack, poster, 3)
    before = count(stack, "SELECT COUNT(*) FROM purge_runs")
    anonymous = stack.api_session()
    assert anonymous.delete(stack.url("/api/old_posts"), timeout=30).status_code == 401
    r = poster.delete(stack.url("/api/old_posts"), timeout=30)
    assert r.status_code == 403 and "administrator" in r.json()["error"]
    assert poster.get(stack.url("/api/old_posts/runs"), timeout=30).status_code == 403
    assert count(stack, "SELECT COUNT(*) FROM purge_runs") == before
    assert count(stack, f"SELECT COUNT(*) FROM posts WHERE id IN ({','.join(map(str, ids))})") == 3

    r = admin.delete(stack.url("/api/old_posts"), timeout=30)
    assert r.status_code == 202, r.text
    body = r.json()
    run_id = body["run_id"]
    assert r.headers["Location"] == body["url"] == f"/api/old_posts/runs/{run_id}"
    record = {}

    def finished():
        record.update(admin.get(stack.url(body["url"]), timeout=30).json())
        return record["status"] in ("succeeded", "failed", "skipped")
    wait_until(finished, 60, "the API's purge run to finish")
    assert record["status"] == "succeeded" and record["trigger_source"] == "api" and record["requested_by"] is not None
    assert record["posts"] >= 3
    assert count(stack, f"SELECT COUNT(*) FROM posts WHERE id IN ({','.join(map(str, ids))})") == 0
    runs = admin.get(stack.url("/api/old_posts/runs"), timeout=30).json()["runs"]
    assert runs[0]["id"] >= run_id and any(x["id"] == run_id for x in runs)
    assert admin.get(stack.url("/api/old_posts/runs/999999999"), timeout=30).status_code == 404
