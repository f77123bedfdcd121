"""The systemd units, and the pool started the way systemd starts it (socket activation).

This machine (and CI) has no systemd as PID 1, so the units are checked statically with
`systemd-analyze verify`, and socket activation is reproduced with `systemd-socket-activate`,
which binds the socket and execs the program with LISTEN_FDS/LISTEN_PID exactly as systemd does.
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UNITS = ["corkboard.socket", "corkboard.service", "corkboard-migrate.service", "corkboard-mailer.service",
         "corkboard-purge.service", "corkboard-purge.timer", "corkboard-backup.service", "corkboard-backup.timer"]


def children_of(pid: int) -> list:
    """Pids whose parent is pid (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """True while pid exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_units_verify(tmp_path, stack):
    # `verify` checks that ExecStart's binary exists and is executable. The units name the
    # installed paths (/usr/local/bin/corkboard, /etc/corkboard/corkboard.conf), which do not
    # exist on a dev machine, so verify copies whose paths point at this build and this stack.
    for name in UNITS:
        text = (REPO / "systemd" / name).read_text()
        text = text.replace("/usr/local/bin/corkboard", stack.bin)
        text = text.replace("/etc/corkboard/corkboard.conf", stack.config)
        (tmp_path / name).write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", *UNITS], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    # Unknown keys and bad values are only warnings (exit 0), so any line about our units fails too.
    ours = [line for line in (result.stdout + result.stderr).splitlines()
            if any(name in line for name in UNITS)]
    assert result.returncode == 0, result.stdout + result.stderr
    assert not ours, "\n".join(ours)


def test_config_documents_every_key_the_stack_uses(stack):
    documented = (REPO / "systemd" / "corkboard.conf").read_text()
    for line in Path(stack.config).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key = line.split("=", 1)[0].strip()
        assert f"{key} =" in documented, f"{key} is not documented in systemd/corkboard.conf"


@pytest.mark.skipif(shutil.which("systemd-socket-activate") is None or shutil.which("cgi-fcgi") is None,
                    reason="needs systemd-socket-activate and cgi-fcgi (libfcgi-bin)")
def test_socket_activation_serves_and_terminates(stack):
    run_dir = Path(stack.run_dir)
    sock = run_dir / "activated.sock"        # short path: stays under 108 bytes
    if sock.exists():
        sock.unlink()
    # A pool of its own name: the stack's web pool holds its counters file (metrics_dir).
    env = dict(os.environ, CORKBOARD_LISTEN="systemd", CORKBOARD_POOL_NAME="activated")
    log = open(Path(stack.log_dir or run_dir) / "socket-activate.log", "ab")
    # -E passes the override through; systemd-socket-activate execs the pool in its own pid.
    proc = subprocess.Popen(
        ["systemd-socket-activate", "-l", str(sock), "-E", "CORKBOARD_LISTEN=systemd", "-E", "CORKBOARD_POOL_NAME=activated",
         stack.bin, "serve", "--config", stack.config],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    workers = []
    try:
        deadline = time.monotonic() + 10
        while not sock.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sock.exists(), "systemd-socket-activate did not bind the socket"

        cgi_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "/healthz",
            "REQUEST_URI": "/healthz",
            "DOCUMENT_URI": "/healthz",
            "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "443",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTPS": "on",
            "CONTENT_LENGTH": "0",
        }
        out = ""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            r = subprocess.run(["cgi-fcgi", "-bind", "-connect", str(sock)], env=cgi_env,
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
            out = r.stdout.decode(errors="replace")
            if "Status: 200" in out:
                break
            time.sleep(0.2)
        assert "Status: 200" in out, f"no 200 from /healthz over the activated socket:\n{out[:2000]}"

        # The master is the activate process itself (it execs); its children are the workers.
        assert proc.poll() is None
        workers = children_of(proc.pid)
        assert workers, "the pool master has no workers"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            pytest.fail("the pool did not exit within 60 s of SIGTERM")
        finally:
            log.close()

    deadline = time.monotonic() + 5
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if alive(w)], "workers outlived their master"
    # A drained master exits by itself (0, or 128+15 by convention), not killed by the signal.
    assert proc.returncode in (0, 143), f"the master exited with {proc.returncode}"
