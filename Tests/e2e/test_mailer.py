"""The outbox mailer against the stack's real SMTP catcher and MariaDB primary.

Messages are queued with `corkboard mail send-test` (Outbox.enqueue in a transaction, the same
path the site uses), delivered by `corkboard mailer` (the stack's service or a mailer these tests
start with their own settings), and found as .eml files in the catcher's directory.
"""

import email
import email.policy
import json
import os
import secrets
import signal
import subprocess
import time
from pathlib import Path

import pytest


def corkboard(stack, *args, env=None, check=True, timeout=120):
    """Runs the stack's corkboard binary with its config; returns the CompletedProcess."""
    full_env = dict(os.environ)
    full_env.pop("CORKBOARD_CONFIG", None)
    full_env.update(env or {})
    result = subprocess.run([stack.bin, *args, "--config", stack.config], env=full_env,
                            capture_output=True, text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, f"corkboard {args} exited {result.returncode}: {result.stderr}"
    return result


def enqueue(stack, to, subject="Test", body="Hello.\n", count=1):
    """Queues messages; returns their Message-IDs."""
    out = corkboard(stack, "mail", "send-test", "--to", to, "--subject", subject, "--body", body,
                    "--count", str(count)).stdout
    ids = out.split()
    assert len(ids) == count
    return ids


def rows(stack, status=None, limit=1000):
    """Outbox rows (newest first) from `corkboard mail list --json`, keyed by Message-ID."""
    args = ["mail", "list", "--json", "--limit", str(limit)]
    if status:
        args += ["--status", status]
    return {r["message_id"]: r for r in map(json.loads, corkboard(stack, *args).stdout.splitlines())}


def delivered(stack, message_id):
    """The raw bytes of every .eml in the catcher's directory carrying this Message-ID."""
    needle = f"Message-ID: {message_id}\r\n".encode()
    found = []
    for path in Path(stack.mail_dir).glob("*.eml"):
        data = path.read_bytes()
        if needle in data:
            found.append(data)
    return found


def wait_until(what, predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def address():
    return f"mailer-{secrets.token_hex(4)}@example.org"


@pytest.fixture
def own_mailer(stack):
    """The stack's mailer stopped (so only what the test runs delivers); it and the catcher are
    running again afterwards, for the other tests."""
    stack.mailer_stop()
    yield
    stack.smtp_start()
    stack.mailer_start()


def test_delivers_with_headers_and_stable_message_id(stack):
    to = address()
    subject = "Grüße — your ad on Corkboard"
    body = "Hello Ann,\n.a line starting with a dot\nprix: 10 €\n"
    (mid,) = enqueue(stack, to, subject=subject, body=body)
    raw = wait_until("the .eml", lambda: delivered(stack, mid))
    assert len(raw) == 1
    msg = email.message_from_bytes(raw[0], policy=email.policy.default)
    assert msg["X-Envelope-From"] == "noreply@localhost"
    assert msg["X-Envelope-To"] == to
    assert msg["To"] == to
    assert msg["From"] == "Corkboard <noreply@localhost>"
    assert str(msg["Subject"]) == subject
    assert msg["Message-ID"] == mid
    assert msg["Date"]
    assert msg["MIME-Version"] == "1.0"
    assert msg.get_content_type() == "text/plain"
    assert msg["Content-Transfer-Encoding"] == "quoted-printable"
    assert msg.get_content().replace("\r\n", "\n") == body
    row = wait_until("the row marked sent", lambda: rows(stack, "sent").get(mid))
    assert row["attempts"] == 1 and row["sent_at"] and row["last_error"] is None


def test_relay_down_then_back_delivers_each_exactly_once(stack, own_mailer):
    stack.smtp_stop()
    ids = enqueue(stack, address(), subject="while the relay is down", count=3)
    env = {"CORKBOARD_MAIL_BACKOFF_BASE": "1", "CORKBOARD_MAIL_BACKOFF_MAX": "2",
           "CORKBOARD_MAILER_POLL_INTERVAL": "1"}
    proc = subprocess.Popen([stack.bin, "mailer", "--config", stack.config], env=dict(os.environ, **env),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        # Failing: each row stays pending, with attempts counted, the error kept and a retry time ahead.
        def failed_twice():
            current = rows(stack)
            return all(current[m]["attempts"] >= 2 for m in ids) and current
        current = wait_until("two failed attempts each", failed_twice)
        for m in ids:
            assert current[m]["status"] == "pending"
            assert "connect" in current[m]["last_error"].lower()
        assert not any(delivered(stack, m) for m in ids)

        stack.smtp_start()
        wait_until("all sent", lambda: all(r["status"] == "sent" for m, r in rows(stack).items() if m in ids))
        # Let a few more poll rounds pass: nothing is sent a second time.
        time.sleep(2.5)
        for m in ids:
            assert len(delivered(stack, m)) == 1, m
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "mailer stopped" in err


def test_crash_between_send_and_mark_resends_the_identical_message(stack, own_mailer):
    (mid,) = enqueue(stack, address(), subject="Ünïcode and a crash", body="Line one\nline two ünïcode\n")
    # Short lease so the row is due again soon after the crash.
    crash_env = {"CORKBOARD_MAILER_TEST_EXIT_AFTER_SEND": "1", "CORKBOARD_MAILER_LEASE": "2",
                 "CORKBOARD_SMTP_TIMEOUT": "1"}
    crashed = corkboard(stack, "mailer", "--once", env=crash_env, check=False)
    assert crashed.returncode == 99, crashed.stderr
    first = delivered(stack, mid)
    assert len(first) == 1
    row = rows(stack)[mid]
    assert row["status"] == "pending" and row["attempts"] == 1      # sent, but never marked

    # Not due while the dead mailer's lease lasts; due after it.
    assert "sent 0," in corkboard(stack, "mailer", "--once").stdout
    time.sleep(2.2)
    assert "sent 1," in corkboard(stack, "mailer", "--once").stdout
    again = delivered(stack, mid)
    assert len(again) == 2
    assert again[0] == again[1], "the resend must be byte-identical, not a second, different message"
    assert rows(stack, "sent")[mid]["attempts"] == 2


def test_dead_after_max_attempts_then_retry_delivers(stack, own_mailer):
    stack.smtp_stop()
    (mid,) = enqueue(stack, address(), subject="dead letter")
    env = {"CORKBOARD_MAIL_MAX_ATTEMPTS": "2", "CORKBOARD_MAIL_BACKOFF_BASE": "1", "CORKBOARD_MAIL_BACKOFF_MAX": "1"}
    corkboard(stack, "mailer", "--once", env=env)
    assert rows(stack)[mid]["status"] == "pending"
    time.sleep(1.1)
    out = corkboard(stack, "mailer", "--once", env=env).stdout
    assert "dead 1" in out
    dead = rows(stack, "dead")
    assert mid in dead and dead[mid]["attempts"] == 2 and dead[mid]["last_error"]
    listing = corkboard(stack, "mail", "list", "--status", "dead").stdout
    assert str(dead[mid]["id"]) in listing and "dead" in listing
    shown = corkboard(stack, "mail", "show", str(dead[mid]["id"])).stdout
    assert "status:          dead" in shown and f"Message-ID: {mid}" in shown

    stack.smtp_start()
    assert "1 message queued again" in corkboard(stack, "mail", "retry", str(dead[mid]["id"])).stdout
    assert rows(stack)[mid]["status"] == "pending" and rows(stack)[mid]["attempts"] == 0
    assert "sent 1," in corkboard(stack, "mailer", "--once").stdout
    assert len(delivered(stack, mid)) == 1
    # A sent row is not "retried" into a duplicate.
    refused = corkboard(stack, "mail", "retry", str(dead[mid]["id"]), check=False)
    assert refused.returncode != 0 and "is sent, not dead" in refused.stderr


def test_two_mailers_at_once_send_each_message_once(stack, own_mailer):
    ids = enqueue(stack, address(), subject="concurrent", count=120)
    env = {"CORKBOARD_MAILER_BATCH": "10"}
    procs = [subprocess.Popen([stack.bin, "mailer", "--once", "--config", stack.config],
                              env=dict(os.environ, **env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    sent = [int(out.split()[1].rstrip(",")) for out, _ in outs]
    assert sum(sent) == 120
    current = rows(stack)
    for m in ids:
        assert current[m]["status"] == "sent"
        assert len(delivered(stack, m)) == 1


def test_stopped_mid_batch_gives_back_the_rest_at_once(stack, own_mailer):
    """A mailer stopped (SIGTERM: a deploy, a restart) part-way through a claimed batch finishes
    the message in hand and gives the rest back: due at once, the claim not counted as an
    attempt, instead of held for the lease (300 s) while no one sends them."""
    n = 400
    ids = enqueue(stack, address(), subject="stopped mid-batch", count=n)
    env = {"CORKBOARD_MAILER_BATCH": str(n)}
    proc = subprocess.Popen([stack.bin, "mailer", "--config", stack.config], env=dict(os.environ, **env),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until("the batch's first message sent", lambda: delivered(stack, ids[0]), timeout=30)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    current = rows(stack, limit=2 * n)
    sent = [m for m in ids if current[m]["status"] == "sent"]
    rest = [m for m in ids if current[m]["status"] == "pending"]
    assert len(sent) + len(rest) == n
    assert rest, f"all {n} were sent before the stop arrived: the test proved nothing"
    assert "gave back the rest of the batch" in err
    assert all(current[m]["attempts"] == 0 for m in rest), [current[m]["attempts"] for m in rest[:5]]
    # Due now: a mailer started at once sends every one of them, each once in all.
    out = corkboard(stack, "mailer", "--once").stdout
    assert f"sent {len(rest)}," in out, out
    assert all(len(delivered(stack, m)) == 1 for m in ids[::20] + rest[:5])


def test_throughput_report(stack, own_mailer):
    """Not a timed assertion: prints messages/s of `corkboard mailer --once` to the local catcher."""
    n = 500
    ids = enqueue(stack, address(), subject="throughput", body="x" * 400 + "\n", count=n)
    start = time.monotonic()
    out = corkboard(stack, "mailer", "--once").stdout
    elapsed = time.monotonic() - start
    assert f"sent {n}," in out
    assert all(len(delivered(stack, m)) == 1 for m in ids[:: 50])
    line = f"mailer throughput: {n} messages in {elapsed:.2f} s = {n / elapsed:.0f} msg/s"
    print("\n" + line)
    if stack.log_dir:
        with open(Path(stack.log_dir) / "mail-throughput.log", "a") as f:
            f.write(line + "\n")
