"""Reports, auto-hide and moderation through nginx and the real pool (issue 9).

The Nth distinct report (here from distinct 127.0.0.x source addresses: nginx's
$remote_addr is what the site counts, never a header) hides the post from its page, the API,
the list and search, and from the hot-post cache of every worker: readers polling the page
throughout show, per worker (the test stack's X-Corkboard-Worker header), when it first
answered 410, and that none served the post after the report was answered. Its photo stops
being served and the poster is mailed; a moderator's restore brings it all back. A ban hides
every post of the poster, ends their sessions and refuses their log-in. Most behaviour (bad
input, repeats, weights, the queue) is tested in process: Tests/CorkboardTests/InProcess
{Report,Moderation}Tests.swift."""

import subprocess
import time
from pathlib import Path

import pytest
from requests.adapters import HTTPAdapter

from posts_support import jpeg, post_fields, upload, verified_session
from test_cache import Background
from test_metrics import samples, scrape

WORKERS = 4   # stack.sh's test config


class SourceAddress(HTTPAdapter):
    """Connects from a chosen loopback address (Linux routes all of 127/8 over lo)."""

    def __init__(self, address, **kw):
        self.address = address
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kw):
        kw["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kw)


def from_address(stack, address):
    s = stack.api_session()
    s.mount("https://", SourceAddress(address))
    return s


def wait_for(what, check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def readers(stack, post_id):
    """test_cache's background viewers of /post/{id}, recording (sent, answered, worker pid,
    status) in monotonic time."""
    return Background(stack, post_id, threads=6, record=lambda t, r: (
        t, time.monotonic(), r.headers.get("X-Corkboard-Worker"), r.status_code))


def workers(seen, status, since=0.0):
    """The workers that answered `status` to a request sent at or after `since`."""
    return {w for t, _, w, st in list(seen) if st == status and t >= since}


def listed(stack, post_id, **params):
    with stack.session() as s:
        r = s.get(stack.url("/api/search"), params={"city": "lisbon", **params}, timeout=10)
        assert r.status_code == 200, r.text
        return any(p["id"] == post_id for p in r.json()["posts"])


def moderator_session(stack):
    """A verified account made moderator by `corkboard user grant-moderator`, logged in."""
    email, password = stack.create_user(verified=True)
    out = subprocess.run([stack.bin, "user", "grant-moderator", email, "--config", stack.config],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return stack.api_login(stack.session(), email, password)


@pytest.fixture
def photo_ad(stack):
    """A fresh post with one photo by a fresh poster, visible to viewers: (id, session, photo url)."""
    s = verified_session(stack)
    photo = upload(s, stack, jpeg(seed=int(time.time() * 1000) % 100000))
    assert photo.status_code == 201, photo.text
    word = f"reportable{int(time.time() * 1e6)}"
    r = s.post(stack.url("/api/posts"), json=post_fields(title=f"Bike {word}", photos=[photo.json()["id"]]), timeout=30)
    assert r.status_code == 201, r.text
    post_id = r.json()["id"]
    wait_for("the post reached the replica", lambda: listed(stack, post_id, q=word))
    yield post_id, s, photo.json()["url"], word
    s.close()


def test_nth_distinct_report_hides_the_post_on_every_worker_and_a_restore_brings_it_back(stack, photo_ad):
    post_id, poster, photo_url, word = photo_ad
    threshold = 3
    mark = stack.mail_mark()
    before = samples(scrape(stack))
    with stack.session() as viewer:
        assert viewer.get(stack.url(photo_url), timeout=10).status_code == 200
    with readers(stack, post_id) as viewers:
        wait_for("every worker served (and cached) the post", lambda: len(workers(viewers.seen, 200)) == WORKERS, 20)
        for n in range(1, threshold + 1):
            with from_address(stack, f"127.0.0.{100 + n}") as reporter:
                sent = time.monotonic()
                r = reporter.post(stack.url(f"/api/posts/{post_id}/report"), json={"reason": "scam"}, timeout=10)
                answered = time.monotonic()
                assert r.status_code == 201, r.text
                assert r.json()["post_hidden"] is (n == threshold)
        wait_for("every worker answered 410", lambda: len(workers(viewers.seen, 410, since=answered)) == WORKERS, 10)
    seen = list(viewers.seen)
    late = [(w, st) for t, _, w, st in seen if t >= answered and st != 410]
    assert late == [], "a worker served the post after the report that hid it was answered"
    figures = {}
    for w in sorted({w for _, _, w, _ in seen}):
        first = min(done for t, done, ww, st in seen if ww == w and st == 410)
        figures[w] = first - sent
    lines = [f"report -> hidden (first 410 answered), worker {w}: {v * 1000:.1f} ms" for w, v in figures.items()]
    lines.append(f"the hiding report itself took {(answered - sent) * 1000:.1f} ms")
    print("\n" + "\n".join(lines))
    log = Path(stack.env.get("CB_LOG_DIR", ".")) / "report-hide.txt"
    log.write_text("\n".join(lines) + "\n")

    with stack.session() as viewer:
        page = viewer.get(stack.url(f"/post/{post_id}"), timeout=10)
        assert page.status_code == 410 and "removed after reports" in page.text
        api = viewer.get(stack.url(f"/api/posts/{post_id}"), timeout=10)
        assert api.status_code == 410 and "removed after reports" in api.json()["error"]
        assert f'href="/post/{post_id}"' not in viewer.get(stack.url("/lisbon"), timeout=10).text
        wait_for("the photo is no longer served", lambda: viewer.get(stack.url(photo_url), timeout=10).status_code == 404, 60)
    assert not listed(stack, post_id, q=word) and not listed(stack, post_id)
    # /metrics counts the reports and the hide, and the queue holds the post.
    after = samples(scrape(stack))
    assert after["corkboard_reports_total"] - before["corkboard_reports_total"] >= threshold
    assert after["corkboard_posts_auto_hidden_total"] - before["corkboard_posts_auto_hidden_total"] >= 1
    assert after["corkboard_moderation_queue_posts"] >= 1
    # The poster is told, still opens it, and sees why.
    msg = stack.read_mail(poster.email, kind="post_hidden", after=mark, timeout=20)
    assert f"/post/{post_id}" in msg.text
    own = poster.get(stack.url(f"/post/{post_id}"), timeout=10)
    assert own.status_code == 200 and "hidden from everyone else" in own.text

    # A moderator restores it: back on every worker, in the list and search, its photo served.
    with moderator_session(stack) as moderator:
        queue = moderator.get(stack.url("/api/moderation/queue"), timeout=10).json()["posts"]
        mine = [item for item in queue if item["post_id"] == post_id]
        assert mine and mine[0]["hidden"] and len(mine[0]["reports"]) == threshold
        r = moderator.post(stack.url(f"/api/moderation/posts/{post_id}/restore"), json={"reason": "a real ad"}, timeout=10)
        assert r.status_code == 200, r.text
        restored = time.monotonic()
    with readers(stack, post_id) as viewers:
        wait_for("every worker serves the post again", lambda: len(workers(viewers.seen, 200, since=restored)) == WORKERS, 10)
    assert [st for t, _, _, st in viewers.seen if t >= restored and st != 200] == []
    with stack.session() as viewer:
        assert viewer.get(stack.url(photo_url), timeout=10).status_code == 200
    wait_for("back in search", lambda: listed(stack, post_id, q=word))
    # The same reporters cannot hide it again.
    with from_address(stack, "127.0.0.101") as again:
        r = again.post(stack.url(f"/api/posts/{post_id}/report"), json={"reason": "scam"}, timeout=10)
        assert r.status_code == 409 and "already reported" in r.json()["error"]


def test_a_ban_hides_every_post_ends_sessions_and_refuses_log_in(stack):
    poster = verified_session(stack)
    ids = []
    for _ in range(2):
        r = poster.post(stack.url("/api/posts"), json=post_fields(), timeout=30)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    # A second open session of the poster's (another browser).
    other = stack.api_login(stack.session(), poster.email, poster.password)
    assert other.get(stack.url("/api/account/posts"), timeout=10).status_code == 200
    with moderator_session(stack) as moderator:
        r = moderator.post(stack.url(f"/api/moderation/posts/{ids[0]}/ban"), json={"reason": "scam ring"}, timeout=10)
        assert r.status_code == 200, r.text
        actions = moderator.get(stack.url("/api/moderation/actions"), timeout=10).json()["actions"]
        assert any(a["action"] == "ban" and a["post_id"] == ids[0] and a["reason"] == "scam ring" for a in actions)
    with stack.session() as viewer:
        for post_id in ids:
            assert viewer.get(stack.url(f"/post/{post_id}"), timeout=10).status_code == 410
        wait_for("no post of the banned poster is listed", lambda: not any(listed(stack, i) for i in ids))
    for session in (poster, other):
        assert session.get(stack.url("/api/account/posts"), timeout=10).status_code == 401
    with stack.api_session() as s:
        wrong = s.post(stack.url("/api/login"), json={"email": poster.email, "password": "not the password"}, timeout=10)
        assert wrong.status_code == 401 and "suspended" not in wrong.text
        right = s.post(stack.url("/api/login"), json={"email": poster.email, "password": poster.password}, timeout=10)
        assert right.status_code == 403 and "suspended" in right.json()["error"]
    poster.close()
    other.close()
