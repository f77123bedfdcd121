"""/metrics and the request log, end to end through nginx and both pools.

The counters are summed over every worker of the web pool and the upload pool through their
counters files (metrics_dir), so requests spread over several workers, one of them killed
half-way, must all be counted; the output must pass `promtool check metrics`; a peer that is
neither loopback (127.0.0.1) nor in metrics_allow (the test stack allows 127.0.0.3) is refused
by nginx and by the application; each request logs one line whose request id is the one nginx
logged and the error page showed.
"""
import concurrent.futures
import http.client
import json
import os
import re
import signal
import ssl
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import answered_by_nginx

# Every name of METRICS-CONTRACT.md (the alerting rules are written against these).
CONTRACT = [
    "corkboard_http_requests_total", "corkboard_http_request_duration_seconds_bucket", "corkboard_db_queries_total",
    "corkboard_db_errors_total", "corkboard_causal_reads_total", "corkboard_causal_wait_seconds_bucket",
    "corkboard_primary_up", "corkboard_replica_up", "corkboard_replica_lag_seconds", "corkboard_cache_hits_total",
    "corkboard_cache_misses_total", "corkboard_cache_invalidations_total", "corkboard_workers", "corkboard_workers_busy",
    "corkboard_worker_restarts_total", "corkboard_outbox_messages", "corkboard_outbox_oldest_age_seconds",
    "corkboard_mail_sent_total", "corkboard_mail_failed_total", "corkboard_purge_runs_total",
    "corkboard_purge_posts_deleted_total", "corkboard_purge_last_success_timestamp_seconds", "corkboard_reports_total",
    "corkboard_posts_auto_hidden_total", "corkboard_moderation_queue_posts", "corkboard_searches_total",
    "corkboard_search_term_recent", "corkboard_search_term_baseline",
]
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (\S+)$")


def send(stack, method, path, source="127.0.0.1", body=None, headers=None):
    u = urlsplit(stack.https_url)
    conn = http.client.HTTPSConnection(u.hostname, u.port, timeout=30, source_address=(source, 0),
                                       context=ssl.create_default_context(cafile=stack.ca_file))
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}, Connection="close"))
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def scrape(stack, source="127.0.0.1"):
    status, body = send(stack, "GET", "/metrics", source=source)
    assert status == 200, body[:300]
    return body.decode()


def samples(text):
    out = {}
    for line in text.splitlines():
        m = SAMPLE.match(line)
        if m:
            out[m.group(1)] = float(m.group(2))
    return out


def pool_status(stack):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "REQUEST_METHOD": "GET", "SCRIPT_NAME": "/status",
           "REQUEST_URI": "/status?format=json", "QUERY_STRING": "format=json", "REMOTE_ADDR": "127.0.0.1"}
    out = subprocess.run(["cgi-fcgi", "-bind", "-connect", stack.pool_socket], env=env, capture_output=True,
                         timeout=20).stdout.decode()
    return json.loads(out.split("\r\n\r\n", 1)[1])


def cgi_metrics(socket_path, remote):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "REQUEST_METHOD": "GET", "SCRIPT_NAME": "/metrics",
           "REQUEST_URI": "/metrics", "QUERY_STRING": "", "REMOTE_ADDR": remote, "REQUEST_ID": "cgi-test"}
    return subprocess.run(["cgi-fcgi", "-bind", "-connect", socket_path], env=env, capture_output=True,
                          timeout=20).stdout.decode(errors="replace")


def drive(stack, method, path, n, workers=6):
    with concurrent.futures.ThreadPoolExecutor(workers) as ex:
        return list(ex.map(lambda _: send(stack, method, path)[0], range(n)))


def wait_until(what, predicate, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def test_metrics_sum_every_worker_of_both_pools_and_keep_a_killed_workers_counts(stack):
    # The home page: the stack's blackbox-exporter probes /healthz every second, nobody else asks "/".
    home = 'corkboard_http_requests_total{route="/",status_class="2xx"}'
    photos = 'corkboard_http_requests_total{route="/api/photos",status_class="4xx"}'
    before = samples(scrape(stack))
    served0 = {w["pid"]: w["requests"] for w in pool_status(stack)["workers"]}

    n = 60
    assert drive(stack, "GET", "/", n) == [200] * n
    served1 = {w["pid"]: w["requests"] for w in pool_status(stack)["workers"]}
    busy = {pid: served1[pid] - served0.get(pid, 0) for pid in served1 if served1[pid] > served0.get(pid, 0)}
    assert len(busy) >= 2, f"the requests did not spread over several workers: {busy}"
    # The worker that served the most dies with its counts: they must stay in the sum.
    victim = max(busy, key=busy.get)
    os.kill(victim, signal.SIGKILL)
    wait_until("the killed worker's replacement",
               lambda: victim not in {w["pid"] for w in pool_status(stack)["workers"]}
               and len([w for w in pool_status(stack)["workers"] if w["state"] in ("idle", "busy")]) == 4)
    assert drive(stack, "GET", "/", n) == [200] * n
    # The upload pool (nginx sends /api/photos there) counts into the same scrape.
    k = 5
    statuses = drive(stack, "POST", "/api/photos", k)
    assert all(400 <= s < 500 for s in statuses), statuses

    after = samples(scrape(stack))
    assert after[home] - before.get(home, 0) == 2 * n
    assert after[photos] - before.get(photos, 0) == k
    h = 'corkboard_http_request_duration_seconds_count{route="/"}'
    assert after[h] - before.get(h, 0) == 2 * n
    restarts = 'corkboard_worker_restarts_total{pool="web"}'
    assert after[restarts] - before.get(restarts, 0) >= 1
    assert after['corkboard_workers{pool="web"}'] == 4 and after['corkboard_workers{pool="uploads"}'] == 2


def test_metrics_pass_promtool_and_carry_every_contract_name(stack):
    send(stack, "GET", "/lisbon/search?q=bicycle")
    text = scrape(stack)
    r = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip() == "" and r.stderr.strip() == "", r.stdout + r.stderr
    names = {re.split(r"[{ ]", line, 1)[0] for line in text.splitlines() if line and not line.startswith("#")}
    declared = {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")}
    missing = [c for c in CONTRACT if c not in names and c.removesuffix("_bucket") not in declared and c not in declared]
    assert not missing, missing
    for must_have_samples in ["corkboard_replica_up", "corkboard_primary_up", "corkboard_outbox_messages",
                              "corkboard_purge_runs_total", "corkboard_mail_sent_total", "corkboard_searches_total"]:
        assert must_have_samples in names, must_have_samples


def test_metrics_refused_to_a_peer_neither_loopback_nor_allowed(stack):
    # nginx: 127.0.0.2 is not 127.0.0.1 and not in metrics_allow (127.0.0.3).
    status, body = send(stack, "GET", "/metrics", source="127.0.0.2")
    assert status == 403 and answered_by_nginx(status, body), body[:200]
    assert send(stack, "GET", "/metrics", source="127.0.0.3")[0] == 200
    # The application checks the same list itself (nginx passes the peer as REMOTE_ADDR).
    refused = cgi_metrics(stack.pool_socket, "127.0.0.2")
    assert refused.startswith("Status: 403") and "corkboard_" not in refused, refused[:300]
    allowed = cgi_metrics(stack.pool_socket, "127.0.0.3")
    assert allowed.startswith("Status: 200") and "corkboard_http_requests_total" in allowed, allowed[:300]


def log_line(path, request_id):
    for line in Path(path).read_text(errors="replace").splitlines():
        if f"request_id={request_id} " in line and " route=" in line:
            return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
    return None


def test_each_request_logs_one_line_with_the_id_nginx_logged_and_the_error_page_shows(stack):
    log_dir = Path(stack.log_dir)
    status, body = send(stack, "GET", "/post/999999999")
    assert status == 404
    m = re.search(rb'Request id: <code>([0-9a-f]{32})</code>', body)
    assert m, body[-500:]
    rid = m.group(1).decode()
    wait_until("the request's log line", lambda: log_line(log_dir / "pool.log", rid) is not None)
    fields = log_line(log_dir / "pool.log", rid)
    assert fields["method"] == "GET" and fields["route"] == "/post/:id" and fields["status"] == "404", fields
    assert float(fields["duration_ms"]) >= float(fields["db_ms"]) >= 0 and fields["pool"] == "web", fields
    assert int(fields["pid"]) in {w["pid"] for w in pool_status(stack)["workers"]}, fields
    wait_until("nginx's access log line", lambda: f"request_id={rid}" in (log_dir / "nginx-access.log").read_text())

    status, body = send(stack, "GET", "/api/no-such-thing")
    assert status == 404
    rid = json.loads(body)["request_id"]
    wait_until("the API request's log line", lambda: log_line(log_dir / "pool.log", rid) is not None)
    assert log_line(log_dir / "pool.log", rid)["route"] == "unmatched"
