"""Test data factories: sensible defaults, override anything with keyword arguments."""

import itertools
from datetime import datetime, timedelta, timezone

from attendance.accounts import users as accounts
from attendance.models import (
    BRIDGE_POINT,
    HALL,
    Category,
    ExpectedCount,
    Person,
    StudySession,
    Venue,
)
from attendance.text import fold

NOW = datetime(2026, 11, 27, 0, 0, tzinfo=timezone.utc)  # 07:00 in Hà Nội
PASSWORD = "correct-horse-42"
# 32 random bytes: the app refuses to start with less (webapp.config.check_secret_key)
SECRET_KEY = "5f0c2b8e9a71d4c36e8b0f2a9d17c4e5b3a6f8d09c2e4b7a1f5d8c3e6a9b0d2f"
_seq = itertools.count(1)


def gen_session(db, *, bridge_points=2, now=NOW, **kwargs) -> StudySession:
    """A session starting in 30 minutes with a hall, bridge points and two categories each."""
    fields = dict(title="Hội nghị quán triệt Kết luận 57-KL/TW", plan_number="145-KH/TU",
                  starts_at=now + timedelta(minutes=30), ends_at=now + timedelta(hours=4),
                  created_at=now)
    fields.update(kwargs)
    session = StudySession(**fields)
    db.add(session)
    n = next(_seq)
    venues = [Venue(session=session, kind=HALL, name="Hội trường UBND thị xã", position=0,
                    code=f"hall-{n}")]
    for i in range(1, bridge_points + 1):
        venues.append(Venue(session=session, kind=BRIDGE_POINT, name=f"Điểm cầu phường {i}",
                            position=i, code=f"bp-{n}-{i}"))
    categories = [
        Category(session=session, venue_kind=HALL, name="Thường trực Thị ủy", position=0),
        Category(session=session, venue_kind=HALL, name="Báo cáo viên Thị ủy", position=1),
        Category(session=session, venue_kind=BRIDGE_POINT, name="Đảng ủy viên", position=0),
        Category(session=session, venue_kind=BRIDGE_POINT, name="Các thành phần khác",
                 position=1, headcount_only=True),
    ]
    db.add_all(venues + categories)
    db.flush()
    for venue in venues:
        for category in session.categories_for(venue.kind):
            db.add(ExpectedCount(venue=venue, category=category, expected=5))
    db.flush()
    return session


def gen_person(db, session: StudySession, *, venue: Venue | None = None, **kwargs) -> Person:
    venue = venue or session.venues[0]
    category = kwargs.pop("category", None) or session.categories_for(venue.kind)[0]
    n = next(_seq)
    fields = dict(full_name=f"Nguyễn Văn Thử {n}", position="Chuyên viên", unit_name="Văn phòng",
                  phone=f"09{n:08d}", party_member=True, created_at=NOW)
    fields.update(kwargs)
    fields.setdefault("search_name", fold(fields["full_name"]))
    person = Person(session=session, venue=venue, category=category, **fields)
    db.add(person)
    db.flush()
    return person


def gen_user(db, *, role="organizer", venue=None, unit_id=None, username=None, **kwargs):
    username = username or f"{role}{next(_seq)}"
    return accounts.create_user(db, username=username, role=role, password=PASSWORD,
                                venue_id=venue.id if venue else None, unit_id=unit_id,
                                now=NOW, **kwargs)
