"""Browser tests: the real app served on a free 127.0.0.1 port, driven by headless Chromium.

- ``live``: one server for the whole test session (werkzeug in a thread, CSRF on, as in
  production). On SQLite it has its own temporary database file. On PostgreSQL (DATABASE_URL)
  it uses its own schema in that database, because the unit-test fixtures truncate the tables
  of the default schema between tests; the schema is dropped at the end.
  Data is shared by all browser tests: each test creates what it needs (``live.make_user``,
  ``live.make_session``, ``live.make_person``) and must not rely on what others made.
- ``browser`` / ``page``: Chromium launched as docs (testing.md) say; ``page`` is a fresh
  context per test. ``expect`` waits up to 15 s. ``chromium_with_camera(y4m_path)`` launches one with a fake camera
  (see tests/browser/camera.py).
- ``screenshot(page, name)`` saves test-artifacts/NAME.png.
Without Chromium or Playwright these tests are skipped, except under CI=true (tests/conftest.py).
"""

import os
import secrets
import shutil
import tempfile
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from attendance.models import Base
from webapp import create_app
from webapp.config import _sqlalchemy_url
from webapp.database import dispose_engines
from webapp.extensions import db as _db

from .. import factories

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    # Without this Chromium sends DNS queries off the machine; tests talk only to 127.0.0.1.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = factories.PASSWORD


class LiveServer:
    """The running app and helpers that put data into its database."""

    def __init__(self, app, url):
        self.app = app
        self.url = url

    def _create(self, build):
        with self.app.app_context():
            obj = build(_db.session)
            _db.session.commit()
            snapshot = _snapshot(obj)
            _db.session.remove()
            return snapshot

    def make_user(self, **kwargs):
        """A user (default organizer) whose password is ``PASSWORD``; returns a snapshot."""
        return self._create(lambda db: factories.gen_user(db, **kwargs))

    def make_session(self, **kwargs):
        """A session (see factories.gen_session); snapshot with ``venues`` and ``categories``."""
        return self._create(lambda db: factories.gen_session(db, **kwargs))

    def make_person(self, session_id, **kwargs):
        from attendance.models import StudySession

        def build(db):
            return factories.gen_person(db, db.get(StudySession, session_id), **kwargs)
        return self._create(build)

    def query(self, func):
        """Run ``func(db_session)`` inside the app and return its result (plain values only)."""
        with self.app.app_context():
            try:
                return func(_db.session)
            finally:
                _db.session.remove()


def _snapshot(obj):
    """Column values (and venues/categories of a session) that stay readable after commit."""
    values = {c.key: getattr(obj, c.key) for c in obj.__table__.columns}
    for name in ("venues", "categories"):
        if hasattr(obj, name):
            values[name] = [_snapshot(child) for child in getattr(obj, name)]
    return SimpleNamespace(**values)


def _postgres_schema_url(base_url: str, schema: str) -> str:
    url = make_url(_sqlalchemy_url(base_url))
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    base = tmp_path_factory.mktemp("live")
    database_url = os.environ.get("DATABASE_URL", "")
    schema = None
    if database_url.startswith("postgres"):
        schema = f"browser_{os.getpid()}_{secrets.token_hex(3)}"
        admin = create_engine(_sqlalchemy_url(database_url))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        uri = _postgres_schema_url(database_url, schema)
    else:
        uri = f"sqlite:///{base / 'live.sqlite3'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DIEMCAU_INSTANCE", str(base / "instance"))
        app = create_app({"SECRET_KEY": factories.SECRET_KEY, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        Base.metadata.create_all(_db.engine)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
        with app.app_context():
            dispose_engines()
        if schema:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


@pytest.fixture(scope="session")
def browser_home():
    """HOME, XDG and TMPDIR of the browser: a throw-away folder."""
    home = Path(tempfile.mkdtemp(prefix="diemcau-chromium-"))
    yield home
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def playwright_instance(browser_home):
    from playwright.sync_api import expect, sync_playwright

    # expect() has its own timeout (5 s by default, not the context's): generous for a busy
    # 2-core CI machine, so a slow answer waits instead of failing.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        yield playwright


def _launch(playwright, home: Path, extra_args=()):
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_CACHE_HOME=str(home / "cache"), TMPDIR=str(home))
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS + list(extra_args), env=env)


@pytest.fixture(scope="session")
def browser(playwright_instance, browser_home):
    browser = _launch(playwright_instance, browser_home)
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    """A fresh context (no cookies) at phone-friendly laptop size; 15 s default timeout."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def chromium_with_camera(playwright_instance, browser_home):
    """``launch(y4m_path)`` -> a Chromium whose camera shows that file; closed after the test.

    Grant the camera to the page's origin: ``browser.new_context(permissions=["camera"])``.
    """
    launched = []

    def launch(y4m_path):
        browser = _launch(playwright_instance, browser_home, [
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={y4m_path}"])
        launched.append(browser)
        return browser

    yield launch
    for browser in launched:
        browser.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, "name")`` saves test-artifacts/name.png (full page) and returns it."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return take


@pytest.fixture
def sign_in(live):
    """``sign_in(page, user)`` signs in through the real login form (CSRF included)."""
    def submit(page, user, password=PASSWORD):
        page.goto(f"{live.url}/login")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("form button[type=submit]:not(.compact)")
        page.wait_for_url(lambda url: "/login" not in url)
        return page
    return submit
