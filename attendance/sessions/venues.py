"""Venues of a session: at most one hall (hội trường) and any number of bridge points (điểm cầu)."""

import secrets
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import ValidationError
from ..models import (BRIDGE_POINT, HALL, VENUE_KINDS, Attendance, Person, ScanAttempt,
                      StudySession, Unit, User, Venue)
from ..text import fold, normalize_phone
from .checks import MAX_POSITION, Checks, changes, merge

VENUE_DEFAULTS = dict(kind=BRIDGE_POINT, name="", address="", unit_id=None,
                      coordinator_name="", coordinator_phone="", position=None, video_url="")


def add_venue(db: Session, session: StudySession, *, now: datetime, actor: User | None,
              **fields) -> Venue:
    values = _check_venue(db, session, None, merge(VENUE_DEFAULTS, VENUE_DEFAULTS, fields))
    if values["position"] is None:
        values["position"] = 1 + max((v.position for v in session.venues), default=-1)
    venue = Venue(session=session, code=secrets.token_urlsafe(16), **values)
    db.add(venue)
    db.flush()
    audit.record(db, now=now, actor=actor, action="venue.create", session_id=session.id,
                 target=venue, **values)
    return venue


def update_venue(db: Session, venue: Venue, *, now: datetime, actor: User | None,
                 **fields) -> Venue:
    before = {name: getattr(venue, name) for name in VENUE_DEFAULTS}
    after = _check_venue(db, venue.session, venue, merge(VENUE_DEFAULTS, before, fields))
    if after["position"] is None:
        after["position"] = venue.position
    if after["kind"] != venue.kind:
        # Counts of the old kind's categories mean nothing at the new kind.
        venue.expected_counts.clear()
    for name, value in after.items():
        setattr(venue, name, value)
    db.flush()
    audit.record(db, now=now, actor=actor, action="venue.update", session_id=venue.session_id,
                 target=venue, changes=changes(before, after))
    return venue


def remove_venue(db: Session, venue: Venue, *, now: datetime, actor: User | None) -> None:
    """Refused (in_use) while people are assigned to it or any scan or attendance names it."""
    if venue_in_use(db, venue.id):
        raise ValidationError({"venue": "in_use"})
    session = venue.session
    audit.record(db, now=now, actor=actor, action="venue.remove", session_id=session.id,
                 target=venue, name=venue.name, kind=venue.kind)
    session.venues.remove(venue)
    db.flush()


def venue_in_use(db: Session, venue_id: int) -> bool:
    return any(db.scalar(select(exists().where(column == venue_id)))
               for column in (Person.venue_id, Attendance.venue_id, ScanAttempt.venue_id))


def _check_venue(db: Session, session: StudySession, venue: Venue | None, values: dict) -> dict:
    check = Checks()
    out = dict(
        kind=check.choice("kind", values["kind"], VENUE_KINDS),
        name=check.text("name", values["name"], 200, required=True),
        address=check.text("address", values["address"], 300),
        video_url=check.link("video_url", values["video_url"]),
        coordinator_name=check.text("coordinator_name", values["coordinator_name"], 200),
        coordinator_phone=normalize_phone(values["coordinator_phone"]),
        position=check.number("position", values["position"], MAX_POSITION),
        unit_id=_check_unit(db, check, values["unit_id"]),
    )
    if out["coordinator_phone"] is None:
        check.errors["coordinator_phone"] = "bad_phone"
    others = [v for v in session.venues if v is not venue]
    if out["name"] and any(fold(v.name) == fold(out["name"]) for v in others):
        check.errors["name"] = "name_taken"
    if out["kind"] == HALL and any(v.kind == HALL for v in others):
        check.errors["kind"] = "hall_exists"
    elif venue is not None and out["kind"] != venue.kind and venue_in_use(db, venue.id):
        check.errors["kind"] = "in_use"  # its people belong to categories of the old kind
    check.done()
    return out


def _check_unit(db: Session, check: Checks, unit_id) -> int | None:
    if unit_id in (None, ""):
        return None
    if isinstance(unit_id, str) and unit_id.strip().isdigit():
        unit_id = int(unit_id)
    if isinstance(unit_id, bool) or not isinstance(unit_id, int) or db.get(Unit, unit_id) is None:
        check.errors["unit_id"] = "bad_choice"
        return None
    return unit_id


