"""Shared fixtures for the end-to-end suite.

The suite runs against a stack started by `scripts/stack.sh start` (make test starts a fresh
CB_STACK=test one). Everything about that stack comes from its stack.env file:
var/test/stack.env in the checkout, or the path in $CB_STACK_ENV.
"""

import email
import email.policy
import os
import shutil
import re
import secrets
import subprocess
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
STACK_SCRIPT = REPO / "scripts" / "stack.sh"


def read_env_file(path: Path) -> dict:
    """KEY=VALUE lines (no quoting is ever written by stack.sh)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        values[key.strip()] = value.strip()
    return values


class Stack:
    """The running test stack: URLs, paths and the pool's lifecycle."""

    def __init__(self, env_file: Path):
        self.env_file = env_file
        self.env = read_env_file(env_file)
        e = self.env
        self.name = e.get("CB_STACK", "test")
        self.https_url = e["CB_HTTPS_URL"]
        self.http_url = e["CB_HTTP_URL"]
        self.ca_file = e["CB_CA_FILE"]
        self.config = e["CB_CONFIG"]
        self.bin = e["CB_BIN"]
        self.run_dir = e["CB_RUN_DIR"]
        self.log_dir = e.get("CB_LOG_DIR", "")
        self.pool_pidfile = e["CB_POOL_PIDFILE"]
        self.pool_socket = e["CB_POOL_SOCKET"]
        self.mailer_pidfile = e.get("CB_MAILER_PIDFILE", "")
        self.primary_port = int(e["CB_PRIMARY_PORT"])
        self.replica_port = int(e["CB_REPLICA_PORT"])
        self.primary_socket = e.get("CB_PRIMARY_SOCKET", "")
        self.replica_socket = e.get("CB_REPLICA_SOCKET", "")
        self.smtp_port = int(e["CB_SMTP_PORT"])
        self.mail_dir = e["CB_MAIL_DIR"]
        self.images_root = e.get("CB_IMAGES_ROOT", "")
        self.prometheus_url = e.get("CB_PROMETHEUS_URL", "")
        self.alertmanager_url = e.get("CB_ALERTMANAGER_URL", "")
        self.db_user = e.get("CB_DB_USER", "root")
        self.db_password = e.get("CB_DB_PASSWORD", "")

    def url(self, path: str) -> str:
        """An HTTPS URL on the stack for a path starting with '/'."""
        return self.https_url + path

    def session(self) -> requests.Session:
        """A requests.Session that verifies the stack's certificate against its CA file."""
        s = requests.Session()
        s.verify = self.ca_file
        # Otherwise REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE from the environment silently win over
        # s.verify, and proxy variables could send loopback requests elsewhere.
        s.trust_env = False
        return s

    def pool_pid(self):
        """The pool master's pid, or None when its pid file is absent."""
        try:
            return int(Path(self.pool_pidfile).read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def _stack(self, command: str, *args: str, extra_env: dict = None) -> None:
        env = dict(os.environ, CB_STACK=self.name)
        # Only the overrides asked for: a stale CORKBOARD_* from the shell must not leak in.
        env = {k: v for k, v in env.items() if not k.startswith("CORKBOARD_")}
        env.update(extra_env or {})
        if "CB_PORT_BASE" in self.env:
            env["CB_PORT_BASE"] = self.env["CB_PORT_BASE"]
        # The stack.env names the binary the stack was started with; keep using that one.
        env.setdefault("CB_BIN", self.bin)
        subprocess.run([str(STACK_SCRIPT), command, *args], check=True, env=env, timeout=120)

    def pool_start(self) -> None:
        """`scripts/stack.sh pool-start`: returns once the pool's socket exists."""
        self._stack("pool-start")

    def pool_stop(self) -> None:
        """`scripts/stack.sh pool-stop`: SIGTERM (drain) and wait for the master to exit."""
        self._stack("pool-stop")

    def mailer_start(self) -> None:
        """`scripts/stack.sh mailer-start`: the stack's `corkboard mailer` (pid file CB_MAILER_PIDFILE)."""
        self._stack("mailer-start")

    def mailer_stop(self) -> None:
        """`scripts/stack.sh mailer-stop`: SIGTERM (the current message finishes) and wait for exit."""
        self._stack("mailer-stop")

    def smtp_start(self) -> None:
        """`scripts/stack.sh smtp-start`: the SMTP catcher; returns once it accepts connections."""
        self._stack("smtp-start")

    def smtp_stop(self) -> None:
        """`scripts/stack.sh smtp-stop`: stop the SMTP catcher (the relay is down)."""
        self._stack("smtp-stop")

    def monitoring_stop(self, name: str) -> None:
        """`scripts/stack.sh monitoring-stop NAME`: prometheus, alertmanager, node-exporter or blackbox."""
        self._stack("monitoring-stop", name)

    def monitoring_start(self, name: str) -> None:
        """`scripts/stack.sh monitoring-start NAME`: returns once it answers."""
        self._stack("monitoring-start", name)

    # ---- replication helpers (read splitting, causal reads, failover) -----------------------

    def root_sql(self, server: str, statement: str) -> list:
        """Runs SQL as root on "primary" or "replica" through the `mariadb` CLI (unix socket,
        the stack's client.cnf); returns the rows as lists of strings. Trusted text only."""
        sock = self.primary_socket if server == "primary" else self.replica_socket
        cnf = Path(self.env.get("CB_ROOT", REPO)) / "var" / self.name / "client.cnf"
        out = subprocess.run(
            ["mariadb", f"--defaults-file={cnf}", "-S", sock, "-N", "-B", "corkboard", "-e", statement],
            check=True, capture_output=True, text=True, timeout=60).stdout
        return [line.split("\t") for line in out.splitlines()]

    def db_stop(self, server: str) -> None:
        """`scripts/stack.sh db-stop primary|replica`: shuts that MariaDB server down."""
        self._stack("db-stop", server)

    def db_start(self, server: str) -> None:
        """`scripts/stack.sh db-start primary|replica`: starts it again and waits until it answers."""
        self._stack("db-start", server)

    def pool_restart(self, **env) -> None:
        """Restarts the pool with CORKBOARD_<KEY> overrides, e.g. pool_restart(db_max_replica_lag=600);
        with no arguments it returns to the configuration file alone."""
        self.pool_stop()
        extra = {f"CORKBOARD_{k.upper()}": str(v) for k, v in env.items()}
        self._stack("pool-start", extra_env=extra)
        self.wait_healthy()

    def worker_log(self, response, lines: int = 30) -> str:
        """For an answer a test did not expect: the last `lines` log lines of the pool worker
        that gave it, up to its request-log line (found by the request id the error body
        carries), so a failure can be explained after the stack is gone (CI keeps only output)."""
        try:
            request_id = response.json().get("request_id", "")
        except ValueError:
            request_id = ""
        if not request_id or not self.log_dir:
            return "(no request id in the answer)"
        for name in ("pool.log", "uploads.log"):
            path = Path(self.log_dir) / name
            if not path.exists():
                continue
            text = path.read_text(errors="replace").splitlines()
            hit = next((i for i, line in enumerate(text) if f"request_id={request_id} method=" in line), None)
            if hit is None:
                continue
            pid = re.search(r"pid=(\d+)", text[hit])
            if not pid:
                return text[hit]
            mine = [line for line in text[:hit + 1] if f"[{pid.group(1)}]" in line or f"pid={pid.group(1)} " in line]
            return f"{name}, worker {pid.group(1)}:\n" + "\n".join(mine[-lines:])
        return f"(request {request_id} not in the pool logs)"

    def wait_healthy(self, timeout: float = 15.0) -> None:
        """Wait until GET /healthz through nginx answers 200."""
        deadline = time.monotonic() + timeout
        last = None
        with self.session() as s:
            while time.monotonic() < deadline:
                try:
                    r = s.get(self.url("/healthz"), timeout=5)
                    if r.status_code == 200:
                        return
                    last = r.status_code
                except requests.RequestException as exc:
                    last = exc
                time.sleep(0.1)
        raise AssertionError(f"/healthz not 200 within {timeout}s (last: {last})")

    # ---- accounts helpers (used by the accounts, posts and browser tests) -------------------

    API_HEADERS = {"X-Requested-With": "corkboard"}

    def api_session(self) -> requests.Session:
        """A session() that sends the custom API header state-changing /api/ calls need."""
        s = self.session()
        s.headers.update(self.API_HEADERS)
        return s

    def sql(self, statement: str, *params) -> list:
        """Runs one statement on the primary as root through the `mariadb` client and returns
        the rows as lists of strings (NULL as None). Params are quoted as SQL string literals."""
        def quote(v):
            if v is None:
                return "NULL"
            if isinstance(v, int):
                return str(v)
            return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"
        text = statement
        for p in params:
            text = text.replace("%s", quote(p), 1)
        env = dict(os.environ, MYSQL_PWD=self.db_password)
        out = subprocess.run(
            ["mariadb", *self.primary_login(), "--batch", "--skip-column-names", "--raw", "corkboard", "-e", text],
            check=True, capture_output=True, text=True, env=env, timeout=30).stdout
        return [[None if c == "NULL" else c for c in line.split("\t")] for line in out.splitlines()]

    def primary_login(self) -> list:
        """The mariadb client's arguments that reach the primary as `db_user`."""
        return ["-h127.0.0.1", f"-P{self.primary_port}", f"-u{self.db_user}"]

    def mail_mark(self) -> int:
        """The newest outbox id now: pass it as `after` to read_mail to see only later mail."""
        rows = self.sql("SELECT COALESCE(MAX(id), 0) FROM outbox")
        return int(rows[0][0])

    def read_mail(self, to: str, timeout: float = 10, after: int = 0, kind: str = None,
                  delivered: bool = False):
        """The newest mail to `to` (queued after outbox id `after`, of `kind` if given), as an
        email.message.EmailMessage. The catcher's .eml file is used once the mailer delivered
        it (matched by Message-ID); until then the outbox row itself. delivered=True waits for
        the .eml. The message gets `.outbox_id`, `.kind` and `.text` (the plain body)."""
        deadline = time.monotonic() + timeout
        while True:
            q = "SELECT id, kind, recipient, subject, message_id, HEX(body) FROM outbox WHERE recipient = %s AND id > %s"
            args = [to, after]
            if kind:
                q += " AND kind = %s"
                args.append(kind)
            rows = self.sql(q + " ORDER BY id DESC LIMIT 1", *args)
            if rows:
                oid, k, rcpt, subject, mid, body_hex = rows[0]
                eml = self._find_eml(mid)
                if eml is not None or not delivered:
                    if eml is not None:
                        msg = eml
                    else:
                        msg = email.message.EmailMessage()
                        msg["To"] = rcpt
                        msg["Subject"] = subject
                        msg["Message-ID"] = mid
                        msg.set_content(bytes.fromhex(body_hex).decode("utf-8"))
                    msg.outbox_id = int(oid)
                    msg.kind = k
                    part = msg.get_body(preferencelist=("plain",)) if msg.is_multipart() else msg
                    msg.text = part.get_content()
                    return msg
            if time.monotonic() > deadline:
                raise AssertionError(f"no mail to {to} (kind {kind}, after {after}) within {timeout}s")
            time.sleep(0.1)

    def _find_eml(self, message_id: str):
        d = Path(self.mail_dir)
        if not d.is_dir():
            return None
        for f in sorted(d.glob("*.eml"), reverse=True):
            raw = f.read_bytes()
            if message_id.encode() in raw:
                return email.message_from_bytes(raw, policy=email.policy.default)
        return None

    @staticmethod
    def link_in(msg, path_prefix: str) -> str:
        """The first link in a mail's text whose path starts with path_prefix (e.g. "/verify")."""
        m = re.search(r"https?://[^\s/]+(" + re.escape(path_prefix) + r"[^\s]*)", msg.text)
        assert m, f"no {path_prefix} link in mail: {msg.text!r}"
        return m.group(1)

    @staticmethod
    def new_email(prefix: str = "user") -> str:
        return f"{prefix}-{secrets.token_hex(6)}@example.test"

    @staticmethod
    def new_password() -> str:
        return "cork-" + secrets.token_urlsafe(12)

    def create_user(self, verified: bool = True, email_address: str = None, password: str = None):
        """Signs up through the real API and, if verified, opens the emailed verification link
        (through the API). Returns (email, password)."""
        email_address = email_address or self.new_email()
        password = password or self.new_password()
        mark = self.mail_mark()
        with self.api_session() as s:
            r = s.post(self.url("/api/signup"), json={"email": email_address, "password": password}, timeout=30)
            assert r.status_code == 202, r.text
            if verified:
                msg = self.read_mail(email_address, after=mark, kind="verify")
                token = self.link_in(msg, "/verify").split("token=", 1)[1]
                r = s.post(self.url("/api/verify"), json={"token": token}, timeout=30)
                assert r.status_code == 200, r.text
        return email_address, password

    def api_login(self, session: requests.Session, email_address: str, password: str) -> requests.Session:
        """Logs `session` in through POST /api/login (the cookie lands in the session) and makes
        it send the custom API header from now on. Returns the session."""
        session.headers.update(self.API_HEADERS)
        r = session.post(self.url("/api/login"), json={"email": email_address, "password": password}, timeout=30)
        assert r.status_code == 200, r.text
        return session

    def browser_login(self, driver, email_address: str, password: str) -> None:
        """Logs a Selenium driver in through the /login form."""
        from selenium.webdriver.common.by import By
        driver.get(self.url("/login"))
        driver.find_element(By.NAME, "email").send_keys(email_address)
        driver.find_element(By.NAME, "password").send_keys(password)
        click_and_wait_for_page(driver, driver.find_element(By.CSS_SELECTOR, "form.login button[type=submit]"))


def click_and_wait_for_page(driver, element, timeout: float = 15) -> None:
    """Clicks a button that submits a form and waits until the browser shows the new page,
    so the next lookup reads the answer rather than the page the form was on. The old page's
    window carries a marker; a loaded new document has a fresh window without it."""
    driver.execute_script("window.__corkboardOldPage = true")
    element.click()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if driver.execute_script(
                    "return window.__corkboardOldPage === undefined && document.readyState === 'complete'"):
                return
        except Exception:  # the old document went away mid-call: still navigating
            pass
        time.sleep(0.05)
    raise AssertionError(f"the page did not change within {timeout} s after the click")


def chrome(prefs: dict = None):
    """Headless Chromium (Debian's chromium and chromium-driver) through Selenium, accepting the
    stack's self-signed certificate; `prefs` are Chromium preferences (e.g. JavaScript off)."""
    if not (shutil.which("/usr/bin/chromium") and shutil.which("/usr/bin/chromedriver")):
        pytest.skip("chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--ignore-certificate-errors", "--window-size=1024,900"):
        options.add_argument(arg)
    if prefs:
        options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (`chrome()`)."""
    driver = chrome()
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def stack() -> Stack:
    path = Path(os.environ.get("CB_STACK_ENV", REPO / "var" / "test" / "stack.env"))
    if not path.exists():
        pytest.fail(f"{path} not found: start the stack first (CB_STACK=test scripts/stack.sh start)")
    return Stack(path)


def answered_by_nginx(status: int, body: bytes) -> bool:
    """Whether an answer is one of nginx's own refusals (public/errors/, chosen by
    nginx/corkboard-locations.conf's error_page): the application never sends those bytes."""
    pages = (REPO / "public" / "errors" / f"{status}.{kind}" for kind in ("html", "json"))
    return any(page.exists() and body == page.read_bytes() for page in pages)

