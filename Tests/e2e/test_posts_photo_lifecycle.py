"""A photo's life through nginx: a refused write stores nothing (no row, no file, no URL), and a
photo no post uses any more stops being served at once when its post or its poster's account
is deleted, while every other use (another post, a pending upload, the poster's own expired
post) keeps it."""

import os
import random
import threading
import time

import pytest

from posts_support import jpeg, multipart_fields, post_fields, upload, verified_session

# The bound for a photo no post uses any more to stop being served.
WITHDRAW_BOUND = 60


@pytest.fixture
def poster(stack):
    with verified_session(stack) as s:
        yield s


@pytest.fixture
def other(stack):
    with verified_session(stack) as s:
        yield s


def stored(stack):
    """Every photo row (hex), upload row count and file (relative path) the stack holds."""
    rows = {r[0].lower() for r in stack.root_sql("primary", "SELECT HEX(sha256) FROM photos")}
    rows |= {r[0].lower() for r in stack.root_sql("primary", "SELECT HEX(thumb_sha256) FROM photos")}
    uploads = int(stack.root_sql("primary", "SELECT COUNT(*) FROM uploads")[0][0])
    files = set()
    for d, _, names in os.walk(stack.images_root):
        files |= {os.path.relpath(os.path.join(d, n), stack.images_root) for n in names}
    return rows, uploads, files


def assert_nothing_stored(stack, before):
    """Nothing new since `before`: first the URLs of any new row (the defect as a user sees it:
    a refused photo publicly served), then rows, uploads and files."""
    rows, uploads, files = stored(stack)
    new_rows = rows - before[0]
    with stack.session() as anon:
        served = [sha for sha in new_rows
                  if anon.get(stack.url(f"/images/{sha[:2]}/{sha}.jpg"), timeout=30).status_code != 404]
    assert not served, f"a refused request's photos are served: {served}"
    assert not new_rows, new_rows
    assert uploads <= before[1], "a refused request added an upload row"
    assert not (files - before[2]), files - before[2]


def with_photo(fields: dict, seed: int):
    return multipart_fields(fields) + [("photo", (f"p{seed}.jpg", jpeg(seed), "image/jpeg"))]


def status(stack, url):
    with stack.session() as anon:
        return anon.get(stack.url(url), timeout=30).status_code


def stops_being_served(stack, url, within=WITHDRAW_BOUND):
    """Seconds until `url` stopped answering 200 (fails after `within`)."""
    t0 = time.monotonic()
    while status(stack, url) == 200:
        assert time.monotonic() - t0 < within, f"{url} still served {within} s after its last use went"
        time.sleep(0.5)
    return time.monotonic() - t0


def path_of(stack, url):
    return os.path.join(stack.images_root, url[len("/images/"):])


def test_foreign_edit_with_a_photo_is_refused_and_stores_nothing(stack, poster, other):
    post = poster.post(stack.url("/api/posts"), json=post_fields(), timeout=30).json()
    before = stored(stack)
    r = other.put(stack.url(f"/api/posts/{post['id']}"), files=with_photo({"title": "Mine now"}, 1101), timeout=60)
    assert r.status_code == 403, r.text
    assert_nothing_stored(stack, before)


def test_duplicate_post_with_a_photo_is_refused_and_stores_nothing(stack, poster):
    body = post_fields()
    assert poster.post(stack.url("/api/posts"), json=body, timeout=30).status_code == 201
    before = stored(stack)
    r = poster.post(stack.url("/api/posts"), files=with_photo(body, 1102), timeout=60)
    assert r.status_code == 409, r.text
    assert_nothing_stored(stack, before)


def test_post_over_the_daily_cap_with_a_photo_is_refused_and_stores_nothing(stack, poster):
    for i in range(10):
        assert poster.post(stack.url("/api/posts"), json=post_fields(title=f"Cap {i} {time.time()}"), timeout=30).status_code == 201
    before = stored(stack)
    r = poster.post(stack.url("/api/posts"), files=with_photo(post_fields(), 1103), timeout=60)
    assert r.status_code == 429, r.text
    assert_nothing_stored(stack, before)


def test_html_form_duplicate_with_a_photo_is_refused_and_stores_nothing(stack, poster):
    body = post_fields(price_minor=None)
    assert poster.post(stack.url("/api/posts"), json=body, timeout=30).status_code == 201
    poster.headers.pop("X-Requested-With", None)   # a browser form sends no API header
    page = poster.get(stack.url("/post/new"), timeout=30).text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {k: body[k] for k in ("title", "description", "city", "neighbourhood", "category", "location_text")}
    before = stored(stack)
    r = poster.post(stack.url("/post/new"), files=with_photo(dict(form, csrf_token=token, photos_sent="1"), 1104), timeout=60)
    assert r.status_code == 409 and "48 hours" in r.text and 'class="post-form"' in r.text, r.text[:500]
    assert_nothing_stored(stack, before)


def test_failure_after_the_files_were_written_removes_them(stack, poster):
    before = stored(stack)
    title = f"Doomed __fail_before_commit__ {time.time()}"
    r = poster.post(stack.url("/api/posts"), files=with_photo(post_fields(title=title), 1105), timeout=60)
    assert r.status_code == 500, r.text
    assert_nothing_stored(stack, before)


def test_deleted_post_photos_stop_being_served_and_other_uses_keep_theirs(stack, poster, other):
    shared, only, pending, expired = (upload(poster, stack, jpeg(1110 + i)).json() for i in range(4))
    post = poster.post(stack.url("/api/posts"), json=post_fields(photos=[p["id"] for p in (shared, only, pending, expired)]),
                       timeout=30).json()
    # Other uses: another user's live post, another user's pending upload, the poster's own
    # expired post (which "my posts" shows and a repost reuses).
    again = upload(other, stack, jpeg(1110)).json()
    assert other.post(stack.url("/api/posts"), json=post_fields(photos=[again["id"]]), timeout=30).status_code == 201
    assert upload(other, stack, jpeg(1112)).json()["id"] == pending["id"]
    old = poster.post(stack.url("/api/posts"), json=post_fields(photos=[]), timeout=30).json()
    stack.root_sql("primary", f"""INSERT INTO post_images (post_id, position, image_sha256, thumb_sha256, width, height)
        SELECT {old['id']}, 0, sha256, thumb_sha256, width, height FROM photos WHERE sha256 = UNHEX('{expired['id']}')""")
    stack.root_sql("primary", f"UPDATE posts SET created_at = created_at - INTERVAL 8 DAY WHERE id = {old['id']}")
    assert all(status(stack, p[k]) == 200 for p in (shared, only, pending, expired) for k in ("url", "thumb_url"))

    assert poster.delete(stack.url(f"/api/posts/{post['id']}"), timeout=30).status_code == 204
    took = stops_being_served(stack, only["url"])
    assert status(stack, only["thumb_url"]) == 404
    assert not os.path.exists(path_of(stack, only["url"])) and not os.path.exists(path_of(stack, only["thumb_url"]))
    assert stack.root_sql("primary", f"SELECT COUNT(*) FROM photos WHERE sha256 = UNHEX('{only['id']}')") == [["0"]]
    for kept in (shared, pending, expired):
        assert status(stack, kept["url"]) == 200 and status(stack, kept["thumb_url"]) == 200, kept
    print(f"photo withdrawn {took:.2f} s after the delete answered")


def test_edit_that_drops_a_photo_stops_serving_it(stack, poster):
    a, b = (upload(poster, stack, jpeg(1120 + i)).json() for i in range(2))
    post = poster.post(stack.url("/api/posts"), json=post_fields(photos=[a["id"], b["id"]]), timeout=30).json()
    r = poster.put(stack.url(f"/api/posts/{post['id']}"), json={"photos": [b["id"]]}, timeout=30)
    assert r.status_code == 200, r.text
    stops_being_served(stack, a["url"])
    assert status(stack, b["url"]) == 200


def test_deleted_account_photos_stop_being_served_but_shared_ones_stay(stack, poster, other):
    shared, only, pending = (upload(poster, stack, jpeg(1130 + i)).json() for i in range(3))
    poster.post(stack.url("/api/posts"), json=post_fields(photos=[shared["id"], only["id"]]), timeout=30).raise_for_status()
    again = upload(other, stack, jpeg(1130)).json()
    assert other.post(stack.url("/api/posts"), json=post_fields(photos=[again["id"]]), timeout=30).status_code == 201
    r = poster.delete(stack.url("/api/user"), json={"password": poster.password}, timeout=30)
    assert r.status_code == 200, r.text
    stops_being_served(stack, only["url"])
    # The deleted account's pending upload goes too.
    stops_being_served(stack, pending["url"])
    assert status(stack, only["thumb_url"]) == 404
    assert status(stack, shared["url"]) == 200 and status(stack, shared["thumb_url"]) == 200


def test_release_racing_a_writer_of_the_same_photo_never_loses_the_writers_file(stack, poster, other):
    """The race the collector's grace period was for: a post's delete releases photo X while
    another user posts the same bytes. Whatever the interleaving, the new post's photo stays."""
    for i in range(6):
        data = jpeg(1140 + i)
        first = poster.post(stack.url("/api/posts"), files=multipart_fields(post_fields()) + [("photo", ("a.jpg", data, "image/jpeg"))],
                            timeout=60)
        assert first.status_code == 201, first.text
        results = {}

        def delete():
            time.sleep(random.uniform(0, 0.15))   # the writer spends ~0.1 s processing first
            results["delete"] = poster.delete(stack.url(f"/api/posts/{first.json()['id']}"), timeout=60)

        def write():
            results["write"] = other.post(stack.url("/api/posts"), timeout=60,
                                          files=multipart_fields(post_fields()) + [("photo", ("b.jpg", data, "image/jpeg"))])

        threads = [threading.Thread(target=f) for f in (delete, write)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results["delete"].status_code == 204 and results["write"].status_code == 201, results["write"].text
        photo = results["write"].json()["photos"][0]
        assert photo["id"] == first.json()["photos"][0]["id"], "the same bytes are the same photo"
        assert status(stack, photo["url"]) == 200 and status(stack, photo["thumb_url"]) == 200, i


def test_photo_upload_with_a_text_field_is_refused_and_stores_nothing(stack, poster):
    """Found by schemathesis: POST /api/photos dropped any field beside the photo in silence."""
    before = stored(stack)
    r = poster.post(stack.url("/api/photos"), files=[("photo", ("p.jpg", jpeg(seed=4242), "image/jpeg")),
                                                     ("caption", (None, "my bike"))], timeout=60)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body.pop("request_id"), r.text   # every error carries its request's id
    assert body == {"error": "Unknown field caption. This request takes only the file part photo.", "field": "caption"}
    assert_nothing_stored(stack, before)
    r = poster.post(stack.url("/api/photos"), files=[("photo", ("p.jpg", jpeg(seed=4243), "image/jpeg")),
                                                     ("", (None, "x"))], timeout=60)
    assert r.status_code == 400 and r.json()["field"] == "body", r.text
    assert_nothing_stored(stack, before)
