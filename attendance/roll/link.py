"""A bridge point's link checklist (kiểm tra đường truyền) and the readiness that follows from it.

Provincial guides ask each point to test its connection at a rehearsal (tổng duyệt kỹ thuật),
an hour or so before the start (``StudySession.rehearsal_minutes``): picture, sound, the
meeting link and a backup link, with a technician on site. The coordinator marks each item
from the phone (offline too: the roll page's queue, ``roll.batch``); every change is a
``LinkCheck`` row as of when it was marked, so the organizer can ask what the checklist said at
the rehearsal and at the start (``not_ready_at``), and the point's ``readiness`` is derived
from it (``readiness_of``), never set by hand.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance import audit, permissions
from attendance.errors import Forbidden, ValidationError
from attendance.models import BRIDGE_POINT, LinkCheck, User, Venue
from attendance.text import clean, normalize_phone

# hình ảnh, âm thanh, đường truyền chính, đường truyền dự phòng
ITEMS = ("picture", "sound", "link", "backup_link")
TECHNICIAN = "technician"
OK, FAIL, UNTESTED = "ok", "fail", ""
STATES = (OK, FAIL, UNTESTED)
NOT_READY, READY, PROBLEM = "not_ready", "connected", "problem"  # Venue.readiness
NOTE_MAX, NAME_MAX = 300, 200


def readiness_of(states: dict[str, str], technician: bool) -> str:
    """A failed item is a problem; every item passed with a technician named is ready; anything
    else (an item not tested yet, nobody named) is not ready."""
    if any(states.get(item) == FAIL for item in ITEMS):
        return PROBLEM
    if technician and all(states.get(item) == OK for item in ITEMS):
        return READY
    return NOT_READY


def missing(states: dict[str, str], technician: bool) -> list[str]:
    """What keeps a point from being ready besides a failure: the items not tried yet, and
    "technician" when nobody is named."""
    found = [item for item in ITEMS if states.get(item) not in (OK, FAIL)]
    return found + ([] if technician else [TECHNICIAN])


def failed(states: dict[str, str]) -> list[str]:
    return [item for item in ITEMS if states.get(item) == FAIL]


def save_checklist(db: Session, *, venue: Venue, fields: dict, now: datetime,
                   actor: User) -> Venue:
    """The coordinator's checklist form (items' states, technician's name and phone, a note),
    as of ``now``: a row for each item that changed, readiness derived, audited. Flushes."""
    if not permissions.can_check_in_at(actor, venue):
        raise Forbidden()
    if venue.kind != BRIDGE_POINT:
        raise ValidationError({"venue_id": "bad_choice"})
    states, name, phone, note = _checked(fields)
    current = current_states(db, venue)
    rows = [LinkCheck(session_id=venue.session_id, venue_id=venue.id, item=item, state=state,
                      note=note or "", at=now, recorded_by_id=actor.id)
            for item, state in states.items() if current.get(item, UNTESTED) != state]
    technician_before = (venue.technician_name, venue.technician_phone)
    if name is not None and (name, phone) != technician_before:
        venue.technician_name, venue.technician_phone = name, phone
        rows.append(LinkCheck(session_id=venue.session_id, venue_id=venue.id, item=TECHNICIAN,
                              state=OK if name else UNTESTED, note=name, at=now,
                              recorded_by_id=actor.id))
    before = venue.readiness
    if note is not None:
        venue.readiness_note = note
    db.add_all(rows)
    db.flush()
    # From the rows, not this form: a form filled in earlier that arrives late (queued offline)
    # is history, and the newer marks stay the point's state.
    venue.readiness = readiness_of(current_states(db, venue), bool(venue.technician_name))
    db.flush()
    audit.record(db, now=now, actor=actor, action="venue.link_check",
                 session_id=venue.session_id, target=venue, states=states, note=note,
                 technician=[venue.technician_name, venue.technician_phone],
                 before=before, after=venue.readiness)
    return venue


def _checked(fields: dict) -> tuple[dict[str, str], str | None, str, str | None]:
    errors = {}
    states = {}
    for item in ITEMS:
        if item in fields:
            value = fields[item] if isinstance(fields[item], str) else None
            if value not in STATES:
                errors[item] = "bad_choice"
            else:
                states[item] = value
    name = phone = None
    if "technician_name" in fields:
        name = clean(fields.get("technician_name"))
        if len(name) > NAME_MAX:
            errors["technician_name"] = "too_long"
        phone = normalize_phone(fields.get("technician_phone"))
        if phone is None:
            errors["technician_phone"] = "bad_phone"
    note = clean(fields.get("note")) if "note" in fields else None  # absent: kept
    if note and len(note) > NOTE_MAX:
        errors["note"] = "too_long"
    if errors:
        raise ValidationError(errors)
    return states, name, phone or "", note


def current_states(db: Session, venue: Venue) -> dict[str, str]:
    """Each item's last state at this point (none: not tested)."""
    return _states_at(db, venue.session_id, None, [venue.id]).get(venue.id, {})


def _states_at(db: Session, session_id: int, at: datetime | None,
               venue_ids: list[int] | None) -> dict[int, dict[str, str]]:
    """venue id -> item -> its last state as of ``at`` (None: now): one windowed query."""
    last = func.row_number().over(partition_by=(LinkCheck.venue_id, LinkCheck.item),
                                  order_by=(LinkCheck.at.desc(), LinkCheck.id.desc()))
    rows = select(LinkCheck.venue_id, LinkCheck.item, LinkCheck.state, last.label("n")).where(
        LinkCheck.session_id == session_id, LinkCheck.item != TECHNICIAN)
    if at is not None:
        rows = rows.where(LinkCheck.at <= at)
    if venue_ids is not None:
        rows = rows.where(LinkCheck.venue_id.in_(venue_ids))
    rows = rows.subquery()
    found: dict[int, dict[str, str]] = {}
    for venue_id, item, state in db.execute(
            select(rows.c.venue_id, rows.c.item, rows.c.state).where(rows.c.n == 1)):
        found.setdefault(venue_id, {})[item] = state
    return found


def _technicians_at(db: Session, session_id: int, at: datetime,
                    venue_ids: list[int] | None) -> set[int]:
    """The points whose technician was named as of ``at``."""
    last = func.row_number().over(partition_by=LinkCheck.venue_id,
                                  order_by=(LinkCheck.at.desc(), LinkCheck.id.desc()))
    rows = select(LinkCheck.venue_id, LinkCheck.state, last.label("n")).where(
        LinkCheck.session_id == session_id, LinkCheck.item == TECHNICIAN, LinkCheck.at <= at)
    if venue_ids is not None:
        rows = rows.where(LinkCheck.venue_id.in_(venue_ids))
    rows = rows.subquery()
    return set(db.scalars(select(rows.c.venue_id).where(rows.c.n == 1, rows.c.state == OK)))


@dataclass
class NotReady:
    venue_id: int
    name: str
    readiness: str  # not_ready or problem, as of then
    missing: list[str] = field(default_factory=list)  # not tried yet, or nobody named
    failed: list[str] = field(default_factory=list)
    technician: str = ""  # name and phone now, to call
    phone: str = ""


def not_ready_at(db: Session, session_id: int, at: datetime,
                 venue_ids: list[int] | None = None) -> list[NotReady]:
    """The bridge points (of ``venue_ids``, or all) that were not ready at ``at``, by what their
    checklist said then, in session order."""
    points = select(Venue.id, Venue.name, Venue.technician_name, Venue.technician_phone).where(
        Venue.session_id == session_id, Venue.kind == BRIDGE_POINT).order_by(
        Venue.position, Venue.id)
    if venue_ids is not None:
        points = points.where(Venue.id.in_(venue_ids))
    states = _states_at(db, session_id, at, venue_ids)
    named = _technicians_at(db, session_id, at, venue_ids)
    found = []
    for venue_id, name, technician, phone in db.execute(points):
        own = states.get(venue_id, {})
        state = readiness_of(own, venue_id in named)
        if state != READY:
            found.append(NotReady(venue_id, name, state, missing(own, venue_id in named),
                                  failed(own), technician, phone))
    return found


@dataclass
class Rehearsal:
    """The dashboard's view of the link: when the rehearsal and the start are, and the points
    not ready at each moment once it has come (None before it)."""
    rehearsal_at: datetime
    starts_at: datetime
    at_rehearsal: list[NotReady] | None
    at_start: list[NotReady] | None


def rehearsal(db: Session, session, now: datetime,
              venue_ids: list[int] | None = None) -> Rehearsal:
    def at(moment):
        return not_ready_at(db, session.id, moment, venue_ids) if now >= moment else None
    return Rehearsal(session.rehearsal_at, session.starts_at, at(session.rehearsal_at),
                     at(session.starts_at))
