"""Follow-on classes (lớp học tập ở cơ sở): after the main session a sub-unit (a ward's
committee, a cell) studies the same plan and document with its own members.

A class is a StudySession with ``parent_session_id``: one venue (its place), its unit's active
members pre-filled from the registry (linked, so the learning outcome counts them), and a
one-screen roll marked through the roll's own service (``roll.marks.mark``). Whoever may manage
the class's unit may hold it: in practice the cell secretary, an organizer scoped to the cell.
"""

import secrets
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import Forbidden, ValidationError
from attendance.members.registry import subtree
from attendance.members.rosters import add_members
from attendance.models import (HALL, ORGANIZER, Category, ExpectedCount, StudySession, Unit, User,
                               Venue)
from attendance.models.sessions import WINDOW_OPEN
from attendance.permissions import can_manage_unit, in_unit_scope, unit_is_under
from attendance.sessions import facts
from attendance.text import clean

MEMBERS_CATEGORY = "Đảng viên của đơn vị"
GUESTS_CATEGORY = "Khách mời"
MAX_PLACE = 200
CLASS_HOURS = 2


def create_class(db: Session, parent: StudySession, *, unit_id: int | None,
                 held_on: date | None, starts: time | None, place: str, now: datetime,
                 actor: User) -> StudySession:
    """Create a unit's class of ``parent``'s plan; its members are the roster."""
    unit = db.get(Unit, unit_id) if isinstance(unit_id, int) else None
    errors = {}
    if unit is None or unit.retired_at is not None:
        errors["unit_id"] = "bad_choice"
    elif not can_manage_unit(actor, unit):
        raise Forbidden()
    elif not under_parent(unit, parent):
        errors["unit_id"] = "unit_not_under_parent"
    if not isinstance(held_on, date):
        errors["held_on"] = "bad_date"
    elif held_on < parent.local_start.date():
        errors["held_on"] = "class_before_session"
    if not isinstance(starts, time):
        errors["starts"] = "bad_time"
    place = clean(place)
    if not place:
        errors["place"] = "required"
    elif len(place) > MAX_PLACE:
        errors["place"] = "too_long"
    if errors:
        raise ValidationError(errors)
    starts_at = datetime.combine(held_on, starts, tzinfo=parent.zone)
    # The session rules (times, identity: a follow-on class under a main session, its unit
    # under the parent's and in the actor's scope) are the sessions service's.
    deadline = parent.report_deadline
    try:
        cls = facts.create_session(
            db, now=now, actor=actor, title=parent.title, plan_number=parent.plan_number,
            plan_date=parent.plan_date, plan_issuer=parent.plan_issuer,
            organizer_unit_id=unit.id, parent_session_id=parent.id, starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=CLASS_HOURS), mode="Trực tiếp",
            # A class held after the deadline still reports: late, not refused.
            report_deadline=deadline if deadline and deadline >= held_on else None)
    except ValidationError as error:
        raise ValidationError({_FIELDS.get(name, name): code
                               for name, code in error.errors.items()}) from error
    cls.document_id = parent.document_id  # the same document, not a copy
    venue = Venue(session=cls, kind=HALL, name=place, unit=unit, position=0,
                  code=secrets.token_hex(16))
    members = Category(session=cls, venue_kind=HALL, name=MEMBERS_CATEGORY, position=0)
    guests = Category(session=cls, venue_kind=HALL, name=GUESTS_CATEGORY, position=1)
    db.add_all([venue, members, guests])
    db.flush()
    added, _ = add_members(db, cls, unit_ids=[unit.id], positions=[], venue_id=venue.id,
                           category_id=members.id, now=now, actor=actor)
    db.add_all([ExpectedCount(venue=venue, category=members, expected=added),
                ExpectedCount(venue=venue, category=guests, expected=0)])
    db.flush()
    # A class has no door: its roll is the secretary's record, often written after the class,
    # so its check-in is open by hand from the moment it exists (the rule then takes the marks).
    facts.set_checkin_window(db, cls, WINDOW_OPEN, now=now, actor=actor)
    audit.record(db, now=now, actor=actor, action="session.follow_on", session_id=cls.id,
                 target=cls, parent_session_id=parent.id, unit_id=unit.id, members=added)
    return cls


# The sessions service's fields -> this form's.
_FIELDS = {"starts_at": "held_on", "ends_at": "starts", "report_deadline": "held_on",
           "parent_session_id": "unit_id", "organizer_unit_id": "unit_id"}


def under_parent(unit: Unit, parent: StudySession) -> bool:
    """A class's unit lies strictly under the parent session's organizer unit."""
    top = parent.organizer_unit_id
    if top is None:
        return True
    return unit.id != top and unit_is_under(unit, top)


def class_units(db: Session, parent: StudySession, actor: User) -> list[Unit]:
    """The units ``actor`` may hold a class of ``parent`` for."""
    ids = subtree(db, {parent.organizer_unit_id}) if parent.organizer_unit_id else None
    query = select(Unit).where(Unit.retired_at.is_(None)).order_by(Unit.code)
    if ids is not None:
        query = query.where(Unit.id.in_(ids - {parent.organizer_unit_id}))
    return [u for u in db.scalars(query) if can_manage_unit(actor, u)]


def open_parents(db: Session, actor: User) -> list[StudySession]:
    """Main sessions whose classes ``actor`` may hold: those organized above or at the
    actor's unit (every main session for an organizer without a unit)."""
    sessions = db.scalars(select(StudySession).where(StudySession.parent_session_id.is_(None))
                          .order_by(StudySession.starts_at.desc()))
    if actor.unit_id is None:
        return list(sessions)
    unit = actor.unit
    return [s for s in sessions if s.organizer_unit_id is not None
            and unit is not None and unit_is_under(unit, s.organizer_unit_id)]


def classes_of(db: Session, parent: StudySession, actor: User, *, limit: int | None = None,
               offset: int = 0) -> tuple[list[StudySession], int]:
    """(the classes of ``parent`` whose unit ``actor`` manages, oldest first, ``limit`` of
    them from ``offset``; how many in all). A nation's plan has some 50,000 classes: they are
    chosen by their unit ids, and only the page's are loaded, with their unit and venue."""
    from sqlalchemy.orm import joinedload, selectinload

    rows = db.execute(select(StudySession.id, StudySession.organizer_unit_id)
                      .where(StudySession.parent_session_id == parent.id)
                      .order_by(StudySession.starts_at, StudySession.id)).all()
    ids = [class_id for class_id, unit_id in rows
           if actor.role == ORGANIZER and in_unit_scope(actor, unit_id)]
    chosen = ids[offset:] if limit is None else ids[offset:offset + limit]
    loaded = {c.id: c for c in db.scalars(
        select(StudySession).where(StudySession.id.in_(chosen)).options(
            joinedload(StudySession.organizer_unit), selectinload(StudySession.venues)))}
    return [loaded[i] for i in chosen], len(ids)
