"""The check-in tables as the rule reads and writes them: their rows, built once from explicit
column lists, and the prebuilt statements of the hot path (``Prepared``: building a statement
per scan costs more than running it).

What only the database can say is asked here: is the person on the roster with this card, has
this nonce been seen, what record does the person have. One attendance per person is the
unique key's doing (INSERT ... ON CONFLICT), so concurrent workers never count anyone twice.
"""

from datetime import datetime

from sqlalchemy import Connection, and_, bindparam, case, literal_column, not_, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from attendance.checkin.prepared import Prepared
from attendance.checkin.rule import REPLACEABLE, ScanTime, mode_of
from attendance.ids import row_id
from attendance.models import Attendance, Category, Person, ScanAttempt, Venue

ATTENDANCE_COLUMNS = ("session_id", "person_id", "venue_id", "status", "method", "at",
                      "recorded_by_id", "device", "nonce", "absence_reason", "mode")
ATTEMPT_COLUMNS = ("session_id", "nonce", "venue_id", "person_id", "outcome", "code", "method",
                   "actor_id", "device", "scanned_at", "received_at", "device_time_trusted")
INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def connection(db: Session | Connection) -> Connection:
    """The Core connection the rule runs on: the ORM session's, inside its transaction, or one
    the caller opened itself (the check-in API, which needs no ORM session at all)."""
    return db if isinstance(db, Connection) else db.connection()


def attendance_row(session, person_id, venue, status, method, at, actor, device,
                   nonce) -> dict:
    return dict(session_id=session.id, person_id=person_id, venue_id=venue.id, status=status,
                method=method, at=at, recorded_by_id=actor.id if actor else None,
                device=device[:100], nonce=nonce, absence_reason="",
                mode=mode_of(method))  # a bound value more, no query more


def attempt_row(*, session, venue, nonce: str, method: str, actor, device: str, now: datetime,
                scanned_at: datetime | None, time: ScanTime | None, person_id=None,
                outcome: str = "", code: str = "") -> dict:
    """One attempt as ``scan_attempts`` keeps it: when it was made by the device's clock, when
    it arrived, and whether the device's clock was believed."""
    return dict(session_id=session.id, nonce=nonce, venue_id=venue.id if venue else None,
                person_id=person_id, outcome=outcome, code=code, method=method,
                actor_id=actor.id if actor else None, device=device[:100],
                scanned_at=scanned_at if scanned_at and scanned_at.tzinfo else None,
                received_at=now, device_time_trusted=time.trusted if time else None)


def arrival_upsert(insert):
    """``insert`` of attendances made an arrival: a person with no record is checked in; one
    whose record is an absence (rule.REPLACEABLE) is checked in over it; a check-in already
    there stays. RETURNING the person of each row that went in."""
    table, excluded = insert.table, insert.excluded
    return insert.on_conflict_do_update(
        index_elements=["session_id", "person_id"],
        set_={key: excluded[key] for key in ATTENDANCE_COLUMNS
              if key not in ("session_id", "person_id")},
        where=or_(*(table.c.status == status for status in REPLACEABLE))  # not IN: Prepared
    ).returning(table.c.person_id)  # takes no expanding parameter


def _values(table, prefix: str, keys):
    return {key: bindparam(f"{prefix}{key}", type_=table.c[key].type) for key in keys}


_attendances, _attempts = Attendance.__table__, ScanAttempt.__table__
_ARRIVAL = {name: Prepared(arrival_upsert(insert(_attendances).values(
    _values(_attendances, "", ATTENDANCE_COLUMNS)))) for name, insert in INSERTS.items()}
_LOG = {name: Prepared(insert(_attempts).values(_values(_attempts, "", ATTEMPT_COLUMNS))
                       .on_conflict_do_nothing(index_elements=["session_id", "nonce"])
                       .returning(_attempts.c.id)) for name, insert in INSERTS.items()}


def write_arrival(db: Connection, row: dict) -> bool:
    """Record the arrival ``row`` (see ``arrival_upsert``); True when it went in."""
    return _ARRIVAL[db.dialect.name].scalar(db, row) is not None


def log_attempt(db: Session | Connection, attempt: dict) -> bool:
    """INSERT the attempt (every ATTEMPT_COLUMNS key) unless its nonce is logged; True when
    it went in. RETURNING, not rowcount: psycopg reports -1 for this statement."""
    conn = connection(db)
    return _LOG[conn.dialect.name].scalar(conn, attempt) is not None


PERSON_ROWS = (  # what the rule and a scan's answer need of a person; filtered by the callers
    select(Person.id, Person.full_name, Person.position, Person.card_version, Person.venue_id,
           Category.name.label("category"))
    .join(Category, Category.id == Person.category_id))
_PERSON = Prepared(PERSON_ROWS.where(Person.id == bindparam("person_id"),
                                     Person.session_id == bindparam("session_id")))
_ONE = select(literal_column("1").label("one")).subquery("one")
# A fresh scan's one read: whether its nonce was seen (a retry), and the person's row (none:
# not on the session's roster). Anchored on a one-row select so that a row comes back either way.
_LOOKUP = Prepared(
    select(select(ScanAttempt.id).where(ScanAttempt.session_id == bindparam("session_id"),
                                        ScanAttempt.nonce == bindparam("nonce"))
           .scalar_subquery().label("seen"),
           *PERSON_ROWS.selected_columns)
    .select_from(_ONE.outerjoin(Person, and_(Person.id == bindparam("person_id"),
                                              Person.session_id == bindparam("session_id")))
                 .outerjoin(Category, Category.id == Person.category_id)))
_RECORD = (  # run by SQLAlchemy, not Prepared: ``at`` needs its type's conversion
    select(Attendance.venue_id, Venue.name, Attendance.status, Attendance.at)
    .join(Venue, Venue.id == Attendance.venue_id)
    .where(Attendance.session_id == bindparam("session_id"),
           Attendance.person_id == bindparam("person_id")))
_ATTEMPT = Prepared(
    select(ScanAttempt.outcome, ScanAttempt.code, ScanAttempt.person_id)
    .where(ScanAttempt.session_id == bindparam("session_id"),
           ScanAttempt.nonce == bindparam("nonce")))


def lookup(db: Connection, session_id: int, nonce: str, person_id) -> tuple[bool, dict | None]:
    """(was the nonce seen, the person's roster row or None), in one statement."""
    found = _LOOKUP.first(db, {"session_id": session_id, "nonce": nonce,
                               "person_id": row_id(person_id)})
    return found["seen"] is not None, (found if found["id"] is not None else None)


def nonce_seen(db: Session | Connection, session_id: int, nonce: str) -> bool:
    return lookup(connection(db), session_id, nonce, None)[0]


def person(db: Connection, session_id: int, person_id) -> dict | None:
    if row_id(person_id) is None:
        return None
    return _PERSON.first(db, {"person_id": person_id, "session_id": session_id})


def record_of(db: Connection, session_id: int, person_id: int) -> dict | None:
    """The person's attendance record: venue_id, name (the venue's), status, at."""
    return db.execute(_RECORD, {"session_id": session_id,
                                "person_id": person_id}).mappings().first()


def first_attempt(db: Connection, session_id: int, nonce: str) -> dict | None:
    return _ATTEMPT.first(db, {"session_id": session_id, "nonce": nonce})


def fresh_scan_statement() -> Prepared:
    """PostgreSQL's whole check-in of a fresh scan in one statement (one round trip, so the
    API runs it in autocommit), once the rule has passed all it can know without the roster:

    WITH person AS (the roster row: this person with this card (``version`` NULL: a pick by
    id, then ``roster_venue`` names the venue whose roster it must be, NULL any), and the nonce
    never seen), arrived AS (the arrival upsert FROM person), logged AS (the attempt FROM
    person: accepted if it arrived, else a duplicate) SELECT the person and whether they
    arrived. No row: none of these held, and the caller asks the rule the long way."""
    a, t = _values(_attendances, "a_", ATTENDANCE_COLUMNS), _values(_attempts, "t_",
                                                                    ATTEMPT_COLUMNS)
    seen = select(ScanAttempt.id).where(ScanAttempt.session_id == a["session_id"],
                                        ScanAttempt.nonce == a["nonce"]).exists()
    version = bindparam("version", type_=Person.card_version.type)
    roster_venue = bindparam("roster_venue", type_=Person.venue_id.type)
    person = PERSON_ROWS.where(
        Person.id == a["person_id"], Person.session_id == a["session_id"],
        version.is_(None) | (Person.card_version == version),
        roster_venue.is_(None) | (Person.venue_id == roster_venue), not_(seen)).cte("person")
    a["person_id"] = t["person_id"] = person.c.id
    arrived = arrival_upsert(postgresql.insert(_attendances).from_select(
        list(ATTENDANCE_COLUMNS), select(*a.values()).select_from(person))).cte("arrived")
    went_in = select(arrived.c.person_id).exists()
    t["outcome"] = case((went_in, "accepted"), else_="duplicate")
    t["code"] = case((went_in, "ok"), else_="already_checked_in")
    logged = (postgresql.insert(_attempts).from_select(
        list(ATTEMPT_COLUMNS), select(*t.values()).select_from(person))
        .on_conflict_do_nothing(index_elements=["session_id", "nonce"])
        .returning(_attempts.c.id).cte("logged"))
    return Prepared(select(person.c.id, person.c.full_name, person.c.position,
                           person.c.category, person.c.venue_id, went_in.label("arrived"))
                    .add_cte(arrived, logged))


FRESH_SCAN = fresh_scan_statement()
