"""Photo files and their consistency with the database: release when a post is deleted,
collection by `corkboard gc-photos` (the safety net), a failure between file write and commit, concurrent uploads of one photo, nginx serving the
files on its own, and account deletion."""

import json
import os
import subprocess
import threading
import time

import pytest

from posts_support import jpeg, multipart_fields, post_fields, upload

FAIL_MARKER = "__fail_before_commit__"


@pytest.fixture
def poster(stack):
    email, password = stack.create_user(verified=True)
    s = stack.api_login(stack.session(), email, password)
    s.email, s.password = email, password
    yield s
    s.close()


def gc(stack, grace=0):
    out = subprocess.run([stack.bin, "gc-photos", "--config", stack.config, "--grace", str(grace)],
                         check=True, capture_output=True, text=True, timeout=120).stdout
    return json.loads(out.strip().splitlines()[-1])


def path_of(stack, url):
    return os.path.join(stack.images_root, url[len("/images/"):])


def rows(stack, sql):
    return stack.root_sql("primary", sql)


def test_delete_removes_unreferenced_at_once_and_keeps_shared(stack, poster):
    shared = upload(poster, stack, jpeg(900)).json()
    only = upload(poster, stack, jpeg(901)).json()
    one = poster.post(stack.url("/api/posts"), json=post_fields(photos=[shared["id"], only["id"]]), timeout=30).json()
    # The same bytes uploaded again (by another user) are the same file.
    email, password = stack.create_user(verified=True)
    with stack.api_login(stack.session(), email, password) as other:
        again = upload(other, stack, jpeg(900)).json()
        assert again["id"] == shared["id"] and again["url"] == shared["url"]
        two = other.post(stack.url("/api/posts"), json=post_fields(photos=[again["id"]]), timeout=30).json()
        files = [path_of(stack, p[k]) for p in (shared, only) for k in ("url", "thumb_url")]
        assert all(os.path.exists(f) for f in files)
        # Nothing is collected while both posts are live, however short the grace period.
        gc(stack)
        assert all(os.path.exists(f) for f in files)
        # The delete releases what nothing else uses as it answers; the shared photo stays.
        assert poster.delete(stack.url(f"/api/posts/{one['id']}"), timeout=30).status_code == 204
        assert not os.path.exists(path_of(stack, only["url"])) and not os.path.exists(path_of(stack, only["thumb_url"]))
        assert os.path.exists(path_of(stack, shared["url"])) and os.path.exists(path_of(stack, shared["thumb_url"]))
        gc(stack)
        assert os.path.exists(path_of(stack, shared["url"])) and os.path.exists(path_of(stack, shared["thumb_url"]))
        assert stack.session().get(stack.url(shared["url"]), timeout=30).status_code == 200
        assert stack.session().get(stack.url(only["url"]), timeout=30).status_code == 404
        assert other.delete(stack.url(f"/api/posts/{two['id']}"), timeout=30).status_code == 204
    assert not os.path.exists(path_of(stack, shared["url"]))
    assert rows(stack, f"SELECT COUNT(*) FROM photos WHERE sha256 = UNHEX('{shared['id']}')") == [["0"]]


def test_collector_catches_a_missed_release_after_its_grace(stack, poster):
    """The safety net: a post hidden without the release (as when a worker is killed between
    the commit and the release) keeps its photo until gc-photos, which honours the grace."""
    photo = upload(poster, stack, jpeg(905)).json()
    post = poster.post(stack.url("/api/posts"), json=post_fields(photos=[photo["id"]]), timeout=30).json()
    rows(stack, f"UPDATE posts SET deleted_at = NOW(6) WHERE id = {post['id']}")
    gc(stack, grace=3600)
    assert os.path.exists(path_of(stack, photo["url"])), "recently used: inside the grace period"
    gc(stack)
    assert not os.path.exists(path_of(stack, photo["url"])) and not os.path.exists(path_of(stack, photo["thumb_url"]))
    assert rows(stack, f"SELECT COUNT(*) FROM photos WHERE sha256 = UNHEX('{photo['id']}')") == [["0"]]


def test_unclaimed_upload_expires_and_is_collected(stack, poster):
    photo = upload(poster, stack, jpeg(910)).json()
    gc(stack)
    assert os.path.exists(path_of(stack, photo["url"])), "a pending upload is kept"
    rows(stack, f"UPDATE uploads SET expires_at = NOW(6) - INTERVAL 1 SECOND WHERE sha256 = UNHEX('{photo['id']}')")
    r = poster.post(stack.url("/api/posts"), json=post_fields(photos=[photo["id"]]), timeout=30)
    assert r.status_code == 400 and r.json()["field"] == "photos" and "expired" in r.json()["error"], r.text
    gc(stack)   # (the stack's own gc-photos loop may have removed the expired row first)
    assert rows(stack, f"SELECT COUNT(*) FROM uploads WHERE sha256 = UNHEX('{photo['id']}')") == [["0"]]
    assert not os.path.exists(path_of(stack, photo["url"]))


def test_failure_before_commit_leaves_no_row_and_no_file(stack, poster):
    title = f"Doomed {FAIL_MARKER} {time.time()}"
    data = jpeg(920)
    photos_before = rows(stack, "SELECT COUNT(*) FROM photos")
    files = multipart_fields(post_fields(title=title)) + [("photo", ("doomed.jpg", data, "image/jpeg"))]
    r = poster.post(stack.url("/api/posts"), files=files, timeout=60)
    assert r.status_code == 500, r.text
    assert "error" in r.json() and FAIL_MARKER not in r.text and "Test" not in r.json()["error"]
    assert rows(stack, f"SELECT COUNT(*) FROM posts WHERE title = '{title}'") == [["0"]]
    # No photo row either (files: test_posts_photo_lifecycle's failure test checks them).
    assert rows(stack, "SELECT COUNT(*) FROM photos") == photos_before


def test_concurrent_uploads_of_one_photo_one_failing_keep_the_other(stack, poster):
    data = jpeg(930, size=(900, 700))
    results = {}

    def send(kind):
        title = f"Race {kind} {FAIL_MARKER if kind == 'fail' else ''} {time.time()}"
        with stack.api_login(stack.session(), poster.email, poster.password) as s:
            files = multipart_fields(post_fields(title=title)) + [("photo", ("same.jpg", data, "image/jpeg"))]
            results[kind] = s.post(stack.url("/api/posts"), files=files, timeout=60)

    for _ in range(3):
        threads = [threading.Thread(target=send, args=(k,)) for k in ("fail", "ok")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results["fail"].status_code == 500 and results["ok"].status_code == 201, results["ok"].text
        post = results["ok"].json()
        gc(stack)
        for url in (post["photos"][0]["url"], post["photos"][0]["thumb_url"]):
            assert os.path.exists(path_of(stack, url))
            assert stack.session().get(stack.url(url), timeout=30).status_code == 200
        assert poster.get(stack.url(f"/api/posts/{post['id']}"), timeout=30).status_code == 200
        assert poster.delete(stack.url(f"/api/posts/{post['id']}"), timeout=30).status_code == 204
        gc(stack)


def test_images_are_served_by_nginx_not_the_pool(stack, poster):
    photo = upload(poster, stack, jpeg(940)).json()
    stack.pool_stop()
    try:
        with stack.session() as s:
            r = s.get(stack.url(photo["url"]), timeout=30)
            assert r.status_code == 200 and r.content[:3] == b"\xff\xd8\xff"
            assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            assert s.get(stack.url(photo["thumb_url"]), timeout=30).status_code == 200
            # The pool really is down: a dynamic page fails meanwhile.
            assert s.get(stack.url("/healthz"), timeout=30).status_code in (502, 503, 504)
    finally:
        stack.pool_start()
        stack.wait_healthy()


def test_account_deletion_removes_posts_and_then_photos(stack, poster):
    photo = upload(poster, stack, jpeg(950)).json()
    post = poster.post(stack.url("/api/posts"), json=post_fields(photos=[photo["id"]]), timeout=30).json()
    r = poster.delete(stack.url("/api/user"), json={"password": poster.password}, timeout=30)
    assert r.status_code == 200, r.text
    with stack.session() as anon:
        deadline = time.monotonic() + 5
        while anon.get(stack.url(f"/api/posts/{post['id']}"), timeout=30).status_code == 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert anon.get(stack.url(f"/api/posts/{post['id']}"), timeout=30).status_code in (404, 410)
    gc(stack)
    assert not os.path.exists(path_of(stack, photo["url"]))
