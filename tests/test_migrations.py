"""The migrations build exactly the schema the models describe (tests use create_all), and a
database filled at the first migration keeps its data when upgraded to head."""

import os
import secrets
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy.engine import make_url

from attendance.models import Base, User
from webapp import create_app
from webapp.config import _sqlalchemy_url
from webapp.database import dispose_engines
from webapp.extensions import db
from tests.factories import SECRET_KEY

from .conftest import POSTGRES_URL

# migrations/env.py (Flask-Migrate's template) tries Flask-SQLAlchemy's deprecated get_engine()
# first.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


def _fresh_app(tmp_path, monkeypatch):
    # Always a fresh SQLite file: the shared test database is built by create_all.
    monkeypatch.setenv("DIEMCAU_INSTANCE", str(tmp_path / "instance"))
    return create_app({"TESTING": True, "SECRET_KEY": SECRET_KEY,
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


# ---- Data written at the first migration survives the upgrade to head ---------------------
# (SQLite always; PostgreSQL when DATABASE_URL points at it, in a schema of its own.)

FIRST = "f5785e670746"
STARTS = datetime(2023, 10, 17, 0, 30)  # 07:30 in Hà Nội, stored as naive UTC


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request, tmp_path, monkeypatch):
    """An app on an empty database that no create_all touched."""
    monkeypatch.setenv("DIEMCAU_INSTANCE", str(tmp_path / "instance"))
    if request.param == "sqlite":
        app = create_app({"TESTING": True, "SECRET_KEY": SECRET_KEY,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
        yield app
        _close_pools(app)
        return
    schema = f"migrations_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(_sqlalchemy_url(POSTGRES_URL))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(_sqlalchemy_url(POSTGRES_URL)).update_query_dict(
        {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    app = None
    try:
        app = create_app({"TESTING": True, "SECRET_KEY": SECRET_KEY,
                          "SQLALCHEMY_DATABASE_URI": url})
        yield app
    finally:
        if app is not None:
            _close_pools(app)  # the test's requests left pooled connections to this schema
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _close_pools(app) -> None:
    with app.app_context():
        dispose_engines()


def _fill_at_first_revision(connection) -> None:
    """Rows as the first schema had them: tables reflected from the database itself, so the
    inserts know nothing of today's models."""
    meta = sa.MetaData()
    table = {name: sa.Table(name, meta, autoload_with=connection)
             for name in ("study_sessions", "venues", "categories", "expected_counts", "people",
                          "users", "attendances", "scan_attempts")}

    def insert(name, *rows):
        connection.execute(table[name].insert(), list(rows))

    insert("study_sessions", dict(
        id=1, title="Hội nghị quán triệt Kết luận 57-KL/TW", plan_number="145-KH/TU",
        starts_at=STARTS, ends_at=STARTS + timedelta(hours=4), timezone="Asia/Ho_Chi_Minh",
        mode="hybrid", presenter="Trưởng Ban Tuyên giáo Tỉnh ủy", late_grace_minutes=15,
        checkin_opens_minutes=60, checkin_closes_minutes=120, checkin_window="auto",
        require_presence=False, created_at=STARTS - timedelta(days=7)))
    place = dict(session_id=1, address="", coordinator_name="", coordinator_phone="",
                 readiness="not_ready", readiness_note="")
    insert("venues",
           dict(place, id=1, kind="hall", name="Hội trường UBND thị xã", position=0, code="h1"),
           dict(place, id=2, kind="bridge_point", name="Điểm cầu phường Phổ Minh", position=1,
                code="b2"))
    insert("categories",
           dict(id=1, session_id=1, venue_kind="hall", name="Thường trực Thị ủy", position=0,
                headcount_only=False),
           dict(id=2, session_id=1, venue_kind="bridge_point", name="Đảng ủy viên", position=0,
                headcount_only=False))
    insert("expected_counts", dict(venue_id=1, category_id=1, expected=3),
           dict(venue_id=2, category_id=2, expected=2))
    person = dict(session_id=1, position="", unit_name="", party_member=True, card_version=1,
                  walk_in=False, created_at=STARTS - timedelta(days=2))
    insert("people",
           dict(person, id=1, full_name="Trần Thị Hường", search_name="tran thi huong",
                phone="0912345678", category_id=1, venue_id=1),
           dict(person, id=2, full_name="Lê Văn Đức", search_name="le van duc", phone="",
                category_id=1, venue_id=1),
           dict(person, id=3, full_name="Phạm Minh Tâm", search_name="pham minh tam",
                phone="0987654321", category_id=2, venue_id=2))
    insert("users", dict(id=1, username="letan", full_name="Lễ tân", password_hash="x",
                         role="staff", venue_id=1, active=True, created_at=STARTS))
    attendance = dict(session_id=1, method="card", recorded_by_id=1, device="phone",
                      absence_reason="")
    insert("attendances",
           dict(attendance, id=1, person_id=1, venue_id=1, status="present",
                at=STARTS - timedelta(minutes=20), nonce="n-1"),
           dict(attendance, id=2, person_id=3, venue_id=2, status="late",
                at=STARTS + timedelta(minutes=25), nonce="n-2"))
    insert("scan_attempts", dict(id=1, session_id=1, nonce="n-1", venue_id=1, person_id=1,
                                 outcome="accepted", code="ok", method="card", actor_id=1,
                                 device="phone", received_at=STARTS - timedelta(minutes=20)))


def test_data_filled_at_the_first_migration_is_intact_at_head(empty_database):
    from attendance.figures.summary import summarize
    from attendance.models import Attendance, Person, StudySession

    app = empty_database
    with app.app_context():
        upgrade(revision=FIRST)
        with db.engine.begin() as connection:
            _fill_at_first_revision(connection)
        upgrade()
        with db.engine.connect() as connection:
            assert _differences(connection) == []

        session = db.session.get(StudySession, 1)
        assert session.title == "Hội nghị quán triệt Kết luận 57-KL/TW"
        assert session.starts_at == STARTS.replace(tzinfo=timezone.utc)
        assert [(v.name, v.kind, v.code) for v in session.venues] == [
            ("Hội trường UBND thị xã", "hall", "h1"),
            ("Điểm cầu phường Phổ Minh", "bridge_point", "b2")]
        assert sorted(c.name for c in session.categories) == ["Thường trực Thị ủy",
                                                              "Đảng ủy viên"]
        people = db.session.scalars(sa.select(Person).order_by(Person.id)).all()
        assert [(p.full_name, p.phone, p.venue_id) for p in people] == [
            ("Trần Thị Hường", "0912345678", 1), ("Lê Văn Đức", "", 1),
            ("Phạm Minh Tâm", "0987654321", 2)]
        rows = db.session.scalars(sa.select(Attendance).order_by(Attendance.id)).all()
        assert [(a.person_id, a.status, a.at) for a in rows] == [
            (1, "present", (STARTS - timedelta(minutes=20)).replace(tzinfo=timezone.utc)),
            (3, "late", (STARTS + timedelta(minutes=25)).replace(tzinfo=timezone.utc))]
        totals = summarize(db.session, session, list(session.venues)).totals
        assert (totals.expected, totals.present, totals.late) == (5, 2, 1)
        # The staff account's one venue became its assignment for that venue's session.
        staff = db.session.scalar(sa.select(User).where(User.username == "letan"))
        assert [(a.session_id, a.venue_id) for a in staff.assignments] == [(1, 1)]
        db.session.remove()
        db.engine.dispose()


def test_upgrade_to_head_matches_the_models_on_every_database(empty_database):
    with empty_database.app_context():
        upgrade()
        with db.engine.connect() as connection:
            assert _differences(connection) == []
        db.engine.dispose()
