"""Drills for the FastCGI responder pool, against the real stack (nginx → pool → MariaDB).

Each drill does to the pool what production will do to it sooner or later (a worker killed,
a rolling restart, a drain, the master killed) while a bounded load of requests runs, and
checks what the site's users would see. Destructive drills leave the pool running again
(the `pool` fixture restarts it with `stack.pool_start()`), whatever their outcome.
"""

import os
import re
import signal
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from posts_support import Background, alive, children, get_task, pool_status

LOAD_THREADS = 4          # at most the stack's worker count, so no request waits in the backlog
REQUEST_TIMEOUT = 10      # seconds, per request
MAX_LOAD_SECONDS = 60     # a load never runs longer than this, whatever happens


# --- processes --------------------------------------------------------------------------------

def worker_processes(stack) -> set:
    """Every process running as a worker of this stack, whoever its parent is (orphans too)."""
    pattern = r"(^|/)" + re.escape(Path(stack.bin).name) + r" worker( |$).*" + re.escape(stack.config)
    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True)
    return {int(p) for p in out.stdout.split() if alive(int(p))}


def wait_until(predicate, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def master_pid(stack) -> int:
    pid = stack.pool_pid()
    assert pid and alive(pid), f"the pool master is not running (pid file {stack.pool_pidfile})"
    return pid


def configured_workers(stack) -> int:
    """The `workers` the stack's configuration file asks for: what the pool must keep running."""
    m = re.search(r"^workers\s*=\s*(\d+)\s*$", Path(stack.config).read_text(), re.M)
    assert m, f"no workers = N in {stack.config}"
    return int(m.group(1))


def wait_for_workers(stack, count: int, timeout: float = 15.0) -> set:
    """Waits until the master has `count` workers; returns their pids."""
    pid = master_pid(stack)
    assert wait_until(lambda: len(children(pid)) == count, timeout), \
        f"the master has {len(children(pid))} workers, expected {count}"
    return children(pid)


# --- load ----------------------------------------------------------------------------------------

def healthz_load(stack, threads: int = LOAD_THREADS) -> Background:
    """A few threads sending GET /healthz, each on a new connection, until stopped."""
    return Background([("healthz", get_task(stack, "/healthz", timeout=REQUEST_TIMEOUT))] * threads,
                      max_seconds=MAX_LOAD_SECONDS)


# --- fixtures ---------------------------------------------------------------------------------

@pytest.fixture
def pool(stack):
    """The running pool; restarted afterwards if a drill stopped or killed it."""
    pid = stack.pool_pid()
    if not (pid and alive(pid)):
        stack.pool_start()
    stack.wait_healthy()
    yield stack
    pid = stack.pool_pid()
    if not (pid and alive(pid)):
        # The socket of a SIGKILLed master is stale; pool-start removes it.
        stack.pool_start()
    stack.wait_healthy()


# --- drills -----------------------------------------------------------------------------------

def test_killed_worker_is_replaced_under_load(pool):
    master = master_pid(pool)
    before = wait_for_workers(pool, configured_workers(pool))
    victim = sorted(before)[0]
    with healthz_load(pool) as load:
        load.wait_for(20)
        os.kill(victim, signal.SIGKILL)
        replaced = wait_until(lambda: victim not in children(master) and len(children(master)) == len(before), 10)
        load.wait_for(20)
    after = children(master)
    assert replaced, f"worker {victim} was not replaced: {sorted(after)}"
    assert after - before, "no new worker pid appeared"
    # Only the request the victim was serving (if any) may fail.
    assert len(load.failures()) <= 1, load.failures()


def test_sighup_rolls_every_worker_without_a_failed_request(pool):
    master = master_pid(pool)
    before = wait_for_workers(pool, configured_workers(pool))
    with healthz_load(pool) as load:
        load.wait_for(20)
        os.kill(master, signal.SIGHUP)
        rolled = wait_until(lambda: not (children(master) & before) and len(children(master)) == len(before), 60)
        # Keep the load on a moment after the last replacement.
        load.wait_for(20)
    after = children(master)
    assert rolled, f"not every worker was replaced: before {sorted(before)}, after {sorted(after)}"
    assert alive(master), "SIGHUP must not stop the master"
    assert load.failures() == [], f"{len(load.failures())} of {len(load.results())} requests failed"
    assert len(load.results()) >= 40


def busy_with(stack, path: str) -> bool:
    """True when a worker of the main pool is serving `path` right now."""
    status = pool_status(stack.pool_socket)
    return status is not None and any(w["state"] == "busy" and path in w["current"] for w in status["workers"])


class HeldRequest(threading.Thread):
    """One logged-in GET /api/me held inside a worker: its session lookup (a primary read)
    waits on `LOCK TABLES sessions WRITE`, taken by a root session for `hold` seconds."""

    def __init__(self, stack, hold: float):
        super().__init__(daemon=True)
        email, password = stack.create_user()
        self.stack, self.session = stack, stack.api_login(stack.session(), email, password)
        self.locker = subprocess.Popen(
            ["mariadb", "-h127.0.0.1", f"-P{stack.primary_port}", f"-u{stack.db_user}", "corkboard", "-e",
             f"LOCK TABLES sessions WRITE; SELECT SLEEP({hold}); UNLOCK TABLES;"],
            env=dict(os.environ, MYSQL_PWD=stack.db_password), stdout=subprocess.DEVNULL)
        assert wait_until(lambda: stack.sql(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(%'")[0][0] == "1", 5), \
            "the root session did not take the lock"
        self.outcome, self.ended = None, None

    def run(self):
        try:
            self.outcome = self.session.get(self.stack.url("/api/me"), timeout=REQUEST_TIMEOUT).status_code
        except requests.RequestException as exc:
            self.outcome = type(exc).__name__
        self.ended = time.monotonic()


def test_sigterm_drains_in_flight_requests_then_exits(pool):
    master = master_pid(pool)
    workers = wait_for_workers(pool, configured_workers(pool))
    held = HeldRequest(pool, hold=2.5)
    with healthz_load(pool, threads=min(LOAD_THREADS, len(workers)) - 1) as load:
        load.wait_for(10)
        held.start()
        # The drain is only tested if a worker is mid-request when the signal arrives.
        assert wait_until(lambda: busy_with(pool, "/api/me"), 5), "the held request never reached a worker"
        term_at = time.monotonic()
        os.kill(master, signal.SIGTERM)
        exited = wait_until(lambda: not alive(master), 30)
    held.join(REQUEST_TIMEOUT)
    held.locker.wait(10)
    assert exited, "the master did not exit within 30 s of SIGTERM"
    assert held.outcome == 200, f"the request in flight at SIGTERM ended with {held.outcome}"
    assert held.ended > term_at, "the held request was answered before SIGTERM: nothing was drained"
    assert wait_until(lambda: not any(alive(p) for p in workers) and not worker_processes(pool), 5), \
        f"workers left behind: {sorted(worker_processes(pool))}"
    # Requests sent before the signal had a worker (threads < workers), so they must all have
    # completed; requests sent afterwards may be refused, the socket is gone.
    before = [r for r in load.results() if r.started < term_at - 0.05]
    assert before, "no request was sent before SIGTERM"
    failed = [r for r in before if r.outcome != 200]
    assert failed == [], f"{len(failed)} requests sent before SIGTERM failed: {failed}"
    # A clean drain closes the listen socket and removes its file (a crash would leave it).
    assert not Path(pool.pool_socket).exists(), "the drained master left its socket file behind"


def test_sigkill_of_master_leaves_no_worker(pool):
    master = master_pid(pool)
    workers = wait_for_workers(pool, configured_workers(pool))
    assert workers <= worker_processes(pool), "cannot find the workers by command line"
    os.kill(master, signal.SIGKILL)
    assert wait_until(lambda: not alive(master), 5)
    gone = wait_until(lambda: not any(alive(p) for p in workers) and not worker_processes(pool), 10)
    assert gone, f"orphaned workers survive the master: {sorted(worker_processes(pool))}"


def test_workers_are_recycled_each_after_its_own_count(pool):
    """Each worker exits after its own count in the top quarter of max_requests (so workers
    started together do not all restart, and empty their caches, at once); the master logs
    each exit as a recycling and replaces the worker, and no request fails meanwhile."""
    log = Path(pool.log_dir) / "pool.log"
    start = log.stat().st_size
    pool.pool_restart(max_requests=40)
    try:
        with healthz_load(pool) as load:
            load.wait_for(500, timeout=60)
        text = log.read_text(errors="replace")[start:]
        ended = re.findall(r"ended with exit code 0 after [\d.]+ s and (\d+) requests: (\w+)", text)
        counts = [int(n) for n, how in ended if how == "recycled"]
        assert len(counts) >= 6, ended
        assert all(30 <= n <= 40 for n in counts), counts
        assert len(set(counts)) > 1, f"every worker was recycled after the same count: {counts}"
        assert "exited unexpectedly" not in text and "crashed" not in text
        assert not load.failures(), load.outcomes()
    finally:
        pool.pool_restart()


# --- the FastCGI connection itself ------------------------------------------------------------

def fcgi_record(kind: int, content: bytes = b"") -> bytes:
    """One FastCGI record of request 1 (version 1, no padding)."""
    return struct.pack(">BBHHBB", 1, kind, 1, len(content), 0, 0) + content


def fcgi_pairs(params: dict) -> bytes:
    out = b""
    for name, value in params.items():
        n, v = name.encode(), value.encode()
        for length in (len(n), len(v)):
            out += bytes([length]) if length < 128 else struct.pack(">I", length | 0x80000000)
        out += n + v
    return out


def fcgi_exchange(stack, method: str, uri: str, body: bytes = b""):
    """Sends one request straight to the pool's socket as nginx does (a connection of its own,
    not kept: flags 0), reads until the worker's end of the stream; returns the still open
    socket and what came."""
    params = {"REQUEST_METHOD": method, "REQUEST_URI": uri, "QUERY_STRING": "", "DOCUMENT_URI": uri,
              "SCRIPT_NAME": uri, "SERVER_PROTOCOL": "HTTP/1.1", "HTTPS": "on", "HTTP_HOST": "127.0.0.1",
              "REMOTE_ADDR": "192.0.2.10", "REQUEST_ID": "0" * 32, "HTTP_USER_AGENT": "pool-drill",
              "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/x-www-form-urlencoded"}
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(REQUEST_TIMEOUT)
    s.connect(stack.pool_socket)
    stdin = b"".join(fcgi_record(5, body[i:i + 32768]) for i in range(0, len(body), 32768))
    s.sendall(fcgi_record(1, struct.pack(">HB5x", 1, 0)) + fcgi_record(4, fcgi_pairs(params)) + fcgi_record(4)
              + stdin + fcgi_record(5))
    got = b""
    while chunk := s.recv(65536):
        got += chunk
    return s, got


def peer_closed(s) -> bool:
    """Whether the other end has closed its socket (writes fail), not only stopped sending."""
    try:
        for _ in range(5):
            s.sendall(b"\0" * 64)
            time.sleep(0.05)
    except (BrokenPipeError, ConnectionResetError):
        return True
    return False


def test_a_worker_closes_a_finished_connection_at_once(pool):
    """Once the request's stdin is read to its end nothing more can come, so the worker closes
    the socket right after the response (libfcgi's own close shuts the sending side and waits
    for nginx to close first, for up to 2 s, and the worker can take no other connection
    meanwhile). A body left unread keeps libfcgi's close, so nothing unread is cut off."""
    for method, uri, body in (("GET", "/healthz", b""), ("POST", "/login", b"email=a%40b.example&password=x"),
                              ("POST", "/healthz", b"x" * 1000)):
        s, got = fcgi_exchange(pool, method, uri, body)
        with s:
            assert got.startswith(b"\x01\x06") and b"Status: " in got, got[:200]
            assert got.rfind(b"\x01\x03\x00\x01") > 0, "no END_REQUEST record"
            assert peer_closed(s), f"{method} {uri}: the worker only shut its sending side and waited"
    # A refused body far past what the worker reads on its way out: libfcgi's close, which
    # reads the rest (what we send after the response is read, not refused); the response is
    # still whole.
    s, got = fcgi_exchange(pool, "POST", "/healthz", b"x" * 200_000)
    with s:
        assert b"Status: " in got and got.rfind(b"\x01\x03\x00\x01") > 0, got[:200]
        assert not peer_closed(s), "a body past the read limit was read to its end before closing"
