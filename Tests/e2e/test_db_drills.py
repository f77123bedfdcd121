"""Drills for the database's primary (issue 15): switchover under a stream of writes, failover
after kill -9 of the primary, the old primary fenced and rejoined.

They run on a stack of their own (CB_STACK=drill, the test stack's port base + 10: its own
MariaDB primary and replica, pool, nginx, mailer), so the other e2e tests never see a primary
move. The figures (write pause, time to writable) go to var/drill/drill-report.json and stdout.
"""
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import REPO, STACK_SCRIPT, Stack
from posts_support import post_fields

DRILL = "drill"
# Seconds of writes before and after each operation.
STREAM_SECONDS = 2


def drill_env(test_stack) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORKBOARD_")}
    env.update(CB_STACK=DRILL, CB_PORT_BASE=str(int(test_stack.env["CB_PORT_BASE"]) + 10), CB_BIN=test_stack.bin,
               # Many posts per user (the write stream is a handful of accounts) and sign-ups per
               # client address (nginx's limit, as in the test stack: every request is 127.0.0.1).
               CORKBOARD_POSTS_PER_DAY="100000", CORKBOARD_DB_SEMI_SYNC=os.environ.get("CB_DRILL_SEMI_SYNC", "false"), CB_SIGNUP_RATE="1000r/s", CB_LOGIN_RATE="1000r/s")
    return env


@pytest.fixture(scope="module")
def drill(stack):
    env = drill_env(stack)
    started = subprocess.run([str(STACK_SCRIPT), "start"], env=dict(env, CB_FRESH="1"), timeout=300,
                             capture_output=True, text=True)
    assert started.returncode == 0, started.stdout[-2000:] + started.stderr[-2000:]
    try:
        d = Stack(Path(stack.env.get("CB_ROOT", REPO)) / "var" / DRILL / "stack.env")
        d.report = {}
        d.cli_env = env
        yield d
    finally:
        subprocess.run([str(STACK_SCRIPT), "stop"], env=env, timeout=300, stdout=subprocess.DEVNULL)
        out = Path(stack.env.get("CB_ROOT", REPO)) / "var" / DRILL / "drill-report.json"
        if d.report:
            out.write_text(json.dumps(d.report, indent=2))
            print("\ndrill report:", json.dumps(d.report, indent=2))


def corkboard(drill, *args, check=True) -> subprocess.CompletedProcess:
    return subprocess.run([drill.bin, *args, "--config", drill.config], env=drill.cli_env, capture_output=True,
                          text=True, timeout=180, check=check)


def server_sql(drill, server: str, statement: str, user: str = None, password: str = None) -> list:
    """One statement on the drill's "primary" or "replica" server (stack names: which one
    is the primary changes), over TCP, as root unless told."""
    port = drill.primary_port if server == "primary" else drill.replica_port
    env = dict(os.environ, MYSQL_PWD=password if user else drill.db_password)
    out = subprocess.run(["mariadb", "-h127.0.0.1", f"-P{port}", f"-u{user or drill.db_user}", "-N", "-B",
                          "corkboard", "-e", statement], check=True, capture_output=True, text=True, env=env,
                         timeout=60).stdout
    return [line.split("\t") for line in out.splitlines()]


class WriteStream:
    """Posts (one thread per poster session), sign-ups, and reads, until stopped. Every answer
    is recorded with its completion time; non-2xx writes are simply tried again."""

    def __init__(self, drill, posters):
        self.drill, self.posters = drill, posters
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.posts, self.signups, self.write_times, self.read_failures = [], [], [], []
        self.refused = {}  # status (or exception name) -> count; the client simply tries again
        self.reads = 0
        self.threads = [threading.Thread(target=self._post, args=(s,), daemon=True) for s in posters]
        self.threads += [threading.Thread(target=self._signup, daemon=True), threading.Thread(target=self._read, daemon=True)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=60)

    def _note(self, status, kind: str, value):
        with self.lock:
            if status in (201, 202):
                (self.posts if kind == "post" else self.signups).append(value)
                self.write_times.append(time.monotonic())
            else:
                self.refused[str(status)] = self.refused.get(str(status), 0) + 1

    def _post(self, s):
        while not self.stopping.is_set():
            try:
                r = s.post(self.drill.url("/api/posts"), json=post_fields(), timeout=30)
                self._note(r.status_code, "post", r.json().get("id") if r.status_code == 201 else None)
            except requests.RequestException as exc:
                self._note(type(exc).__name__, "post", None)
            if not self.stopping.is_set():
                time.sleep(0.02)

    def _signup(self):
        with self.drill.api_session() as s:
            while not self.stopping.is_set():
                email = self.drill.new_email("drill")
                try:
                    r = s.post(self.drill.url("/api/signup"), json={"email": email, "password": self.drill.new_password()},
                               timeout=30)
                    self._note(r.status_code, "signup", email)
                except requests.RequestException as exc:
                    self._note(type(exc).__name__, "signup", None)
                time.sleep(0.02)

    def _read(self):
        with self.drill.session() as s:
            while not self.stopping.is_set():
                try:
                    r = s.get(self.drill.url("/api/search?city=lisbon"), timeout=30)
                    ok = r.status_code == 200
                except requests.RequestException as exc:
                    ok, r = False, exc
                with self.lock:
                    self.reads += 1
                    if not ok:
                        self.read_failures.append(str(getattr(r, "status_code", r)))
                time.sleep(0.01)

    def writes_after(self, t: float) -> list:
        with self.lock:
            return [w for w in self.write_times if w > t]

    def longest_gap(self, start: float, end: float) -> float:
        """The longest time without a 2xx write between start and end."""
        with self.lock:
            times = sorted([start] + [w for w in self.write_times if start < w < end] + [end])
        return max(b - a for a, b in zip(times, times[1:]))


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def present(drill, server: str, posts: list, signups: list) -> tuple:
    """How many of the given post ids and sign-up emails the server holds."""
    ids = ",".join(str(int(i)) for i in posts) or "0"
    n_posts = int(server_sql(drill, server, f"SELECT COUNT(*) FROM posts WHERE id IN ({ids})")[0][0])
    emails = ",".join("'" + e.replace("'", "") + "'" for e in signups) or "''"
    n_users = int(server_sql(drill, server, f"SELECT COUNT(*) FROM users WHERE email IN ({emails})")[0][0])
    return n_posts, n_users


def caught_up(drill, replica: str, primary: str) -> bool:
    pos = server_sql(drill, primary, "SELECT @@gtid_binlog_pos")[0][0]
    return server_sql(drill, replica, f"SELECT MASTER_GTID_WAIT('{pos}', 10)")[0][0] == "0"


@pytest.fixture(scope="module")
def posters(drill):
    from posts_support import verified_session
    sessions = [verified_session(drill) for _ in range(2)]
    yield sessions
    for s in sessions:
        s.close()


def test_switchover_under_writes_loses_nothing(drill, posters):
    with WriteStream(drill, posters) as stream:
        time.sleep(STREAM_SECONDS)
        assert len(stream.write_times) >= 10, stream.refused
        t0 = time.monotonic()
        out = corkboard(drill, "db", "switchover", "--to", f"127.0.0.1:{drill.replica_port}")
        t1 = time.monotonic()
        time.sleep(STREAM_SECONDS)
        stream.stop()
    assert len(stream.writes_after(t1)) >= 10, stream.refused
    status = corkboard(drill, "db", "status").stdout
    assert f"127.0.0.1:{drill.replica_port}  PRIMARY" in status, status
    # Every write that got a 2xx is on the new primary and, once caught up, on the old one.
    assert caught_up(drill, "primary", "replica"), status
    want = (len(stream.posts), len(stream.signups))
    assert present(drill, "replica", stream.posts, stream.signups) == want
    assert present(drill, "primary", stream.posts, stream.signups) == want
    assert stream.read_failures == [], stream.read_failures
    # The old primary is read-only and replicates; the app's account cannot write there.
    assert server_sql(drill, "primary", "SELECT @@read_only")[0][0] == "1"
    pause = stream.longest_gap(t0 - 1, t1 + 1)
    assert pause < 5, f"writes paused {pause:.2f}s"
    drill.report["switchover"] = {
        "command": out.stdout.strip(), "command_seconds": round(t1 - t0, 3), "longest_gap_between_2xx_writes": round(pause, 3),
        "writes_2xx": {"posts": want[0], "signups": want[1]}, "writes_refused_and_retried": stream.refused,
        "reads": stream.reads, "read_failures": 0}


def test_failover_after_kill_9_fences_and_rejoins_the_old_primary(drill, posters):
    # After the switchover the stack's "replica" server is the primary.
    old_pid = int(Path(drill.env["CB_REPLICA_PIDFILE"]).read_text().strip())
    with WriteStream(drill, posters) as stream:
        time.sleep(STREAM_SECONDS)
        t_kill = time.monotonic()
        os.kill(old_pid, 9)
        # Operator-run (see README): the command right after the kill; it refuses while the
        # primary answers, so it is also safe to run on a mere suspicion.
        out = corkboard(drill, "db", "failover")
        t_promoted = time.monotonic()
        wait_for(lambda: len(stream.writes_after(t_promoted)) >= 10, 60, "writes on the new primary")
        stream.stop()
    # Writes were impossible for the longest stretch without a 2xx write after the kill (one
    # in flight may still have been answered just after it).
    writable_after = stream.longest_gap(t_kill, time.monotonic())
    assert writable_after < 30, f"writes resumed after {writable_after:.1f}s"
    status = corkboard(drill, "db", "status").stdout
    assert f"127.0.0.1:{drill.primary_port}  PRIMARY" in status, status

    # The old primary, started again, is read-only: the app's account cannot write there.
    drill.db_start("replica")
    assert server_sql(drill, "replica", "SELECT @@read_only")[0][0] == "1"
    refused = subprocess.run(
        ["mariadb", "-h127.0.0.1", f"-P{drill.replica_port}", f"-u{drill.env['CB_APP_DB_USER']}", "corkboard",
         "-e", "UPDATE replication_heartbeat SET ts = ts WHERE id = 1"],
        env=dict(os.environ, MYSQL_PWD=drill.env["CB_APP_DB_PASSWORD"]), capture_output=True, text=True)
    assert refused.returncode != 0 and "read-only" in refused.stderr, refused.stderr

    rejoin = corkboard(drill, "db", "rejoin", f"127.0.0.1:{drill.replica_port}", check=False)
    lost_posts = len(stream.posts) - present(drill, "primary", stream.posts, [])[0]
    drill.report["failover"] = {
        "command": out.stdout.strip().splitlines()[0], "seconds_without_a_2xx_write_after_the_kill": round(writable_after, 3),
        "command_seconds": round(t_promoted - t_kill, 3), "acknowledged_posts_lost": lost_posts,
        "writes_refused_and_retried": stream.refused, "read_failures": len(stream.read_failures),
        "rejoin": (rejoin.stdout or rejoin.stderr).strip()}
    if rejoin.returncode != 0:
        # Asynchronous replication: the old primary logged transactions the replica never got.
        assert "cannot rewind" in rejoin.stderr, rejoin.stderr
        saved = rejoin.stderr.split("saved in ", 1)[1].split(" for inspection", 1)[0]
        assert Path(saved).stat().st_size > 0
        pytest.fail("the old primary diverged; rebuild it: " + rejoin.stderr)
    assert caught_up(drill, "replica", "primary")
    assert server_sql(drill, "replica", "SELECT @@read_only")[0][0] == "1"
    # What the new primary holds, the rejoined server holds too.
    kept = [int(r[0]) for r in server_sql(drill, "primary", "SELECT id FROM posts ORDER BY id")]
    assert present(drill, "replica", kept, []) == (len(kept), 0)
