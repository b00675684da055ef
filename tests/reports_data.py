"""A small session with every kind of attendance, shared by the report tests."""

from datetime import timedelta

from attendance.models import Attendance

from .factories import NOW, gen_person, gen_session

INJECTION = "=HYPERLINK(\"http://evil.example\",\"x\")"


def attended(db, session, person, status, *, minutes=0, reason="", venue=None):
    db.add(Attendance(session_id=session.id, person_id=person.id,
                      venue_id=(venue or person.venue).id, status=status, method="manual",
                      at=session.starts_at + timedelta(minutes=minutes), absence_reason=reason))


def build(db):
    """Hall: 2 present, 1 late (07:50 local), 1 excused with a formula-like reason, 1 unexcused,
    1 never checked in. Bridge point 1: 1 present, 1 late checked in at the hall, 1 excused."""
    session = gen_session(db, signer_title="T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ",
                          signer_name="Trần Văn Ký")
    hall, point, _ = session.venues
    people = {}

    def person(key, venue, **kw):
        people[key] = gen_person(db, session, venue=venue, **kw)
        return people[key]

    attended(db, session, person("a", hall, full_name="Nguyễn Thị Ánh Tuyết"), "present",
             minutes=-10)
    attended(db, session, person("b", hall, full_name="Trần Văn Đức"), "present", minutes=-5)
    attended(db, session, person("late", hall, full_name="Lê Thị Hồng Nhung"), "late",
             minutes=20)
    attended(db, session, person("excused", hall, full_name="+84 Phạm Quốc Việt",
                                 position="@Phó Chủ tịch"), "absent_excused",
             reason=INJECTION)
    attended(db, session, person("unexcused", hall, full_name="Võ Minh Khải"),
             "absent_unexcused")
    person("missing", hall, full_name="Huỳnh Thị Ngọc Ẩn")
    attended(db, session, person("p1", point, full_name="Đặng Văn Lộc"), "present")
    attended(db, session, person("p2", point, full_name="Bùi Thị Thu Hằng"), "late",
             minutes=35, venue=hall)
    attended(db, session, person("p3", point, full_name="Dương Văn Ổn"), "absent_excused",
             reason="Ốm, nằm viện")
    db.flush()
    return session, people


__all__ = ["INJECTION", "NOW", "build"]
