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
        with db.engine.begin() as connection:
            connection.execute(table.insert(), [
                dict(id=1, name="Tỉnh ủy Quảng Ngãi", kind="committee", parent_id=None),
                dict(id=2, name="Thị ủy Đức Phổ", kind="committee", parent_id=1),
                dict(id=3, name="Đảng ủy phường Phổ Hòa", kind="party_committee", parent_id=2),
                dict(id=4, name="Chi bộ Cơ quan Thị ủy", kind="party_cell", parent_id=2)])
            connection.execute(sessions.insert(), [dict(
                id=1, title="Hội nghị cũ", plan_number="145-KH/TU", organizer_unit_id=2,
                starts_at=STARTS, ends_at=STARTS + timedelta(hours=4),
                timezone="Asia/Ho_Chi_Minh", mode="", presenter="", late_grace_minutes=15,
                checkin_opens_minutes=90, checkin_closes_minutes=240, checkin_window="auto",
                require_presence=False, created_at=STARTS)])
        upgrade()
        old = db.session.get(StudySession, 1)
        town = db.session.get(Unit, 2)
        assert (town.code, town.letterhead, town.place) == ("U2", "THỊ ỦY ĐỨC PHỔ", "Đức Phổ")
        assert db.session.get(Unit, 3).kind == "committee"
        assert old.plan_issuer == "Ban Thường vụ Thị ủy Đức Phổ"
        head = letterhead_for(old, on=STARTS.date())
        assert (head.superior, head.committee_line, head.number) == (
            "ĐẢNG BỘ TỈNH QUẢNG NGÃI", "THỊ ỦY ĐỨC PHỔ", "Số:       -BC/TU")

        demo.seed(db.session, now=STARTS.replace(tzinfo=timezone.utc), starts_at=None)
        db.session.commit()
        names = db.session.scalars(sa.select(Unit.name)).all()
        assert len(names) == len(set(names)) == len(demo.unit_rows())  # no unit doubled
        assert db.session.get(Unit, 2).code == "U2"  # kept its code, now with the demo's fields
        assert db.session.get(Unit, 3).symbol == "ĐU"
        assert db.session.get(StudySession, 1).title == "Hội nghị cũ"
        db.session.remove()
        db.engine.dispose()
