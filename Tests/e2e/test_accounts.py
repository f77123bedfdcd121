"""Accounts through nginx over HTTPS against the real MariaDB and SMTP catcher: sign-up,
verification, log-in/out, sessions, CSRF, enumeration resistance, brute-force limits, reset,
password and email change, deletion, bad input, create-admin."""

import os
import re
import statistics
import subprocess
import time

import pytest

API = {"X-Requested-With": "corkboard"}


def csrf_from(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no csrf_token in the page"
    return m.group(1)


def login_api(stack, email, password):
    s = stack.session()
    return stack.api_login(s, email, password)


# ---- sign-up, verification, sessions ------------------------------------------------------

def test_signup_verify_login_me_logout(stack):
    email, password = stack.create_user(verified=False)
    s = login_api(stack, email, password)
    me = s.get(stack.url("/api/me")).json()["user"]
    assert me["email"] == email and me["email_verified"] is False and me["role"] == "user"
    cookie = s.cookies.get("__Host-session")
    assert cookie and len(cookie) == 43
    # Unverified accounts may log in but not post.
    r = s.get(stack.url("/api/me/can-post"))
    assert r.status_code == 403 and "Verify your email address" in r.json()["error"]
    # Verify with the link from the mail the catcher received.
    msg = stack.read_mail(email, kind="verify", delivered=True, timeout=15)
    token = stack.link_in(msg, "/verify").split("token=", 1)[1]
    assert s.post(stack.url("/api/verify"), json={"token": token}).status_code == 200
    assert s.get(stack.url("/api/me/can-post")).status_code == 200
    # A verification link works once.
    r = s.post(stack.url("/api/verify"), json={"token": token})
    assert r.status_code == 400 and r.json()["field"] == "token"
    assert s.post(stack.url("/api/logout")).status_code == 200
    assert s.get(stack.url("/api/me")).status_code == 401


def test_session_cookie_attributes_and_rotation(stack):
    email, password = stack.create_user()
    s = stack.api_session()
    r = s.post(stack.url("/api/login"), json={"email": email, "password": password})
    header = r.headers["Set-Cookie"]
    assert header.startswith("__Host-session=")
    for attr in ("Path=/", "Secure", "HttpOnly", "SameSite=Lax"):
        assert attr in header
    assert "Domain" not in header
    first = s.cookies.get("__Host-session")
    # Logging in again rotates the token and ends the old session.
    s.post(stack.url("/api/login"), json={"email": email, "password": password})
    second = s.cookies.get("__Host-session")
    assert second != first
    old = stack.api_session()
    old.cookies.set("__Host-session", first, domain="127.0.0.1", path="/")
    assert old.get(stack.url("/api/me")).status_code == 401
    # Only the SHA-256 of the token is stored.
    rows = stack.sql("SELECT COUNT(*) FROM sessions WHERE token_hash = UNHEX(SHA2(%s, 256))", second)
    assert rows[0][0] == "1"
    rows = stack.sql("SELECT COUNT(*) FROM sessions WHERE token_hash = %s", second)
    assert rows[0][0] == "0"


def test_stolen_token_is_dead_after_logout(stack):
    email, password = stack.create_user()
    victim = login_api(stack, email, password)
    stolen = victim.cookies.get("__Host-session")
    thief = stack.api_session()
    thief.cookies.set("__Host-session", stolen, domain="127.0.0.1", path="/")
    assert thief.get(stack.url("/api/me")).status_code == 200
    victim.post(stack.url("/api/logout"))
    assert thief.get(stack.url("/api/me")).status_code == 401


def test_session_idle_and_absolute_expiry(stack):
    email, password = stack.create_user()
    s = login_api(stack, email, password)
    token = s.cookies.get("__Host-session")
    stack.sql("UPDATE sessions SET last_seen_at = UTC_TIMESTAMP(6) - INTERVAL 8 DAY WHERE token_hash = UNHEX(SHA2(%s, 256))", token)
    assert s.get(stack.url("/api/me")).status_code == 401
    s = login_api(stack, email, password)
    token = s.cookies.get("__Host-session")
    stack.sql("UPDATE sessions SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE token_hash = UNHEX(SHA2(%s, 256))", token)
    assert s.get(stack.url("/api/me")).status_code == 401


def test_logout_everywhere(stack):
    email, password = stack.create_user()
    a, b = login_api(stack, email, password), login_api(stack, email, password)
    assert a.post(stack.url("/api/logout-all")).status_code == 200
    assert a.get(stack.url("/api/me")).status_code == 401
    assert b.get(stack.url("/api/me")).status_code == 401


def test_resend_verification_is_rate_limited(stack):
    email, password = stack.create_user(verified=False)
    s = login_api(stack, email, password)
    r = s.post(stack.url("/api/verify/resend"))
    assert r.status_code == 429 and "Retry-After" in r.headers
    # Once the interval has passed, a new link goes out.
    stack.sql("UPDATE account_tokens t JOIN users u ON u.id = t.user_id SET t.created_at = t.created_at - INTERVAL 2 MINUTE WHERE u.email = %s", email)
    mark = stack.mail_mark()
    assert s.post(stack.url("/api/verify/resend")).status_code == 202
    assert "/verify?token=" in stack.read_mail(email, after=mark, kind="verify").text


# ---- CSRF ---------------------------------------------------------------------------------

def test_api_state_change_needs_the_custom_header(stack):
    email, password = stack.create_user()
    s = login_api(stack, email, password)
    bare = stack.session()
    bare.cookies.update(s.cookies)
    # What a cross-site form can send: the cookie, a simple content type, no custom header.
    r = bare.post(stack.url("/api/logout-all"), data="x=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 403 and "X-Requested-With" in r.json()["error"]
    r = bare.delete(stack.url("/api/user"), json={"password": password})
    assert r.status_code == 403
    assert s.get(stack.url("/api/me")).status_code == 200
    # A foreign Origin or Sec-Fetch-Site: cross-site is refused even with the header.
    r = s.post(stack.url("/api/logout"), headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    r = s.post(stack.url("/api/logout"), headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    assert s.get(stack.url("/api/me")).status_code == 200


def test_forged_html_forms_are_refused(stack):
    email, password = stack.create_user()
    s = stack.session()
    # Anonymous log-in form: no token, or a wrong one.
    page = s.get(stack.url("/login"))
    assert "__Host-csrf" in s.cookies
    r = s.post(stack.url("/login"), data={"email": email, "password": password})
    assert r.status_code == 403 and "__Host-session" not in s.cookies
    r = s.post(stack.url("/login"), data={"email": email, "password": password, "csrf_token": "A" * 43})
    assert r.status_code == 403 and "__Host-session" not in s.cookies
    # A token made for another browser's cookie does not work either.
    other = stack.session()
    other_token = csrf_from(other.get(stack.url("/login")).text)
    r = s.post(stack.url("/login"), data={"email": email, "password": password, "csrf_token": other_token})
    assert r.status_code == 403
    # The real token works.
    r = s.post(stack.url("/login"), data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
               allow_redirects=False)
    assert r.status_code == 303 and "__Host-session" in s.cookies
    # Logged-in forms: the account page's token, tied to the session.
    account = s.get(stack.url("/account"))
    assert account.status_code == 200 and email in account.text
    r = s.post(stack.url("/account/logout-all"), data={"csrf_token": "B" * 43})
    assert r.status_code == 403
    r = s.post(stack.url("/logout"), data={})
    assert r.status_code == 403
    assert s.get(stack.url("/account"), allow_redirects=False).status_code == 200
    r = s.post(stack.url("/logout"), data={"csrf_token": csrf_from(account.text)}, allow_redirects=False)
    assert r.status_code == 303
    r = s.get(stack.url("/account"), allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/login?next=/account"


# ---- no enumeration -----------------------------------------------------------------------

def timed(fn, n=6):
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = fn()
        times.append(time.perf_counter() - t0)
    return r, statistics.median(times)


def test_same_answers_for_known_and_unknown_emails(stack):
    email, password = stack.create_user()
    s = stack.api_session()
    # Log-in: wrong password vs no such account. Each address gets fresh ones so the back-off
    # (5 failures) is not reached.
    known = [stack.create_user()[0] for _ in range(2)]
    unknown = [stack.new_email("nobody") for _ in range(2)]
    answers, times = {}, {}
    for label, addrs in (("known", known), ("unknown", unknown)):
        res = []
        for a in addrs:
            r, t = timed(lambda: s.post(stack.url("/api/login"), json={"email": a, "password": "wrong-password-123"}), n=3)
            res.append(t)
        # Every error carries its own request id (nginx's, for finding it in the logs): the
        # same answer means the same status and message.
        body = r.json()
        assert re.fullmatch(r"[0-9a-f]{32}", body.pop("request_id", "")), r.text
        answers[label] = (r.status_code, body)
        times[label] = statistics.median(res)
    assert answers["known"] == answers["unknown"]
    assert answers["known"][0] == 401
    assert 0.33 < times["known"] / times["unknown"] < 3, times

    # Sign-up: existing vs new address (the owner gets a notice instead).
    mark = stack.mail_mark()
    r1, t1 = timed(lambda: s.post(stack.url("/api/signup"), json={"email": email, "password": stack.new_password()}), n=1)
    r2, t2 = timed(lambda: s.post(stack.url("/api/signup"), json={"email": stack.new_email(), "password": stack.new_password()}), n=1)
    assert (r1.status_code, r1.json()) == (r2.status_code, r2.json()) == (202, r2.json())
    assert 0.2 < t1 / t2 < 5, (t1, t2)
    notice = stack.read_mail(email, after=mark, kind="signup-exists")
    assert "already has one" in notice.text

    # Reset: the same answer, mail only for the real account.
    mark = stack.mail_mark()
    ra, ta = timed(lambda: s.post(stack.url("/api/reset"), json={"email": email}), n=1)
    rb, tb = timed(lambda: s.post(stack.url("/api/reset"), json={"email": stack.new_email("nobody")}), n=1)
    assert (ra.status_code, ra.json()) == (rb.status_code, rb.json())
    assert ra.status_code == 202
    assert 0.2 < ta / tb < 5, (ta, tb)
    assert stack.read_mail(email, after=mark, kind="reset")


# ---- brute force --------------------------------------------------------------------------

def test_per_account_backoff_across_workers(stack):
    email, password = stack.create_user()
    s = stack.api_session()
    codes = [s.post(stack.url("/api/login"), json={"email": email, "password": "not-the-password-1"}).status_code
             for _ in range(5)]
    assert codes == [401] * 5
    # Locked now, even with the right password (the lock is in MariaDB: any worker sees it).
    for _ in range(4):
        r = s.post(stack.url("/api/login"), json={"email": email, "password": password})
        assert r.status_code == 429, r.text
        assert int(r.headers["Retry-After"]) > 0
    # Unknown addresses lock the same way, so the lock reveals nothing.
    ghost = stack.new_email("ghost")
    for _ in range(5):
        s.post(stack.url("/api/login"), json={"email": ghost, "password": "not-the-password-1"})
    assert s.post(stack.url("/api/login"), json={"email": ghost, "password": "x" * 12}).status_code == 429
    # When the lock has passed, the right password works and clears the count.
    stack.sql("UPDATE login_failures SET locked_until = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE email = %s", email)
    assert s.post(stack.url("/api/login"), json={"email": email, "password": password}).status_code == 200
    assert stack.sql("SELECT COUNT(*) FROM login_failures WHERE email = %s", email)[0][0] == "0"


@pytest.fixture
def strict_nginx_limits(stack):
    """Re-renders the stack's nginx with a strict log-in rate (the suite's default is generous,
    since every test comes from 127.0.0.1), and restores it afterwards."""
    def reload(rate):
        env = dict(os.environ, CB_STACK=stack.name, CB_PORT_BASE=stack.env["CB_PORT_BASE"], CB_BIN=stack.bin,
                   CB_LOGIN_RATE=rate)
        subprocess.run([str(stack_script()), "nginx-reload"], check=True, env=env, timeout=60)
        time.sleep(0.5)
    reload("2r/m")
    yield
    reload(os.environ.get("CB_LOGIN_RATE", "1000r/s"))


def stack_script():
    from conftest import STACK_SCRIPT
    return STACK_SCRIPT


def test_nginx_throttles_rapid_logins(stack, strict_nginx_limits):
    s = stack.api_session()
    answers = [s.post(stack.url("/api/login"), json={"email": stack.new_email("flood"), "password": "x" * 12})
               for _ in range(12)]
    codes = [r.status_code for r in answers]
    # burst=5 nodelay: six get through to the application (401), the rest are refused by nginx,
    # in the API's language and saying when to come back.
    assert codes.count(429) >= 5, codes
    assert 401 in codes
    refused = next(r for r in answers if r.status_code == 429)
    assert refused.headers["content-type"].startswith("application/json") and refused.headers["retry-after"] == "5"
    assert "Too many requests from your address" in refused.json()["error"], refused.text
    page = stack.session()
    pages = [page.get(stack.url("/login")) for _ in range(10)]
    assert [r.status_code for r in pages].count(429) >= 3
    refused = next(r for r in pages if r.status_code == 429)
    assert refused.headers["content-type"].startswith("text/html") and "Too many requests" in refused.text
    # Other pages are not limited.
    assert s.get(stack.url("/healthz")).status_code == 200


# ---- reset, password and email change ----------------------------------------------------

def test_reset_link_works_once_and_ends_sessions(stack):
    email, password = stack.create_user()
    other = login_api(stack, email, password)
    s = stack.api_session()
    mark = stack.mail_mark()
    s.post(stack.url("/api/reset"), json={"email": email})
    msg = stack.read_mail(email, after=mark, kind="reset", delivered=True, timeout=15)
    path = stack.link_in(msg, "/reset/")
    token = path.rsplit("/", 1)[1]
    assert s.get(stack.url(path)).status_code == 200
    new = stack.new_password()
    r = s.post(stack.url("/api/reset/confirm"), json={"token": token, "password": new})
    assert r.status_code == 200, r.text
    assert other.get(stack.url("/api/me")).status_code == 401
    r = s.post(stack.url("/api/reset/confirm"), json={"token": token, "password": stack.new_password()})
    assert r.status_code == 400 and r.json()["field"] == "token"
    assert s.get(stack.url(path)).status_code == 400
    assert s.post(stack.url("/api/login"), json={"email": email, "password": password}).status_code == 401
    assert s.post(stack.url("/api/login"), json={"email": email, "password": new}).status_code == 200


def test_reset_token_expires(stack):
    email, _ = stack.create_user()
    s = stack.api_session()
    mark = stack.mail_mark()
    s.post(stack.url("/api/reset"), json={"email": email})
    token = stack.link_in(stack.read_mail(email, after=mark, kind="reset"), "/reset/").rsplit("/", 1)[1]
    # Issued with a one-hour lifetime.
    age = stack.sql("SELECT TIMESTAMPDIFF(SECOND, created_at, expires_at) FROM account_tokens WHERE token_hash = UNHEX(SHA2(%s, 256))", token)
    assert age[0][0] == "3600"
    stack.sql("UPDATE account_tokens SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE token_hash = UNHEX(SHA2(%s, 256))", token)
    r = s.post(stack.url("/api/reset/confirm"), json={"token": token, "password": stack.new_password()})
    assert r.status_code == 400 and r.json()["field"] == "token"


def test_change_password_needs_the_current_one(stack):
    email, password = stack.create_user()
    s, other = login_api(stack, email, password), login_api(stack, email, password)
    new = stack.new_password()
    r = s.post(stack.url("/api/password"), json={"current_password": "wrong-password-99", "new_password": new})
    assert r.status_code == 403 and r.json()["field"] == "current_password"
    r = s.post(stack.url("/api/password"), json={"current_password": password, "new_password": "password1234"})
    assert r.status_code == 400 and r.json()["field"] == "new_password"
    r = s.post(stack.url("/api/password"), json={"current_password": password, "new_password": new})
    assert r.status_code == 200
    assert s.get(stack.url("/api/me")).status_code == 200          # this session stays
    assert other.get(stack.url("/api/me")).status_code == 401      # the others end
    assert stack.api_session().post(stack.url("/api/login"), json={"email": email, "password": new}).status_code == 200


def test_change_email_takes_effect_after_verification(stack):
    email, password = stack.create_user()
    s = login_api(stack, email, password)
    new_email = stack.new_email("moved")
    mark = stack.mail_mark()
    r = s.post(stack.url("/api/email"), json={"new_email": new_email, "password": "wrong-password-99"})
    assert r.status_code == 403 and r.json()["field"] == "password"
    r = s.post(stack.url("/api/email"), json={"new_email": new_email, "password": password})
    assert r.status_code == 202
    assert s.get(stack.url("/api/me")).json()["user"]["email"] == email      # not yet
    notice = stack.read_mail(email, after=mark, kind="email-change-notice", delivered=True, timeout=15)
    assert new_email in notice.text
    link = stack.read_mail(new_email, after=mark, kind="email-change", delivered=True, timeout=15)
    token = stack.link_in(link, "/verify").split("token=", 1)[1]
    assert s.post(stack.url("/api/verify"), json={"token": token}).status_code == 200
    me = s.get(stack.url("/api/me")).json()["user"]
    assert me["email"] == new_email and me["email_verified"] is True
    assert "is now" in stack.read_mail(email, after=mark, kind="email-change-notice").text
    assert stack.api_session().post(stack.url("/api/login"), json={"email": new_email, "password": password}).status_code == 200


# ---- deletion -----------------------------------------------------------------------------

def test_delete_account_ends_sessions_and_hides_posts(stack):
    email, password = stack.create_user()
    s, other = login_api(stack, email, password), login_api(stack, email, password)
    uid = s.get(stack.url("/api/me")).json()["user"]["id"]
    stack.sql("""INSERT INTO posts (user_id, city_id, category_id, title, description)
                 SELECT %s, (SELECT MIN(id) FROM cities), (SELECT MIN(id) FROM categories), 'Deletion test bike', 'x'""", uid)
    post_id = stack.sql("SELECT id FROM posts WHERE user_id = %s", uid)[0][0]
    # Pages read from the replica: wait for the row to replicate before checking it shows.
    deadline = time.monotonic() + 10
    while stack.session().get(stack.url(f"/post/{post_id}")).status_code != 200:
        assert time.monotonic() < deadline, "the test post never became visible"
        time.sleep(0.1)
    r = s.delete(stack.url("/api/user"), json={"password": "wrong-password-99"})
    assert r.status_code == 403 and r.json()["field"] == "password"
    r = s.delete(stack.url("/api/user"), json={"password": password})
    assert r.status_code == 200
    assert other.get(stack.url("/api/me")).status_code == 401
    # Gone on the primary at once; a viewer reading from a replica sees it gone within the lag
    # (bounded here to 2 s).
    deadline = time.monotonic() + 2
    while stack.session().get(stack.url(f"/post/{post_id}")).status_code not in (404, 410):
        assert time.monotonic() < deadline, "the deleted user's post is still shown"
        time.sleep(0.05)
    assert stack.sql("SELECT COUNT(*) FROM users WHERE id = %s", uid)[0][0] == "0"
    assert stack.sql("SELECT COUNT(*) FROM posts WHERE user_id = %s", uid)[0][0] == "0"
    assert stack.api_session().post(stack.url("/api/login"), json={"email": email, "password": password}).status_code == 401


def test_interrupted_deletion_is_invisible_and_finished_by_a_rerun(stack):
    email, password = stack.create_user()
    s = login_api(stack, email, password)
    uid = s.get(stack.url("/api/me")).json()["user"]["id"]
    stack.sql("""INSERT INTO posts (user_id, city_id, category_id, title, description)
                 SELECT %s, (SELECT MIN(id) FROM cities), (SELECT MIN(id) FROM categories), 'Half-deleted', 'x'""", uid)
    # What the first transaction leaves if the process dies right after it.
    stack.sql("""UPDATE users u JOIN posts p ON p.user_id = u.id SET u.deleted_at = UTC_TIMESTAMP(6),
                 p.deleted_at = UTC_TIMESTAMP(6) WHERE u.id = %s""", uid)
    assert s.get(stack.url("/api/me")).status_code == 401
    subprocess.run([stack.bin, "user", "finish-deletions", "--config", stack.config], check=True,
                   capture_output=True, timeout=60)
    assert stack.sql("SELECT COUNT(*) FROM users WHERE id = %s", uid)[0][0] == "0"
    assert stack.sql("SELECT COUNT(*) FROM posts WHERE user_id = %s", uid)[0][0] == "0"


# ---- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize("body,field,words", [
    (b'{"email": "a@b.example", "password": ', "body", "not valid JSON"),
    (b'[1, 2]', "body", "JSON object"),
    (b'{"password": "long-enough-password"}', "email", "required"),
    (b'{"email": "a@b.example"}', "password", "required"),
    (b'{"email": 42, "password": "long-enough-password"}', "email", "must be a string"),
    (b'{"email": "not-an-email", "password": "long-enough-password"}', "email", "not a valid email"),
    (b'{"email": "a@b.example", "password": "short"}', "password", "at least 12"),
    (b'{"email": "a@b.example", "password": "Password2024!"}', "password", "too common"),
    (b'{"email": "a@b.example", "password": "qwerty123456"}', "password", "too common"),
    (b'{"email": "' + b"a" * 300 + b'@b.example", "password": "long-enough-password"}', "email", "too long"),
    (b'{"email": "a\xff@b.example", "password": "long-enough-password"}', "body", "UTF-8"),
])
def test_bad_signup_input_is_a_400_naming_the_field(stack, body, field, words):
    r = stack.api_session().post(stack.url("/api/signup"), data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["field"] == field and words in r.json()["error"], r.json()


def test_oversize_body_is_refused(stack):
    r = stack.api_session().post(stack.url("/api/login"), data=b'{"email": "' + b"a" * 200_000 + b'"}',
                                 headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_html_form_comes_back_refilled_without_the_password(stack):
    s = stack.session()
    token = csrf_from(s.get(stack.url("/signup")).text)
    r = s.post(stack.url("/signup"), data={"email": "kept@example.test", "password": "short", "csrf_token": token})
    assert r.status_code == 400
    assert 'value="kept@example.test"' in r.text
    assert 'value="short"' not in r.text
    assert re.search(r'class="field-error" id="signup-password-error">[^<]*at least 12', r.text)
    r = s.post(stack.url("/signup"), data={"email": "bad@@example", "password": "long-enough-password", "csrf_token": token})
    assert r.status_code == 400 and 'id="signup-email-error"' in r.text
    # Non-UTF-8 in a form field.
    r = s.post(stack.url("/signup"), data=b"email=a%FF%40b.example&password=long-enough-password&csrf_token=" + token.encode(),
               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and 'id="signup-email-error"' in r.text and "UTF-8" in r.text


# ---- operators ----------------------------------------------------------------------------

def test_create_admin_from_stdin(stack):
    email, password = stack.new_email("admin"), stack.new_password()
    out = subprocess.run([stack.bin, "user", "create-admin", email, "--config", stack.config],
                         input=password + "\n", capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    me = login_api(stack, email, password).get(stack.url("/api/me")).json()["user"]
    assert me["role"] == "admin" and me["email_verified"] is True
    weak = subprocess.run([stack.bin, "user", "create-admin", stack.new_email("admin"), "--config", stack.config],
                          input="password1234\n", capture_output=True, text=True, timeout=60)
    assert weak.returncode != 0 and "too common" in weak.stderr
