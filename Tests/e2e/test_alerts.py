"""Alerting end to end: the test stack's Prometheus scrapes the site and its exporters with the
repository's rules (prometheus/corkboard-alerts.yml), and a real condition (a stopped exporter; a
stopped replica, as the pool's own /metrics reports it) reaches the operators' mailbox through
Alertmanager and the SMTP catcher, and so does its end.

The test stack scrapes and evaluates every second, Alertmanager's group_wait and group_interval are
1 s, and every rule's `for:` is cut to 1 s (scripts/stack-monitoring.sh); the shipped durations and
thresholds are covered by promtool's unit tests (prometheus/tests, run by scripts/check-alerts.sh).
Everything here is polled against a generous deadline, never slept on.
"""

import email
import email.policy
import re
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "prometheus" / "corkboard-alerts.yml"
DEADLINE = 60.0


def wait_until(what: str, check, timeout: float = DEADLINE):
    """check() until it returns something truthy (which is returned); fails after timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except requests.RequestException as exc:
            last = exc
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout}s (last error: {last})")


def prometheus(stack, path: str, **params) -> dict:
    """GET a Prometheus API path on the stack's Prometheus; its `data`."""
    r = requests.get(stack.prometheus_url + path, params=params, timeout=10)
    r.raise_for_status()
    body = r.json()
    assert body["status"] == "success", body
    return body["data"]


def query(stack, expr: str) -> list:
    """An instant query's result as (labels, float value) pairs."""
    return [(s["metric"], float(s["value"][1])) for s in prometheus(stack, "/api/v1/query", query=expr)["result"]]


class Mailbox:
    """The SMTP catcher's directory, read from a mark: only messages that arrive after it count."""

    def __init__(self, stack):
        self.dir = Path(stack.mail_dir)
        self.seen = set(self.dir.glob("*.eml"))

    def alerts(self) -> list:
        """(status, labels, subject) for every alert listed in a new mail's plain-text part
        (Alertmanager's text template: "FIRING: summary" then "labels: k=v …")."""
        found = []
        for path in sorted(set(self.dir.glob("*.eml")) - self.seen):
            msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            text = msg.get_body(preferencelist=("plain",)).get_content()
            for status, block in re.findall(r"^(FIRING|RESOLVED): (.*?)(?=^\S|\Z)", text, re.M | re.S):
                labels = dict(re.findall(r"(\w+)=(\S*)", block.split("labels:", 1)[1]))
                found.append((status, labels, msg["Subject"]))
        return found

    def wait_for(self, status: str, timeout: float = DEADLINE, **labels) -> str:
        """Waits for a mail listing an alert in `status` whose labels include `labels`; its subject."""
        def match():
            for st, got, subject in self.alerts():
                if st == status and all(got.get(k) == v for k, v in labels.items()):
                    return subject
            return None
        return wait_until(f"a mail with {status} {labels}", match, timeout)


def test_prometheus_loads_the_shipped_rules_and_scrapes_every_target(stack):
    shipped = set(re.findall(r"^\s+- alert: (\w+)$", RULES.read_text(), re.M))
    loaded = {r["name"] for g in prometheus(stack, "/api/v1/rules")["groups"] for r in g["rules"]
              if r["type"] == "alerting"}
    assert loaded == shipped and len(shipped) >= 19

    def targets():
        return {t["labels"]["job"]: t for t in prometheus(stack, "/api/v1/targets")["activeTargets"]}
    wait_until("every target scraped",
               lambda: all(targets().get(j, {}).get("health") == "up" for j in ("corkboard", "node", "corkboard_https")))
    # The pool's /metrics through nginx over HTTPS (loopback only), as in production.
    assert targets()["corkboard"]["scrapeUrl"] == stack.url("/metrics")
    assert query(stack, 'corkboard_workers{job="corkboard",pool="web"}')[0][1] > 0

    active = prometheus(stack, "/api/v1/alertmanagers")["activeAlertmanagers"]
    assert [a["url"] for a in active] == [stack.alertmanager_url + "/api/v2/alerts"]


def test_disk_alerts_see_the_stacks_folders(stack):
    # corkboard-storage-paths.sh's lines, joined with node-exporter's filesystems as the rules do.
    expr = ("corkboard_storage_path_info * on (instance, mountpoint) group_left ()"
            " (node_filesystem_avail_bytes / node_filesystem_size_bytes)")
    rows = wait_until("free space per folder", lambda: query(stack, expr))
    by_purpose = {labels["purpose"]: (labels["path"], free) for labels, free in rows}
    primary_dir = str(Path(stack.images_root).parent / "primary")
    assert by_purpose.keys() == {"images", "datadir", "binlogs"}
    assert by_purpose["images"][0] == stack.images_root
    assert by_purpose["datadir"][0] == by_purpose["binlogs"][0] == primary_dir
    assert all(0 < free < 1 for _, free in by_purpose.values())


def test_tls_expiry_is_the_served_certificates_not_after(stack):
    # blackbox-exporter's probe of /healthz over HTTPS reports the earliest notAfter of the chain
    # nginx presents: here the stack's leaf certificate (its CA outlives it).
    pem = Path(stack.ca_file).parent / "server.pem"
    end = subprocess.run(["openssl", "x509", "-enddate", "-noout", "-in", str(pem)],
                         check=True, capture_output=True, text=True).stdout.strip().split("=", 1)[1]
    not_after = datetime.strptime(end, "%b %d %H:%M:%S %Y %Z").replace(tzinfo=timezone.utc).timestamp()
    rows = wait_until("the TLS probe", lambda: query(stack, 'probe_ssl_earliest_cert_expiry{job="corkboard_https"}'))
    assert [(labels["instance"], value) for labels, value in rows] == [(stack.url("/healthz"), not_after)]
    assert query(stack, 'probe_success{job="corkboard_https"}')[0][1] == 1


def test_a_stopped_exporter_is_mailed_to_the_operators_and_its_return_too(stack):
    target = stack.env["CB_NODE_EXPORTER_URL"].split("//", 1)[1]
    wait_until("node-exporter scraped", lambda: query(stack, f'up{{job="node",instance="{target}"}} == 1'))
    mailbox = Mailbox(stack)
    started = time.monotonic()
    stack.monitoring_stop("node-exporter")
    try:
        subject = mailbox.wait_for("FIRING", alertname="CorkboardTargetDown", job="node", instance=target)
        print(f"CorkboardTargetDown mailed {time.monotonic() - started:.1f}s after node-exporter stopped")
    finally:
        stack.monitoring_start("node-exporter")
    assert "CorkboardTargetDown" in subject
    mailbox.wait_for("RESOLVED", alertname="CorkboardTargetDown", job="node", instance=target)


def test_a_stopped_replica_is_mailed_to_the_operators_and_its_return_too(stack):
    # The application's own view: /metrics (scraped through nginx) says the replica is unusable.
    replica = f"127.0.0.1:{stack.replica_port}"
    up = f'corkboard_replica_up{{job="corkboard",replica="{replica}"}}'
    wait_until("the replica usable in the pool's /metrics", lambda: query(stack, f"{up} == 1"))
    mailbox = Mailbox(stack)
    started = time.monotonic()
    stack.db_stop("replica")
    try:
        subject = mailbox.wait_for("FIRING", alertname="CorkboardReplicaDown", replica=replica)
        print(f"CorkboardReplicaDown mailed {time.monotonic() - started:.1f}s after the replica's shutdown began")
    finally:
        stack.db_start("replica")
    assert "CorkboardReplicaDown" in subject
    mailbox.wait_for("RESOLVED", alertname="CorkboardReplicaDown", replica=replica)
    wait_until("the replica usable again", lambda: query(stack, f"{up} == 1"))
