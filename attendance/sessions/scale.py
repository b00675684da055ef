"""Setting up at province scale: bridge points generated from the unit tree, and a session
copied to a new date with everything it was set up with."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from .. import audit, permissions
from ..accounts.scope import forget_loaded, subtree_ids, visible_units
from ..errors import Forbidden, ValidationError
from ..models import (BRIDGE_POINT, COMMITTEE, Category, ExpectedCount, Person, StudySession,
                      Unit, User, Venue, VenueAssignment)
from ..text import fold


def point_name(unit: Unit) -> str:
    return f"Điểm cầu {unit.name}"


def points_from_units(db: Session, session: StudySession, unit_ids: list[int], *,
                      now: datetime, actor: User | None) -> list[Venue]:
    """One bridge point per chosen unit (a committee in the actor's scope), named after it,
    with the unit set; units that already have a point in the session are skipped. Every
    unit is checked before any point is made (all or none). Audited; flushes."""
    if actor is not None and not permissions.can_manage_session(actor, session):
        raise Forbidden()
    units = {u.id: u for u in db.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    bad = [i for i in unit_ids if i not in units or units[i].retired_at is not None
           or (actor is not None and not permissions.can_manage_unit(actor, units[i]))]
    if bad or not unit_ids:
        raise ValidationError({"unit_ids": "bad_choice" if bad else "required"})
    have_unit = {v.unit_id for v in session.venues}
    names = {fold(v.name) for v in session.venues}
    position = 1 + max((v.position for v in session.venues), default=-1)
    made = []
    for unit_id in dict.fromkeys(unit_ids):
        unit = units[unit_id]
        if unit.id in have_unit:
            continue
        name = point_name(unit)
        if fold(name) in names:  # two units of one name in different branches of the tree
            name = f"{name} ({unit.code})"
        names.add(fold(name))
        venue = Venue(session=session, kind=BRIDGE_POINT, name=name[:200], unit_id=unit.id,
                      position=position, code=secrets.token_urlsafe(16))
        position += 1
        db.add(venue)
        made.append(venue)
    db.flush()
    _expect_like_others(db, session, made)
    audit.record(db, now=now, actor=actor, action="venue.create_from_units",
                 session_id=session.id, target=session, units=[v.unit_id for v in made],
                 venues=[v.id for v in made])
    return made


def committees_below(db: Session, actor: User, session: StudySession) -> list[Unit]:
    """The committees a session's points can be made for: in the actor's scope, below the
    session's organizer unit when it has one, not retired."""
    below = subtree_ids(db, session.organizer_unit_id) if session.organizer_unit_id else None
    return [u for u in visible_units(db, actor) if u.kind == COMMITTEE and u.retired_at is None
            and u.id != session.organizer_unit_id and (below is None or u.id in below)]


def _expect_like_others(db: Session, session: StudySession, made: list[Venue]) -> None:
    """New points expect what the session's first bridge point expects (usually all points
    invite the same categories); none when there is no earlier point."""
    model = next((v for v in session.venues if v.kind == BRIDGE_POINT and v not in made), None)
    if model is None:
        return
    for venue in made:
        for count in model.expected_counts:
            db.add(ExpectedCount(venue_id=venue.id, category_id=count.category_id,
                                 expected=count.expected))
    db.flush()


# Copying a session --------------------------------------------------------------------------

_NOT_COPIED = {"id", "created_at", "session_id", "code", "readiness", "readiness_note",
               "signed_off_at", "signed_off_by_id", "parent_session_id"}


def _columns(obj, *skip: str) -> dict:
    """Column values of a row (new columns come along by themselves)."""
    return {attr.key: getattr(obj, attr.key) for attr in inspect(type(obj)).column_attrs
            if attr.key not in _NOT_COPIED and attr.key not in skip}


def copy_session(db: Session, session: StudySession, *, starts_at: datetime, now: datetime,
                 actor: User | None) -> StudySession:
    """A new session on another date with the same facts, venues, categories, expected
    counts, roster (walk-ins are not invited again; new cards, since a card names its session)
    and venue assignments; its times and report deadline move by the same amount. Audited;
    flushes."""
    if actor is not None and not permissions.can_manage_session(actor, session):
        raise Forbidden()
    if not isinstance(starts_at, datetime) or starts_at.tzinfo is None:
        raise ValidationError({"starts_at": "required"})
    shift = starts_at - session.starts_at
    values = _columns(session, "starts_at", "ends_at", "report_deadline", "checkin_window")
    copy = StudySession(**values, starts_at=starts_at, created_at=now,
                        ends_at=session.ends_at + shift if session.ends_at else None,
                        report_deadline=session.report_deadline + timedelta(days=shift.days)
                        if session.report_deadline else None)
    db.add(copy)
    db.flush()
    categories = {}
    for category in session.categories:
        categories[category.id] = Category(session_id=copy.id, **_columns(category))
        db.add(categories[category.id])
    venues = {}
    for venue in session.venues:
        venues[venue.id] = Venue(session_id=copy.id, code=secrets.token_urlsafe(16),
                                 **_columns(venue))
        db.add(venues[venue.id])
    db.flush()
    for venue in session.venues:
        for count in venue.expected_counts:
            db.add(ExpectedCount(venue_id=venues[venue.id].id,
                                 category_id=categories[count.category_id].id,
                                 expected=count.expected))
    people = db.scalars(select(Person).where(Person.session_id == session.id,
                                             Person.walk_in.is_(False)).order_by(Person.id))
    db.add_all(Person(session_id=copy.id, venue_id=venues[p.venue_id].id,
                      category_id=categories[p.category_id].id, created_at=now,
                      **_columns(p, "venue_id", "category_id", "card_version"))
               for p in people)
    for assignment in db.scalars(select(VenueAssignment).where(
            VenueAssignment.session_id == session.id)):
        db.add(VenueAssignment(user_id=assignment.user_id, session_id=copy.id,
                               venue_id=venues[assignment.venue_id].id, created_at=now))
    db.flush()
    forget_loaded(db)
    audit.record(db, now=now, actor=actor, action="session.copy", session_id=copy.id,
                 target=copy, source_id=session.id, starts_at=starts_at.isoformat())
    return copy
