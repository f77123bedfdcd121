"""Contact the poster through nginx (issue 9): the mail reaches the SMTP catcher with the
viewer as Reply-To and a link to the ad, the form works without JavaScript, the poster's
address never reaches the viewer, and the spam limits (counters in MariaDB) hold across the
pool's workers. Most behaviour (bad input, honeypot, contact off, each limit) is tested in
process: Tests/CorkboardTests/InProcessContactTests.swift."""

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from posts_support import post_fields

CSRF = re.compile(r'<form class="contact"[^>]*>.*?name="csrf_token" value="([^"]+)"', re.S)


@pytest.fixture
def ad(stack):
    """A fresh post by a fresh verified poster: (post id, poster's email, title)."""
    email, password = stack.create_user(verified=True)
    with stack.api_login(stack.session(), email, password) as s:
        fields = post_fields()
        r = s.post(stack.url("/api/posts"), json=fields, timeout=15)
        assert r.status_code == 201, r.text
        post_id = r.json()["id"]
    # Viewers read a replica: wait until it has the new post.
    with stack.session() as viewer:
        deadline = time.monotonic() + 10
        while viewer.get(stack.url(f"/post/{post_id}"), timeout=10).status_code != 200:
            assert time.monotonic() < deadline, "the new post never reached the replica"
            time.sleep(0.1)
    yield post_id, email, fields["title"]


@pytest.fixture(autouse=True)
def fresh_limits(stack):
    """Every test here comes from 127.0.0.1: start each with no client-address counts."""
    stack.sql("DELETE FROM contact_limits WHERE scope = 'ip'")
    yield
    stack.sql("DELETE FROM contact_limits WHERE scope = 'ip'")


def leaks(response, secret: str) -> list:
    """Where `secret` appears in a response: its body or any header."""
    found = ["body"] if secret.lower() in response.text.lower() else []
    found += [name for name, value in response.headers.items() if secret.lower() in value.lower()]
    return found


def test_api_message_arrives_with_reply_to_and_ad_link(stack, ad):
    post_id, poster, title = ad
    viewer = stack.new_email("viewer")
    mark = stack.mail_mark()
    with stack.api_session() as s:
        page = s.get(stack.url(f"/post/{post_id}"), timeout=10)
        assert page.status_code == 200 and 'name="message"' in page.text
        assert "shown to them" in page.text
        r = s.post(stack.url(f"/api/posts/{post_id}/contact"),
                   json={"email": viewer, "name": "Ana Viewer", "message": "Is it still for sale?"}, timeout=10)
        assert r.status_code == 202, r.text
        for response in (page, r):
            assert leaks(response, poster) == [], response.url
    msg = stack.read_mail(poster, kind="contact", after=mark, delivered=True, timeout=20)
    assert msg["Reply-To"] == viewer
    assert msg["To"] == poster
    assert title in msg["Subject"]
    assert stack.link_in(msg, f"/post/{post_id}").startswith(f"/post/{post_id}")
    assert f"/post/{post_id}\n" in msg.text.replace("\r\n", "\n")
    assert "Is it still for sale?" in msg.text and "Ana Viewer" in msg.text


def test_form_without_javascript_sends_and_never_shows_the_posters_address(stack, ad):
    post_id, poster, _ = ad
    viewer = stack.new_email("formviewer")
    mark = stack.mail_mark()
    with stack.session() as s:
        page = s.get(stack.url(f"/post/{post_id}"), timeout=10)
        token = CSRF.search(page.text).group(1)
        base = {"email": viewer, "name": "", "message": "Form message, no script.", "website": ""}
        refused = s.post(stack.url(f"/post/{post_id}/contact"), data=dict(base, message="", csrf_token=token), timeout=10)
        assert refused.status_code == 400 and "message is required" in refused.text
        no_token = s.post(stack.url(f"/post/{post_id}/contact"), data=base, timeout=10)
        assert no_token.status_code == 403 and "did not come from this site" in no_token.text
        sent = s.post(stack.url(f"/post/{post_id}/contact"), data=dict(base, csrf_token=token), timeout=10)
        assert sent.status_code == 200 and "Message sent" in sent.text
        for response in (page, refused, no_token, sent):
            assert leaks(response, poster) == [], response.url
    msg = stack.read_mail(poster, kind="contact", after=mark, delivered=True, timeout=20)
    assert msg["Reply-To"] == viewer
    assert "Form message, no script." in msg.text
    assert len(stack.sql("SELECT id FROM outbox WHERE kind = 'contact' AND id > %s", mark)) == 1


def test_client_address_limit_holds_across_workers(stack, ad):
    """Concurrent messages from 127.0.0.1 spread over the pool's workers: exactly
    contact_per_ip (10 by default) are accepted, the rest get a 429 with Retry-After."""
    post_id, poster, _ = ad
    limit = 10
    mark = stack.mail_mark()

    def status():
        with stack.session() as s:
            return {w["pid"]: w["requests"] for w in s.get(stack.url("/status?format=json"), timeout=10).json()["workers"]}

    def send(n):
        with stack.api_session() as s:
            r = s.post(stack.url(f"/api/posts/{post_id}/contact"),
                       json={"email": f"many-{n}@example.test", "message": f"message {n}"}, timeout=20)
            return r.status_code, r.headers.get("Retry-After"), r.text

    before = status()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, range(16)))
    after = status()
    # A /status request adds at most one to its own worker: two or more means contact requests.
    served = [pid for pid, n in after.items() if n - before.get(pid, 0) >= 2]
    assert len(served) >= 2, f"fewer than two workers served the burst: {before} → {after}"
    codes = sorted(code for code, _, _ in results)
    assert codes == [202] * limit + [429] * (16 - limit), results
    for code, retry, text in results:
        if code == 429:
            assert int(retry) > 0 and "your network" in text
            assert poster not in text
    rows = stack.sql("SELECT COUNT(*) FROM outbox WHERE kind = 'contact' AND recipient = %s AND id > %s", poster, mark)
    assert int(rows[0][0]) == limit
