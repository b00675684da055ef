"""One scan or manual pick checked in (after pretix's perform_checkin).

``record_scan`` is what every door, bridge point, walk-in, self check-in and offline queue
goes through: a retried nonce gets its first answer back, the rule (``checkin.rule``) decides,
and every attempt leaves one ``ScanAttempt`` row, accepted or not. The tables' statements are
``checkin.store``'s.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from attendance.checkin import citizen, rule, store, tokens
from attendance.checkin.rule import REFUSALS, CheckInError  # noqa: F401 (re-exported)
from attendance.checkin.store import connection
from attendance.ids import is_nonce, row_id
from attendance.models import StudySession, User, Venue

ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"


@dataclass
class PersonInfo:
    id: int
    full_name: str
    position: str
    category: str
    venue_id: int | None = None  # where the person was invited (a scan elsewhere says so)


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


def record_scan(db: Session | Connection, *, key: bytes, session: StudySession,
                venue: Venue | None, nonce: str, method: str, now: datetime, actor: User | None,
                token: str | None = None, person_id: int | None = None,
                scanned_at: datetime | None = None, last_contact: datetime | None = None,
                device: str = "") -> ScanResult:
    """Check in one scan or one manual pick; never raises for a refused scan.

    A fresh scan costs one statement on PostgreSQL (``store.FRESH_SCAN``); anything else, and
    every scan on SQLite (in-process, where a statement costs little), one read (the nonce and
    the person's row), then a replay, a refusal, or the arrival and the attempt."""
    nonce = (nonce or "").strip()
    if not is_nonce(nonce):
        return ScanResult(nonce=nonce[:64], outcome=REJECTED, code="bad_nonce")
    db = connection(db)
    time = rule.scan_time(now, scanned_at, last_contact)
    refusal = version = None
    try:
        if token is not None and citizen.SEPARATOR in token:  # a citizen ID card, not ours:
            rule.check_venue(session, venue, actor)  # its holder's card stands in for it
            method, token = citizen.METHOD, citizen.holder_card(db, key, session, token)
        person_id, version = rule.judge(key, session, venue, actor, token, person_id)
    except (CheckInError, tokens.TokenError) as error:
        refusal, person_id = error, None
    attempt = store.attempt_row(session=session, venue=venue, nonce=nonce, method=method,
                                actor=actor, device=device, now=now, scanned_at=scanned_at,
                                time=time)
    was_open = rule.window_open(session, time.at)
    if refusal is None and was_open and db.dialect.name == "postgresql" and row_id(person_id):
        status = rule.status_at(session, time.at)
        row = store.attendance_row(session, person_id, venue, status, method, time.at, actor,
                                   device, nonce)
        found = store.FRESH_SCAN.first(db, _fresh_params(row, attempt, version, venue, actor))
        if found is not None:  # the common case: a fresh scan of someone on the roster
            return answer(db, session, nonce, found, venue, status, time.at, found["arrived"])
        # Else a retried nonce, someone not on (this venue's) roster or a revoked card: the
        # long way below tells which.
    seen, person = store.lookup(db, session.id, nonce, person_id)
    if seen:
        return replay(db, session.id, nonce)
    if refusal is None:
        try:
            status = rule.admit(session, person, version, venue, actor, time.at, was_open)
        except CheckInError as error:
            refusal = error
    if refusal is not None:
        return refuse(db, attempt, refusal)
    row = store.attendance_row(session, person["id"], venue, status, method, time.at, actor,
                               device, nonce)
    arrived = store.write_arrival(db, row)
    store.log_attempt(db, dict(attempt, person_id=person["id"],
                               outcome=ACCEPTED if arrived else DUPLICATE,
                               code="ok" if arrived else "already_checked_in"))
    return answer(db, session, nonce, person, venue, status, time.at, arrived)


def _fresh_params(row: dict, attempt: dict, version, venue, actor) -> dict:
    params = {f"a_{key}": value for key, value in row.items()}
    params.update((f"t_{key}", value) for key, value in attempt.items())
    params["version"] = version
    params["roster_venue"] = (venue.id if version is None and rule.picks_from_venue_roster(actor)
                              else None)
    return params


def answer(db: Connection, session, nonce: str, person, venue, status, at,
           arrived: bool) -> ScanResult:
    """Accepted when the arrival went in; else a duplicate, naming where and when the person
    was checked in first."""
    if arrived:
        return ScanResult(nonce=nonce, outcome=ACCEPTED, code="ok", person=info(person),
                          venue_id=venue.id, venue_name=venue.name, status=status, at=at)
    first = store.record_of(db, session.id, person["id"])
    return ScanResult(nonce=nonce, outcome=DUPLICATE, code="already_checked_in",
                      person=info(person), venue_id=first["venue_id"], venue_name=first["name"],
                      status=first["status"], at=first["at"])


def refuse(db: Connection, attempt: dict, refusal) -> ScanResult:
    """Log a refused attempt and answer it."""
    result, row = refused(attempt, refusal)
    store.log_attempt(db, row)
    return result


def refused(attempt: dict, refusal) -> tuple[ScanResult, dict]:
    """The answer to a refused attempt, naming the person only when the rule did, and its row.
    A refusal whose cause can go away is logged under a nonce of its own, so the scan's nonce
    stays free and the same scan sent again is judged again."""
    person = refusal.params.get("person")
    row = dict(attempt, person_id=person["id"] if person else None, outcome=REJECTED,
               code=refusal.code)
    if not rule.sticks_to_nonce(refusal.code):
        row["nonce"] = own_nonce(attempt["nonce"])
    return ScanResult(nonce=attempt["nonce"], outcome=REJECTED, code=refusal.code,
                      person=info(person) if person else None), row


def own_nonce(nonce: str) -> str:
    printable = "".join(ch for ch in (nonce or "")[:40] if ch.isprintable())
    return f"{printable}~{secrets.token_hex(6)}"


def record_refusal(db: Session | Connection, *, session: StudySession, venue: Venue, code: str,
                   method: str, now: datetime, nonce: str, actor: User | None = None,
                   person_id: int | None = None, device: str = "") -> ScanResult:
    """Record an attempt refused before the rule ran (e.g. a wrong presence code), under a
    nonce of its own, so the form's nonce stays free for the retry."""
    store.log_attempt(db, store.attempt_row(
        session=session, venue=venue, nonce=own_nonce(nonce), method=method, actor=actor,
        device=device, now=now, scanned_at=None, time=None, person_id=row_id(person_id),
        outcome=REJECTED, code=code))
    return ScanResult(nonce=nonce, outcome=REJECTED, code=code)


def info(person) -> PersonInfo:
    return PersonInfo(id=person["id"], full_name=person["full_name"],
                      position=person["position"], category=person["category"],
                      venue_id=person.get("venue_id"))


def replay(db: Session | Connection, session_id: int, nonce: str) -> ScanResult | None:
    """The answer first given to this nonce, rebuilt from the rows it left."""
    db = connection(db)
    attempt = store.first_attempt(db, session_id, nonce)
    if attempt is None:
        return None
    result = ScanResult(nonce=nonce, outcome=attempt["outcome"], code=attempt["code"])
    person = store.person(db, session_id, attempt["person_id"])
    if person is not None:
        result.person = info(person)
        first = store.record_of(db, session_id, person["id"])
        if first is not None:
            result.venue_id, result.venue_name = first["venue_id"], first["name"]
            result.status, result.at = first["status"], first["at"]
    return result
