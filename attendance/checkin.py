"""The check-in rule, in one place (after pretix's perform_checkin).

``record_scan`` is what every door, bridge point, self check-in and offline batch calls: it
makes a retry with the same nonce idempotent, decides through ``decide`` and writes one
``ScanAttempt`` row for every attempt, accepted or not. The one-attendance-per-person rule is
held by the database itself (a unique key and INSERT ... ON CONFLICT DO NOTHING), so concurrent
workers can never count a person twice.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from . import permissions, tokens
from .errors import DomainError
from .ids import is_nonce, row_id
from .models import (LATE, PRESENT, Attendance, Category, Person, ScanAttempt, StudySession,
                     User, Venue)

ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"
# Refusal codes, stable for clients: see webapp/errors.py for their messages.
REFUSALS = ("malformed", "bad_signature", "revoked", "wrong_session", "unknown_person",
            "window_closed", "not_allowed_here", "wrong_venue_session", "bad_nonce",
            "presence_required")
MAX_CLOCK_SKEW = timedelta(minutes=2)
MAX_OFFLINE_AGE = timedelta(hours=12)


class CheckInError(DomainError):
    """A scan refused by the rule; ``code`` is one of REFUSALS."""


@dataclass
class PersonInfo:
    id: int
    full_name: str
    position: str
    category: str


@dataclass
class ScanResult:
    nonce: str
    outcome: str  # accepted | duplicate | rejected
    code: str  # "ok", "already_checked_in" or a refusal code
    person: PersonInfo | None = None
    venue_id: int | None = None  # where the person's attendance was taken
    venue_name: str = ""
    status: str | None = None  # present | late
    at: datetime | None = None  # when the attendance was taken


def scan_time(now: datetime, scanned_at: datetime | None) -> datetime:
    """When the scan happened: the device's time for queued offline scans, if plausible."""
    if scanned_at is None or scanned_at.tzinfo is None:
        return now
    if now - MAX_OFFLINE_AGE <= scanned_at <= now + MAX_CLOCK_SKEW:
        return min(scanned_at, now)
    return now


def connection(db: Session | Connection) -> Connection:
    """The Core connection the rule runs on: the ORM session's, inside its transaction, or one
    the caller opened itself (the check-in API, which needs no ORM session at all)."""
    return db if isinstance(db, Connection) else db.connection()


def record_scan(db: Session | Connection, *, key: bytes, session: StudySession, venue: Venue | None,
                nonce: str, method: str, now: datetime, actor: User | None,
                token: str | None = None, person_id: int | None = None,
                scanned_at: datetime | None = None, device: str = "") -> ScanResult:
    """Check in one scan or one manual pick; never raises for a refused scan."""
    nonce = (nonce or "").strip()
    if not is_nonce(nonce):
        return ScanResult(nonce=nonce[:64], outcome=REJECTED, code="bad_nonce")
    db = connection(db)
    previous = replay(db, session.id, nonce)
    if previous is not None:
        return previous
    at = scan_time(now, scanned_at)
    try:
        result = decide(db, key=key, session=session, venue=venue, nonce=nonce, method=method,
                        at=at, actor=actor, token=token, person_id=person_id, device=device)
    except (CheckInError, tokens.TokenError) as refusal:
        result = ScanResult(nonce=nonce, outcome=REJECTED, code=refusal.code,
                            person=refusal.params.get("person"))
    insert_ignore(db, ScanAttempt, ["session_id", "nonce"], dict(
        session_id=session.id, nonce=nonce, venue_id=venue.id if venue else None,
        person_id=result.person.id if result.person else None, outcome=result.outcome,
        code=result.code, method=method, actor_id=actor.id if actor else None,
        device=device[:100], scanned_at=scanned_at if scanned_at and scanned_at.tzinfo else None,
        received_at=now))
    return result


def record_refusal(db: Session | Connection, *, session: StudySession, venue: Venue, code: str,
                   method: str, now: datetime, nonce: str, actor: User | None = None,
                   person_id: int | None = None, device: str = "") -> ScanResult:
    """Record an attempt refused before the rule ran (e.g. a wrong presence code).

    It is stored under a nonce of its own, so the form's nonce stays free for the retry."""
    printable = "".join(ch for ch in (nonce or "")[:40] if ch.isprintable())
    own_nonce = f"{printable}~{secrets.token_hex(6)}"
    insert_ignore(db, ScanAttempt, ["session_id", "nonce"], dict(
        session_id=session.id, nonce=own_nonce, venue_id=venue.id, person_id=row_id(person_id),
        outcome=REJECTED, code=code, method=method, actor_id=actor.id if actor else None,
        device=device[:100], scanned_at=None, received_at=now))
    return ScanResult(nonce=nonce, outcome=REJECTED, code=code)


def judge(key: bytes, session: StudySession, venue: Venue | None, actor: User | None,
          token: str | None, person_id: int | None) -> tuple[int | None, int | None]:
    """The rule, before the database: the venue, who scans, the card's signature and session.
    Returns (person id, card version or None for a pick by id); raises CheckInError."""
    if venue is None or venue.session_id != session.id:
        raise CheckInError("wrong_venue_session")
    if actor is not None and not permissions.can_check_in_at(actor, venue):
        raise CheckInError("not_allowed_here")
    if token is None:
        return person_id, None
    card = tokens.read_card_token(key, token)  # malformed / bad_signature
    if card.session_id != session.id:
        raise CheckInError("wrong_session")
    return card.person_id, card.version


def admit(session: StudySession, person, version: int | None, at: datetime) -> str:
    """The rule, with the person's row: revoked cards, the window, present or late."""
    if person is None:
        raise CheckInError("unknown_person")
    if version is not None and version != person["card_version"]:
        raise CheckInError("revoked", person=_info(person))
    if not session.checkin_open(at):
        raise CheckInError("window_closed", person=_info(person))
    return LATE if at > session.late_after else PRESENT


def decide(db: Connection, *, key: bytes, session: StudySession, venue: Venue | None, nonce: str,
           method: str, at: datetime, actor: User | None, token: str | None = None,
           person_id: int | None = None, device: str = "") -> ScanResult:
    """Judge one scan and write its attendance row; raises CheckInError when refused."""
    person_id, version = judge(key, session, venue, actor, token, person_id)
    person = _person(db, session.id, person_id)
    status = admit(session, person, version, at)
    inserted = insert_ignore(db, Attendance, ["session_id", "person_id"], attendance_row(
        session, person["id"], venue, status, method, at, actor, device, nonce))
    if inserted:
        return accepted_result(nonce, person, venue, status, at)
    return already_in(db, session=session, venue=venue, person=person, status=status,
                       method=method, at=at, actor=actor, nonce=nonce)


def attendance_row(session, person_id, venue, status, method, at, actor, device, nonce) -> dict:
    return dict(session_id=session.id, person_id=person_id, venue_id=venue.id, status=status,
                method=method, at=at, recorded_by_id=actor.id if actor else None,
                device=device[:100], nonce=nonce, absence_reason="")


def accepted_result(nonce, person, venue, status, at) -> ScanResult:
    return ScanResult(nonce=nonce, outcome=ACCEPTED, code="ok", person=_info(person),
                      venue_id=venue.id, venue_name=venue.name, status=status, at=at)


def already_in(db: Connection, *, session, venue, person, status, method, at, actor,
                nonce) -> ScanResult:
    """The person has a record already: a duplicate, or an absence that turns into arrival."""
    first = _first_attendance(db, session.id, person["id"])
    if first.status not in (PRESENT, LATE):
        # Marked absent earlier (by a coordinator's roll): arriving turns it into a check-in.
        db.execute(_TURN_UP, dict(
            s_id=session.id, p_id=person["id"], venue_id=venue.id, status=status,
            method=method, at=at, recorded_by_id=actor.id if actor else None, nonce=nonce,
            absence_reason=""))
        return accepted_result(nonce, person, venue, status, at)
    return ScanResult(nonce=nonce, outcome=DUPLICATE, code="already_checked_in",
                      person=_info(person), venue_id=first.venue_id, venue_name=first.name,
                      status=first.status, at=first.at)


# The hot path runs prebuilt Core statements on the session's connection: building a statement
# per scan costs more than executing it.
PERSON_ROWS = (  # what a scan's answer needs of a person; filtered by the callers
    select(Person.id, Person.full_name, Person.position, Person.card_version,
           Category.name.label("category"))
    .join(Category, Category.id == Person.category_id))
_PERSON = PERSON_ROWS.where(Person.id == bindparam("person_id"),
                            Person.session_id == bindparam("session_id"))
_FIRST = (
    select(Attendance.venue_id, Venue.name, Attendance.status, Attendance.at)
    .join(Venue, Venue.id == Attendance.venue_id)
    .where(Attendance.session_id == bindparam("session_id"),
           Attendance.person_id == bindparam("person_id")))
_ATTEMPT = (
    select(ScanAttempt.outcome, ScanAttempt.code, ScanAttempt.person_id)
    .where(ScanAttempt.session_id == bindparam("session_id"),
           ScanAttempt.nonce == bindparam("nonce")))
_TURN_UP = (  # someone marked absent arrives after all
    Attendance.__table__.update()
    .where(Attendance.session_id == bindparam("s_id"), Attendance.person_id == bindparam("p_id")))
_INSERTS: dict = {}


def _person(db: Connection, session_id: int, person_id: int | None):
    if row_id(person_id) is None:
        return None
    return db.execute(
        _PERSON, {"person_id": person_id, "session_id": session_id}).mappings().first()


def _first_attendance(db: Connection, session_id: int, person_id: int):
    return db.execute(
        _FIRST, {"session_id": session_id, "person_id": person_id}).first()


def _info(person) -> PersonInfo:
    return PersonInfo(id=person["id"], full_name=person["full_name"],
                      position=person["position"], category=person["category"])


def replay(db: Session | Connection, session_id: int, nonce: str) -> ScanResult | None:
    """The answer first given to this nonce, rebuilt from the rows it left."""
    db = connection(db)
    attempt = db.execute(
        _ATTEMPT, {"session_id": session_id, "nonce": nonce}).first()
    if attempt is None:
        return None
    result = ScanResult(nonce=nonce, outcome=attempt.outcome, code=attempt.code)
    person = _person(db, session_id, attempt.person_id)
    if person is not None:
        result.person = _info(person)
        first = _first_attendance(db, session_id, person["id"])
        if first is not None:
            result.venue_id, result.venue_name = first.venue_id, first.name
            result.status, result.at = first.status, first.at
    return result


def insert_ignore(db: Session | Connection, model, keys: list[str], values: dict) -> bool:
    """INSERT ... ON CONFLICT (keys) DO NOTHING; True when the row went in."""
    conn = connection(db)
    name = conn.dialect.name
    statement = _INSERTS.get((name, model))
    if statement is None:
        dialect = postgresql if name == "postgresql" else sqlite
        statement = _INSERTS[(name, model)] = dialect.insert(
            model.__table__).on_conflict_do_nothing(index_elements=keys).returning(
            model.__table__.c.id)
    # RETURNING, not rowcount: psycopg reports -1 for this statement.
    return conn.execute(statement, values).first() is not None
