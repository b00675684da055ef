"""Leaving early (ra về sớm): an exit scan at the door or a mark on the roll records when a
person who came left; the reports then show their time present and whether they left before
the end (``rule.left_early``). Every exit, and taking one back, is audited.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import audit, permissions
from attendance.checkin import rule
from attendance.errors import Forbidden
from attendance.models import Attendance, Person, StudySession, User, Venue


def attendance_of(db: Session, session: StudySession, person_id: int | None) -> Attendance | None:
    """The person's attendance record in this session, if any."""
    if person_id is None:
        return None
    return db.scalar(select(Attendance).where(Attendance.session_id == session.id,
                                              Attendance.person_id == person_id))


def person_of_card(key: bytes, session: StudySession, token: str) -> int:
    """The person an exit scan's card names (the same card check as an arrival)."""
    return rule.read_card(key, session, token).person_id


def record_exit(db: Session, *, session: StudySession, person: Person, venue: Venue | None,
                left_at: datetime, now: datetime, actor: User) -> Attendance:
    """Record that ``person`` left at ``left_at``. Staff and coordinators record exits at
    their own venue (``venue``, where the person was checked in); organizers anywhere. A
    second exit replaces the first (the last one counts); the same exit sent again changes
    nothing and is not audited again. Staff told why a scan at their door is refused: the
    person did not come (``not_attended``) or came in at another venue (``exit_other_venue``,
    as an arrival scan there says where they were checked in)."""
    if person.session_id != session.id:
        raise rule.CheckInError("unknown_person")
    row = attendance_of(db, session, person.id)
    if not permissions.can_manage_session(actor, session):
        if venue is None or not permissions.can_check_in_at(actor, venue, session):
            raise Forbidden()
        if row is not None and row.venue_id != venue.id:
            raise rule.CheckInError("exit_other_venue")
    rule.check_exit(row.status if row else None, row.at if row else None, left_at, now)
    before = row.left_at
    if before == left_at:  # the same exit sent again (its answer was lost): nothing changes
        return row
    row.left_at = left_at
    db.flush()
    audit.record(db, now=now, actor=actor, action="attendance.exit", session_id=session.id,
                 target=row, person_id=person.id,
                 before=before.isoformat() if before else None, after=left_at.isoformat())
    return row


def undo_exit(db: Session, *, session: StudySession, attendance: Attendance, now: datetime,
              actor: User) -> Attendance:
    """The person had not left after all (an exit scanned by mistake)."""
    if not permissions.can_manage_session(actor, session):
        raise Forbidden()
    before, attendance.left_at = attendance.left_at, None
    db.flush()
    audit.record(db, now=now, actor=actor, action="attendance.exit_undo",
                 session_id=session.id, target=attendance, person_id=attendance.person_id,
                 before=before.isoformat() if before else None)
    return attendance


def present_at(db: Session, session: StudySession, venue: Venue) -> list[Attendance]:
    """Who came to this venue (in person or online), for its exit list: arrival order."""
    return list(db.scalars(select(Attendance).where(
        Attendance.session_id == session.id, Attendance.venue_id == venue.id,
        Attendance.status.in_(rule.ATTENDED)).order_by(Attendance.at, Attendance.id)))


def minutes_present(session: StudySession, attendance: Attendance) -> int | None:
    """Minutes from arrival to exit (or to the session's end when they stayed)."""
    if attendance.status not in rule.ATTENDED:
        return None
    start = max(attendance.at, session.starts_at)
    end = attendance.left_at or rule.session_end(session)
    return max(0, int((end - start).total_seconds() // 60))



