"""Make-up study (học bù): who missed the session and later made it up.

Only people who were absent (no attendance, or marked absent) can make up; a person makes up a
session once. The summaries count them as "made up" beside the absences (attendance.summary).
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from attendance import audit, permissions
from attendance.errors import Forbidden, ValidationError
from attendance.models import (
    ATTENDED,
    Attendance,
    MakeupAttendance,
    MakeupSession,
    Person,
    StudySession,
    Unit,
    User,
)
from attendance.text import clean

NOTE_MAX = 500


@dataclass
class Absentee:
    person: Person
    status: str | None  # absent_excused, absent_unexcused, or None (never came)
    reason: str
    made_up_on: date | None


def _absent(session: StudySession, venue_id: int | None, person_ids: list[int] | None, *columns):
    query = (select(*columns)
             .outerjoin(Attendance, (Attendance.person_id == Person.id)
                        & (Attendance.session_id == Person.session_id))
             .where(Person.session_id == session.id,
                    (Attendance.status.is_(None)) | (Attendance.status.not_in(ATTENDED))))
    if venue_id is not None:
        query = query.where(Person.venue_id == venue_id)
    if person_ids is not None:
        query = query.where(Person.id.in_(person_ids))
    return query


def absentees(db: Session, session: StudySession, *, venue_id: int | None = None,
              person_ids: list[int] | None = None, limit: int | None = None,
              offset: int = 0) -> list[Absentee]:
    """Everyone on the roster (of one venue, or of these people) who did not attend, with
    the day they made up (if they did), in venue and name order; ``limit`` of them from
    ``offset`` (a national session has some 48,000)."""
    query = (_absent(session, venue_id, person_ids, Person, Attendance.status,
                     Attendance.absence_reason, MakeupSession.held_on)
             .outerjoin(MakeupAttendance, (MakeupAttendance.person_id == Person.id)
                        & (MakeupAttendance.session_id == Person.session_id))
             .outerjoin(MakeupSession, MakeupSession.id == MakeupAttendance.makeup_id)
             .order_by(Person.venue_id, Person.search_name, Person.id)
             .options(joinedload(Person.venue)))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [Absentee(person, status, reason or "", held_on)
            for person, status, reason, held_on in db.execute(query)]


def count_absentees(db: Session, session: StudySession, *, venue_id: int | None = None) -> int:
    return db.scalar(_absent(session, venue_id, None, func.count(Person.id)))


def record_makeup(db: Session, *, session: StudySession, held_on: date | None,
                  person_ids: list[int], now: datetime, actor: User, unit_id: int | None = None,
                  note: str = "") -> MakeupSession:
    """Record a make-up sitting and who attended it; audited; flushes."""
    if not permissions.can_manage_session(actor, session):
        raise Forbidden()
    errors = {}
    if not isinstance(held_on, date):
        errors["held_on"] = "bad_date"
    elif held_on < session.local_start.date():
        errors["held_on"] = "before_session"
    if unit_id is not None and db.get(Unit, unit_id) is None:
        errors["unit_id"] = "bad_choice"
    note = clean(note)
    if len(note) > NOTE_MAX:
        errors["note"] = "too_long"
    ids = sorted({i for i in person_ids if isinstance(i, int) and not isinstance(i, bool)})
    if not person_ids:
        errors["person_ids"] = "required"
    elif len(ids) != len(set(person_ids)):
        errors["person_ids"] = "bad_choice"
    else:
        eligible = {a.person.id: a for a in absentees(db, session, person_ids=ids)}
        if any(i not in eligible for i in ids):
            errors["person_ids"] = "not_absent"
        elif any(eligible[i].made_up_on is not None for i in ids):
            errors["person_ids"] = "already_made_up"
    if errors:
        raise ValidationError(errors)
    makeup = MakeupSession(session_id=session.id, unit_id=unit_id, held_on=held_on, note=note,
                           created_at=now)
    db.add(makeup)
    db.flush()
    db.add_all(MakeupAttendance(makeup_id=makeup.id, session_id=session.id, person_id=i)
               for i in ids)
    db.flush()
    audit.record(db, now=now, actor=actor, action="makeup.record", session_id=session.id,
                 target=makeup, held_on=held_on.isoformat(), unit_id=unit_id, person_ids=ids)
    return makeup


def makeups(db: Session, session: StudySession) -> list[MakeupSession]:
    return list(db.scalars(select(MakeupSession).where(MakeupSession.session_id == session.id)
                           .order_by(MakeupSession.held_on.desc(), MakeupSession.id.desc())))
