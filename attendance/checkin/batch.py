"""A batch of scans (an offline queue flushing, a busy door) checked in with a handful of
statements instead of a few per scan: one look-up of the nonces, one of the people, one
multi-row arrival upsert, one multi-row INSERT of the attempts.

The rule is ``checkin.rule``'s, as for one scan. What the bulk path does not cover (a nonce
seen before, the same nonce or the same person twice in the batch) goes through
``scan.record_scan`` one by one, so every answer is the one a single scan would get.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Text, any_, bindparam, cast, column, func, literal, select, true
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from attendance.checkin import citizen, rule, store, tokens
from attendance.checkin.rule import CheckInError
from attendance.checkin.scan import REJECTED, ScanResult, answer, record_scan, refused
from attendance.ids import is_nonce, row_id
from attendance.models import Attendance, Person, ScanAttempt, StudySession, User, Venue


@dataclass
class ScanItem:
    nonce: str
    method: str
    venue_id: int | None
    token: str | None = None
    person_id: int | None = None
    scanned_at: datetime | None = None
    last_contact: datetime | None = None  # the server's time the device last heard


def record_scans(db: Session | Connection, *, key: bytes, session: StudySession,
                 venues: dict[int, Venue], items: list[ScanItem], now: datetime,
                 actor: User | None, device: str = "") -> list[ScanResult]:
    db = store.connection(db)
    if len(items) == 1:  # one scan: the single path's prebuilt statements are quicker
        return [_one(db, key, session, venues, items[0], now, actor, device)]
    results: list[ScanResult | None] = [None] * len(items)
    logged: list[dict] = []  # the attempts of the items answered here
    one_by_one, fresh = _sort_nonces(db, session, items, results)
    judged = {}  # item -> (person id, card version, venue, scan time, attempt row)
    for i in fresh:
        item = items[i]
        if item.token is not None and citizen.SEPARATOR in item.token:
            one_by_one.append(i)  # a citizen ID card: its holder is looked up on its own
            continue
        venue = venues.get(row_id(item.venue_id))
        time = rule.scan_time(now, item.scanned_at, item.last_contact)
        attempt = store.attempt_row(session=session, venue=venue, nonce=item.nonce,
                                    method=item.method, actor=actor, device=device, now=now,
                                    scanned_at=item.scanned_at, time=time)
        try:
            person_id, version = rule.judge(key, session, venue, actor, item.token,
                                            None if item.token else row_id(item.person_id))
        except (CheckInError, tokens.TokenError) as refusal:
            results[i], row = refused(attempt, refusal)
            logged.append(row)
            continue
        judged[i] = (row_id(person_id), version, venue, time.at, attempt)
    people = _people(db, session.id, {person_id for person_id, *_ in judged.values()} - {None})
    claimed: dict[int, int] = {}  # person id -> the batch item that claims them
    rows = []
    for i, (person_id, version, venue, at, attempt) in judged.items():
        person = people.get(person_id)
        try:
            status = rule.admit(session, person, version, venue, actor, at)
        except CheckInError as refusal:
            results[i], row = refused(attempt, refusal)
            logged.append(row)
            continue
        if person_id in claimed:
            one_by_one.append(i)  # the same person twice: the later scan is a duplicate
            continue
        claimed[person_id] = i
        rows.append(store.attendance_row(session, person_id, venue, status, items[i].method,
                                         at, actor, device, items[i].nonce))
    arrived = _write_arrivals(db, rows)
    for row in rows:
        i, person_id = claimed[row["person_id"]], row["person_id"]
        results[i] = answer(db, session, row["nonce"], people[person_id],
                            venues[row["venue_id"]], row["status"], row["at"],
                            person_id in arrived)
        logged.append(dict(judged[i][4], person_id=person_id, outcome=results[i].outcome,
                           code=results[i].code))
    _insert_attempts(db, logged)
    for i in sorted(one_by_one):
        results[i] = _one(db, key, session, venues, items[i], now, actor, device)
    return results


def _one(db, key, session, venues, item: ScanItem, now, actor, device) -> ScanResult:
    return record_scan(
        db, key=key, session=session, venue=venues.get(row_id(item.venue_id)),
        nonce=item.nonce, method=item.method, now=now, actor=actor, token=item.token,
        person_id=None if item.token else row_id(item.person_id),
        scanned_at=item.scanned_at, last_contact=item.last_contact, device=device)


def _sort_nonces(db, session, items, results) -> tuple[list[int], list[int]]:
    """(items to answer one by one: a nonce seen before, or twice in the batch; items with a
    fresh nonce). Items without a valid nonce are answered here."""
    one_by_one: list[int] = []
    fresh: dict[str, int] = {}
    for i, item in enumerate(items):
        nonce = item.nonce = (item.nonce or "").strip()
        if not is_nonce(nonce):
            results[i] = ScanResult(nonce=nonce[:64], outcome=REJECTED, code="bad_nonce")
        elif nonce in fresh:
            one_by_one.append(i)  # the same nonce again: answered as its replay
        else:
            fresh[nonce] = i
    if fresh:
        for nonce in _seen_nonces(db, session.id, list(fresh)):
            one_by_one.append(fresh.pop(nonce))
    return one_by_one, list(fresh.values())


def _seen_nonces(db: Connection, session_id: int, nonces: list[str]) -> list[str]:
    """Which of ``nonces`` this session has recorded already. On PostgreSQL one index probe per
    nonce, whatever the planner's statistics say: written as ``session_id = :s AND nonce =
    ANY(:nonces)`` it is planned from the statistics of session_id, and for a session newer than
    the last ANALYZE (every session, on its morning) the planner takes session_id for rare, so it
    reads every attempt of the session and compares each with the whole array: measured 132 ms
    per batch at 55,000 attempts and growing with them, against 0.4 ms this way."""
    if db.dialect.name == "postgresql":
        return list(db.scalars(_SEEN_NONCES, {"seen_session": session_id, "seen_nonces": nonces}))
    return list(db.scalars(select(ScanAttempt.nonce).where(
        ScanAttempt.session_id == session_id, ScanAttempt.nonce.in_(nonces))))


def _seen_nonces_statement():
    """SELECT given.nonce FROM unnest(:nonces) AS given(nonce) JOIN LATERAL (SELECT 1 FROM
    scan_attempts WHERE session_id = :s AND nonce = given.nonce LIMIT 1) AS hit ON true"""
    given = func.unnest(bindparam("seen_nonces", type_=postgresql.ARRAY(ScanAttempt.nonce.type))
                        ).table_valued(column("nonce", ScanAttempt.nonce.type)).render_derived(
        name="given")
    hit = select(literal(1)).where(
        ScanAttempt.session_id == bindparam("seen_session"),
        ScanAttempt.nonce == given.c.nonce).limit(1).lateral("hit")
    return select(given.c.nonce).join_from(given, hit, true())


_SEEN_NONCES = _seen_nonces_statement()


def _people(db: Connection, session_id: int, ids: set[int]) -> dict:
    """The rows of those ``ids`` who are on this session's roster. Looked up by primary key
    alone, the session checked here: with ``session_id = :s`` in the query, a session the
    statistics do not know yet (a roster imported since the last ANALYZE, or too small a part of
    a large table to trigger one) looks rare to the planner, which then reads the session's
    whole roster through its session_id index for every batch (see _seen_nonces)."""
    if not ids:
        return {}
    rows = db.execute(store.PERSON_ROWS.add_columns(Person.session_id).where(
        _one_of(db, Person.id, list(ids)))).mappings()
    return {row["id"]: row for row in rows if row["session_id"] == session_id}


def _one_of(db: Connection, column, values: list):
    """``column IN (values)``; on PostgreSQL ``= ANY(array)``, one parameter whatever the
    batch's size, so the statement's text stays the same and the server keeps it prepared."""
    if db.dialect.name == "postgresql":
        return column == any_(bindparam(None, value=values, type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


def _write_arrivals(db: Connection, rows: list[dict]) -> set[int]:
    """The arrival upsert (``store.arrival_upsert``) of many rows; the people who went in."""
    if not rows:
        return set()
    return set(db.execute(*_many(db, _ARRIVALS, rows)).scalars())


def _insert_attempts(db: Connection, rows: list[dict]) -> None:
    if rows:
        db.execute(*_many(db, _ATTEMPTS, rows))


def _from_json_rows(table, columns):
    """``INSERT INTO table (columns) SELECT ... FROM json_to_recordset(:many_rows) AS
    given(column type, ...)``, PostgreSQL's many-row insert. The statement's text is the same
    for every batch, so the server keeps it prepared (a multi-row VALUES list would be new
    text, parsed again, for every batch), and the rows are encoded by ``json.dumps`` in C (one
    array per column, the earlier way, cost the worker three times as much: psycopg and
    SQLAlchemy convert array items one by one in Python)."""
    given = func.json_to_recordset(cast(bindparam("many_rows", type_=Text), postgresql.JSON)
                                   ).table_valued(*[column(c, table.c[c].type) for c in columns]
                                                  ).render_derived(name="given", with_types=True)
    return postgresql.insert(table).from_select(list(columns),
                                                select(*[given.c[c] for c in columns]))


def _by_dialect(table, columns, finish) -> dict:
    """The many-row INSERT of ``columns`` per dialect, ``finish`` adding its ON CONFLICT: JSON
    rows on PostgreSQL (see _from_json_rows), multi-row VALUES elsewhere."""
    values = {c: bindparam(c, type_=table.c[c].type) for c in columns}
    return {"postgresql": (finish(_from_json_rows(table, columns)), columns),
            "sqlite": (finish(store.INSERTS["sqlite"](table).values(values)), columns)}


_ARRIVALS = _by_dialect(Attendance.__table__, store.ATTENDANCE_COLUMNS, store.arrival_upsert)
_ATTEMPTS = _by_dialect(ScanAttempt.__table__, store.ATTEMPT_COLUMNS,
                        lambda insert: insert.on_conflict_do_nothing(
                            index_elements=["session_id", "nonce"]))
_PROCESSORS: dict = {}  # (dialect, table) -> the columns' bind conversions for JSON rows


def _many(db: Connection, statements: dict, rows: list[dict]):
    """(statement, parameters) for ``rows``: the list itself, or on PostgreSQL one JSON text
    of the rows, each value first converted as its column's type would (aware datetimes to
    naive UTC)."""
    statement, columns = statements[db.dialect.name]
    if db.dialect.name != "postgresql":
        return statement, rows
    table = statement.table
    processors = _PROCESSORS.get(table.name)
    if processors is None:
        processors = _PROCESSORS[table.name] = tuple(
            (c, processor) for c in columns
            if (processor := table.c[c].type.dialect_impl(db.dialect).bind_processor(
                db.dialect)) is not None)
    if processors:
        rows = [{**row, **{c: process(row[c]) for c, process in processors}} for row in rows]
    return statement, {"many_rows": json.dumps(rows, default=_isoformat)}


def _isoformat(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} in a batch row")
