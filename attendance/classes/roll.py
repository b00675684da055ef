"""A follow-on class's roll on one screen: each member present, or absent (with a reason when
there is one). Every mark goes through the roll's own service, ``roll.marks.mark``, so the
audit trail and the sign-off lock are the same as at any bridge point (``mark_many``: the
same rule for a whole screen, written in one flush)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.errors import DomainError, Forbidden, ValidationError
from attendance.models import (ABSENT_EXCUSED, ABSENT_UNEXCUSED, LATE, PRESENT, Attendance,
                               Person, StudySession, User)
from attendance.permissions import can_manage_unit
from attendance.roll import marks

PRESENT_MARK, ABSENT_MARK = "present", "absent"


@dataclass
class RollLine:
    person: Person
    status: str | None
    reason: str


def roll_lines(db: Session, cls: StudySession) -> list[RollLine]:
    rows = db.execute(
        select(Person, Attendance.status, Attendance.absence_reason)
        .outerjoin(Attendance, (Attendance.person_id == Person.id)
                   & (Attendance.session_id == Person.session_id))
        .where(Person.session_id == cls.id)
        .order_by(Person.category_id, Person.search_name, Person.id))
    return [RollLine(person, status, reason or "") for person, status, reason in rows]


def guard(actor: User, cls: StudySession) -> None:
    if cls.parent_session_id is None:
        raise DomainError("not_found")
    if not can_manage_unit(actor, cls.organizer_unit):
        raise Forbidden()


def mark_class(db: Session, cls: StudySession, choices: dict[int, tuple[str, str]], *,
               now: datetime, actor: User) -> int:
    """Apply ``person id -> (present|absent, reason)``; returns how many marks changed.
    Checked whole before the first mark, so a bad line changes nothing."""
    guard(actor, cls)
    lines = {line.person.id: line for line in roll_lines(db, cls)}
    errors, wanted = {}, []
    for person_id, (choice, reason) in choices.items():
        line = lines.get(person_id)
        if line is None or choice not in (PRESENT_MARK, ABSENT_MARK):
            errors[f"person_{person_id}"] = "bad_choice"
            continue
        reason = reason.strip() if choice == ABSENT_MARK else ""
        status = PRESENT if choice == PRESENT_MARK else (
            ABSENT_EXCUSED if reason else ABSENT_UNEXCUSED)
        if len(reason) > 300:
            errors[f"reason_{person_id}"] = "too_long"
        elif status == PRESENT and line.status == LATE:
            continue  # came late: still present, the scan's record stays
        elif (status, reason) != (line.status, line.reason if line.status else ""):
            wanted.append((line.person, status, reason))
    if errors:
        raise ValidationError(errors)
    if not wanted:
        return 0
    marks.mark_many(db, venue=cls.venues[0], marks=wanted, now=now, actor=actor,
                    as_of=cls.starts_at)  # the class's roll, kept after it
    return len(wanted)
