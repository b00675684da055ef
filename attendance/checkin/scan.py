"""The check-in rule, in one place (after pretix's perform_checkin).

``record_scan`` is what every door, bridge point, self check-in and offline batch calls: it
makes a retry with the same nonce idempotent, decides through ``judge`` (before the database)
and ``admit`` (with the person's row), and writes one ``ScanAttempt`` row for every attempt,
accepted or not. The one-attendance-per-person rule is held by the database itself (a unique
key and INSERT ... ON CONFLICT), so concurrent workers can never count a person twice.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Connection,
    Integer,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from attendance import permissions
from attendance.checkin import tokens
from attendance.checkin.prepared import Prepared
from attendance.errors import DomainError
from attendance.ids import is_nonce, row_id
from attendance.models import (
    LATE,
    PRESENT,
    Attendance,
    Category,
    Person,
    ScanAttempt,
    StudySession,
    User,
    Venue,
)

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


def record_scan(db: Session | Connection, *, key: bytes, session: StudySession,
                venue: Venue | None, nonce: str, method: str, now: datetime, actor: User | None,
                token: str | None = None, person_id: int | None = None,
                scanned_at: datetime | None = None, device: str = "") -> ScanResult:
    """Check in one scan or one manual pick; never raises for a refused scan.

    A fresh scan costs one statement on PostgreSQL (the look-up and both writes: see
    ``_pg_checkin``); on SQLite one read (has the nonce been seen, and the person's row) and
    one write of two statements (the attendance and the attempt). Anything else takes the long
    way: the read, then a replay, a refusal, or the write and the duplicate's answer."""
    nonce = (nonce or "").strip()
    if not is_nonce(nonce):
        return ScanResult(nonce=nonce[:64], outcome=REJECTED, code="bad_nonce")
    db = connection(db)
    at = scan_time(now, scanned_at)
    refusal = version = person = None
    attempt = dict(session_id=session.id, nonce=nonce, venue_id=venue.id if venue else None,
                   person_id=None, method=method, actor_id=actor.id if actor else None,
                   device=device[:100],
                   scanned_at=scanned_at if scanned_at and scanned_at.tzinfo else None,
                   received_at=now)
    try:
        person_id, version = judge(key, session, venue, actor, token, person_id)
    except (CheckInError, tokens.TokenError) as error:
        refusal, person_id = error, None
    if (refusal is None and db.dialect.name == "postgresql" and row_id(person_id) is not None
            and session.checkin_open(at)):
        # A scan's one round trip: see _pg_checkin. (On SQLite, in-process, a statement costs
        # little: the same statement shape measured no quicker than the three below.)
        status = LATE if at > session.late_after else PRESENT
        row = attendance_row(session, person_id, venue, status, method, at, actor, device, nonce)
        found = _pg_checkin(row, attempt).first(db, _pg_params(row, attempt, version=version))
        if found is not None:  # the common case: a fresh scan of someone on the roster
            return _written(db, found, found["arrived"], session=session, venue=venue,
                            status=status, method=method, at=at, actor=actor, nonce=nonce)
        # Else a retried nonce, someone not on the roster or a revoked card: the long way
        # below answers each.
    found = _LOOKUP.first(db, {"session_id": session.id, "nonce": nonce,
                               "person_id": row_id(person_id)})
    if found["seen"] is not None:
        return replay(db, session.id, nonce)
    if refusal is None:
        person = found if found["id"] is not None else None
        try:
            status = admit(session, person, version, at)
        except CheckInError as error:
            refusal = error
    if refusal is not None:
        info = refusal.params.get("person")
        insert_ignore(db, ScanAttempt, ["session_id", "nonce"], dict(
            attempt, person_id=info.id if info else None, outcome=REJECTED, code=refusal.code))
        return ScanResult(nonce=nonce, outcome=REJECTED, code=refusal.code, person=info)
    attempt["person_id"] = person["id"]
    row = attendance_row(session, person["id"], venue, status, method, at, actor, device, nonce)
    return _written(db, person, _write_checkin(db, row, attempt), session=session, venue=venue,
                    status=status, method=method, at=at, actor=actor, nonce=nonce)


def _written(db: Connection, person, arrived: bool, *, session, venue, status, method, at, actor,
             nonce) -> ScanResult:
    """The answer once the arrival and the attempt are written: accepted if the arrival went in,
    else the person was recorded before (see ``already_in``)."""
    if arrived:
        return accepted_result(nonce, person, venue, status, at)
    result = already_in(db, session=session, venue=venue, person=person, status=status,
                        method=method, at=at, actor=actor, nonce=nonce)
    if result.outcome == ACCEPTED:  # the attempt went in as a duplicate: it was an arrival
        db.execute(_ATTEMPT_ACCEPTED, {"s_id": session.id, "n": nonce})
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
    if actor is not None and not permissions.can_check_in_at(actor, venue, session):
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
_ATTEMPT_ACCEPTED = (
    ScanAttempt.__table__.update()
    .where(ScanAttempt.session_id == bindparam("s_id"), ScanAttempt.nonce == bindparam("n"))
    .values(outcome=ACCEPTED, code="ok"))
# What a fresh scan reads, in one statement: whether its nonce was seen (a retry), and the
# person's row (absent: no such person in the session). Anchored on a one-row select so that a
# row comes back either way.
_ONE = select(literal_column("1").label("one")).subquery("one")
_LOOKUP = Prepared(
    select(select(ScanAttempt.id).where(ScanAttempt.session_id == bindparam("session_id"),
                                        ScanAttempt.nonce == bindparam("nonce"))
           .scalar_subquery().label("seen"),
           *PERSON_ROWS.selected_columns)
    .select_from(_ONE.outerjoin(Person, and_(Person.id == bindparam("person_id"),
                                              Person.session_id == bindparam("session_id")))
                 .outerjoin(Category, Category.id == Person.category_id)))
_INSERTS: dict = {}
_WRITES: dict = {}


def _write_checkin(db: Connection, row: dict, attempt: dict) -> bool:
    """Record the arrival ``row`` (see ``_arrival``) and the ``attempt``, as accepted when the
    row went in or was an absence, else as a duplicate; True when the arrival was recorded.

    One statement on PostgreSQL (so a caller may even run it in autocommit), two on SQLite,
    which has no INSERT inside WITH."""
    name = db.dialect.name
    statement = _WRITES.get(name)
    if statement is None:
        table = Attendance.__table__
        statement = _WRITES[name] = (
            Prepared(_pg_write(row, attempt, person=None)) if name == "postgresql"
            else Prepared(_arrival(sqlite.insert(table), row).returning(table.c.id),
                          column_keys=tuple(row)))
    if name != "postgresql":
        recorded = statement.scalar(db, row) is not None
        insert_ignore(db, ScanAttempt, ["session_id", "nonce"], dict(
            attempt, outcome=ACCEPTED if recorded else DUPLICATE,
            code="ok" if recorded else "already_checked_in"))
        return recorded
    return statement.scalar(db, _pg_params(row, attempt))


def _arrival(insert, keys):
    """The ``insert`` of an attendance made an upsert: if the person has one already and it is
    an absence (marked by a coordinator's roll), the arrival replaces it; a check-in already
    there stays as it is."""
    table, excluded = insert.table, insert.excluded
    return insert.on_conflict_do_update(
        index_elements=["session_id", "person_id"],
        set_={key: excluded[key] for key in keys if key not in ("session_id", "person_id")},
        where=and_(table.c.status != PRESENT, table.c.status != LATE))


def _pg_params(row: dict, attempt: dict, **more) -> dict:
    params = {f"a_{key}": value for key, value in row.items()}
    params.update((f"t_{key}", value) for key, value in attempt.items())
    params.update(more)
    return params


def _roster_person(query):
    """``query`` (on people) limited to the scan's person: on the session's roster, with the
    card's version (``version`` None: any), and only if the scan's nonce was never seen."""
    seen = exists().where(ScanAttempt.session_id == bindparam("a_session_id"),
                          ScanAttempt.nonce == bindparam("a_nonce"))
    return query.where(
        Person.id == bindparam("a_person_id"),
        Person.session_id == bindparam("a_session_id"),
        Person.card_version == func.coalesce(bindparam("version", type_=Integer),
                                             Person.card_version),
        ~seen)


def _pg_checkin(row: dict, attempt: dict) -> Prepared:
    """PostgreSQL's whole check-in of a fresh scan in one statement (one round trip, so the API
    runs it in autocommit): WITH person AS (the person's row, if they are on the session's
    roster, the card's version is theirs and the nonce was never seen), then the arrival and the
    attempt as in ``_pg_write``, and SELECT the person with whether they arrived. No row: the
    scan is none of these, and ``record_scan`` takes the long way."""
    statement = _WRITES.get("postgresql fresh scan")
    if statement is None:
        person = _roster_person(PERSON_ROWS).cte("person")
        statement = _WRITES["postgresql fresh scan"] = Prepared(
            _pg_write(row, attempt, person=person))
    return statement


def _pg_write(row: dict, attempt: dict, person):
    """One statement: WITH arrived AS (the arrival upsert ... RETURNING), logged AS (INSERT the
    attempt SELECT ..., accepted if a row came back, else duplicate) SELECT whether it arrived.
    With ``person`` (a CTE of the person's row) both INSERTs take their rows FROM it, so nothing
    is written without it, and the SELECT returns it with the answer as "arrived"."""
    attendances, attempts = Attendance.__table__, ScanAttempt.__table__

    def values(table, prefix, keys):
        return [person.c.id if person is not None and key == "person_id"
                else bindparam(f"{prefix}{key}", type_=table.c[key].type) for key in keys]

    arrived = (_arrival(postgresql.insert(attendances).from_select(
        list(row), select(*values(attendances, "a_", row))), row)
        .returning(attendances.c.id).cte("arrived"))
    went_in = exists(select(arrived.c.id))
    logged = (postgresql.insert(attempts)
              .from_select([*attempt, "outcome", "code"], select(
                  *values(attempts, "t_", attempt),
                  case((went_in, ACCEPTED), else_=DUPLICATE),
                  case((went_in, "ok"), else_="already_checked_in")))
              .on_conflict_do_nothing(index_elements=["session_id", "nonce"])
              .returning(attempts.c.id).cte("logged"))
    if person is None:
        return select(went_in).add_cte(arrived, logged)
    return (select(person.c.id, person.c.full_name, person.c.position, person.c.category,
                   went_in.label("arrived"))
            .add_cte(arrived, logged))


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


def insert_for(conn: Connection):
    """The dialect's ``insert`` (the one with ON CONFLICT) for this connection's database."""
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def insert_ignore(db: Session | Connection, model, keys: list[str], values: dict) -> bool:
    """INSERT ... ON CONFLICT (keys) DO NOTHING; True when the row went in."""
    conn = connection(db)
    name = conn.dialect.name
    columns = tuple(values)
    statement = _INSERTS.get((name, model, columns))
    if statement is None:
        statement = _INSERTS[(name, model, columns)] = Prepared(insert_for(conn)(
            model.__table__).on_conflict_do_nothing(index_elements=keys).returning(
            model.__table__.c.id), column_keys=columns)
    # RETURNING, not rowcount: psycopg reports -1 for this statement.
    return statement.scalar(conn, values) is not None
