"""The hot-post cache across the pool's workers, against the real stack.

The guarantee (Sources/Corkboard/Cache, README "Read splitting and failover"): an edit or
delete made through this host bumps the post's generation in the pool's shared memory before
the answer leaves, so from the moment the edit is answered no worker serves its cached copy;
a refill within the replica-lag window after that reads the primary, so a lagging replica's
older copy is never cached; the TTL bounds staleness only for changes this host did not see.

What a viewer may still see while the replica lags: the replica's (old) post wherever the
cache is not involved — `GET /api/posts/{id}` reads a replica — but never on `/post/{id}`.
"""

import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from posts_support import post_fields

TITLE = re.compile(r'<article class="post" data-post-id="(\d+)">\s*<h1>(.*?)</h1>', re.S)
WORKERS = 4          # stack.sh's test config
THREADS = 8


def status(stack):
    with stack.session() as s:
        r = s.get(stack.url("/status?format=json"), timeout=10)
        assert r.status_code == 200, r.text
        return r.json()


def per_worker(st):
    return {w["pid"]: w["requests"] for w in st["workers"]}


def page_title(r):
    """(status, title shown) of a /post/{id} answer; title None when it is not a post page."""
    m = TITLE.search(r.text) if r.status_code == 200 else None
    return r.status_code, (m.group(2) if m else None)


def clone(stack, session):
    """A session with `session`'s cookies (one per thread: requests.Session is not thread-safe)."""
    s = stack.session()
    s.cookies.update(session.cookies)
    s.headers.update(session.headers)
    return s


def fetch_many(stack, post_id, count, like=None):
    """`count` GETs of /post/{id} from THREADS threads, each with its own session (anonymous, or
    carrying `like`'s cookies). Returns [(sent_at, status, title)] in monotonic time."""
    def run(n):
        out = []
        with (clone(stack, like) if like is not None else stack.session()) as s:
            for _ in range(n):
                t = time.monotonic()
                out.append((t, *page_title(s.get(stack.url(f"/post/{post_id}"), timeout=30))))
        return out
    shares = [count // THREADS + (1 if i < count % THREADS else 0) for i in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        return [x for part in pool.map(run, shares) for x in part]


class Background:
    """Anonymous viewers reading /post/{id} without pause from before an edit until stop().
    Each answer is recorded as `record(sent_at, response)` (by default: sent, status, title)."""

    def __init__(self, stack, post_id, threads=4, record=None):
        self.stack, self.post_id, self.seen = stack, post_id, []
        self.record = record or (lambda t, r: (t, *page_title(r)))
        self.done = threading.Event()
        self.threads = [threading.Thread(target=self.run) for _ in range(threads)]

    def run(self):
        with self.stack.session() as s:
            while not self.done.is_set():
                t = time.monotonic()
                r = s.get(self.stack.url(f"/post/{self.post_id}"), timeout=30)
                self.seen.append(self.record(t, r))

    def __enter__(self):
        for t in self.threads:
            t.start()
        time.sleep(0.3)   # they are reading before the edit
        return self

    def __exit__(self, *exc):
        self.done.set()
        for t in self.threads:
            t.join()


def create_post(stack, poster, title):
    r = poster.post(stack.url("/api/posts"), json=post_fields(title=title), timeout=30)
    assert r.status_code == 201, r.text
    post_id = r.json()["id"]
    deadline = time.monotonic() + 10
    while stack.root_sql("replica", f"SELECT COUNT(*) FROM posts WHERE id = {int(post_id)}") != [["1"]]:
        assert time.monotonic() < deadline, "the new post did not reach the replica"
        time.sleep(0.05)
    return post_id


def warm(stack, post_id, title):
    """Anonymous GETs until every worker has served the post and cached it (each worker misses
    at most once: a refill reads the replica, which has the post). Workers wait for connections
    through an exclusive epoll entry, so the kernel favours the first idle worker: the others
    get requests only while it is busy, hence a low bar per worker and more rounds."""
    before = status(stack)
    total = 0
    for _ in range(30):
        seen = fetch_many(stack, post_id, 200)
        total += len(seen)
        assert all(code == 200 and t == title for _, code, t in seen), {(c, t) for _, c, t in seen}
        after = status(stack)
        served = {pid: n - per_worker(before).get(pid, 0) for pid, n in per_worker(after).items()}
        if len(served) == WORKERS and min(served.values()) >= 2:
            break
    assert len(served) == WORKERS and min(served.values()) >= 2, f"requests did not spread: {served}"
    hits = after["database"]["cache"]["hits"] - before["database"]["cache"]["hits"]
    misses = after["database"]["cache"]["misses"] - before["database"]["cache"]["misses"]
    assert hits >= total - WORKERS and misses <= WORKERS, (hits, misses, total)
    return served


def edit_and_read(stack, poster, post_id, old, new):
    """Edits the title while anonymous viewers read, then drives a few hundred GETs as the
    poster and as anonymous viewers. Returns (background, poster's, anonymous, stats delta)."""
    before = status(stack)["database"]["cache"]
    with Background(stack, post_id) as bg:
        r = poster.put(stack.url(f"/api/posts/{post_id}"), json={"title": new}, timeout=30)
        answered = time.monotonic()
        assert r.status_code == 200 and r.json()["title"] == new, r.text
        edited = per_worker(status(stack))
        with ThreadPoolExecutor(2) as pool:
            mine = pool.submit(fetch_many, stack, post_id, 200, poster)
            anon = pool.submit(fetch_many, stack, post_id, 400)
            mine, anon = mine.result(), anon.result()
    # Until every worker has served requests since the edit (the kernel favours the first idle
    # worker, so one may have had none yet), so each has had the chance to find its copy stale.
    for _ in range(30):
        served = {pid: n - edited.get(pid, 0) for pid, n in per_worker(status(stack)).items()}
        if len(served) == WORKERS and min(served.values()) >= 3:
            break
        anon += fetch_many(stack, post_id, 200)
    after = status(stack)["database"]["cache"]
    delta = {k: after[k] - before[k] for k in after}
    late = [(c, t) for sent, c, t in bg.seen if sent > answered]
    early_old = sum(1 for sent, _, t in bg.seen if sent < answered and t == old)
    assert early_old > 0, "the background viewers never saw the post before the edit"
    for who, seen in (("background viewers", late), ("poster", [(c, t) for _, c, t in mine]),
                      ("anonymous viewers", [(c, t) for _, c, t in anon])):
        assert seen and all(c == 200 for c, _ in seen), (who, {c for c, _ in seen})
        stale = [t for _, t in seen if t != new]
        assert not stale, f"{who} saw {len(stale)} of {len(seen)} answers with {set(stale)} after the edit"
    # Every worker that held the post dropped it as stale (the editing worker dropped its own
    # copy directly), and the refilled copies are served from the cache again.
    assert delta["invalidations"] >= 1 and delta["stale"] >= WORKERS - 1, delta
    assert delta["hits"] > 0, delta
    print(f"\nafter the edit: {len(late)} background, {len(mine)} poster, {len(anon)} anonymous answers, "
          f"all new; cache {delta}")
    return delta


def delete_and_read(stack, poster, post_id):
    """Deletes the post; then no worker serves it, to anyone (410; 404 would do too)."""
    r = poster.delete(stack.url(f"/api/posts/{post_id}"), timeout=30)
    assert r.status_code == 204, r.text
    for seen in (fetch_many(stack, post_id, 200), fetch_many(stack, post_id, 100, poster)):
        codes = {c for _, c, _ in seen}
        assert codes <= {404, 410}, codes


@pytest.fixture
def poster(stack):
    email, password = stack.create_user(verified=True)
    s = stack.api_login(stack.session(), email, password)
    yield s
    s.close()


def test_edit_never_served_stale_by_another_worker(stack, poster):
    old, new = "Cached bike " + uuid.uuid4().hex[:8], "Edited bike " + uuid.uuid4().hex[:8]
    post_id = create_post(stack, poster, old)
    warm(stack, post_id, old)
    edit_and_read(stack, poster, post_id, old, new)
    delete_and_read(stack, poster, post_id)


def test_edit_never_served_stale_while_replica_lags(stack, poster):
    # A lag limit far above the test's length: the stopped replica stays in use for reads.
    stack.pool_restart(db_max_replica_lag=600, db_causal_wait_ms=50)
    try:
        old, new = "Lagging bike " + uuid.uuid4().hex[:8], "Fixed bike " + uuid.uuid4().hex[:8]
        post_id = create_post(stack, poster, old)
        warm(stack, post_id, old)
        stack.root_sql("replica", "STOP SLAVE SQL_THREAD")
        try:
            edit_and_read(stack, poster, post_id, old, new)
            # The replica really lags and is really read: where no cache is involved, an
            # anonymous viewer gets its old copy (bounded by the lag limit), the post page never.
            assert stack.root_sql("replica", f"SELECT title FROM posts WHERE id = {int(post_id)}") == [[old]]
            with stack.session() as anon:
                r = anon.get(stack.url(f"/api/posts/{post_id}"), timeout=30)
                assert r.status_code == 200 and r.json()["title"] == old, r.text
            replica = [s for s in status(stack)["database"]["servers"] if s["role"] == "replica"][0]
            assert replica["state"] == "usable", replica
            delete_and_read(stack, poster, post_id)
        finally:
            stack.root_sql("replica", "START SLAVE SQL_THREAD")
    finally:
        stack.pool_restart()


def test_change_from_another_host_is_bounded_by_ttl(stack, poster):
    """A change this host did not make (written straight to the primary, as another host's
    worker would) is not invalidated here: cached copies may show it late, for at most the TTL."""
    ttl = 2
    stack.pool_restart(hot_cache_ttl=ttl)
    try:
        old, new = "Far bike " + uuid.uuid4().hex[:8], "Far edit " + uuid.uuid4().hex[:8]
        post_id = create_post(stack, poster, old)
        warm(stack, post_id, old)
        stack.root_sql("primary", f"UPDATE posts SET title = '{new}' WHERE id = {int(post_id)}")
        changed = time.monotonic()
        seen = []
        while time.monotonic() < changed + ttl + 2:
            seen += fetch_many(stack, post_id, 40)
        assert all(c == 200 for _, c, _ in seen)
        assert any(t == old for _, _, t in seen), "the cache was not involved"
        late = [t for sent, _, t in seen if sent > changed + ttl + 0.5]
        assert late and all(t == new for t in late), {t for t in late}
    finally:
        stack.pool_restart()


def replica_has(stack, query, rows):
    deadline = time.monotonic() + 1
    while stack.root_sql("replica", query) != rows:
        assert time.monotonic() < deadline, f"the replica did not apply the change: {query}"
        time.sleep(0.01)


def list_many(stack, path, count):
    """`count` anonymous GETs of an /api/search path from THREADS threads:
    [(sent_at, answering worker's pid, {post id: title})]."""
    def run(n):
        out = []
        with stack.session() as s:
            for _ in range(n):
                t = time.monotonic()
                r = s.get(stack.url(path), timeout=30)
                assert r.status_code == 200, r.text
                out.append((t, r.headers.get("X-Corkboard-Worker"), {p["id"]: p["title"] for p in r.json()["posts"]}))
        return out
    shares = [count // THREADS + (1 if i < count % THREADS else 0) for i in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        return [x for part in pool.map(run, shares) for x in part]


def test_edit_and_delete_leave_every_workers_cached_list_at_once(stack, poster):
    """Each worker keeps a city's list pages for up to list_cache_ms (2 s): a new post may take
    that long to appear, but an edit or delete through the site empties the city's lists in
    every worker before its answer leaves (the city's generation in shared memory)."""
    word = "lamp" + uuid.uuid4().hex[:8]
    old, sneaky, new = f"Listed {word} old", f"Listed {word} sneaky", f"Listed {word} new"
    post_id = create_post(stack, poster, old)
    path = f"/api/search?city=lisbon&q={word}"
    deadline = time.monotonic() + 20
    while True:
        seen = list_many(stack, path, 200)
        if len({w for _, w, _ in seen}) == WORKERS and all(ids.get(post_id) == old for _, _, ids in seen):
            break
        assert time.monotonic() < deadline, "the list did not show the new post on every worker"
    # The lists are cached: a change behind the site's back (no generation bump) goes unseen a while.
    stack.root_sql("primary", f"UPDATE posts SET title = '{sneaky}' WHERE id = {int(post_id)}")
    assert any(ids.get(post_id) == old for _, _, ids in list_many(stack, path, 40)), "the list cache was not involved"
    r = poster.put(stack.url(f"/api/posts/{post_id}"), json={"title": new}, timeout=30)
    assert r.status_code == 200, r.text
    # Lists read a replica (no cache or not): let it apply the edit, well within the lists' lifetime.
    replica_has(stack, f"SELECT title FROM posts WHERE id = {int(post_id)}", [[new]])
    after = list_many(stack, path, 300)
    stale = [ids.get(post_id) for _, _, ids in after if ids.get(post_id) != new]
    assert not stale, f"{len(stale)} of {len(after)} answers after the edit showed {set(stale)}"
    r = poster.delete(stack.url(f"/api/posts/{post_id}"), timeout=30)
    assert r.status_code == 204, r.text
    replica_has(stack, f"SELECT deleted_at IS NOT NULL FROM posts WHERE id = {int(post_id)}", [["1"]])
    shown = [w for _, w, ids in list_many(stack, path, 300) if post_id in ids]
    assert not shown, f"workers {set(shown)} still listed the deleted post"
