"""Fixtures: an app on a fresh database per test (SQLite file, or the PostgreSQL database in
DATABASE_URL, emptied between tests), its client and CLI runner, and factories."""

import os

import pytest
from flask import g
from sqlalchemy import MetaData, create_engine, text

from attendance.models import Base
from webapp import create_app
from webapp.database import dispose_engines
from webapp.extensions import db as _db

from . import factories

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgres")


def pytest_collection_modifyitems(config, items):
    # Under CI=true, a test that needs PostgreSQL or a browser must run: never skip quietly.
    if os.environ.get("CI") == "true":
        return
    if not ON_POSTGRES:
        skip = pytest.mark.skip(reason="needs DATABASE_URL pointing at PostgreSQL")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)
    missing = _browser_missing()
    if missing:
        skip = pytest.mark.skip(reason=f"browser tests need {missing}")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


def _browser_missing() -> str | None:
    import importlib.util

    if importlib.util.find_spec("playwright") is None:
        return "Playwright (pip install playwright)"
    if not os.path.exists("/usr/bin/chromium"):
        return "Chromium (apt-get install chromium)"
    return None


def _database_uri(tmp_path) -> str:
    if ON_POSTGRES:
        from webapp.config import _sqlalchemy_url

        return _sqlalchemy_url(POSTGRES_URL)
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture(scope="session", autouse=True)
def _postgres_tables_as_the_models_say():
    """On PostgreSQL the tests share DATABASE_URL's tables (emptied between tests). Tables left
    by an earlier run of an older schema would survive ``create_all`` (which creates only what
    is missing), and the tests would run against yesterday's constraints: drop whatever tables
    are there once, before the first test."""
    if not ON_POSTGRES:
        return
    from webapp.config import _sqlalchemy_url

    engine = create_engine(_sqlalchemy_url(POSTGRES_URL))
    try:
        found = MetaData()
        found.reflect(engine)
        found.drop_all(engine)
    finally:
        engine.dispose()


@pytest.fixture
def app_config(tmp_path):
    """Override keys here (or extend the dict in a test) before ``app`` is built."""
    return {
        "TESTING": True,
        "SECRET_KEY": factories.SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": _database_uri(tmp_path),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,  # tests/test_rate_limits.py turns it on
    }


def _fresh_login_cache() -> None:
    """A test holds one app context from start to end, and Flask reuses it for every request
    made meanwhile (by the test client or schemathesis); so Flask-Login's copy of the signed-in
    user in ``g`` would outlive its request (a locked user or revoked token would linger, a
    request without credentials would pass as the previous one's user). A server's requests
    each get a fresh ``g``: so do these."""
    g.pop("_login_user", None)


@pytest.fixture
def app(app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("DIEMCAU_INSTANCE", str(tmp_path / "instance"))
    app = create_app(app_config)
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_login_cache)
    with app.app_context():
        if ON_POSTGRES:
            Base.metadata.create_all(_db.engine)
            _truncate_all()
        else:
            Base.metadata.create_all(_db.engine)
        yield app
        _db.session.remove()
        if ON_POSTGRES:
            _truncate_all()
        dispose_engines()


def _truncate_all():
    """Empty every table (children first) and restart the id sequences. DELETE of the few rows
    a test leaves takes about 40 ms; TRUNCATE of all the tables took 0.4-0.5 s, twice a test."""
    with _db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        sequences = conn.scalars(text(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")).all()
        for name in sequences:
            conn.execute(text(f'ALTER SEQUENCE "{name}" RESTART'))


@pytest.fixture
def another_app(app_config, tmp_path, monkeypatch):
    """Build more apps (another worker, other settings): ``another_app(config=None,
    instance=None)``. Each one's pooled connections are closed when the test ends (an app left
    to the garbage collector leaves PostgreSQL connections open)."""
    built = []

    def build(config: dict | None = None, instance: str | None = None):
        if instance is not None:
            monkeypatch.setenv("DIEMCAU_INSTANCE", str(tmp_path / instance))
        other = create_app(config if config is not None else app_config)
        built.append(other)
        return other
    yield build
    for other in built:
        with other.app_context():
            dispose_engines()


@pytest.fixture
def db(app):
    return _db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_session(db):
    def make(**kwargs):
        session = factories.gen_session(db, **kwargs)
        db.commit()
        return session
    return make


@pytest.fixture
def make_person(db):
    def make(session, **kwargs):
        person = factories.gen_person(db, session, **kwargs)
        db.commit()
        return person
    return make


@pytest.fixture
def make_user(db):
    def make(**kwargs):
        user = factories.gen_user(db, **kwargs)
        db.commit()
        return user
    return make


@pytest.fixture
def login(client):
    """Sign a user in through the real form; returns the client."""
    def sign_in(user, password=factories.PASSWORD):
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return sign_in


@pytest.fixture
def bearer(db):
    """Headers with a fresh API token of ``user``."""
    from attendance.accounts import users as accounts

    def headers(user):
        token = accounts.issue_api_token(db, user, now=factories.NOW)
        db.commit()
        return {"Authorization": f"Bearer {token}"}
    return headers
