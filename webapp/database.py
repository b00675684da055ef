"""Database set-up: Flask-SQLAlchemy, Alembic migrations, SQLite pragmas."""

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from attendance.ids import MAX_ID

from .extensions import db, migrate

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def init_db(app) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    if not uri.startswith("sqlite"):
        # A server may have restarted since a pooled connection was opened: test it first.
        options.setdefault("pool_pre_ping", True)
    else:
        # Many gunicorn workers write at once: wait for the lock instead of failing at once.
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
        if uri.startswith("sqlite:///") and uri != "sqlite:///:memory:":
            Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    app.url_map.converters["int"] = RowIdConverter  # before any blueprint adds its rules


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
