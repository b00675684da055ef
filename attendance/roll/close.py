"""Closing the roll (khóa sổ điểm danh): after the session, everyone invited who has no record
yet becomes absent without reason, so the final figures have nobody "not yet marked".

The organizer closes one venue or the whole session, after a confirmation that says how many
people it will mark (``unmarked_count``). Each close is audited with the people it marked;
reopening takes back exactly the absences the close wrote and that nobody changed since.
"""

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from attendance import audit, permissions
from attendance.checkin import rule
from attendance.errors import DomainError, Forbidden, ValidationError
from attendance.models import (ABSENT_UNEXCUSED, Attendance, Person, StudySession, User,
                               Venue)
from attendance.text import clean

CLOSED = "closed"  # the method of an absence written by the close


def _venues(session: StudySession, venue: Venue | None) -> list[Venue]:
    if venue is not None and venue.session_id != session.id:
        raise ValidationError({"venue_id": "bad_choice"})
    return [venue] if venue is not None else list(session.venues)


def _unmarked(session: StudySession, venue_ids: list[int] | None, *columns):
    """People invited to these venues (None: to any) with no attendance record at all."""
    has_record = select(Attendance.id).where(Attendance.session_id == Person.session_id,
                                             Attendance.person_id == Person.id).exists()
    query = select(*(columns or (Person.id, Person.venue_id))).where(
        Person.session_id == session.id, ~has_record)
    return query if venue_ids is None else query.where(Person.venue_id.in_(venue_ids))


def unmarked_count(db: Session, session: StudySession, venue: Venue | None = None) -> int:
    """How many people the close would mark absent (the confirmation's number)."""
    ids = None if venue is None else [v.id for v in _venues(session, venue)]
    return db.scalar(_unmarked(session, ids, func.count(Person.id)))


def unmarked_counts(db: Session, session: StudySession) -> dict[int, int]:
    """{venue id: how many a close of that venue would mark}, one grouped query (a national
    session has 7,400 venues); venues with nobody unmarked are left out."""
    return dict(db.execute(_unmarked(session, None, Person.venue_id, func.count(Person.id))
                           .group_by(Person.venue_id)).all())


def close_roll(db: Session, *, session: StudySession, venue: Venue | None, now: datetime,
               actor: User) -> int:
    """Mark every unmarked person of the venue (None: of every venue) absent without reason,
    at the venue they were invited to. Only after the session's end. Returns how many."""
    if not permissions.can_manage_session(actor, session):
        raise Forbidden()
    rule.check_close(session, now)
    venues = _venues(session, venue)
    rows = db.execute(_unmarked(session, None if venue is None else [venue.id])).all()
    db.add_all(Attendance(session_id=session.id, person_id=person_id, venue_id=venue_id,
                          status=ABSENT_UNEXCUSED, method=CLOSED, at=now,
                          recorded_by_id=actor.id, absence_reason="")
               for person_id, venue_id in rows)
    for v in venues:
        v.roll_closed_at = now
    db.flush()
    audit.record(db, now=now, actor=actor, action="roll.close", session_id=session.id,
                 target=venue or session, venue_ids=[v.id for v in venues],
                 person_ids=[person_id for person_id, _ in rows], count=len(rows))
    return len(rows)


def reopen_roll(db: Session, *, session: StudySession, venue: Venue | None, now: datetime,
                actor: User, reason: str) -> int:
    """Take back the close: the absences it wrote (method "closed", still absent without
    reason: a later correction stays) are removed. Returns how many."""
    if not permissions.can_manage_session(actor, session):
        raise Forbidden()
    reason = clean(reason)
    if not reason:
        raise ValidationError({"reason": "required"})
    if len(reason) > 300:
        raise ValidationError({"reason": "too_long"})
    venues = [v for v in _venues(session, venue) if v.roll_closed_at is not None]
    if not venues:
        raise DomainError("roll_not_closed")
    ids = [v.id for v in venues]
    person_ids = list(db.scalars(
        select(Attendance.person_id).join(Person, (Person.id == Attendance.person_id)
                                          & (Person.session_id == Attendance.session_id))
        .where(Attendance.session_id == session.id, Attendance.method == CLOSED,
               Attendance.status == ABSENT_UNEXCUSED, Person.venue_id.in_(ids))))
    if person_ids:
        db.execute(delete(Attendance).where(Attendance.session_id == session.id,
                                            Attendance.person_id.in_(person_ids))
                   .execution_options(synchronize_session=False))
    for v in venues:
        v.roll_closed_at = None
    db.flush()
    audit.record(db, now=now, actor=actor, action="roll.reopen", session_id=session.id,
                 target=venue or session, reason=reason, venue_ids=ids,
                 person_ids=person_ids, count=len(person_ids))
    return len(person_ids)


def roll_closed(session: StudySession) -> bool:
    """Every venue's roll closed: the figures are final."""
    return bool(session.venues) and all(v.roll_closed_at is not None for v in session.venues)
