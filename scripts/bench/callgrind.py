"""Instructions per request under callgrind, for `make bench`: one worker (or the bare libfcgi
responder) on a unix socket of its own as fd 0, as the pool master starts them, driven with
cgi-fcgi. Each case runs twice, with WARM requests and with WARM + N, and the difference of
the two totals divided by N is the figure, so start-up and warm-up fall out; the same
difference per function is the profile. SWIFT_DETERMINISTIC_HASHING=1 fixes Swift's hash seed,
so the counts repeat run to run (within a few tenths of a percent: database answers and random
tokens vary a little).

    python3 callgrind.py OUT_DIR N CASE...
CASE is NAME=PATH[@ENV=VALUE,...] for the corkboard worker ($CB_BIN worker --config $CB_CONFIG)
or NAME=bare:BYTES for the bare responder ($BARE_BIN). Prints one line per case, then each
case's top functions (self instructions per request)."""
import os
import re
import socket
import subprocess
import sys
import time

out_dir, n = sys.argv[1], int(sys.argv[2])
cases = sys.argv[3:]
WARM = 10
os.makedirs(out_dir, exist_ok=True)


def fcgi_get(sock, path):
    uri = path
    query = path.split("?", 1)[1] if "?" in path else ""
    env = {"PATH": os.environ["PATH"], "REQUEST_METHOD": "GET", "REQUEST_URI": uri, "QUERY_STRING": query,
           "SCRIPT_NAME": uri.split("?", 1)[0], "DOCUMENT_URI": uri.split("?", 1)[0], "REMOTE_ADDR": "192.0.2.10",
           "SERVER_PROTOCOL": "HTTP/1.1", "HTTPS": "on", "HTTP_HOST": "127.0.0.1", "REQUEST_ID": "0" * 32,
           "HTTP_USER_AGENT": "bench", "HTTP_ACCEPT": "text/html"}
    r = subprocess.run(["cgi-fcgi", "-bind", "-connect", sock], env=env, capture_output=True, timeout=600)
    head = r.stdout.split(b"\r\n", 1)[0]
    if not (head.startswith(b"Status: 200") or head.startswith(b"Content-Type")):
        raise SystemExit(f"callgrind: {path} answered {head[:80]!r}")


def run(name, command, env, path, requests):
    sock = os.path.join(out_dir, f"{name}.sock")
    if os.path.exists(sock):
        os.unlink(sock)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sock)
    listener.listen(64)
    out = os.path.join(out_dir, f"{name}-{requests}.callgrind")
    full_env = dict(os.environ, SWIFT_DETERMINISTIC_HASHING="1", **env)
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--dump-instr=no"] + command,
                            stdin=listener.fileno(), env=full_env, stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(out_dir, f"{name}.log"), "w"))
    listener.close()
    try:
        for _ in range(requests):
            fcgi_get(sock, path)
    finally:
        proc.terminate()
        proc.wait(timeout=120)
    return out


def functions(path):
    """Self instructions by function, from callgrind_annotate."""
    text = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", path],
                          capture_output=True, text=True).stdout
    totals, fns = 0, {}
    for line in text.splitlines():
        m = re.match(r"^\s*([\d,]+)\s+(?:\([\d.]+%\)\s+)?(\S.*?)\s*$", line)
        if not m:
            continue
        value = int(m.group(1).replace(",", ""))
        label = m.group(2)
        if label.startswith("PROGRAM TOTALS"):
            totals = value
        elif ":" in label:
            fn = re.sub(r"\s+\[.*\]$", "", label.split(":", 1)[1])
            fns[fn] = fns.get(fn, 0) + value
    return totals, fns


results = []
for case in cases:
    name, spec = case.split("=", 1)
    env = {}
    if "@" in spec:
        spec, extra = spec.split("@", 1)
        env = dict(kv.split("=", 1) for kv in extra.split(","))
    if spec.startswith("bare:"):
        command, path = [os.environ["BARE_BIN"]], "/_bench/bare"
        env["BARE_BODY_BYTES"] = spec.split(":", 1)[1]
    else:
        command, path = [os.environ["CB_BIN"], "worker", "--config", os.environ["CB_CONFIG"]], spec
    started = time.monotonic()
    base_total, base_fns = functions(run(name, command, env, path, WARM))
    total, fns = functions(run(name, command, env, path, WARM + n))
    per = (total - base_total) / n
    diff = sorted(((v - base_fns.get(k, 0)) / n, k) for k, v in fns.items())
    diff.reverse()
    results.append((name, path, per, diff))
    print(f"  {name:<28} {per:>12,.0f} instructions/request   ({path}; {time.monotonic() - started:.0f} s)", flush=True)

for name, path, per, diff in results:
    print(f"\n  top functions, {name} (self instructions per request, of {per:,.0f}):")
    for value, fn in diff[:12]:
        short = fn if len(fn) <= 110 else fn[:107] + "..."
        print(f"    {value:>10,.0f} {100 * value / per:5.1f}%  {short}")
