"""An existing demo database (units named only, before 0005) comes forward without loss: its
units get codes and letterheads, its session its identity, and loading the demo again updates
that tree instead of doubling it."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from attendance import demo
from attendance.models import StudySession, Unit
from attendance.reports.letterhead import letterhead_for
from webapp.extensions import db

from .test_migrations import empty_database  # noqa: F401 - the fixture

pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
STARTS = datetime(2023, 10, 17, 0, 30)


def test_an_old_demo_database_comes_forward_and_reseeds_in_place(empty_database):  # noqa: F811
    app = empty_database
    with app.app_context():
        upgrade(revision="0004_scan_keys")
        table = sa.Table("units", sa.MetaData(), autoload_with=db.engine)
        sessions = sa.Table("study_sessions", sa.MetaData(), autoload_with=db.engine)
        # No explicit ids: PostgreSQL's sequences must stay ahead of the rows for the seed.
        with db.engine.begin() as connection:
            def unit(name, kind, parent_id=None):
                return connection.execute(table.insert().values(
                    name=name, kind=kind, parent_id=parent_id)).inserted_primary_key[0]
            province = unit("Tỉnh ủy Quảng Ngãi", "committee")
            town_id = unit("Thị ủy Đức Phổ", "committee", province)
            ward_id = unit("Đảng ủy phường Phổ Hòa", "party_committee", town_id)
            unit("Chi bộ Cơ quan Thị ủy", "party_cell", town_id)
            session_id = connection.execute(sessions.insert().values(
                title="Hội nghị cũ", plan_number="145-KH/TU", organizer_unit_id=town_id,
                starts_at=STARTS, ends_at=STARTS + timedelta(hours=4),
                timezone="Asia/Ho_Chi_Minh", mode="", presenter="", late_grace_minutes=15,
                checkin_opens_minutes=90, checkin_closes_minutes=240, checkin_window="auto",
                require_presence=False, created_at=STARTS)).inserted_primary_key[0]
        upgrade()
        old = db.session.get(StudySession, session_id)
        town = db.session.get(Unit, town_id)
        assert (town.code, town.letterhead, town.place) == (
            f"U{town_id}", "THỊ ỦY ĐỨC PHỔ", "Đức Phổ")
        assert db.session.get(Unit, ward_id).kind == "committee"
        assert old.plan_issuer == "Ban Thường vụ Thị ủy Đức Phổ"
        head = letterhead_for(old, on=STARTS.date())
        assert (head.superior, head.committee_line, head.number) == (
            "ĐẢNG BỘ TỈNH QUẢNG NGÃI", "THỊ ỦY ĐỨC PHỔ", "Số      -BC/TU")

        demo.seed(db.session, now=STARTS.replace(tzinfo=timezone.utc), starts_at=None)
        db.session.commit()
        # No unit doubled: names are unique among siblings (every ward has its "Chi bộ tổ dân
        # phố 1"), and each of the demo's own units is there once.
        pairs = db.session.execute(sa.select(Unit.parent_id, Unit.name)).all()
        assert len(pairs) == len(set(pairs))
        demo_names = {row[1] for row in demo.unit_rows()}
        assert sum(name in demo_names for _, name in pairs) == len(demo.unit_rows())
        assert db.session.get(Unit, town_id).code == f"U{town_id}"  # kept, with the demo's fields
        assert db.session.get(Unit, ward_id).symbol == "ĐU"
        assert db.session.get(StudySession, session_id).title == "Hội nghị cũ"
        db.session.remove()
        db.engine.dispose()
