"""A bridge point's own roll (điểm danh tại điểm cầu) and the hall's absences: marking people
present, late or absent with a reason, headcounts and sign-off.

Every change is audited. A signed-off point is locked until the organizer reopens it.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import audit, permissions
from attendance.checkin import corrections, rule
from attendance.errors import DomainError, Forbidden, ValidationError
from attendance.models import (
    ABSENT_EXCUSED,
    ABSENT_UNEXCUSED,
    STATUSES,
    Attendance,
    ExpectedCount,
    Person,
    User,
    Venue,
)
from attendance.text import clean

ABSENCE_REASONS = ("ốm", "đi công tác", "việc gia đình")  # the pick list; free text allowed


def _guard(actor: User, venue: Venue) -> None:
    if not permissions.can_check_in_at(actor, venue):
        raise Forbidden()
    if venue.signed_off_at is not None:
        raise DomainError("signed_off")


def mark(db: Session, *, venue: Venue, person: Person, status: str, now: datetime,
         actor: User, reason: str = "", nonce: str | None = None) -> Attendance:
    """Set a person's status at this venue (the coordinator's tick), made at ``now``: present
    or late only while check-in was open then, and never over a check-in at another venue
    (``checkin.rule.check_roll_mark``)."""
    return mark_many(db, venue=venue, marks=[(person, status, reason)], now=now, actor=actor,
                     nonce=nonce)[0]


def _checked(venue: Venue, person: Person, status: str, reason: str) -> str:
    """The rule of one mark; returns the reason as kept."""
    if person.session_id != venue.session_id:
        raise ValidationError({"person_id": "bad_choice"})
    if status not in STATUSES:
        raise ValidationError({"status": "bad_choice"})
    reason = clean(reason)
    if status == ABSENT_EXCUSED and not reason:
        raise ValidationError({"reason": "required"})
    if len(reason) > 300:
        raise ValidationError({"reason": "too_long"})
    return reason if status in (ABSENT_EXCUSED, ABSENT_UNEXCUSED) else ""


def mark_many(db: Session, *, venue: Venue, marks: list[tuple[Person, str, str]],
              now: datetime, actor: User, nonce: str | None = None,
              as_of: datetime | None = None) -> list[Attendance]:
    """``mark`` for many people at once (a whole class's roll on one screen): the same rule
    and audit per person, every mark checked before the first is written, one flush. The
    marks count as of ``as_of`` (default ``now``: a follow-on class's roll, written up after
    the class, counts as of the class, and the window is judged then)."""
    as_of = now if as_of is None else as_of
    _guard(actor, venue)
    checked = [(person, status, _checked(venue, person, status, reason))
               for person, status, reason in marks]
    ids = [person.id for person, _, _ in checked]
    if len(set(ids)) != len(ids):
        raise ValidationError({"person_id": "bad_choice"})
    existing = {row.person_id: row for row in db.scalars(select(Attendance).where(
        Attendance.session_id == venue.session_id, Attendance.person_id.in_(ids)))}
    for person, status, _ in checked:
        row = existing.get(person.id)
        # The check-in rule's word on a mark: the window, and a check-in elsewhere stays.
        rule.check_roll_mark(venue.session, venue, status, row and row.status,
                             row and row.venue_id, as_of)
    rows, kept = [], []
    for person, status, reason in checked:
        row = existing.get(person.id)
        kept.append(row)
        if (row is not None and row.venue_id == venue.id and row.status == ABSENT_EXCUSED
                and status == ABSENT_EXCUSED):
            # Only the reason changes: that is a correction of the reason (audited as such).
            if reason != row.absence_reason:
                corrections.correct_reason(db, row, now=now, actor=actor, absence_reason=reason)
            continue
        before = None if row is None else {"status": row.status, "venue_id": row.venue_id}
        if row is None:
            row = Attendance(session_id=venue.session_id, person_id=person.id,
                             venue_id=venue.id, status=status, method="roll", at=as_of,
                             recorded_by_id=actor.id, nonce=nonce, absence_reason=reason)
            db.add(row)
        else:
            row.venue_id, row.status, row.absence_reason = venue.id, status, reason
            row.recorded_by_id, row.method = actor.id, "roll"
        kept[-1] = row
        rows.append((row, person, before, status, reason))
    db.flush()
    for row, person, before, status, reason in rows:
        audit.record(db, now=now, actor=actor, action="attendance.mark",
                     session_id=venue.session_id, target=row, reason=reason,
                     person_id=person.id, before=before,
                     after={"status": status, "venue_id": venue.id})
    db.flush()
    return kept


def _count_error(count) -> str | None:
    if not isinstance(count, int) or isinstance(count, bool):
        return "not_a_number"
    if count < 0:
        return "negative"
    if count > 100_000:
        return "out_of_range"
    return None


def set_headcount(db: Session, *, venue: Venue, category_id: int, count: int, now: datetime,
                  actor: User) -> ExpectedCount:
    """Headcount of a headcount-only category (các thành phần khác)."""
    return set_headcounts(db, venue=venue, counts={category_id: count}, now=now,
                          actor=actor)[0]


def set_headcounts(db: Session, *, venue: Venue, counts: dict, now: datetime,
                   actor: User) -> list[ExpectedCount]:
    """Headcounts of several headcount-only categories at once: every count is checked before
    the first is written (the point's form, online or from the phone's queue)."""
    _guard(actor, venue)
    errors, rows = {}, []
    for category_id, count in counts.items():
        row = db.get(ExpectedCount, (venue.id, category_id)) if isinstance(
            category_id, int) else None
        if row is None or not row.category.headcount_only:
            errors[f"count_{category_id}"] = "bad_choice"
        elif (error := _count_error(count)) is not None:
            errors[f"count_{category_id}"] = error
        else:
            rows.append((row, count))
    if errors:
        raise ValidationError(errors)
    for row, count in rows:
        _write_headcount(db, venue, row, count, now, actor)
    return [row for row, _ in rows]


def _write_headcount(db: Session, venue: Venue, row: ExpectedCount, count: int, now: datetime,
                     actor: User) -> None:
    category_id = row.category_id
    before, row.headcount = row.headcount, count
    db.flush()
    audit.record(db, now=now, actor=actor, action="venue.headcount",
                 session_id=venue.session_id, target=venue, category_id=category_id,
                 before=before, after=count)


def sign_off(db: Session, *, venue: Venue, now: datetime, actor: User) -> Venue:
    """The coordinator confirms the point's figures; the point is locked from then on."""
    _guard(actor, venue)
    venue.signed_off_at, venue.signed_off_by_id = now, actor.id
    db.flush()
    audit.record(db, now=now, actor=actor, action="venue.sign_off",
                 session_id=venue.session_id, target=venue)
    return venue


def reopen(db: Session, *, venue: Venue, now: datetime, actor: User, reason: str) -> Venue:
    if not permissions.can_manage_session(actor, venue.session):
        raise Forbidden()
    reason = clean(reason)
    if not reason:
        raise ValidationError({"reason": "required"})
    venue.signed_off_at, venue.signed_off_by_id = None, None
    db.flush()
    audit.record(db, now=now, actor=actor, action="venue.reopen",
                 session_id=venue.session_id, target=venue, reason=reason)
    return venue
