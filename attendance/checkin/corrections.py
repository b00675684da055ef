"""Corrections of attendance: the organizer undoes a check-in or changes its status or venue
(each with a reason); an absence reason is corrected by the organizer, or by the point's
coordinator until sign-off (``permissions.can_correct_reason``).

Each leaves an audit entry with the values before and after.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from attendance import audit, permissions
from attendance.errors import Forbidden, ValidationError
from attendance.models import ABSENT_EXCUSED, MODES, STATUSES, Attendance, User, Venue
from attendance.roster import people
from attendance.text import clean


def _check(actor: User, attendance: Attendance, reason: str) -> str:
    if not permissions.can_manage_session(actor, attendance.person.session):
        raise Forbidden()
    reason = clean(reason)
    if not reason:
        raise ValidationError({"reason": "required"})
    if len(reason) > 300:
        raise ValidationError({"reason": "too_long"})
    return reason


def _absence_reason(text) -> str:
    text = clean(text if isinstance(text, str) else "")
    if not text:
        raise ValidationError({"absence_reason": "required"})
    if len(text) > 300:
        raise ValidationError({"absence_reason": "too_long"})
    return text


def correct_reason(db: Session, attendance: Attendance, *, now: datetime, actor: User,
                   absence_reason: str) -> Attendance:
    """Change the reason of an absence with reason (vắng có lý do): what was typed or picked
    in a hurry is put right later. Audited with the reason before and after."""
    if not permissions.can_correct_reason(actor, attendance):
        raise Forbidden()
    if attendance.status != ABSENT_EXCUSED:
        raise ValidationError({"status": "not_absent_excused"})
    text = _absence_reason(absence_reason)
    before = attendance.absence_reason
    if text == before:
        return attendance
    attendance.absence_reason = text
    attendance.recorded_by_id = actor.id
    db.flush()
    audit.record(db, now=now, actor=actor, action="attendance.reason",
                 session_id=attendance.session_id, target=attendance,
                 person_id=attendance.person_id, before=before, after=text)
    db.flush()
    return attendance


def undo_checkin(db: Session, attendance: Attendance, *, now: datetime, actor: User,
                 reason: str) -> None:
    reason = _check(actor, attendance, reason)
    audit.record(db, now=now, actor=actor, action="attendance.undo",
                 session_id=attendance.session_id, target=attendance, reason=reason,
                 person_id=attendance.person_id, venue_id=attendance.venue_id,
                 status=attendance.status, at=attendance.at.isoformat())
    person = attendance.person
    db.delete(attendance)
    db.flush()
    if person.walk_in:
        # A walk-in was registered only to be checked in: with the check-in undone he was not
        # there, so he leaves the roster too (else he would be listed as not marked, absent).
        people.remove_person(db, person, now=now, actor=actor)


def correct_attendance(db: Session, attendance: Attendance, *, now: datetime, actor: User,
                       reason: str, status: str | None = None,
                       venue: Venue | None = None, mode: str | None = None) -> Attendance:
    """Change the status, venue or mode (in person / online) of a record."""
    reason = _check(actor, attendance, reason)
    if status is not None and status not in STATUSES:
        raise ValidationError({"status": "bad_choice"})
    if mode is not None and mode not in MODES:
        raise ValidationError({"mode": "bad_choice"})
    if venue is not None and venue.session_id != attendance.session_id:
        raise ValidationError({"venue_id": "bad_choice"})
    before = {"status": attendance.status, "venue_id": attendance.venue_id,
              "mode": attendance.mode}
    if status is not None:
        attendance.status = status
    if mode is not None:
        attendance.mode = mode
    if venue is not None:
        attendance.venue_id = venue.id
    after = {"status": attendance.status, "venue_id": attendance.venue_id,
             "mode": attendance.mode}
    audit.record(db, now=now, actor=actor, action="attendance.correct",
                 session_id=attendance.session_id, target=attendance, reason=reason,
                 person_id=attendance.person_id, before=before, after=after)
    db.flush()
    return attendance
