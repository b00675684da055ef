"""Self check-in on the participant's own phone (no login), from a venue's poster link.

Nothing of the roster is ever shown to a stranger: the participant types their name AND the
last four digits of their phone together, and is checked in at once when exactly one person of
the session matches both; any other answer says only that no one was found (or, for two people
alike, to see the staff at the door), so a page never lists or confirms anyone. When the
session asks for presence (the default), the 6-character code on the venue's screen (rotating
every 30 s) is checked first, so from outside the room nothing is looked up at all. Failures are
counted per address and per typed name by the web layer (webapp.throttle).

Someone invited to another venue who checks in from this venue's poster is told where they
were invited and asked whether they are really here (``self_other_venue``, naming that venue:
they have just proved who they are); only once they say yes are they checked in here, which the
organizer sees as a check-in elsewhere (``Attendance.elsewhere``).
"""

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.checkin import store, tokens, walkins
from attendance.checkin.scan import CheckInError, ScanResult, record_scan
from attendance.errors import ValidationError
from attendance.ids import is_nonce
from attendance.models import Person, StudySession, Venue
from attendance.text import fold

_DIGITS = re.compile(r"^\d{4}$")


def person_key(session: StudySession, name: str) -> str:
    """Who a self check-in attempt is about, for counting failures per person: the session and
    the typed name as the search folds it (accents, case and spacing ignored)."""
    return f"{session.id}:{' '.join(fold(name).split())[:200]}"


def find_self(db: Session, session: StudySession, *, name: str, digits: str) -> list[int]:
    """Ids of people of the session whose name holds every typed word and whose phone ends in
    ``digits`` (at most two: one is a match, two are ambiguous). Never shown to anyone."""
    words, digits = _check(name, digits)
    query = (select(Person.id)
             .where(Person.session_id == session.id, Person.phone.endswith(digits))
             .order_by(Person.id).limit(2))
    for word in words:
        query = query.where(Person.search_name.contains(word, autoescape=True))
    return list(db.scalars(query))


def presence_ok(key: bytes, session: StudySession, venue: Venue, code: str | None,
                now: datetime) -> bool:
    return not session.require_presence or tokens.presence_code_valid(key, venue.id, code or "",
                                                                       now)


def check_in_self(db: Session, *, card_key: bytes, presence_key: bytes, session: StudySession,
                  venue: Venue, name: str, digits: str, presence: str | None, nonce: str,
                  now: datetime, here_confirmed: bool = False) -> ScanResult:
    """Check in the one person matching name and digits (method "self", no actor).

    Raises CheckInError ``presence_required`` (checked before any look-up), ValidationError
    for a malformed name or digits, CheckInError ``self_not_found`` when no one (or
    ``self_ambiguous`` when more than one) matches, ``self_other_venue`` (with ``venue``, the
    name of the venue they were invited to) when the one match was invited elsewhere and has not
    confirmed being here. A resubmitted form (same nonce) gets the first answer back, even if
    the presence code has rotated since."""
    if _seen(db, session, nonce):
        return record_scan(db, key=card_key, session=session, venue=venue, nonce=nonce,
                           method="self", now=now, actor=None)
    _check(name, digits)
    if not presence_ok(presence_key, session, venue, presence, now):
        raise CheckInError("presence_required")
    found = find_self(db, session, name=name, digits=digits)
    if not found:
        raise CheckInError("self_not_found")
    if len(found) > 1:
        raise CheckInError("self_ambiguous")
    person = db.get(Person, found[0])
    if person.venue_id != venue.id and not here_confirmed:
        raise CheckInError("self_other_venue", venue=person.venue.name)
    return record_scan(db, key=card_key, session=session, venue=venue, nonce=nonce,
                       method="self", now=now, actor=None, person_id=found[0])


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
