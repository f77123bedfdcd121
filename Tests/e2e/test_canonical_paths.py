"""One canonical path per route (issue 17): every path-scoped nginx rule holds for every spelling
of its path, and the application answers only the canonical spelling.

The rule list below is checked against nginx/corkboard-locations.conf and dev.conf.template: a
location that carries a rule (allow/deny, limit_req, the upload pool, a body-size limit) and is
not listed here, or is an exact or prefix match (which a trailing slash or other case walks
around), fails the first test. Spellings are sent with http.client, byte for byte: requests and
urllib3 would decode `%6C` and resolve `/./` before sending.

Rate limits are per client address, and every test runs on this host, so each check here sends
from its own loopback address (127.x.y.z, all of 127/8 is local on Linux): a fresh bucket, and an
address nginx's loopback-only rule (`allow 127.0.0.1`) does not let in.
"""

import http.client
import json
import os
import random
import re
import ssl
import subprocess
import time
from urllib.parse import urlsplit

import pytest

from conftest import REPO, STACK_SCRIPT, answered_by_nginx

NGINX_FILES = [REPO / "nginx" / "corkboard-locations.conf", REPO / "nginx" / "dev.conf.template"]

# location (as written in nginx) -> (rule, canonical paths of the application it guards)
RULES = {
    "~* ^/status/?$": ("loopback", ["/status"]),
    "~* ^/metrics/?$": ("loopback + metrics_allow", ["/metrics"]),
    "~* ^/(api/)?login/?$": ("limit corkboard_login", ["/login", "/api/login"]),
    "~* ^/(api/)?signup/?$": ("limit corkboard_signup", ["/signup", "/api/signup"]),
    "~* ^/(api/)?reset(/|$)": ("limit corkboard_reset", ["/reset", "/reset/sometoken", "/api/reset", "/api/reset/confirm"]),
    "~* ^/(api/verify/resend|account/verify)/?$": ("limit corkboard_reset", ["/api/verify/resend", "/account/verify"]),
    "~* ^/api/(photos|posts)/?$": ("uploads", ["/api/photos", "/api/posts"]),
    "~* ^/post/new/?$": ("uploads", ["/post/new"]),
}
# Rule-bearing locations that need no aliases, and why.
EXEMPT = {
    "= /_bench/bare": "make bench only (dev template): a bare responder, no application route behind it",
    "= /_bench/static": "make bench only (dev template): a file nginx serves, no application route behind it",
}
RULE_DIRECTIVES = re.compile(r"^\s*(allow|deny|limit_req|client_max_body_size|fastcgi_pass\s+corkboard_uploads)\b", re.M)



def nginx_locations(text: str):
    """(modifier and pattern, block text) of every `location` in an nginx file, nested blocks
    (an `if` inside a location) kept inside their location's text."""
    text = re.sub(r"#[^\n]*", "", text)
    out = []
    for m in re.finditer(r"\blocation\s+([^{]+?)\s*\{", text):
        depth, i = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        out.append((" ".join(m.group(1).split()), text[m.end():i - 1]))
    return out


def spellings(path: str):
    """Other spellings of a canonical path that reach nginx as different request lines."""
    head, last = path.rsplit("/", 1)
    encoded = head + "/%" + format(ord(last[0]), "02X") + last[1:]
    return [
        path + "/",                             # trailing slash
        path + "//",
        "/" + path,                             # double slash
        head + "//" + last,
        head + "/./" + last,                    # dot segments
        head + "/x/../" + last,
        encoded,                                # percent-encoded unreserved character
        head + "/%" + format(ord(last[0]), "02x") + last[1:],
        path.upper(),                           # case
        path.upper() + "/",
        head + "/" + last.capitalize(),
    ]


def fresh_address() -> str:
    return "127.%d.%d.%d" % (random.randint(1, 254), random.randint(1, 254), random.randint(2, 254))


class Raw:
    """Requests sent exactly as written (path bytes untouched) from a chosen source address."""

    def __init__(self, stack):
        u = urlsplit(stack.https_url)
        self.host, self.port = u.hostname, u.port
        self.ctx = ssl.create_default_context(cafile=stack.ca_file)

    def send(self, method, path, source="127.0.0.1", body=None, headers=None):
        conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=30,
                                           source_address=(source, 0))
        try:
            conn.request(method, path, body=body, headers=dict(headers or {}, Connection="close"))
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()


@pytest.fixture(scope="module")
def raw(stack):
    return Raw(stack)


# ---- the rule list is nginx's -----------------------------------------------------------

def test_every_rule_in_nginx_is_listed_and_catches_every_spelling():
    found = {}
    for f in NGINX_FILES:
        for where, block in nginx_locations(f.read_text()):
            if RULE_DIRECTIVES.search(block):
                found[where] = f.name
    unknown = sorted(set(found) - set(RULES) - set(EXEMPT))
    assert not unknown, (f"{unknown} carry a path-scoped rule this test (and the README table) does not "
                         "know: give each a case-blind regex with an optional trailing slash and list it")
    assert not sorted(set(RULES) - set(found)), f"listed rules missing from nginx: {sorted(set(RULES) - set(found))}"
    for where in found:
        if where in EXEMPT:
            assert found[where] == "dev.conf.template", f"{where} is exempt for the dev template only"
            continue
        modifier, pattern = where.split(" ", 1)
        assert modifier == "~*", f"{where}: a rule must be a case-blind regex (`=` and prefixes miss aliases)"
        regex = re.compile(pattern, re.I)
        for path in RULES[where][1]:
            # What nginx matches after decoding, dot resolution and merge_slashes.
            for variant in (path, path + "/", path.upper(), path.upper() + "/"):
                assert regex.search(variant), f"{where} misses {variant}"
    text = NGINX_FILES[0].read_text()
    assert re.search(r"^\s*merge_slashes\s+on;", text, re.M), "merge_slashes must stay on (stated in the site)"
    assert not re.search(r"^\s*merge_slashes\s+off", "".join(f.read_text() for f in NGINX_FILES), re.M)


def test_dev_and_production_share_the_tls_settings():
    tls = (REPO / "nginx" / "corkboard-tls.conf").read_text()
    assert re.search(r"^ssl_session_tickets\s+off;", tls, re.M)
    for name in ("corkboard.conf", "dev.conf.template"):
        site = (REPO / "nginx" / name).read_text()
        assert re.search(r"^\s*include\s+snippets/corkboard-tls\.conf;", site, re.M), name
        assert not re.search(r"^\s*ssl_(protocols|ciphers|session_tickets)\b", site, re.M), \
            f"{name} sets TLS itself instead of through corkboard-tls.conf"


# ---- loopback only ------------------------------------------------------------------------

def cgi_status(socket_path, remote="127.0.0.1"):
    """GET /status?format=json straight to a pool over FastCGI (no nginx); returns its text."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "REQUEST_METHOD": "GET",
           "SCRIPT_NAME": "/status", "REQUEST_URI": "/status?format=json", "QUERY_STRING": "format=json",
           "REMOTE_ADDR": remote, "SERVER_PROTOCOL": "HTTP/1.1"}
    r = subprocess.run(["cgi-fcgi", "-bind", "-connect", socket_path], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
    return r.stdout.decode(errors="replace")


def test_operator_pages_refused_by_nginx_to_a_non_loopback_peer_in_every_spelling(stack, raw):
    outsider = fresh_address()
    # The application takes all of 127/8 for the host, so only nginx (`allow 127.0.0.1`) can
    # refuse this peer: a 403 here is nginx's own.
    assert cgi_status(stack.pool_socket, remote=outsider).startswith("Status: 200")
    assert raw.send("GET", "/status", source="127.0.0.1")[0] == 200
    for path in RULES["~* ^/status/?$"][1] + RULES["~* ^/metrics/?$"][1]:
        for spelling in [path] + spellings(path):
            status, _, body = raw.send("GET", spelling, source=outsider)
            assert status == 403 and answered_by_nginx(status, body), f"GET {spelling} from {outsider}: {status} {body[:200]!r}"


# ---- rate limits --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def strict_limits(stack):
    """The stack's nginx with one request a minute in every account zone (burst as shipped),
    for this module's tests, which each send from their own fresh address."""
    def reload(**rates):
        env = dict(os.environ, CB_STACK=stack.name, CB_PORT_BASE=stack.env["CB_PORT_BASE"], CB_BIN=stack.bin, **rates)
        subprocess.run([str(STACK_SCRIPT), "nginx-reload"], check=True, env=env, timeout=60)
        time.sleep(0.5)
    reload(CB_LOGIN_RATE="1r/m", CB_SIGNUP_RATE="1r/m", CB_RESET_RATE="1r/m")
    yield
    reload()


def exhaust(raw, path, source):
    """GETs `path` from `source` until nginx answers 429 (burst used up); the codes seen."""
    codes = []
    for _ in range(10):
        status, _, body = raw.send("GET", path, source=source)
        codes.append(status)
        if status == 429:
            assert answered_by_nginx(status, body), body[:200]
            return codes
    raise AssertionError(f"GET {path} from {source} never reached the limit: {codes}")


def test_login_burst_is_429_with_a_trailing_slash_as_without(raw, strict_limits):
    """The issue's reproduction: wrong passwords to /api/login/ were all 401, never 429."""
    headers = {"Content-Type": "application/json", "X-Requested-With": "corkboard"}
    for path in ("/api/login", "/api/login/"):
        source = fresh_address()
        # A new e-mail address each time, so the per-account back-off (5 failures) stays out of it.
        bodies = [json.dumps({"email": f"nobody-{i}-{random.random()}@example.test", "password": "not-the-password-1"})
                  for i in range(8)]
        codes = [raw.send("POST", path, source=source, body=b, headers=headers)[0] for b in bodies]
        # burst=5 nodelay: six reach the application (401 canonical, 404 for the alias), then 429.
        assert codes[6:] == [429, 429], f"{path}: {codes}"
        assert set(codes[:6]) == ({401} if path == "/api/login" else {404}), f"{path}: {codes}"


@pytest.mark.parametrize("zone", sorted({rule for rule, _ in RULES.values() if rule.startswith("limit")}))
def test_every_spelling_of_a_limited_path_shares_its_bucket(raw, strict_limits, zone):
    paths = [p for rule, paths in RULES.values() if rule == zone for p in paths]
    source = fresh_address()
    exhaust(raw, paths[0], source)
    # Out of burst for the next minute: any request nginx counts in this zone is now its 429;
    # a spelling that fell through to `location /` would reach the application instead.
    for path in paths:
        for spelling in [path] + spellings(path):
            for method in ("GET", "POST"):
                status, _, body = raw.send(method, spelling, source=source, body=b"{}",
                                           headers={"Content-Type": "application/json"})
                assert status == 429 and answered_by_nginx(status, body), f"{method} {spelling}: {status} {body[:200]!r}"


# ---- the upload pool ----------------------------------------------------------------------

def pool_requests(socket_path) -> int:
    """Requests a pool has served so far, summed over its workers (its own /status)."""
    text = cgi_status(socket_path)
    assert text.startswith("Status: 200"), text[:300]
    return int(json.loads(text.split("\r\n\r\n", 1)[1])["requests"])


def test_large_uploads_reach_the_upload_pool_in_every_spelling(stack, raw):
    main, uploads = stack.pool_socket, stack.env["CB_UPLOADS_SOCKET"]
    body = os.urandom(3 * 1024 * 1024)
    headers = {"Content-Type": "application/octet-stream", "X-Requested-With": "corkboard"}

    def served_by(method, path):
        # The test stack's Prometheus scrapes /metrics on the main pool every second, and a
        # request in the background can only add to a count: a try that counts exactly one
        # request is this one's; otherwise the try with the fewest (refused requests store nothing).
        tries = []
        for _ in range(5):
            m0, u0 = pool_requests(main), pool_requests(uploads)
            status, _, text = raw.send(method, path, source=fresh_address(), body=body, headers=headers)
            m1, u1 = pool_requests(main), pool_requests(uploads)
            assert not answered_by_nginx(status, text), f"{method} {path}: nginx answered {status}"
            # Each pool's own /status query counts once in it; the upload counts in one pool only.
            tries.append(({"main": m1 - m0 - 1, "uploads": u1 - u0 - 1}, status))
            if sum(tries[-1][0].values()) == 1:
                break
        return min(tries, key=lambda t: sum(t[0].values()))

    # Calibration: the canonical path is the upload pool's, a post page the main pool's.
    assert served_by("POST", "/api/posts")[0] == {"main": 0, "uploads": 1}
    assert served_by("POST", "/post/1/edit")[0] == {"main": 1, "uploads": 0}
    for where in ("~* ^/api/(photos|posts)/?$", "~* ^/post/new/?$"):
        for path in RULES[where][1]:
            for spelling in spellings(path):
                pools, status = served_by("POST", spelling)
                assert pools == {"main": 0, "uploads": 1}, f"POST {spelling} ({status}) served by {pools}"
                assert status == 404, f"POST {spelling}: {status}, but only the canonical spelling is a route"


# ---- the application answers one spelling ---------------------------------------------------

def test_other_spellings_are_moved_for_get_and_refused_otherwise(raw):
    for spelling, canonical in [("/healthz/", "/healthz"), ("//healthz", "/healthz"), ("/HEALTHZ", "/healthz"),
                                ("/./post/new", "/post/new"), ("/post/%6Eew/?x=1&y=%2F", "/post/new?x=1&y=%2F"),
                                ("/Account/Posts/", "/account/posts")]:
        for method in ("GET", "HEAD"):
            status, headers, _ = raw.send(method, spelling)
            assert status == 301 and headers["location"] == canonical, f"{method} {spelling}: {status} {headers.get('location')}"
        status, headers, body = raw.send("GET", canonical)
        assert status in (200, 303), f"GET {canonical}: {status}"
    # Other methods: a 404 that names the right address, never the handler under an alias.
    status, headers, body = raw.send("DELETE", "/api/user/", headers={"X-Requested-With": "corkboard"})
    assert status == 404 and b"/api/user" in body and headers["content-type"].startswith("application/json"), (status, body)
    status, _, body = raw.send("POST", "/logout/", body=b"", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 404 and b"/logout" in body, (status, body[:200])
    # Unknown paths stay 404 whatever the spelling (no redirect to a page that is not there).
    assert raw.send("GET", "/no/such/page/")[0] == 404
