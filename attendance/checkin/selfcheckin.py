"""Self check-in on the participant's own phone (no login), from a venue's poster link.

A participant finds themself by name AND the last four digits of their phone: both are needed,
and at most a few matches are shown, with names and positions only, so the roster is never
listed publicly. When the session asks for presence, the 6-character code shown on the venue's
screen (rotating every 30 s) proves the phone is in the room.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.checkin import store, tokens, walkins
from attendance.checkin.scan import CheckInError, ScanResult, record_scan
from attendance.errors import ValidationError
from attendance.ids import is_nonce, row_id
from attendance.models import Person, StudySession, Venue
from attendance.text import fold

MAX_MATCHES = 5
_DIGITS = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Match:
    """What a stranger may see of a roster entry: nothing but name and position."""

    id: int
    full_name: str
    position: str


def find_self(db: Session, session: StudySession, *, name: str, digits: str) -> list[Match]:
    """People of the session whose name holds every typed word (accents and case ignored) and
    whose phone ends in ``digits``; at most MAX_MATCHES."""
    words, digits = _check(name, digits)
    query = (select(Person.id, Person.full_name, Person.position)
             .where(Person.session_id == session.id, Person.phone.endswith(digits))
             .order_by(Person.search_name, Person.id).limit(MAX_MATCHES))
    for word in words:
        query = query.where(Person.search_name.contains(word, autoescape=True))
    return [Match(*row) for row in db.execute(query)]


def presence_ok(key: bytes, session: StudySession, venue: Venue, code: str | None,
                now: datetime) -> bool:
    return not session.require_presence or tokens.presence_code_valid(key, venue.id, code or "",
                                                                       now)


def check_in_self(db: Session, *, card_key: bytes, presence_key: bytes, session: StudySession,
                  venue: Venue, person_id: int | None, digits: str, presence: str | None,
                  nonce: str, now: datetime) -> ScanResult:
    """Check in the person picked from ``find_self`` (method "self", no actor).

    The digits are checked again, so a forged person id gets nowhere. A resubmitted form (same
    nonce) gets the first answer back, even if the presence code has rotated since.
    """
    if _seen(db, session, nonce):
        return record_scan(db, key=card_key, session=session, venue=venue, nonce=nonce,
                           method="self", now=now, actor=None, person_id=person_id)
    _, digits = _check("x" * 2, digits)
    person = db.get(Person, person_id) if row_id(person_id) else None
    if person is None or person.session_id != session.id or not person.phone.endswith(digits):
        raise ValidationError({"digits": "self_not_found"})
    if not presence_ok(presence_key, session, venue, presence, now):
        raise CheckInError("presence_required")
    return record_scan(db, key=card_key, session=session, venue=venue, nonce=nonce,
                       method="self", now=now, actor=None, person_id=person.id)


def walk_in_self(db: Session, *, card_key: bytes, presence_key: bytes, session: StudySession,
                 venue: Venue, presence: str | None, nonce: str, now: datetime,
                 **fields) -> ScanResult:
    """Register someone not on the roster (walk_in) and check them in; idempotent per nonce."""
    if not _seen(db, session, nonce) and not presence_ok(presence_key, session, venue,
                                                         presence, now):
        raise CheckInError("presence_required")
    _, result = walkins.check_in_walk_in(db, key=card_key, session=session, venue=venue,
                                         nonce=nonce, now=now, actor=None, **fields)
    return result


def _check(name: str, digits: str) -> tuple[list[str], str]:
    errors = {}
    words = fold(name).split()
    if len("".join(words)) < 2:
        errors["name"] = "required"
    digits = (digits or "").strip()
    if not _DIGITS.match(digits):
        errors["digits"] = "bad_digits"
    if errors:
        raise ValidationError(errors)
    return words, digits


def _seen(db: Session, session: StudySession, nonce: str) -> bool:
    nonce = (nonce or "").strip()
    return is_nonce(nonce) and store.nonce_seen(db, session.id, nonce)
