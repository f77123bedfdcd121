"""The OpenAPI document against the running site: schemathesis, through nginx over HTTPS.

It reads the document where clients do (`GET /api/openapi.json`, a file nginx serves), then
generates requests from it, valid and invalid, in a run as an anonymous visitor and a run as a
logged-in fixture account (with its admin and throwaway accounts, see contract_hooks.py), with
stateful chains along the document's links (create a post, then read, edit, write to, delete
it). It fails on any 5xx, any answer the document does not describe (status, content type,
headers, body), any invalid request accepted, any failed chain, and any operation that never
answered a 2xx.

The test stack raises the posting and contact caps and the mail-resend interval for this run
(production's defaults would stop a generator after a handful of posts and refuse every
fresh account's resend); the document still lists their 429s, which is what a client meets in
production. Time: CB_CONTRACT_SECONDS per run (default 70 s: `make
test`); `make contract` runs it longer.
"""

import json
import os
import secrets
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DOCUMENT = REPO / "public" / "api" / "openapi.json"
SECONDS = int(os.environ.get("CB_CONTRACT_SECONDS", "70"))
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
    "response_schema_conformance", "negative_data_rejection", "use_after_free", "ensure_resource_availability",
    "unsupported_method", "allow_header_conformance",
])


def login(stack, address, password) -> str:
    with stack.session() as s:
        stack.api_login(s, address, password)
        return s.cookies.get("__Host-session")


@pytest.fixture(scope="module")
def contract_state(stack, tmp_path_factory):
    """Raised caps for the run, and the accounts and posts the hooks hand out."""
    stack.pool_restart(posts_per_day=100000, contact_per_sender=100000, contact_per_ip=100000,
                       contact_per_post=100000, mail_resend_interval=0)
    try:
        user = stack.create_user(verified=True)
        admin = stack.create_user(verified=True)
        other = stack.create_user(verified=True)
        stack.sql("UPDATE users SET role = 'admin' WHERE email = %s", admin[0])
        state = {"user_cookie": login(stack, *user), "admin_cookie": login(stack, *admin)}
        with stack.api_session() as s:
            s.cookies.set("__Host-session", login(stack, *other))
            r = s.post(stack.url("/api/posts"), json={"title": "Contract: a public post", "description": f"Write to me. {secrets.token_hex(4)}",
                                                       "city": "lisbon", "category": "bikes", "contact_enabled": True}, timeout=30)
            assert r.status_code == 201, r.text
            state["public_post"] = r.json()["id"]
        with stack.api_session() as s:
            s.cookies.set("__Host-session", state["user_cookie"])
            r = s.post(stack.url("/api/posts"), json={"title": "Contract: my own post", "description": f"Edit me. {secrets.token_hex(4)}",
                                                       "city": "lisbon", "category": "bikes"}, timeout=30)
            assert r.status_code == 201, r.text
            state["own_post"] = r.json()["id"]
        with stack.api_session() as s:
            s.cookies.set("__Host-session", state["admin_cookie"])
            r = s.delete(stack.url("/api/old_posts"), timeout=30)
            assert r.status_code == 202, r.text
            state["purge_run"] = r.json()["run_id"]
        yield state, tmp_path_factory.mktemp("contract")
    finally:
        stack.pool_restart()


def run_schemathesis(stack, state: dict, workdir: Path, mode: str) -> tuple:
    state_file = workdir / f"state-{mode}.json"
    state_file.write_text(json.dumps(dict(state, mode=mode)))
    log = workdir / "calls.ndjson"
    env = dict(os.environ, CB_CONTRACT_STATE=str(state_file), CB_CONTRACT_LOG=str(log),
               SCHEMATHESIS_HOOKS="contract_hooks", PYTHONPATH=str(HERE), CB_STACK_ENV=str(stack.env_file))
    cmd = [str(SCHEMATHESIS), "--config-file", str(HERE / "schemathesis.toml"), "run", stack.url("/api/openapi.json"), "--url", stack.https_url,
           "--tls-verify", stack.ca_file, "--checks", CHECKS,
           "--max-time", str(SECONDS), "--workers", "1", "--request-timeout", "30",
           "--suppress-health-check", "all", "--no-color", "--output-truncate", "true",
           "--report", "junit", "--report-dir", str(workdir / f"report-{mode}")]
    if mode == "anonymous":
        cmd += ["--phases", "examples,coverage,fuzzing"]
    done = subprocess.run(cmd, env=env, cwd=workdir, capture_output=True, text=True, timeout=SECONDS * 3 + 120)
    return done.returncode, done.stdout + done.stderr


def test_the_document_is_served_by_nginx_as_in_the_repository(stack):
    r = requests.get(stack.url("/api/openapi.json"), verify=stack.ca_file, timeout=10)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.content == DOCUMENT.read_bytes()
    assert r.json()["openapi"].startswith("3.1")


def test_schemathesis_finds_nothing_and_every_operation_succeeds(stack, contract_state):
    state, workdir = contract_state
    failed = []
    for mode in ("anonymous", "user"):
        rc, out = run_schemathesis(stack, state, workdir, mode)
        (workdir / f"schemathesis-{mode}.txt").write_text(out)
        print(f"---- schemathesis, {mode} ----\n" + "\n".join(line[:400] for line in out.splitlines()))
        if rc != 0:
            failed.append(mode)

    calls = [json.loads(line) for line in (workdir / "calls.ndjson").read_text().splitlines()]
    document = json.loads(DOCUMENT.read_text())
    # Operations nginx serves as files are not the site's (schemathesis leaves the document's own
    # URL alone); test_the_document_is_served_by_nginx_as_in_the_repository checks that one.
    operations = {op["operationId"] for item in document["paths"].values() for op in item.values()
                  if isinstance(op, dict) and "operationId" in op and "x-served-by" not in op}
    ok = Counter(c["op"] for c in calls if 200 <= c["status"] < 300)
    by_status = Counter((c["op"], c["status"]) for c in calls)
    print(f"contract: {len(operations)} operations, {len(calls)} requests "
          f"({Counter(c['mode'] for c in calls)}), {sum(ok.values())} answered 2xx")
    for op in sorted(operations):
        print(f"  {op}: " + ", ".join(f"{s}×{n}" for (o, s), n in sorted(by_status.items()) if o == op))
    never = sorted(operations - set(ok))
    assert failed == [], f"schemathesis found problems in the run(s) {failed}: see the output above"
    assert never == [], f"operations that never answered 2xx: {never}"
