"""Organizer corrections of attendance: undo a check-in, change its status or venue.

Each needs a reason and leaves an audit entry with the values before and after.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from attendance import audit, permissions
from attendance.errors import Forbidden, ValidationError
from attendance.models import MODES, STATUSES, Attendance, User, Venue
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


def undo_checkin(db: Session, attendance: Attendance, *, now: datetime, actor: User,
                 reason: str) -> None:
    reason = _check(actor, attendance, reason)
    audit.record(db, now=now, actor=actor, action="attendance.undo",
                 session_id=attendance.session_id, target=attendance, reason=reason,
                 person_id=attendance.person_id, venue_id=attendance.venue_id,
                 status=attendance.status, at=attendance.at.isoformat())
    db.delete(attendance)
    db.flush()


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
