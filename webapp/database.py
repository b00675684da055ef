"""Database set-up: Flask-SQLAlchemy, Alembic migrations, SQLite pragmas."""

import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import configure_mappers
from werkzeug.routing import IntegerConverter

from attendance.ids import MAX_ID

from .extensions import db, migrate

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
PING_AFTER_IDLE = 10.0  # seconds
AUTOCOMMIT = "autocommit"  # the bind key of the engine whose connections commit each statement


def init_db(app) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    sqlite = uri.startswith("sqlite")
    if sqlite:
        # Many gunicorn workers write at once: wait for the lock instead of failing at once.
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
        if uri.startswith("sqlite:///") and uri != "sqlite:///:memory:":
            Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    else:
        # An engine of its own, same database and options, for the statements that commit
        # themselves (a single check-in: see autocommit_engine).
        app.config.setdefault("SQLALCHEMY_BINDS", {}).setdefault(AUTOCOMMIT, {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"], "url": uri,
            "isolation_level": "AUTOCOMMIT"})
    db.init_app(app)
    # The ORM's mappers are set up on their first use, ~50 ms: do it now, while a gunicorn
    # worker starts, not inside the first request it serves.
    configure_mappers()
    if not sqlite:  # a server that may restart: see _ping_when_idle
        with app.app_context():
            for engine in db.engines.values():
                _ping_when_idle(engine, app.config.get("DB_PING_AFTER_IDLE", PING_AFTER_IDLE))
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    app.url_map.converters["int"] = RowIdConverter  # before any blueprint adds its rules


def autocommit_engine() -> Engine:
    """PostgreSQL only: the engine whose pooled connections stay in autocommit, for work done in
    one statement (a single check-in). Switching a connection of the main pool to autocommit
    and back for each request cost about 25 µs of the worker's CPU per scan (a twentieth of a
    check-in request, measured in-process); these connections are never switched."""
    return db.engines[AUTOCOMMIT]


def dispose_engines() -> None:
    """Close the pooled connections of every engine of the current app."""
    for engine in db.engines.values():
        engine.dispose()


def _ping_when_idle(engine, seconds: float) -> None:
    """Test a pooled connection before use when it has been idle ``seconds`` or more (the
    server may have restarted meanwhile); a dead one is replaced and the pool retries.

    This is SQLAlchemy's pessimistic disconnect handling, but without a round trip on every
    checkout: under load connections are never idle, and each check-in saves a ping. A restart
    in the middle of a busy minute surfaces once per connection as a 503 the client retries
    (webapp.errors), and SQLAlchemy empties the pool."""

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection, record, proxy):
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < seconds:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_connection.rollback()
        except Exception as error:  # any failure: let the pool open a fresh connection
            raise DisconnectionError() from error


class RowIdConverter(IntegerConverter):
    """<int:...> in URLs takes only ids an INTEGER column holds: a larger number is a 404,
    never a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL lets readers run beside the writer; synchronous=NORMAL in WAL keeps every commit
    atomic and consistent, and after a power cut may lose only the last commits (not corrupt);
    a process crash loses nothing. See README, Operations."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
