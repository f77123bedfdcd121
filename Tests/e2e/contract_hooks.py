"""schemathesis hooks of the contract run (test_contract.py; SCHEMATHESIS_HOOKS=contract_hooks).

They decide who each call is made as, and now and then put in a live value that the document
allows but cannot hold, so every operation can succeed at least once:
  - anonymous run: no session cookie at all;
  - user run: the fixture poster's session; the admin's for the admin operations; and a fresh
    throwaway account for whatever ends or changes a session or an account (log out, log out
    everywhere, password, address, account deletion, verification resend), so the run never
    logs its own fixture out;
  - a real password of that throwaway account, real emailed tokens, a real photo (on the wire
    only), an existing
    city and category, ids of posts that exist: only in cases schemathesis generated valid, where
    the value already has the type the document wants (so the case stays valid), and only until
    the operation has succeeded a few times.
Every answer is appended to $CB_CONTRACT_LOG as one JSON line (operation, status), from which
the test counts examples and checks that every operation had a 2xx.
"""

import json
import os
import random
import sys
import threading
import time
import uuid
from pathlib import Path

import schemathesis
from schemathesis.core.parameters import ParameterLocation

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import Stack  # noqa: E402
from posts_support import jpeg  # noqa: E402

STATE = json.loads(Path(os.environ["CB_CONTRACT_STATE"]).read_text())
STACK = Stack(Path(os.environ["CB_STACK_ENV"]))
LOG_PATH = os.environ["CB_CONTRACT_LOG"]
LOCK = threading.Lock()
# Successes per operation after which no more live values are put in.
STEER_UNTIL = 3
successes: dict = {}
# Who made each call in flight (case id -> identity), for after_call.
WHO: dict = {}

ANONYMOUS = {"signup", "login", "requestReset", "confirmReset", "verify", "reportPost"}
THROWAWAY = {"logout", "logoutAll", "changePassword", "changeEmail", "deleteUser", "resendVerification"}
ADMIN = {"startPurge", "listPurgeRuns", "getPurgeRun", "moderationQueue", "moderationActions", "restorePost",
         "removePost", "banPoster"}
# The admin's actions on a post (and its poster).
MODERATION = {"restorePost", "removePost", "banPoster"}
POST_IDS = {"getPost": "public_post", "updatePost": "own_post", "contactPoster": "public_post",
            "repost": None, "deletePost": None}


PARTS = {"body": ParameterLocation.BODY, "path_parameters": ParameterLocation.PATH, "query": ParameterLocation.QUERY}


def valid(case, part: str) -> bool:
    """Whether schemathesis generated this part of the case valid: a part generated invalid stays
    as it is. (Not the case as a whole: with an optional session, schemathesis counts the cookie
    as invalid in every case.)"""
    meta = getattr(case, "meta", None)
    return meta is not None and not meta.is_negative_at(PARTS[part])


def steer(op: str) -> bool:
    """Whether to put live values into this call: always until `op` first succeeded, then half the
    time until it succeeded STEER_UNTIL times, then never."""
    n = successes.get(op, 0)
    return n == 0 or (n < STEER_UNTIL and random.random() < 0.5)


def throwaway() -> tuple:
    """A new, unverified account, logged in: (email, password, session cookie)."""
    address, password = STACK.create_user(verified=False)
    with STACK.session() as s:
        STACK.api_login(s, address, password)
        return address, password, s.cookies.get("__Host-session")


def token_for(kind: str) -> str:
    """A live token of `kind` (verify or reset) from a fresh account's mail."""
    mark = STACK.mail_mark()
    address, _ = STACK.create_user(verified=False)
    if kind == "reset":
        with STACK.api_session() as s:
            assert s.post(STACK.url("/api/reset"), json={"email": address}, timeout=30).status_code == 202
    msg = STACK.read_mail(address, after=mark, kind=kind)
    if kind == "verify":
        return STACK.link_in(msg, "/verify").split("token=", 1)[1]
    return STACK.link_in(msg, "/reset/").rsplit("/", 1)[1]


def new_post(expired: bool = False) -> int:
    """A fresh post of the fixture poster (expired at once when asked), for deleting or reposting."""
    with STACK.api_session() as s:
        s.cookies.set("__Host-session", STATE["user_cookie"])
        r = s.post(STACK.url("/api/posts"), json={
            "title": f"contract {uuid.uuid4().hex}", "description": f"made for the contract run {uuid.uuid4().hex}",
            "city": "lisbon", "category": "bikes"}, timeout=30)
        assert r.status_code == 201, r.text
        post_id = r.json()["id"]
    if expired:
        STACK.sql("UPDATE posts SET created_at = created_at - INTERVAL 8 DAY WHERE id = %s", post_id)
        # Until the change reached the replica and the hot-post cache let go of the post.
        deadline = time.monotonic() + 10
        with STACK.session() as s:
            while s.get(STACK.url(f"/api/posts/{post_id}"), timeout=30).status_code != 410 and time.monotonic() < deadline:
                time.sleep(0.1)
    return post_id


REVIEWABLE: dict = {}


def hidden_post() -> int:
    """One post of the fixture poster, hidden as reports would hide it and with no review asked
    yet (reset before each steered call), for a review request."""
    if "id" not in REVIEWABLE:
        REVIEWABLE["id"] = new_post()
    STACK.sql("UPDATE posts SET hidden_at = UTC_TIMESTAMP(6), hidden_reason = 'reports', review_requested_at = NULL"
              " WHERE id = %s", REVIEWABLE["id"])
    return REVIEWABLE["id"]


OTHER: dict = {}


def others_post(fresh: bool = False) -> int:
    """A post of another verified account (a fresh one every few posts, under the daily cap;
    always a fresh one when its poster is to be banned)."""
    if fresh:   # its poster is banned next: never the account later posts reuse
        address, password = STACK.create_user(verified=True)
    else:
        if OTHER.get("left", 0) == 0:
            address, password = STACK.create_user(verified=True)
            OTHER.update(address=address, password=password, left=8)
        OTHER["left"] -= 1
        address, password = OTHER["address"], OTHER["password"]
    with STACK.api_login(STACK.session(), address, password) as s:
        r = s.post(STACK.url("/api/posts"), json={
            "title": f"contract other {uuid.uuid4().hex}", "description": f"another poster's {uuid.uuid4().hex}",
            "city": "lisbon", "category": "bikes"}, timeout=30)
        assert r.status_code == 201, r.text
        return r.json()["id"]


SESSION = "__Host-session"
CAUSAL = "__Host-cb_causal"
# The read-your-writes cookie each identity last got, sent back as a client's cookie jar would.
causal: dict = {}


def authenticate(case, who: str, session):
    """Makes the case's credentials `who`'s. Only where the case carries them: a case generated
    without the session cookie or the CSRF header (a negative case) stays without."""
    cookies = dict(case.cookies or {})
    if SESSION in cookies and session:
        cookies[SESSION] = session
    if who in causal:
        cookies[CAUSAL] = causal[who]
    case.cookies = cookies
    if case.headers and "X-Requested-With" in case.headers:
        case.headers["X-Requested-With"] = "corkboard"


def put(case, part: str, key, value):
    """Sets case.<part>[key] = value in a part generated valid, where the generated value already
    has that type, on a copy: the generated object may be shared with other cases."""
    container = getattr(case, part, None)
    if valid(case, part) and isinstance(container, dict) and key in container and type(container[key]) is type(value):
        setattr(case, part, dict(container, **{key: value}))


@schemathesis.hook
def before_call(context, case, kwargs):
    op = case.operation.definition.raw.get("operationId", "")
    body = case.body if isinstance(getattr(case, "body", None), dict) else None
    if STATE["mode"] == "anonymous" or op in ANONYMOUS:
        who = "anonymous"
        authenticate(case, who, None)
    elif op in ADMIN:
        who = "admin"
        authenticate(case, who, STATE["admin_cookie"])
    elif op in THROWAWAY:
        who = "throwaway"
        address, password, cookie = throwaway()
        authenticate(case, who, cookie)
        if steer(op):
            put(case, "body", "password", password)
            put(case, "body", "current_password", password)
            # A steered case that carries the session also carries the CSRF header: with 32
            # operations sharing the run's time, log-out-everywhere (no body to steer) could
            # otherwise end a run without one case that had both.
            if SESSION in (case.cookies or {}):
                case.headers = dict(case.headers or {}, **{"X-Requested-With": "corkboard"})
    else:
        who = "user"
        authenticate(case, who, STATE["user_cookie"])
    WHO[id(case)] = who

    params = dict(case.path_parameters or {})
    if op in MODERATION and STATE["mode"] == "user" and params.get("id") is not None:
        # The admin's remove, ban and restore would act on whatever post a generated id names
        # (the fixture's, the seeded ones other tests read; the stateful phase too): they act on a
        # post made for them while steered, else on no post at all.
        steered = steer(op) and valid(case, "path_parameters")
        params["id"] = others_post(fresh=(op == "banPoster")) if steered else 9_000_000_000_000 + random.randrange(10**9)
        case.path_parameters = params
    if not steer(op):
        return
    if op == "login":
        address, password = STACK.create_user(verified=False)
        put(case, "body", "email", address)
        put(case, "body", "password", password)
    elif op in ("verify", "confirmReset"):
        put(case, "body", "token", token_for("verify" if op == "verify" else "reset"))
    elif op in ("createPost", "updatePost"):
        put(case, "body", "city", "lisbon")
        put(case, "body", "category", "bikes")
        if body is not None and body.get("neighbourhood") is not None:
            put(case, "body", "neighbourhood", "alfama")
    elif op == "uploadPhoto" and valid(case, "body") and isinstance(body, dict) and set(body) == {"photo"}:
        # A real photo goes on the wire in place of the generated bytes; the case itself stays as
        # generated (schemathesis's own checks of a binary value it did not make are not reliable).
        kwargs["files"] = [("photo", ("photo.jpg", jpeg(seed=random.randrange(10**6), size=(64, 48)), "image/jpeg"))]
        kwargs["data"] = {}
    elif op == "search" and isinstance(case.query, dict) and valid(case, "query"):
        case.query = {k: v for k, v in case.query.items()
                      if k not in ("category", "neighbourhood", "cursor", "min_price", "max_price")}
        put(case, "query", "city", "lisbon")
    elif op == "getPurgeRun":
        put(case, "path_parameters", "id", STATE["purge_run"])

    if op in POST_IDS and STATE["mode"] == "user" and valid(case, "path_parameters"):
        fixture = POST_IDS[op]
        put(case, "path_parameters", "id", STATE[fixture] if fixture else new_post(expired=(op == "repost")))
    elif op in ("getPost", "contactPoster"):
        put(case, "path_parameters", "id", STATE["public_post"])
    elif op == "reportPost" and valid(case, "path_parameters"):
        put(case, "path_parameters", "id", others_post())
    elif op == "requestReview" and STATE["mode"] == "user" and valid(case, "path_parameters"):
        put(case, "path_parameters", "id", hidden_post())


@schemathesis.hook
def after_call(context, case, response):
    op = case.operation.definition.raw.get("operationId", "")
    who = WHO.pop(id(case), "anonymous")
    for header in response.headers.get("set-cookie", []):
        name, _, rest = header.partition("=")
        if name.strip() == CAUSAL and who != "throwaway":
            causal[who] = rest.split(";", 1)[0]
    with LOCK:
        if 200 <= response.status_code < 300:
            successes[op] = successes.get(op, 0) + 1
        with open(LOG_PATH, "a") as log:
            log.write(json.dumps({"mode": STATE["mode"], "op": op, "method": case.method, "path": case.operation.path,
                                  "status": response.status_code}) + "\n")
