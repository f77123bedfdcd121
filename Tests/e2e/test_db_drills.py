"""Drills for the database's primary (issue 15): switchover under a stream of writes, failover
after kill -9 of the primary, the old primary fenced and rejoined.

They run on a stack of their own (CB_STACK=drill, the test stack's port base + 100: its own
MariaDB primary and replica, pool, nginx, mailer), so the other e2e tests never see a primary
move. The figures (write pause, time to writable) go to var/drill/drill-report.json and stdout.
"""
import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import REPO, STACK_SCRIPT, Stack
from posts_support import Background, get_task, post_fields, post_task, signup_task

DRILL = "drill"
# Seconds of writes before and after each operation.
STREAM_SECONDS = 2


def drill_env(test_stack) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORKBOARD_")}
    env.update(CB_STACK=DRILL, CB_PORT_BASE=str(int(test_stack.env["CB_PORT_BASE"]) + 100), CB_BIN=test_stack.bin,
               # Many posts per user (the write stream is a handful of accounts) and sign-ups per
               # client address (nginx's limit, as in the test stack: every request is 127.0.0.1).
               CORKBOARD_POSTS_PER_DAY="100000",
               # One report hides a post, so the backup drill has a withdrawn photo to keep.
               CORKBOARD_REPORT_HIDE_THRESHOLD="1", CORKBOARD_DB_SEMI_SYNC=os.environ.get("CB_DRILL_SEMI_SYNC", "false"), CB_SIGNUP_RATE="1000r/s", CB_LOGIN_RATE="1000r/s")
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
    """Runs an operator command; with `check`, a failure names the command and shows what it
    printed (a bare CalledProcessError hid why a drill's `restore --replica` failed)."""
    result = subprocess.run([drill.bin, *args, "--config", drill.config], env=drill.cli_env, capture_output=True,
                            text=True, timeout=180)
    if check:
        assert result.returncode == 0, f"corkboard {' '.join(args)} exited {result.returncode}:\n{result.stdout}{result.stderr}"
    return result


def server_sql(drill, server: str, statement: str, user: str = None, password: str = None) -> list:
    """One statement on the drill's "primary" or "replica" server (stack names: which one
    is the primary changes), over TCP, as root unless told."""
    port = drill.primary_port if server == "primary" else drill.replica_port
    env = dict(os.environ, MYSQL_PWD=password if user else drill.db_password)
    out = subprocess.run(["mariadb", "-h127.0.0.1", f"-P{port}", f"-u{user or drill.db_user}", "-N", "-B",
                          "corkboard", "-e", statement], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, f"on {server}: {statement}\n{out.stderr}"
    return [line.split("\t") for line in out.stdout.splitlines()]


def write_stream(drill, posters) -> Background:
    """Posts (one thread per poster session), sign-ups and reads, until stopped; a refused
    write is simply tried again."""
    tasks = [("post", post_task(drill, s)) for s in posters]
    tasks += [("signup", signup_task(drill)), ("read", get_task(drill, "/api/search?city=lisbon", session=drill.session(), timeout=30))]
    return Background(tasks, pause=0.02)


def acknowledged(stream, kind: str) -> list:
    """The post ids or sign-up addresses the stream got a 2xx for."""
    return [r.value for r in stream.succeeded(kind)]


def writes_after(stream, t: float) -> list:
    return [r.ended for r in stream.succeeded("post", "signup") if r.ended > t]


def longest_gap(stream, start: float, end: float) -> float:
    """The longest time without a 2xx write between start and end."""
    times = sorted([start] + [r.ended for r in stream.succeeded("post", "signup") if start < r.ended < end] + [end])
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
    with write_stream(drill, posters) as stream:
        time.sleep(STREAM_SECONDS)
        assert len(writes_after(stream, 0)) >= 10, stream.outcomes()
        t0 = time.monotonic()
        out = corkboard(drill, "db", "switchover", "--to", f"127.0.0.1:{drill.replica_port}")
        t1 = time.monotonic()
        time.sleep(STREAM_SECONDS)
        stream.stop()
    assert len(writes_after(stream, t1)) >= 10, stream.outcomes()
    status = corkboard(drill, "db", "status").stdout
    assert f"127.0.0.1:{drill.replica_port}  PRIMARY" in status, status
    # Every write that got a 2xx is on the new primary and, once caught up, on the old one.
    assert caught_up(drill, "primary", "replica"), status
    posts, signups = acknowledged(stream, "post"), acknowledged(stream, "signup")
    want = (len(posts), len(signups))
    assert present(drill, "replica", posts, signups) == want
    assert present(drill, "primary", posts, signups) == want
    assert stream.failures("read") == [], stream.failures("read")
    # The old primary is read-only and replicates; the app's account cannot write there.
    assert server_sql(drill, "primary", "SELECT @@read_only")[0][0] == "1"
    pause = longest_gap(stream, t0 - 1, t1 + 1)
    assert pause < 5, f"writes paused {pause:.2f}s"
    drill.report["switchover"] = {
        "command": out.stdout.strip(), "command_seconds": round(t1 - t0, 3), "longest_gap_between_2xx_writes": round(pause, 3),
        "writes_2xx": {"posts": want[0], "signups": want[1]}, "writes_refused_and_retried": stream.outcomes("post", "signup"),
        "reads": len(stream.results("read")), "read_failures": 0}


def test_failover_after_kill_9_fences_and_rejoins_the_old_primary(drill, posters):
    # After the switchover the stack's "replica" server is the primary.
    old_pid = int(Path(drill.env["CB_REPLICA_PIDFILE"]).read_text().strip())
    with write_stream(drill, posters) as stream:
        time.sleep(STREAM_SECONDS)
        t_kill = time.monotonic()
        os.kill(old_pid, 9)
        # Operator-run (see README): the command right after the kill; it refuses while the
        # primary answers, so it is also safe to run on a mere suspicion.
        out = corkboard(drill, "db", "failover")
        t_promoted = time.monotonic()
        wait_for(lambda: len(writes_after(stream, t_promoted)) >= 10, 60, "writes on the new primary")
        stream.stop()
    # Writes were impossible for the longest stretch without a 2xx write after the kill (one
    # in flight may still have been answered just after it).
    writable_after = longest_gap(stream, t_kill, time.monotonic())
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
    posts = acknowledged(stream, "post")
    lost_posts = len(posts) - present(drill, "primary", posts, [])[0]
    drill.report["failover"] = {
        "command": out.stdout.strip().splitlines()[0], "seconds_without_a_2xx_write_after_the_kill": round(writable_after, 3),
        "command_seconds": round(t_promoted - t_kill, 3), "acknowledged_posts_lost": lost_posts,
        "writes_refused_and_retried": stream.outcomes("post", "signup"), "read_failures": len(stream.failures("read")),
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


# ---- backups, restore, point-in-time --------------------------------------------------------

class RestoredServer:
    """A MariaDB server of the drill's own, started on a restored data directory (read-only,
    as every server starts), on the drill's port base + 8, + 9, …; shut down at the end."""

    def __init__(self, drill, name: str, port_offset: int, server_id: int):
        self.drill = drill
        self.var = Path(drill.env["CB_ROOT"]) / "var" / DRILL
        self.datadir = self.var / name
        self.port = int(drill.env["CB_PORT_BASE"]) + port_offset
        self.sock = Path(drill.run_dir) / f"{name}.sock"
        self.server_id = server_id
        self.proc = None

    def start(self):
        (self.var / f"{self.datadir.name}-tmp").mkdir(exist_ok=True)
        self.proc = subprocess.Popen(
            ["mariadbd", "--no-defaults", f"--datadir={self.datadir}", f"--tmpdir={self.var}/{self.datadir.name}-tmp",
             f"--socket={self.sock}", f"--port={self.port}", "--bind-address=127.0.0.1", "--user=root",
             f"--server-id={self.server_id}", f"--log-error={self.var}/log/{self.datadir.name}.err", "--skip-name-resolve",
             "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci", f"--log-bin={self.datadir.name}-bin",
             "--binlog-format=ROW", "--gtid-strict-mode=ON", "--read-only", "--log-slave-updates"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for(lambda: subprocess.run(["mariadb-admin", "--no-defaults", "-S", str(self.sock), "--connect-timeout=1", "ping"],
                                        capture_output=True).returncode == 0, 60, f"the restored server on {self.port}")
        return self

    def sql(self, statement: str) -> list:
        env = dict(os.environ, MYSQL_PWD=self.drill.db_password)
        out = subprocess.run(["mariadb", "-h127.0.0.1", f"-P{self.port}", f"-u{self.drill.db_user}", "-N", "-B", "corkboard",
                              "-e", statement], check=True, capture_output=True, text=True, env=env, timeout=60).stdout
        return [line.split("\t") for line in out.splitlines()]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


# Tables whose content changes by design between the backup point and any later look:
# the heartbeat row is stamped every second, and the backup's own photo-deletion hold is in the
# copy (its DELETE comes after). Their row counts are still compared.
MOVING_TABLES = {"replication_heartbeat", "photo_deletion_holds"}


def table_state(sql) -> dict:
    """{table: (rows, checksum)} for every table of the corkboard schema."""
    tables = [r[0] for r in sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'corkboard' "
                                "AND table_type = 'BASE TABLE' ORDER BY table_name")]
    state = {}
    for t in tables:
        rows = int(sql(f"SELECT COUNT(*) FROM `{t}`")[0][0])
        checksum = None if t in MOVING_TABLES else sql(f"CHECKSUM TABLE `{t}` EXTENDED")[0][1]
        state[t] = (rows, checksum)
    return state


def drill_write(drill, send, what: str, expect: int = 201):
    """One of the drills' own writes, outside the stream, sent as a client would: a worker that
    has not yet seen a promotion may refuse once with 503 and Retry-After (writes pause, they
    are not lost), so that answer is sent again, for up to 30 s; each retry is counted in the
    drill report. Any other answer, or a refusal that lasts, fails with the log lines of the
    worker that gave it."""
    deadline = time.monotonic() + 30
    while True:
        r = send()
        if r.status_code != 503 or "Retry-After" not in r.headers or time.monotonic() > deadline:
            break
        drill.report.setdefault("writes_refused_then_retried", []).append(f"{what}: {r.text[:120]}")
        time.sleep(1)
    assert r.status_code == expect, f"{what}: {r.status_code} {r.text}\n{drill.worker_log(r)}"
    return r


def post_with_photo(drill, session, seed: int, title: str) -> int:
    from posts_support import jpeg, upload
    u = drill_write(drill, lambda: upload(session, drill, jpeg(seed)), "photo upload")
    r = drill_write(drill, lambda: session.post(drill.url("/api/posts"), json=post_fields(title=title, photos=[u.json()["id"]]),
                                                timeout=60), f"post {title!r}")
    return r.json()["id"]


@pytest.fixture(scope="module")
def backup(drill, posters):
    """A backup taken with the site quiet (mailer and collector stopped, replica caught up),
    the state of every table on its source at that point, and what was written after."""
    s = posters[0]
    before = post_with_photo(drill, s, 901, "Backed-up bike")
    # A hidden post: its photo is withdrawn (moved out of nginx's tree), and a restore of the
    # post must find it in the backup too.
    hidden = post_with_photo(drill, s, 903, "Reported bike")
    with drill.api_session() as reporter:
        r = drill_write(drill, lambda: reporter.post(drill.url(f"/api/posts/{hidden}/report"), json={"reason": "scam"}, timeout=30),
                        "report")
        assert r.json()["post_hidden"] is True, r.text
    withdrawn = Path(f"{drill.images_root}-withdrawn")
    wait_for(lambda: any(withdrawn.glob("*/*.jpg")), 30, "the hidden post's photo withdrawn")
    drill._stack("mailer-stop")
    drill._stack("gc-stop")
    wait_for(lambda: caught_up(drill, "replica", "primary"), 30, "the replica")
    expected = table_state(lambda q: server_sql(drill, "replica", q))
    out = corkboard(drill, "backup").stdout
    folder = Path(out.split()[1])
    wait_for(lambda: caught_up(drill, "replica", "primary"), 30, "the replica")
    after = post_with_photo(drill, s, 902, "Bike after the backup")
    drill.report["backup"] = {"output": out.strip(), "corpus": "drill stack: seed data plus the drills' posts and sign-ups"}
    return {"folder": folder, "expected": expected, "before": before, "after": after}


def test_backup_then_writes_then_restore_equals_the_backup_point(drill, backup):
    folder = backup["folder"]
    assert (folder / "SHA256SUMS").stat().st_size > 0 and (folder / "BACKUP").read_text().count("gtid=") == 1
    server = RestoredServer(drill, "restored", 8, 21)
    images = Path(drill.env["CB_ROOT"]) / "var" / DRILL / "restored-images"
    t0 = time.monotonic()
    env = dict(drill.cli_env, CORKBOARD_IMAGES_ROOT=str(images))
    out = subprocess.run([drill.bin, "restore", str(folder), "--datadir", str(server.datadir), "--config", drill.config],
                         env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    server.start()
    try:
        drill.report["restore"] = {"files_seconds": round(time.monotonic() - t0, 3)}
        # Every table: the same rows and checksums as the source at the backup point, which
        # includes the backup's own photo-deletion hold (taken before the copy started).
        expected = dict(backup["expected"])
        expected["photo_deletion_holds"] = (expected["photo_deletion_holds"][0] + 1, None)
        assert table_state(server.sql) == expected
        ids = {int(r[0]) for r in server.sql("SELECT id FROM posts")}
        assert backup["before"] in ids and backup["after"] not in ids
        # Every photo a restored post references is in the restored images: a visible post's
        # where nginx serves it, a hidden post's in the withdrawn folder beside it.
        shas = server.sql("SELECT LOWER(HEX(i.image_sha256)), LOWER(HEX(i.thumb_sha256)), p.hidden_at IS NOT NULL "
                          "FROM post_images i JOIN posts p ON p.id = i.post_id")
        assert any(hidden == "1" for *_, hidden in shas) and any(hidden == "0" for *_, hidden in shas)
        withdrawn = Path(f"{images}-withdrawn")
        missing = [h for *pair, hidden in shas for h in pair
                   if not ((withdrawn if hidden == "1" else images) / h[:2] / f"{h}.jpg").is_file()]
        assert missing == []

        # restore --replica: the restored server follows the primary from the backup's GTID.
        t1 = time.monotonic()
        seeded = corkboard(drill, "restore", str(folder), "--replica", "--server", server.address)
        drill.report["restore"]["replica_seconds"] = round(time.monotonic() - t1, 3)
        assert "replicates from" in seeded.stdout
        assert backup["after"] in {int(r[0]) for r in server.sql("SELECT id FROM posts")}
        assert server.sql("SELECT @@read_only")[0][0] == "1"
    finally:
        server.stop()


def test_point_in_time_restore_between_two_known_writes(drill, backup, posters):
    s = posters[1]
    first = drill_write(drill, lambda: s.post(drill.url("/api/posts"), json=post_fields(title="Before the moment"), timeout=30),
                        "post before the moment")
    # The moment: a whole second after the first write's commit and before the second's
    # (binary log times have one-second resolution; mariadb-binlog reads the host's time zone).
    time.sleep(1.2)
    moment = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
    time.sleep(1.2)
    second = drill_write(drill, lambda: s.post(drill.url("/api/posts"), json=post_fields(title="After the moment"), timeout=30),
                         "post after the moment")
    server = RestoredServer(drill, "pitr", 9, 22)
    images = Path(drill.env["CB_ROOT"]) / "var" / DRILL / "pitr-images"
    env = dict(drill.cli_env, CORKBOARD_IMAGES_ROOT=str(images))
    out = subprocess.run([drill.bin, "restore", str(backup["folder"]), "--datadir", str(server.datadir), "--config", drill.config],
                         env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    server.start()
    try:
        t0 = time.monotonic()
        corkboard(drill, "restore", str(backup["folder"]), "--until", moment, "--server", server.address)
        drill.report["point_in_time"] = {"replay_seconds": round(time.monotonic() - t0, 3), "until": moment}
        ids = {int(r[0]) for r in server.sql("SELECT id FROM posts")}
        assert first.json()["id"] in ids
        assert second.json()["id"] not in ids
        assert backup["after"] in ids
    finally:
        server.stop()


def test_a_diverged_old_primary_is_refused_then_rebuilt_from_a_backup(drill, backup, posters):
    """The loss asynchronous replication allows, made certain: the replica stops receiving, a
    post is acknowledged on the primary alone, the primary dies. Failover loses that post;
    the old primary comes back read-only, rejoin refuses it (MariaDB cannot rewind) and saves
    its extra transaction with mariadb-binlog; a backup of the new primary rebuilds it."""
    admin = dict(user=drill.env["CB_ADMIN_DB_USER"], password=drill.env["CB_ADMIN_DB_PASSWORD"])
    server_sql(drill, "replica", "STOP SLAVE IO_THREAD", **admin)
    r = drill_write(drill, lambda: posters[0].post(drill.url("/api/posts"), json=post_fields(title="Only on the dying primary"),
                                                   timeout=30), "post on the dying primary")
    lost = r.json()["id"]
    os.kill(int(Path(drill.env["CB_PRIMARY_PIDFILE"]).read_text().strip()), 9)
    corkboard(drill, "db", "failover")
    assert lost not in {int(x[0]) for x in server_sql(drill, "replica", "SELECT id FROM posts")}

    drill.db_start("primary")  # the stack's primary server: it stays read-only (the topology names the other)
    assert server_sql(drill, "primary", "SELECT @@read_only")[0][0] == "1"
    rejoin = corkboard(drill, "db", "rejoin", f"127.0.0.1:{drill.primary_port}", check=False)
    assert rejoin.returncode != 0 and "cannot rewind" in rejoin.stderr, rejoin.stdout + rejoin.stderr
    saved = Path(rejoin.stderr.split("saved in ", 1)[1].split(" for inspection", 1)[0])
    assert "Only on the dying primary" in saved.read_text(errors="replace")
    drill.report["diverged_old_primary"] = {"rejoin": rejoin.stderr.strip()[:300], "saved_bytes": saved.stat().st_size}

    # Rebuild: a backup of the new primary, the old data moved away, restore, --replica.
    out = corkboard(drill, "backup", "--from", f"127.0.0.1:{drill.replica_port}").stdout
    folder = out.split()[1]
    drill._stack("db-stop", "primary")
    datadir = Path(drill.env["CB_PRIMARY_DATADIR"])
    datadir.rename(datadir.with_name("primary.diverged"))
    corkboard(drill, "restore", folder, "--datadir", str(datadir))
    drill.db_start("primary")
    # A transaction the restored server logged itself past the backup's position (its heartbeat
    # event writes whenever the server is writable, and an operator may have touched it).
    # Seeding must not start from it (it once made `restore --replica` ask the primary for a
    # GTID it never had, and hang 100 s) nor be refused by it (MariaDB error 1947).
    gtid = next(line.split("=", 1)[1] for line in (Path(folder) / "BACKUP").read_text().splitlines() if line.startswith("gtid="))
    server_sql(drill, "primary", "SET GLOBAL event_scheduler = OFF; RESET MASTER; "
               f"SET GLOBAL gtid_slave_pos = '{gtid}'; UPDATE replication_heartbeat SET ts = UTC_TIMESTAMP(6)", **admin)
    corkboard(drill, "restore", folder, "--replica", "--server", f"127.0.0.1:{drill.primary_port}")
    assert caught_up(drill, "primary", "replica")
    assert lost not in {int(x[0]) for x in server_sql(drill, "primary", "SELECT id FROM posts")}
    status = corkboard(drill, "db", "status").stdout
    assert f"127.0.0.1:{drill.primary_port}  server_id=1  read-only" in status and "io=yes sql=yes" in status, status


def test_the_applications_account_has_neither_super_nor_read_only_admin(drill):
    grants = "\n".join(r[0] for r in server_sql(drill, "replica", "SHOW GRANTS FOR 'corkboard'@'127.0.0.1'"))
    assert "corkboard" in grants
    for forbidden in ("SUPER", "READ_ONLY ADMIN", "ALL PRIVILEGES ON *.*"):
        assert forbidden not in grants, grants
