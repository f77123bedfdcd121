"""Posting beside `make bench`'s mixed load: about one new post a second in the big city, each by
the next of the seeded accounts (var/bench/posters.tsv: session token and CSRF header), each
with a title of its own, so neither the daily cap nor the duplicate rule refuses one.

    python3 posters.py URL CA_FILE POSTERS_TSV CITY SECONDS CATEGORY...

Prints "created N, refused M" at the end (refusals with their first answers)."""
import json
import ssl
import sys
import time
import urllib.request
import uuid

url, ca_file, posters_file, city, seconds = sys.argv[1:6]
categories = sys.argv[6:]
posters = [line.split("\t") for line in open(posters_file).read().splitlines() if line]
context = ssl.create_default_context(cafile=ca_file)
created, refused, answers = 0, 0, []
start = time.monotonic()
first = n = int(start) % len(posters)
while time.monotonic() - start < float(seconds):
    token, csrf = posters[n % len(posters)]
    body = {"title": f"Bench bicycle {uuid.uuid4().hex[:12]}", "city": city,
            "category": categories[n % len(categories)], "price_minor": 1000 + n,
            "description": f"A post made while the benchmark runs ({uuid.uuid4()}); good condition, pick up downtown."}
    request = urllib.request.Request(url + "/api/posts", data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json", "Cookie": f"__Host-session={token}", "X-CSRF-Token": csrf})
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as r:
            created += r.status == 201 or r.status == 200
    except urllib.error.HTTPError as e:
        refused += 1
        if len(answers) < 3:
            answers.append(f"{e.code} {e.read()[:200]!r}")
    except OSError as e:
        refused += 1
        if len(answers) < 3:
            answers.append(str(e))
    n += 1
    time.sleep(max(0.0, start + (n - first) - time.monotonic()))
print(f"created {created}, refused {refused}" + (": " + "; ".join(answers) if answers else ""))
