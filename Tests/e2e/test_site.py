"""The site over HTTPS through nginx, as a browser (or an operator on the host) sees it."""

import os
import re
import shutil
import subprocess

import pytest
import requests

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": None,            # present; the exact policy may change
    "strict-transport-security": "max-age=",
}
# Plain static names change with every release (pages link hashed copies, see test_pages.py).
STATIC_CACHE = "public, max-age=300"


@pytest.fixture(scope="module")
def http(stack):
    with stack.session() as s:
        yield s


# The seed's cities (Sources/Corkboard/Jobs/Seeder.swift): slug -> name.
SEEDED_CITIES = {"lisbon": "Lisbon", "seoul": "Seoul", "chicago": "Chicago"}


def test_home_lists_seeded_cities(http, stack):
    r = http.get(stack.url("/"), timeout=10)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    # Only the city list counts: the header's links (/account, /login…) are no cities.
    listing = re.search(r'<ul class="cities">(.*?)</ul>', r.text, re.S)
    assert listing, "the home page has no city list"
    cities = dict(re.findall(r'<a href="/([a-z0-9-]+)">([^<]+)</a>', listing.group(1)))
    assert SEEDED_CITIES.items() <= cities.items(), f"seeded cities missing from {cities}"
    # Each city link leads to that city's page, not to a 404 or a log-in redirect.
    for slug, name in SEEDED_CITIES.items():
        page = http.get(stack.url("/" + slug), timeout=10, allow_redirects=False)
        assert page.status_code == 200, f"/{slug} answered {page.status_code}"
        assert name in re.search(r"<title>(.*?)</title>", page.text, re.S).group(1), f"/{slug} is not {name}'s page"


def test_healthz_reports_every_server(http, stack):
    r = http.get(stack.url("/healthz"), timeout=10)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    servers = r.json()["servers"]
    roles = {s["role"] for s in servers}
    assert {"primary", "replica"} <= roles
    assert all(s["reachable"] is True for s in servers), servers


def test_http_redirects_to_https(http, stack):
    r = http.get(stack.http_url + "/some/path?q=1", allow_redirects=False, timeout=10)
    assert r.status_code in (301, 308)
    assert r.headers["location"] == stack.https_url + "/some/path?q=1"


def test_static_file_from_nginx_with_short_cache(http, stack):
    r = http.get(stack.url("/static/corkboard.css"), timeout=10)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/css")
    assert r.headers["cache-control"] == STATIC_CACHE


def test_static_text_is_compressed_pages_and_api_are_not(http, stack):
    """CSS and scripts go gzip-compressed; pages and API answers never (BREACH: they carry a CSRF
    token beside text a visitor chose), though the dev nginx, like Debian's, has gzip on."""
    asked = {"Accept-Encoding": "gzip"}
    css = http.get(stack.url("/static/corkboard.css"), headers=asked, stream=True, timeout=10)
    assert css.headers.get("content-encoding") == "gzip" and "Accept-Encoding" in css.headers.get("vary", "")
    css.close()
    for path in ("/lisbon", "/lisbon/search?q=lamp", "/api/search?city=lisbon&q=lamp", "/login"):
        r = http.get(stack.url(path), headers=asked, stream=True, timeout=10)
        assert r.status_code == 200 and "content-encoding" not in r.headers, (path, r.headers)
        r.close()


def test_missing_static_file_is_nginx_404(http, stack):
    r = http.get(stack.url("/static/no-such-file.css"), timeout=10)
    assert r.status_code == 404
    # Answered by nginx with the site's own short page (public/errors/), never cached as
    # immutable, and no sign of nginx.
    assert r.headers["cache-control"] == "no-store"
    assert "There is nothing at this address" in r.text and "nginx" not in r.text.lower()


def test_static_served_while_pool_is_stopped(http, stack):
    stack.pool_stop()
    try:
        r = http.get(stack.url("/static/corkboard.css"), timeout=10)
        assert r.status_code == 200
        assert r.headers["cache-control"] == STATIC_CACHE
        # …while the application itself is unavailable: nginx says so in the site's language
        # and when to try again.
        page = http.get(stack.url("/lisbon"), timeout=10)
        api = http.get(stack.url("/api/search?city=lisbon&q=lamp"), timeout=10)
        assert page.status_code == api.status_code == 502
        assert page.headers["retry-after"] == api.headers["retry-after"] == "5"
        assert "try again in a few seconds" in page.text and page.headers["content-type"].startswith("text/html")
        assert "try again in a few seconds" in api.json()["error"]
    finally:
        stack.pool_start()
    stack.wait_healthy()


def test_body_over_nginx_limit_is_nginx_413_and_site_survives(http, stack):
    # A real route (the upload pool's), so only nginx's client_max_body_size (12m) refuses it.
    body = b"x" * (13 * 1024 * 1024)
    try:
        r = http.post(stack.url("/api/posts"), data=body, timeout=30,
                      headers={"Content-Type": "application/octet-stream", **stack.API_HEADERS})
    except requests.ConnectionError:
        # nginx may answer 413 and close before the client has sent everything; the status
        # is then lost to the client.
        pytest.fail("connection reset before the 413 could be read")
    assert r.status_code == 413
    # nginx's own refusal (its message names its 12 MB limit, not the application's 64 KB one),
    # as the API's JSON error since the address is under /api/.
    assert r.headers["content-type"].startswith("application/json"), r.headers["content-type"]
    assert "larger than 12 MB" in r.json()["error"], r.text
    assert http.get(stack.url("/healthz"), timeout=10).status_code == 200


def test_body_over_application_limit_is_its_own_413(http, stack):
    """Bodies under nginx's 12m but over the application's body_limit (64 KB for everything but
    photo uploads) are refused by the application itself, in the route's own format."""
    big = "x" * (100 * 1024)
    r = http.post(stack.url("/api/login"), json={"email": "a@example.test", "password": big},
                  headers=stack.API_HEADERS, timeout=30)
    assert r.status_code == 413 and r.headers["content-type"].startswith("application/json"), (r.status_code, r.text[:200])
    assert "too large" in r.json()["error"]
    r = http.post(stack.url("/login"), data={"email": "a@example.test", "password": big}, timeout=30)
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html"), (r.status_code, r.text[:200])
    assert "too large" in r.text and "nginx" not in r.text
    # Just under the limit is read (and judged on its merits: a wrong password, not a 413).
    r = http.post(stack.url("/api/login"), json={"email": "a@example.test", "password": "y" * 60000},
                  headers=stack.API_HEADERS, timeout=30)
    assert r.status_code not in (413, 500), (r.status_code, r.text[:200])


def test_status_from_loopback(http, stack):
    # The tests run on the host, so nginx's loopback-only rule lets them in.
    r = http.get(stack.url("/status"), timeout=10)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    r = http.get(stack.url("/status?format=json"), timeout=10)
    assert r.status_code == 200
    workers = r.json()["workers"]
    assert workers and all(w["pid"] > 0 for w in workers), workers


def test_security_headers_on_dynamic_response(http, stack):
    r = http.get(stack.url("/"), timeout=10)
    for name, expected in SECURITY_HEADERS.items():
        assert name in {k.lower() for k in r.headers}, f"missing {name}"
        if expected:
            assert expected in r.headers[name], f"{name}: {r.headers[name]}"
    # Exactly one policy (the application's; nginx adds its baseline only where none is sent),
    # and it allows no inline script.
    policies = r.raw.headers.getlist("Content-Security-Policy")
    assert len(policies) == 1, policies
    assert "frame-ancestors 'none'" in policies[0]
    assert "script-src 'self'" in policies[0] and "unsafe-inline" not in policies[0]
    # A static file gets nginx's baseline policy.
    r = http.get(stack.url("/static/corkboard.css"), timeout=10)
    assert r.raw.headers.getlist("Content-Security-Policy") and "default-src 'none'" in r.headers["content-security-policy"]


def test_unknown_path_is_404_page(http, stack):
    r = http.get(stack.url("/no/such/page/here"), timeout=10)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert r.text.strip(), "the 404 has no page"


@pytest.mark.skipif(shutil.which("cgi-fcgi") is None, reason="needs cgi-fcgi (libfcgi-bin)")
def test_status_refused_to_a_remote_peer_even_past_nginx(stack):
    """nginx lets /status through from loopback only; the application refuses it on its own too,
    so a proxy or a misconfigured site cannot expose it. Talk FastCGI to the pool directly, as a
    peer from elsewhere."""
    def status_as(addr):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "REQUEST_METHOD": "GET",
               "SCRIPT_NAME": "/status", "REQUEST_URI": "/status", "QUERY_STRING": "",
               "REMOTE_ADDR": addr, "SERVER_PROTOCOL": "HTTP/1.1"}
        r = subprocess.run(["cgi-fcgi", "-bind", "-connect", stack.pool_socket], env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
        return r.stdout.decode(errors="replace")
    assert status_as("127.0.0.1").startswith("Status: 200")
    remote = status_as("203.0.113.7")
    assert remote.startswith("Status: 403"), remote[:300]
    assert "pid" not in remote.split("\r\n\r\n", 1)[-1].lower()
