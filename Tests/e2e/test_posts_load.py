"""Photo processing must not starve browsing: time a post with ten 1 MiB photos, the upload
workers' peak memory, and browsing latency while four such posts are being created at once.
Prints the figures (pytest -s shows them) and asserts generous bounds."""

import statistics
import threading
import time
from pathlib import Path

import pytest

from posts_support import jpeg_near, multipart_fields, post_fields

MIB = 1048576


def children(pid):
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                stat = (p / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(p.name))
            except (OSError, ValueError, IndexError):
                pass
    return out


def vm_hwm_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


@pytest.fixture(scope="module")
def photos():
    data = [jpeg_near(MIB, seed=2000 + i) for i in range(10)]
    assert all(0.9 * MIB <= len(d) <= MIB for d in data)
    return data


def login(stack):
    email, password = stack.create_user(verified=True)
    return stack.api_login(stack.session(), email, password)


def create(stack, session, photos, tag):
    files = multipart_fields(post_fields(title=f"Load {tag} {time.time()}")) + [
        ("photo", (f"{i}.jpg", d, "image/jpeg")) for i, d in enumerate(photos)]
    t0 = time.monotonic()
    r = session.post(stack.url("/api/posts"), files=files, timeout=120)
    return r, time.monotonic() - t0


def test_ten_photo_post_time_memory_and_browsing_latency(stack, photos):
    uploads_pid = int(Path(stack.env["CB_UPLOADS_PIDFILE"]).read_text().strip())
    s = login(stack)
    r, single = create(stack, s, photos, "single")
    assert r.status_code == 201, r.text
    assert len(r.json()["photos"]) == 10
    # Browsing alone, then while four 10-photo posts are created at once.
    with stack.session() as browse:
        def sample(seconds):
            lat = []
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                t0 = time.monotonic()
                assert browse.get(stack.url("/lisbon"), timeout=30).status_code == 200
                lat.append(time.monotonic() - t0)
            return lat

        idle = sample(2.0)
        sessions = [login(stack) for _ in range(4)]
        results = []
        threads = [threading.Thread(target=lambda s=s, i=i: results.append(create(stack, s, photos, f"busy{i}")))
                   for i, s in enumerate(sessions)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        busy = []
        while any(t.is_alive() for t in threads):
            busy += sample(0.5)
        for t in threads:
            t.join()
        wall = time.monotonic() - t0
    assert all(r.status_code == 201 for r, _ in results), [r.text for r, _ in results]
    hwm = max((vm_hwm_kib(p) for p in children(uploads_pid)), default=0)

    def pct(xs, q):
        xs = sorted(xs)
        return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000

    report = (f"\n10 x ~1 MiB photos, one post: {single:.2f} s; four at once: {wall:.2f} s "
              f"(each {', '.join(f'{d:.1f}' for _, d in results)} s)\n"
              f"upload worker peak memory (VmHWM): {hwm / 1024:.1f} MiB\n"
              f"browsing /lisbon idle: n={len(idle)} median {statistics.median(idle) * 1000:.1f} ms p95 {pct(idle, .95):.1f} ms\n"
              f"browsing /lisbon during 4 uploads: n={len(busy)} median {statistics.median(busy) * 1000:.1f} ms "
              f"p95 {pct(busy, .95):.1f} ms max {max(busy) * 1000:.1f} ms")
    print(report)
    Path(stack.log_dir, "posts-load.txt").write_text(report)
    assert single < 30
    assert pct(busy, .95) < 1000, report
