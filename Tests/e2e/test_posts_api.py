"""Posts with photos through the real stack (nginx over HTTPS, both pools, MariaDB, files on
disk): create, read, edit, delete; every refused input; who may do what."""

import os
import random

import pytest

from posts_support import (SVG, exif_of, jpeg, multipart_fields, png, png_bomb, post_fields, upload, webp)


@pytest.fixture
def poster(stack):
    email, password = stack.create_user(verified=True)
    s = stack.api_login(stack.session(), email, password)
    s.email, s.password = email, password
    yield s
    s.close()


def my_posts(session, stack):
    r = session.get(stack.url("/api/account/posts"), timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["posts"]


def eventually_status(stack, path, want, timeout=5.0):
    """The status an anonymous reader gets, polled until it is `want` (an anonymous read may
    lag a write by a moment while the replica catches up; the writer's own session reads
    causally)."""
    import time
    deadline = time.monotonic() + timeout
    with stack.session() as anon:
        while True:
            code = anon.get(stack.url(path), timeout=30).status_code
            if code == want or time.monotonic() > deadline:
                return code
            time.sleep(0.1)


def image_files(stack):
    out = set()
    for d, _, names in os.walk(stack.images_root):
        out.update(os.path.join(d, n) for n in names)
    return out


def test_create_with_ten_photos_keeps_order_and_strips_exif(stack, poster):
    # Ten photos sent with the post (multipart), each a different size so order is checkable.
    sizes = [(200 + 10 * i, 150) for i in range(10)]
    files = multipart_fields(post_fields()) + [
        ("photo", (f"p{i}.jpg", jpeg(100 + i, size=sizes[i]), "image/jpeg")) for i in range(10)]
    r = poster.post(stack.url("/api/posts"), files=files, timeout=120)
    assert r.status_code == 201, r.text
    post = r.json()
    got = poster.get(stack.url(f"/api/posts/{post['id']}"), timeout=30).json()
    assert [p["width"] for p in got["photos"]] == [w for w, _ in sizes]
    # Ten uploaded first, then referenced in a shuffled order: read back in exactly that order.
    ids = []
    for i in range(10):
        u = upload(poster, stack, jpeg(200 + i))
        assert u.status_code == 201, u.text
        ids.append(u.json()["id"])
    random.Random(7).shuffle(ids)
    r = poster.post(stack.url("/api/posts"), json=post_fields(photos=ids), timeout=60)
    assert r.status_code == 201, r.text
    got = poster.get(stack.url(f"/api/posts/{r.json()['id']}"), timeout=30).json()
    assert [p["id"] for p in got["photos"]] == ids
    # The originals carried EXIF GPS; the stored files (served by nginx) carry no EXIF at all.
    assert "GPS" in exif_of(jpeg(200))
    with stack.session() as anon:
        for p in got["photos"]:
            for url in (p["url"], p["thumb_url"]):
                img = anon.get(stack.url(url), timeout=30)
                assert img.status_code == 200 and img.headers["Content-Type"] == "image/jpeg"
                assert "immutable" in img.headers["Cache-Control"]
                assert exif_of(img.content) == {}
                assert b"CorkCam" not in img.content
            assert os.path.exists(os.path.join(stack.images_root, p["url"][len("/images/"):]))


def test_png_and_webp_are_accepted_and_stored_as_jpeg(stack, poster):
    for name, data, ctype in (("a.png", png(1), "image/png"), ("b.webp", webp(2), "image/webp")):
        r = upload(poster, stack, data, name, ctype)
        assert r.status_code == 201, r.text
        assert stack.session().get(stack.url(r.json()["url"]), timeout=30).content[:3] == b"\xff\xd8\xff"


def test_exif_orientation_is_applied(stack, poster):
    # Orientation 6 = rotate 90°: a 300×200 original is stored upright as 200×300.
    r = upload(poster, stack, jpeg(5, size=(300, 200), orientation=6))
    assert r.status_code == 201, r.text
    assert (r.json()["width"], r.json()["height"]) == (200, 300)


BAD_PHOTOS = [
    ("too-big.jpg", lambda: jpeg(1)[:3] + b"\x00" * (1048576 + 1 - 3), "larger than 1 MiB"),
    ("notes.jpg", lambda: b"just some text, not a picture\n" * 20, "not a JPEG, PNG or WebP"),
    ("drawing.svg", lambda: SVG, "not a JPEG, PNG or WebP"),
    ("truncated.jpg", lambda: jpeg(2)[:4000], "damaged or incomplete"),
    ("corrupt.jpg", lambda: jpeg(3)[:300] + bytes(random.Random(1).randbytes(30000)), "damaged or incomplete"),
    ("bomb.png", lambda: png_bomb(), "30000 × 30000 pixels"),
]


@pytest.mark.parametrize("name,make,message", BAD_PHOTOS, ids=[b[0] for b in BAD_PHOTOS])
def test_bad_photo_is_refused_and_nothing_stored(stack, poster, name, make, message):
    data = make()
    before = image_files(stack)
    r = upload(poster, stack, data, name)
    assert r.status_code == 400, r.text
    assert r.json()["field"] == "photos" and message in r.json()["error"] and name in r.json()["error"]
    # The same photo third in a post with two good ones: the post is refused, naming photo 3,
    # and nothing is stored — no post, and not even the good photos' files.
    files = multipart_fields(post_fields()) + [
        ("photo", ("good1.jpg", jpeg(301), "image/jpeg")), ("photo", ("good2.jpg", jpeg(302), "image/jpeg")),
        ("photo", (name, data, "image/jpeg"))]
    r = poster.post(stack.url("/api/posts"), files=files, timeout=60)
    assert r.status_code == 400, r.text
    assert r.json()["field"] == "photos" and f"Photo 3 ({name})" in r.json()["error"]
    assert my_posts(poster, stack) == []
    assert image_files(stack) == before


def test_eleventh_photo_is_refused(stack, poster):
    files = multipart_fields(post_fields()) + [
        ("photo", (f"p{i}.jpg", jpeg(400 + i, size=(64, 48)), "image/jpeg")) for i in range(11)]
    r = poster.post(stack.url("/api/posts"), files=files, timeout=60)
    assert r.status_code == 400 and r.json()["field"] == "photos" and "Photo 11" in r.json()["error"], r.text
    ids = [upload(poster, stack, jpeg(500 + i, size=(64, 48))).json()["id"] for i in range(11)]
    r = poster.post(stack.url("/api/posts"), json=post_fields(photos=ids), timeout=30)
    assert r.status_code == 400 and r.json()["field"] == "photos" and "at most 10" in r.json()["error"], r.text
    assert my_posts(poster, stack) == []


BAD_FIELDS = [
    ({"price_minor": -1}, "price"),
    ({"price_minor": "12"}, "price"),
    ({"price_minor": 12.5}, "price"),
    ({"city": "atlantis"}, "city"),
    ({"neighbourhood": "gangnam"}, "neighbourhood"),   # a Seoul neighbourhood for a Lisbon post
    ({"category": "spaceships"}, "category"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "é" * 121}, "title"),
    ({"title": "x" * 121}, "title"),
    ({"description": ""}, "description"),
    ({"description": "d" * 10001}, "description"),
]


@pytest.mark.parametrize("change,field", BAD_FIELDS, ids=[f"{f}-{i}" for i, (_, f) in enumerate(BAD_FIELDS)])
def test_bad_field_is_refused_naming_it(stack, poster, change, field):
    r = poster.post(stack.url("/api/posts"), json=post_fields(**change), timeout=30)
    assert r.status_code == 400, r.text
    assert r.json()["field"] == field and r.json()["error"]
    assert my_posts(poster, stack) == []


@pytest.mark.parametrize("price", ["-5", "abc", "12.345", "1e3"])
def test_bad_html_price_is_refused(stack, poster, price):
    files = multipart_fields(post_fields(price_minor=None)) + [("price", (None, price))]
    r = poster.post(stack.url("/api/posts"), files=files, timeout=30)
    assert r.status_code == 400 and r.json()["field"] == "price", r.text


def test_lengths_count_unicode_scalars(stack, poster):
    # 120 two-byte characters and a 10,000-character description of emoji (4 bytes each) fit.
    description = "🚲" * 9990 + str(random.randrange(10**9, 10**10))
    r = poster.post(stack.url("/api/posts"), json=post_fields(title="é" * 120, description=description), timeout=30)
    assert r.status_code == 201, r.text
    got = r.json()
    assert got["title"] == "é" * 120 and got["description"] == description and len(description) == 10000


def test_description_paragraphs_never_raw_html(stack, poster):
    r = poster.post(stack.url("/api/posts"), json=post_fields(description="First <script>alert(1)</script>\n\nSecond"), timeout=30)
    page = poster.get(stack.url(f"/post/{r.json()['id']}"), timeout=30).text
    assert "<p>First &lt;script&gt;alert(1)&lt;/script&gt;</p>" in page and "<p>Second</p>" in page
    assert "<script>alert" not in page


def test_free_item_and_partial_update(stack, poster):
    r = poster.post(stack.url("/api/posts"), json=post_fields(price_minor=None), timeout=30)
    assert r.status_code == 201 and r.json()["price_minor"] is None
    post = r.json()
    r = poster.put(stack.url(f"/api/posts/{post['id']}"), json={"price_minor": 999}, timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["price_minor"] == 999 and r.json()["title"] == post["title"]
    assert r.json()["description"] == post["description"] and r.json()["version"] == post["version"] + 1
    r = poster.put(stack.url(f"/api/posts/{post['id']}"), json={"neighbourhood": None, "title": "Renamed"}, timeout=30)
    assert r.json()["neighbourhood"] is None and r.json()["title"] == "Renamed" and r.json()["price_minor"] == 999


@pytest.mark.parametrize("body,field,words", [
    ({"price_minr": 5}, "price_minr", "Did you mean price_minor?"),        # a typo
    ({"priceMinor": 5}, "priceMinor", "Did you mean price_minor?"),        # another key style
    ({"title": None}, "title", "title must be a string"),                  # only some fields clear
    ({"price_minor": 1.5}, "price", "whole number of minor units"),
    ({"location_text": 7}, "location_text", "must be a string, or null"),
])
def test_edit_with_a_bad_field_is_refused_and_changes_nothing(stack, poster, body, field, words):
    post = poster.post(stack.url("/api/posts"), json=post_fields(), timeout=30).json()
    r = poster.put(stack.url(f"/api/posts/{post['id']}"), json=body, timeout=30)
    assert r.status_code == 400 and r.json()["field"] == field and words in r.json()["error"], r.text
    assert "DecodingError" not in r.text and "CodingKeys" not in r.text
    after = poster.get(stack.url(f"/api/posts/{post['id']}"), timeout=30).json()
    assert after["version"] == post["version"] and after["price_minor"] == post["price_minor"]


def test_edit_reorders_removes_and_adds_photos(stack, poster):
    a, b, c, d = (upload(poster, stack, jpeg(600 + i)).json()["id"] for i in range(4))
    post = poster.post(stack.url("/api/posts"), json=post_fields(photos=[a, b, c]), timeout=30).json()
    assert [p["id"] for p in post["photos"]] == [a, b, c]
    r = poster.put(stack.url(f"/api/posts/{post['id']}"), json={"photos": [c, a, d]}, timeout=30)
    assert r.status_code == 200, r.text
    got = poster.get(stack.url(f"/api/posts/{post['id']}"), timeout=30).json()
    assert [p["id"] for p in got["photos"]] == [c, a, d]
    assert got["title"] == post["title"]
    # A photo id that is neither in the post nor an upload of this user is refused.
    other = "ab" * 32
    r = poster.put(stack.url(f"/api/posts/{post['id']}"), json={"photos": [c, other]}, timeout=30)
    assert r.status_code == 400 and r.json()["field"] == "photos", r.text
    # Photos sent with the edit (multipart) join kept ones in the order sent.
    files = [("photos", (None, d)), ("photo", ("new.jpg", jpeg(700, size=(333, 222)), "image/jpeg")), ("photos", (None, c))]
    r = poster.put(stack.url(f"/api/posts/{post['id']}"), files=files, timeout=60)
    assert r.status_code == 200, r.text
    assert [p["id"] for p in r.json()["photos"]][0::2] == [d, c] and r.json()["photos"][1]["width"] == 333


def test_anonymous_unverified_and_other_users_are_refused(stack, poster):
    post = poster.post(stack.url("/api/posts"), json=post_fields(), timeout=30).json()
    with stack.api_session() as anon:
        assert anon.post(stack.url("/api/posts"), json=post_fields(), timeout=30).status_code == 401
        assert upload(anon, stack, jpeg(1)).status_code == 401
        assert anon.put(stack.url(f"/api/posts/{post['id']}"), json={"title": "x"}, timeout=30).status_code == 401
        assert anon.delete(stack.url(f"/api/posts/{post['id']}"), timeout=30).status_code == 401
        r = anon.get(stack.url("/post/new"), allow_redirects=False, timeout=30)
        assert r.status_code == 303 and r.headers["Location"] in ("/login?next=/post/new", "/login?next=%2Fpost%2Fnew")
        r = anon.get(stack.url(f"/post/{post['id']}/edit"), allow_redirects=False, timeout=30)
        assert r.status_code == 303 and r.headers["Location"].startswith("/login?next=")
    email, password = stack.create_user(verified=False)
    with stack.api_login(stack.session(), email, password) as unverified:
        r = unverified.post(stack.url("/api/posts"), json=post_fields(), timeout=30)
        assert r.status_code == 403 and "verify" in r.json()["error"].lower(), r.text
        assert upload(unverified, stack, jpeg(1)).status_code == 403
        assert unverified.get(stack.url("/post/new"), timeout=30).status_code == 403
    email, password = stack.create_user(verified=True)
    with stack.api_login(stack.session(), email, password) as other:
        r = other.put(stack.url(f"/api/posts/{post['id']}"), json={"title": "Mine now"}, timeout=30)
        assert r.status_code == 403, r.text
        assert other.delete(stack.url(f"/api/posts/{post['id']}"), timeout=30).status_code == 403
        assert other.get(stack.url(f"/post/{post['id']}/edit"), timeout=30).status_code == 403
    # Without the API header a logged-in write is refused (CSRF).
    poster.headers.pop("X-Requested-With")
    try:
        assert poster.put(stack.url(f"/api/posts/{post['id']}"), json={"title": "x"}, timeout=30).status_code == 403
    finally:
        poster.headers["X-Requested-With"] = "corkboard"
    got = poster.get(stack.url(f"/api/posts/{post['id']}"), timeout=30).json()
    assert got["title"] == post["title"]


def test_missing_is_404_deleted_is_410(stack, poster):
    assert stack.session().get(stack.url("/api/posts/999999999"), timeout=30).status_code == 404
    assert stack.session().get(stack.url("/post/999999999"), timeout=30).status_code == 404
    post = poster.post(stack.url("/api/posts"), json=post_fields(), timeout=30).json()
    assert poster.delete(stack.url(f"/api/posts/{post['id']}"), timeout=30).status_code == 204
    assert eventually_status(stack, f"/api/posts/{post['id']}", 410) == 410
    assert eventually_status(stack, f"/post/{post['id']}", 410) == 410
    assert poster.put(stack.url(f"/api/posts/{post['id']}"), json={"title": "x"}, timeout=30).status_code == 410
    assert poster.delete(stack.url(f"/api/posts/{post['id']}"), timeout=30).status_code == 410
    assert poster.delete(stack.url("/api/posts/999999999"), timeout=30).status_code == 404


def test_repost_within_48_hours_is_refused(stack, poster):
    body = post_fields()
    assert poster.post(stack.url("/api/posts"), json=body, timeout=30).status_code == 201
    again = dict(body, title=body["title"].upper() + "  ", price_minor=1)
    r = poster.post(stack.url("/api/posts"), json=again, timeout=30)
    assert r.status_code == 409 and "48 hours" in r.json()["error"], r.text
    r = poster.post(stack.url("/api/posts"), json=dict(body, city="seoul", neighbourhood=None), timeout=30)
    assert r.status_code == 201, r.text


def test_posts_per_day_limit(stack, poster):
    for i in range(10):
        r = poster.post(stack.url("/api/posts"), json=post_fields(title=f"Daily {i} {random.random()}"), timeout=30)
        assert r.status_code == 201, r.text
    r = poster.post(stack.url("/api/posts"), json=post_fields(), timeout=30)
    assert r.status_code == 429 and "24 hours" in r.json()["error"], r.text


def test_expired_post_seen_by_poster_and_reposted(stack, poster):
    photo = upload(poster, stack, jpeg(800)).json()["id"]
    post = poster.post(stack.url("/api/posts"), json=post_fields(photos=[photo]), timeout=30).json()
    stack.root_sql("primary", f"UPDATE posts SET created_at = created_at - INTERVAL 8 DAY WHERE id = {post['id']}")
    assert eventually_status(stack, f"/api/posts/{post['id']}", 410) == 410
    assert eventually_status(stack, f"/post/{post['id']}", 410) == 410
    mine = poster.get(stack.url(f"/api/posts/{post['id']}"), timeout=30)
    assert mine.status_code == 200 and mine.json()["expired"] is True
    page = poster.get(stack.url("/account/posts"), timeout=30).text
    assert f'data-post-id="{post["id"]}"' in page and "expired" in page
    r = poster.post(stack.url(f"/api/posts/{post['id']}/repost"), timeout=30)
    assert r.status_code == 201, r.text
    fresh = r.json()
    assert fresh["id"] != post["id"] and fresh["expired"] is False
    assert fresh["title"] == post["title"] and [p["id"] for p in fresh["photos"]] == [photo]
    assert eventually_status(stack, f"/post/{fresh['id']}", 200) == 200
