"""A production layout on loopback for the tests beyond one process (tests/test_redis.py,
tests/test_two_nodes.py): redis-server, gunicorn app nodes, the job worker and nginx in front,
each started as its own process on a free 127.0.0.1 port and stopped by its own PID.

    with Deployment(tmp_path) as d:
        redis = d.redis()                       # redis://127.0.0.1:PORT
        a = d.node(RATELIMIT_STORAGE_URI=redis)  # gunicorn, 4 sync workers
        d.worker(JOBS_REDIS_URL=redis)
        front = d.nginx([a, b])

The database is a fresh SQLite file, or a schema of its own in DATABASE_URL's PostgreSQL (the
other tests' tables are never touched). ``d.data`` holds a session with an open check-in
window, 300 people's card tokens, an organizer and their API token, and the API tokens of
two viewers ("limited", "revoked") for the tests that use them up.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.conftest import ON_POSTGRES, POSTGRES_URL
from tests.factories import PASSWORD, SECRET_KEY

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

SETUP = """
import json
from datetime import datetime, timezone
from attendance.accounts import users as accounts
from attendance.checkin import tokens
from tests import factories
from webapp import create_app
from webapp.extensions import db
from flask_migrate import upgrade
app = create_app()
with app.app_context():
    upgrade()  # what init-db runs, in this one process (an app's import costs seconds here)
    now = datetime.now(timezone.utc)
    session = factories.gen_session(db.session, now=now, checkin_window="open")
    people = [factories.gen_person(db.session, session) for _ in range(300)]
    user = factories.gen_user(db.session, role="organizer")
    token = accounts.issue_api_token(db.session, user, now=now)
    viewers = {name: factories.gen_user(db.session, role="viewer", username=name)
               for name in ("limited", "revoked")}
    others = {name: accounts.issue_api_token(db.session, u, now=now)
              for name, u in viewers.items()}
    db.session.commit()
    key = tokens.derive_key(app.config["SECRET_KEY"], "card")
    print(json.dumps({"session": session.id, "venue": session.venues[0].id, "token": token,
                      "username": user.username, "user_id": user.id, "viewers": others,
                      "cards": {p.id: tokens.card_token(key, session.id, p.id, 1)
                                for p in people}}))
"""

NGINX_CONF = """
{user}
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream nodes {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 10m;
        location / {{
            proxy_pass http://nodes;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float, what: str, process=None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within {seconds} s")


def request(port: int, method: str, path: str, *, token: str | None = None, body=None,
            headers: dict | None = None, timeout: float = 20) -> tuple[int, list, bytes]:
    """(status, [(header, value)], body) of one request on a new connection (so a sync
    worker is free to take the next one)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
        sent["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


class Deployment:
    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.processes: list[subprocess.Popen] = []
        self._cleanup = None
        self.url = self._database()
        # One instance folder for every node and the worker: it stands for the folder they
        # all mount (JOBS_FOLDER, uploads) and holds the SQLite queue when Redis is not set.
        self.env = {**os.environ, "DIEMCAU_INSTANCE": str(tmp_path / "instance"),
                    "DATABASE_URL": self.url, "SECRET_KEY": SECRET_KEY}
        for name in ("JOBS_REDIS_URL", "RATELIMIT_STORAGE_URI", "PROMETHEUS_MULTIPROC_DIR"):
            self.env.pop(name, None)
        setup = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=self.env,
                               check=True, capture_output=True, text=True)
        self.data = json.loads(setup.stdout.strip().splitlines()[-1])

    def _database(self) -> str:
        from webapp.config import _sqlalchemy_url

        if not ON_POSTGRES:
            return f"sqlite:///{self.tmp / 'deploy.sqlite3'}"
        from sqlalchemy.engine import make_url

        schema = f"deploy_{os.getpid()}_{time.time_ns() % 10**9}"
        engine = create_engine(_sqlalchemy_url(POSTGRES_URL))
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))

        def drop():
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
        self._cleanup = drop
        return make_url(_sqlalchemy_url(POSTGRES_URL)).update_query_dict(
            {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)

    def _spawn(self, args, env=None, **kwargs) -> subprocess.Popen:
        process = subprocess.Popen(args, cwd=ROOT, env=env or self.env, start_new_session=True,
                                   **kwargs)
        self.processes.append(process)
        return process

    def redis(self) -> str:
        port = free_port()
        folder = self.tmp / f"redis-{port}"
        folder.mkdir()
        process = self._spawn([REDIS, "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no", "--dir", str(folder)],
                              stdout=subprocess.DEVNULL)
        wait_for_port(port, 10, "redis-server", process)
        return f"redis://127.0.0.1:{port}/0"

    def node(self, workers: int = 4, **env) -> int:
        """A gunicorn app node (as README's systemd unit runs it); its port once /healthz
        answers."""
        return self.nodes(1, workers, **env)[0]

    def nodes(self, count: int, workers: int = 2, own_instance: bool = False,
              **env) -> list[int]:
        """``count`` nodes started side by side. ``own_instance``: each with an instance
        folder of its own (as on separate machines), sharing only JOBS_FOLDER."""
        started = []
        for _ in range(count):
            port = free_port()
            node_env = {**self.env, **env,
                        "PROMETHEUS_MULTIPROC_DIR": str(self._folder(f"metrics-{port}"))}
            if own_instance:
                node_env["DIEMCAU_INSTANCE"] = str(self._folder(f"node-{port}"))
            started.append((port, self._spawn(
                [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket",
                 "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "error",
                 "webapp:create_app()"], env=node_env)))
        deadline = time.monotonic() + 60  # a busy 2-core machine can take a while
        for port, process in started:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited with {process.returncode}")
                try:
                    if request(port, "GET", "/healthz", timeout=1)[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer /healthz within 60 s")
                time.sleep(0.1)
        return [port for port, _ in started]

    def worker(self, own_instance: bool = False, **env) -> Path:
        """The job worker (`flask --app webapp jobs-worker`), as its own service; the file
        its output goes to."""
        log = self.tmp / f"worker-{len(self.processes)}.log"
        if own_instance:
            env["DIEMCAU_INSTANCE"] = str(self._folder(f"worker-{len(self.processes)}"))
        with open(log, "wb") as out:
            self._spawn([str(BIN / "flask"), "--app", "webapp", "jobs-worker", "--workers", "1"],
                        env={**self.env, **env}, stdout=out, stderr=subprocess.STDOUT)
        return log

    def flask(self, *args: str, **env) -> str:
        done = subprocess.run([str(BIN / "flask"), "--app", "webapp", *args], cwd=ROOT,
                              env={**self.env, **env}, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def nginx(self, upstreams: list[int]) -> int:
        folder = self._folder("nginx")
        port = free_port()
        user = "user root;" if os.geteuid() == 0 else ""  # temp files in a root-only folder
        servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstreams)
        (folder / "nginx.conf").write_text(NGINX_CONF.format(
            user=user, dir=folder, port=port, servers=servers))
        process = self._spawn([NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)],
                              stderr=subprocess.DEVNULL)
        wait_for_port(port, 10, "nginx", process)
        return port

    def count(self, sql: str) -> int:
        from webapp.config import _sqlalchemy_url

        engine = create_engine(_sqlalchemy_url(self.url))
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql)).scalar()
        finally:
            engine.dispose()

    def sign_in(self, port: int) -> "Browser":
        """A browser-like client signed in as the organizer on this node."""
        browser = Browser(port)
        form = browser.get("/login")[2].decode()
        browser.post("/login", {"csrf_token": csrf(form), "username": self.data["username"],
                                "password": PASSWORD})
        assert "session" in browser.cookies, "sign-in gave no session cookie"
        return browser

    def _folder(self, name: str) -> Path:
        folder = self.tmp / name
        folder.mkdir(exist_ok=True)
        return folder

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for process in reversed(self.processes):
            if process.poll() is None:
                # nginx stops gracefully on SIGQUIT, the others on SIGTERM; each by its PID
                is_nginx = process.args[0] == NGINX
                os.killpg(process.pid, signal.SIGQUIT if is_nginx else signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        if self._cleanup:
            self._cleanup()
        return False


def csrf(html: str) -> str:
    found = (re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
             or re.search(r'name="csrf_token" value="([^"]+)"', html)
             or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html))
    assert found, "no CSRF token in the page"
    return found[1]


class Browser:
    """Cookies kept across requests to one port; redirects are not followed."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def _send(self, method, path, body=None, headers=None):
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        status, answer, data = request(self.port, method, path, body=body, headers=sent)
        for cookie in (v for k, v in answer if k.lower() == "set-cookie"):
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return status, answer, data

    def get(self, path):
        return self._send("GET", path)

    def post(self, path, form: dict):
        return self._send("POST", path, body=urllib.parse.urlencode(form),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
