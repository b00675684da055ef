"""Queued roll items as a phone sends them after being offline: marks (điểm danh từ danh
sách) and the point's own actions (headcounts, the link checklist, sign-off).

``record_mark`` wraps ``roll.mark`` the way ``checkin.record_scan`` wraps the check-in rule: a
nonce makes a resent mark change nothing (the nonce is kept in ``scan_attempts`` with method
"roll", under the same unique (session_id, nonce) key as scans), a refused mark is answered
rather than raised, and every attempt leaves a row. ``record_item`` does the same for any kind
of item; a point's action is a handler in ``VENUE_ACTIONS`` taking the item's form fields
(``register`` adds one: the queue on the phone is generic, any form can be queued).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from attendance import permissions
from attendance.checkin import rule, store
from attendance.checkin.scan import REJECTED, PersonInfo, own_nonce, replay
from attendance.errors import DomainError, ValidationError
from attendance.ids import is_nonce, row_id
from attendance.models import Person, StudySession, User, Venue
from attendance.roll import link
from attendance.roll import marks as roll

ACCEPTED = "accepted"
METHOD = "roll"


@dataclass
class MarkResult:
    nonce: str
    outcome: str  # accepted | rejected
    code: str  # "ok" or why the mark was refused
    person: PersonInfo | None = None
    status: str | None = None  # the person's status now
    kind: str = "mark"


def record_mark(db: Session, *, session: StudySession, venue: Venue | None, nonce: str,
                person_id, status, reason, now: datetime, actor: User,
                recorded_at: datetime | None = None, device: str = "",
                last_contact: datetime | None = None) -> MarkResult:
    """Apply one queued mark; never raises for a refused one. Flushes."""
    nonce = (nonce or "").strip() if isinstance(nonce, str) else ""
    if not is_nonce(nonce):
        return MarkResult(nonce=nonce[:64], outcome=REJECTED, code="bad_nonce")
    previous = replay(db, session.id, nonce)
    if previous is not None:
        return MarkResult(nonce=nonce, outcome=previous.outcome, code=previous.code,
                          person=previous.person, status=previous.status)
    person = db.get(Person, person_id) if row_id(person_id) else None
    if person is not None and person.session_id != session.id:
        person = None
    # Names of another point's people are not the caller's to read.
    shown = person is not None and permissions.can_read_venue(actor, person.venue)
    info = None if not shown else PersonInfo(
        id=person.id, full_name=person.full_name, position=person.position,
        category=person.category.name)
    result = MarkResult(nonce=nonce, outcome=ACCEPTED, code="ok", person=info)
    time = rule.scan_time(now, recorded_at, last_contact)
    try:
        if venue is None or venue.session_id != session.id:
            raise DomainError("wrong_venue_session")
        if person is None:
            raise DomainError("unknown_person")
        if person.venue_id != venue.id:
            # A point's roll is its own invitees; someone from elsewhere is checked in instead.
            raise DomainError("other_venue")
        row = roll.mark(db, venue=venue, person=person, status=status if isinstance(
            status, str) else "", reason=reason if isinstance(reason, str) else "",
            now=time.at, actor=actor, nonce=nonce)
        result.status = row.status
    except ValidationError as error:
        result.outcome, result.code = REJECTED, next(iter(error.errors.values()), error.code)
    except DomainError as error:
        result.outcome, result.code = REJECTED, error.code
    kept = nonce if result.outcome == ACCEPTED or rule.sticks_to_nonce(result.code) else (
        own_nonce(nonce))  # a refusal that may pass: the same mark sent again is tried again
    store.log_attempt(db, store.attempt_row(
        session=session, venue=venue, nonce=kept, method=METHOD, actor=actor, device=device,
        now=now, scanned_at=recorded_at, time=time, person_id=info.id if info else None,
        outcome=result.outcome, code=result.code))
    return result


# kind -> handler(db, venue=, fields=, now=, actor=): a point's action from its queued form.
VenueAction = Callable[..., object]
VENUE_ACTIONS: dict[str, VenueAction] = {}


def register(kind: str):
    """Make ``kind`` a queueable point action (a decorator)."""
    def add(handler: VenueAction) -> VenueAction:
        VENUE_ACTIONS[kind] = handler
        return handler
    return add


@register("headcount")
def _headcounts(db, *, venue, fields, now, actor):
    counts = {}
    for name, raw in fields.items():
        if not name.startswith("count_") or not isinstance(raw, str) or not raw.strip():
            continue
        category = name.removeprefix("count_")
        counts[int(category) if category.isdigit() else category] = (
            int(raw.strip()) if raw.strip().isdigit() else raw)
    roll.set_headcounts(db, venue=venue, counts=counts, now=now, actor=actor)


@register("link_check")
def _link_check(db, *, venue, fields, now, actor):
    """The point's link checklist (roll.link), as of when it was filled in; answered with the
    readiness that follows from it."""
    return link.save_checklist(db, venue=venue, fields=fields, now=now, actor=actor).readiness


@register("sign_off")
def _sign_off(db, *, venue, fields, now, actor):
    roll.sign_off(db, venue=venue, now=now, actor=actor)


def record_item(db: Session, *, session: StudySession, venue: Venue | None, item: dict,
                now: datetime, actor: User, recorded_at: datetime | None = None,
                last_contact: datetime | None = None,
                device: str = "") -> MarkResult:
    """Apply one queued item of any kind (a mark when it names none); never raises for a
    refused one. Flushes."""
    kind = item.get("kind") or "mark"
    kind = kind[:40] if isinstance(kind, str) else "invalid"  # answered as it was asked
    if kind == "mark":
        return record_mark(db, session=session, venue=venue, nonce=item.get("nonce"),
                           person_id=item.get("person_id"), status=item.get("status"),
                           reason=item.get("reason") or "", now=now, actor=actor,
                           recorded_at=recorded_at, device=device, last_contact=last_contact)
    nonce = item.get("nonce")
    nonce = nonce.strip() if isinstance(nonce, str) else ""
    if not is_nonce(nonce):
        return MarkResult(nonce=nonce[:64], outcome=REJECTED, code="bad_nonce", kind=kind)
    previous = replay(db, session.id, nonce)
    if previous is not None:
        return MarkResult(nonce=nonce, outcome=previous.outcome, code=previous.code, kind=kind)
    result = MarkResult(nonce=nonce, outcome=ACCEPTED, code="ok", kind=kind)
    time = rule.scan_time(now, recorded_at, last_contact)
    fields = item.get("fields")
    try:
        handler = VENUE_ACTIONS.get(kind)
        if handler is None:
            raise DomainError("bad_kind")
        if venue is None or venue.session_id != session.id:
            raise DomainError("wrong_venue_session")
        state = handler(db, venue=venue, fields=fields if isinstance(fields, dict) else {},
                        now=time.at, actor=actor)
        if isinstance(state, str):  # a handler may answer the point's state after it
            result.status = state
    except ValidationError as error:
        result.outcome, result.code = REJECTED, next(iter(error.errors.values()), error.code)
    except DomainError as error:
        result.outcome, result.code = REJECTED, error.code
    kept = nonce if result.outcome == ACCEPTED or rule.sticks_to_nonce(result.code) else (
        own_nonce(nonce))
    store.log_attempt(db, store.attempt_row(
        session=session, venue=venue, nonce=kept, method=METHOD, actor=actor, device=device,
        now=now, scanned_at=recorded_at, time=time, outcome=result.outcome, code=result.code))
    return result
