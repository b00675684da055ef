"""The migrations build exactly the schema the models describe (tests use create_all)."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from attendance.models import Base
from webapp import create_app
from webapp.extensions import db

# migrations/env.py (Flask-Migrate's template) tries Flask-SQLAlchemy's deprecated get_engine()
# first.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


def _fresh_app(tmp_path, monkeypatch):
    # Always a fresh SQLite file: the shared test database is built by create_all.
    monkeypatch.setenv("DIEMCAU_INSTANCE", str(tmp_path / "instance"))
    return create_app({"TESTING": True, "SECRET_KEY": "x",
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.sqlite3'}"})


def _differences(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


def test_upgrade_to_head_matches_the_models(tmp_path, monkeypatch):
    app = _fresh_app(tmp_path, monkeypatch)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            assert _differences(connection) == []
        db.engine.dispose()


def test_makeup_migration_goes_down_and_up(tmp_path, monkeypatch):
    app = _fresh_app(tmp_path, monkeypatch)
    with app.app_context():
        upgrade()
        downgrade(revision="f5785e670746")
        with db.engine.connect() as connection:
            tables = {diff[1].name for diff in _differences(connection) if diff[0] == "add_table"}
        assert {"makeup_sessions", "makeup_attendances"} <= tables
        upgrade()
        with db.engine.connect() as connection:
            assert _differences(connection) == []
        db.engine.dispose()
