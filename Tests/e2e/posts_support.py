"""Helpers for the posts e2e tests: test images made with Pillow (JPEG with EXIF GPS, sized
JPEGs, a PNG decompression bomb), API shortcuts, and `Background`, the load a drill acts under."""

import collections
import io
import json
import os
import random
import re
import struct
import subprocess
import threading
import time
import zlib
from pathlib import Path

import requests

from PIL import Image

GPS_IFD = 0x8825


def jpeg(seed: int = 0, size=(640, 480), gps: bool = True, orientation: int = None, quality: int = 90) -> bytes:
    """A JPEG of coloured noise, with EXIF GPS coordinates (and a camera model) unless gps=False."""
    rnd = random.Random(seed)
    img = Image.frombytes("RGB", size, rnd.randbytes(size[0] * size[1] * 3))
    exif = Image.Exif()
    exif[0x0110] = "CorkCam 3000"          # Model
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 41.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def jpeg_near(target: int, seed: int = 0) -> bytes:
    """A real JPEG of just under `target` bytes (noise, so the size is predictable)."""
    w = 1000
    data = jpeg(seed, (w, w * 3 // 4), gps=True, quality=92)
    while len(data) > target or len(data) < target * 0.9:
        w = int(w * (target / len(data)) ** 0.5 * (0.98 if len(data) > target else 1.0))
        data = jpeg(seed, (w, w * 3 // 4), gps=True, quality=92)
        if len(data) <= target and len(data) >= target * 0.9:
            break
    return data


def png(seed: int = 0, size=(300, 200)) -> bytes:
    rnd = random.Random(seed)
    img = Image.frombytes("RGBA", size, rnd.randbytes(size[0] * size[1] * 4))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def webp(seed: int = 0, size=(300, 200)) -> bytes:
    rnd = random.Random(seed)
    img = Image.frombytes("RGB", size, rnd.randbytes(size[0] * size[1] * 3))
    out = io.BytesIO()
    img.save(out, "WEBP", quality=80)
    return out.getvalue()


def png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny PNG whose header says width × height (1-bit grey, all zero): ~100 KB on disk,
    900 megapixels decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\x00" * (1 + (width + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><circle cx="50" cy="50" r="40"/></svg>'


def exif_of(data: bytes) -> dict:
    """The EXIF tags Pillow finds in image bytes (empty when stripped), GPS IFD included."""
    img = Image.open(io.BytesIO(data))
    exif = img.getexif()
    tags = dict(exif)
    gps = exif.get_ifd(GPS_IFD)
    if gps:
        tags["GPS"] = dict(gps)
    return tags


def post_fields(**over) -> dict:
    """A valid post body for the API."""
    n = random.randrange(10**9)
    body = {
        "title": f"Test bike {n}",
        "description": f"A fine bike, number {n}.\n\nSecond paragraph <b>not bold</b>.",
        "price_minor": 12500,
        "city": "lisbon",
        "neighbourhood": "alfama",
        "category": "bikes",
        "location_text": "near the tram stop",
    }
    body.update(over)
    return body


def multipart_fields(fields: dict) -> list:
    """Text parts for requests' `files=` list (None file name = a plain field)."""
    out = []
    for k, v in fields.items():
        if v is None:
            continue
        out.append((k, (None, str(v))))
    return out


def csrf(page: str) -> str:
    """The CSRF token of the first form in an HTML page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def form_parts(token, **fields) -> list:
    """The /post/new form's text fields, as a browser without JavaScript sends them."""
    base = {"csrf_token": token, "photos_sent": "1", "title": f"Lamp {time.time()}", "price": "12000",
            "city": "seoul", "neighbourhood": "mapo", "category": "furniture", "location_text": "",
            "description": "A lamp.\n\nWorks."}
    base.update(fields)
    return [(k, (None, v)) for k, v in base.items()]


def upload(session, stack, data: bytes, name: str = "p.jpg", ctype: str = "image/jpeg"):
    return session.post(stack.url("/api/photos"), files=[("photo", (name, data, ctype))], timeout=60)


def verified_session(stack):
    """A new verified user's API session (its email and password as attributes); close it."""
    email, password = stack.create_user(verified=True)
    s = stack.api_login(stack.session(), email, password)
    s.email, s.password = email, password
    return s


# ---- background load -------------------------------------------------------------------------

Result = collections.namedtuple("Result", "kind started ended outcome value")


class Background:
    """Threads that each repeat one request until stop(), the load under which a drill acts
    (a killed worker, a switchover, a slow client). A task is `(kind, call)`: `call()` returns
    the response, or `(response, value)` to remember something of it (a new post's id, the
    address signed up). Every answer is a Result with monotonic start and end times; its
    outcome is the HTTP status or the exception's name (ConnectionError, ReadTimeout…), and
    the task simply goes on. `max_seconds` bounds the load whatever happens."""

    def __init__(self, tasks, pause: float = 0.0, max_seconds: float = 120.0):
        self.pause = pause
        self.deadline = time.monotonic() + max_seconds
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self._results = []
        self.threads = [threading.Thread(target=self._run, args=task, daemon=True) for task in tasks]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(60)

    def _run(self, kind: str, call):
        while not self.stopping.is_set() and time.monotonic() < self.deadline:
            started, value = time.monotonic(), None
            try:
                answer = call()
                response, value = answer if isinstance(answer, tuple) else (answer, None)
                outcome = response.status_code
            except requests.RequestException as exc:
                outcome = type(exc).__name__
            with self.lock:
                self._results.append(Result(kind, started, time.monotonic(), outcome, value))
            if self.pause and not self.stopping.is_set():
                time.sleep(self.pause)

    def results(self, *kinds: str) -> list:
        """Every answer so far (of these kinds, if given), in completion order."""
        with self.lock:
            return [r for r in self._results if not kinds or r.kind in kinds]

    def succeeded(self, *kinds: str) -> list:
        return [r for r in self.results(*kinds) if isinstance(r.outcome, int) and 200 <= r.outcome < 300]

    def failures(self, *kinds: str) -> list:
        return [r for r in self.results(*kinds) if not (isinstance(r.outcome, int) and 200 <= r.outcome < 300)]

    def outcomes(self, *kinds: str) -> dict:
        """{outcome: count} of the failures (statuses as strings, for a JSON report)."""
        return dict(collections.Counter(str(r.outcome) for r in self.failures(*kinds)))

    def wait_for(self, count: int, timeout: float = 10.0, *kinds: str):
        """Waits until `count` more requests than now have completed (the load really runs)."""
        target = len(self.results(*kinds)) + count
        deadline = time.monotonic() + timeout
        while len(self.results(*kinds)) < target:
            assert time.monotonic() < deadline, f"only {len(self.results(*kinds))} of {target} requests completed in {timeout}s"
            time.sleep(0.02)


def get_task(stack, path: str, session=None, timeout: float = 10):
    """A task for Background: GET `path` in `session`, or with no session one connection per
    request (as separate browsers would)."""
    url = stack.url(path)
    if session is not None:
        return lambda: session.get(url, timeout=timeout)
    return lambda: requests.get(url, verify=stack.ca_file, timeout=timeout, headers={"Connection": "close"})


def post_task(stack, session, timeout: float = 30, **fields):
    """A task for Background: a new post through the API as `session`'s user; value: its id."""
    def call():
        r = session.post(stack.url("/api/posts"), json=post_fields(**fields), timeout=timeout)
        return r, (r.json().get("id") if r.status_code == 201 else None)
    return call


def signup_task(stack, timeout: float = 30):
    """A task for Background: a sign-up through the API; value: the address signed up."""
    session = stack.api_session()

    def call():
        address = stack.new_email("load")
        return session.post(stack.url("/api/signup"), json={"email": address, "password": stack.new_password()},
                            timeout=timeout), address
    return call


# ---- pool processes --------------------------------------------------------------------------

def alive(pid: int) -> bool:
    """True while pid exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    # The state follows the parenthesised command name, which may itself contain spaces.
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def children(pid: int) -> set:
    """The live child processes of pid (the master's workers)."""
    found = set()
    for path in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found.update(int(p) for p in path.read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            pass
    if not found and alive(pid):
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
        found.update(int(p) for p in out.stdout.split())
    return {p for p in found if alive(p)}


def pool_status(socket: str):
    """A pool's /status as JSON (None if it does not answer 200), asked over FastCGI on its socket (so the question takes no
    worker from nginx's side, and reaches the upload pool, which nginx sends no /status)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "REQUEST_METHOD": "GET", "SCRIPT_NAME": "/status",
           "REQUEST_URI": "/status?format=json", "QUERY_STRING": "format=json", "REMOTE_ADDR": "127.0.0.1"}
    out = subprocess.run(["cgi-fcgi", "-bind", "-connect", socket], env=env,
                         stdin=subprocess.DEVNULL, capture_output=True, timeout=10).stdout.decode(errors="replace")
    if not out.startswith("Status: 200"):
        return None
    return json.loads(out.split("\r\n\r\n", 1)[1])
