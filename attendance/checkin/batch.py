"""A batch of scans (an offline queue flushing, a busy door) checked in with a handful of
statements instead of four per scan: one look-up of the nonces, one of the people, one
multi-row INSERT ... ON CONFLICT DO NOTHING of the attendances, one of the attempts.

The rule itself is ``checkin.judge`` and ``checkin.admit``, the same as for one scan. What the
bulk path does not cover — a nonce seen before (a replay), the same nonce or the same person
twice in the batch, someone already recorded — goes through ``checkin.record_scan`` or
``checkin.already_in`` one by one, so every answer is the one a single scan would get.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Text, any_, bindparam, cast, column, func, literal, select, true
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from attendance.checkin import tokens
from attendance.checkin.scan import (
    PERSON_ROWS,
    REJECTED,
    CheckInError,
    ScanResult,
    accepted_result,
    admit,
    already_in,
    attendance_row,
    connection,
    insert_for,
    judge,
    record_scan,
    scan_time,
)
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


def record_scans(db: Session | Connection, *, key: bytes, session: StudySession,
                 venues: dict[int, Venue], items: list[ScanItem], now: datetime,
                 actor: User | None,
                 device: str = "") -> list[ScanResult]:
    db = connection(db)

    def one(item: ScanItem) -> ScanResult:
        return record_scan(
            db, key=key, session=session, venue=venues.get(row_id(item.venue_id)),
            nonce=item.nonce, method=item.method, now=now, actor=actor, token=item.token,
            person_id=None if item.token else row_id(item.person_id),
            scanned_at=item.scanned_at, device=device)

    if len(items) == 1:  # one scan: the single path's prebuilt statements are quicker
        return [one(items[0])]
    results: list[ScanResult | None] = [None] * len(items)
    one_by_one: list[int] = []
    fresh: dict[str, int] = {}
    for i, item in enumerate(items):
        nonce = (item.nonce or "").strip()
        item.nonce = nonce
        if not is_nonce(nonce):
            results[i] = ScanResult(nonce=nonce[:64], outcome=REJECTED, code="bad_nonce")
        elif nonce in fresh:
            one_by_one.append(i)  # the same nonce again: answered as its replay, below
        else:
            fresh[nonce] = i
    if fresh:
        for nonce in _seen_nonces(db, session.id, list(fresh)):
            one_by_one.append(fresh.pop(nonce))

    judged = {}
    for i in fresh.values():
        item = items[i]
        venue = venues.get(row_id(item.venue_id))
        try:
            person_id, version = judge(key, session, venue, actor, item.token,
                                       None if item.token else row_id(item.person_id))
        except (CheckInError, tokens.TokenError) as refusal:
            results[i] = ScanResult(nonce=item.nonce, outcome=REJECTED, code=refusal.code)
            continue
        judged[i] = (row_id(person_id), version, venue, scan_time(now, item.scanned_at))

    people = _people(db, session.id, {person_id for person_id, *_ in judged.values()} - {None})
    claimed: dict[int, int] = {}  # person id -> the batch item that claims them
    rows = []
    for i, (person_id, version, venue, at) in judged.items():
        person = people.get(person_id)
        try:
            status = admit(session, person, version, at)
        except CheckInError as refusal:
            results[i] = ScanResult(nonce=items[i].nonce, outcome=REJECTED, code=refusal.code,
                                    person=refusal.params.get("person"))
            continue
        if person_id in claimed:
            one_by_one.append(i)  # the same person twice: the later scan is a duplicate
            continue
        claimed[person_id] = i
        rows.append(attendance_row(session, person_id, venue, status, items[i].method, at, actor,
                                device, items[i].nonce))
        results[i] = accepted_result(items[i].nonce, person, venue, status, at)
    inserted = _insert_attendances(db, rows)
    for person_id, i in claimed.items():
        if person_id not in inserted:  # recorded before this batch
            result = results[i]
            results[i] = already_in(
                db, session=session, venue=venues[result.venue_id], person=people[person_id],
                status=result.status, method=items[i].method, at=result.at, actor=actor,
                nonce=items[i].nonce)

    _insert_attempts(db, [_attempt(session, items[i], venues, results[i], actor, device, now)
                          for i in range(len(items)) if results[i] is not None
                          and results[i].code != "bad_nonce" and i not in one_by_one])
    for i in sorted(one_by_one):
        results[i] = one(items[i])
    return results


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
    rows = db.execute(PERSON_ROWS.add_columns(Person.session_id).where(
        _one_of(db, Person.id, list(ids)))).mappings()
    return {row["id"]: row for row in rows if row["session_id"] == session_id}


def _one_of(db: Connection, column, values: list):
    """``column IN (values)``; on PostgreSQL ``= ANY(array)``, one parameter whatever the
    batch's size, so the statement's text stays the same and the server keeps it prepared."""
    if db.dialect.name == "postgresql":
        return column == any_(bindparam(None, value=values, type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


def _insert_attendances(db: Connection, rows: list[dict]) -> set[int]:
    """INSERT ... ON CONFLICT DO NOTHING of many rows; the person ids that went in."""
    if not rows:
        return set()
    table = Attendance.__table__
    return set(db.execute(*_insert_many(db, table, ["session_id", "person_id"], rows,
                                        returning=table.c.person_id)).scalars())


def _insert_attempts(db: Connection, rows: list[dict]) -> None:
    if rows:
        db.execute(*_insert_many(db, ScanAttempt.__table__, ["session_id", "nonce"], rows))


def _insert_many(db: Connection, table, keys: list[str], rows: list[dict], returning=None):
    """(statement, parameters) for INSERT ... ON CONFLICT (keys) DO NOTHING of ``rows``, built
    once per table and columns. On PostgreSQL the rows go as one JSON text,
    ``INSERT ... SELECT ... FROM json_to_recordset(:rows) AS given(column type, ...)``: the
    statement's text is the same for every batch, so the server keeps it prepared (a multi-row
    VALUES list would be new text, parsed again, for every batch), and the rows are encoded by
    ``json.dumps`` in C (one array per column, the earlier way, cost the worker three times as
    much: psycopg and SQLAlchemy convert array items one by one in Python). Elsewhere
    SQLAlchemy sends the list as multi-row VALUES."""
    columns = tuple(rows[0])
    cache_key = (db.dialect.name, table.name, columns)
    found = _INSERT_MANY.get(cache_key)
    postgres = db.dialect.name == "postgresql"
    if found is None:
        processors = ()
        if postgres:
            given = func.json_to_recordset(cast(bindparam("many_rows", type_=Text),
                                                postgresql.JSON)).table_valued(
                *[column(c, table.c[c].type) for c in columns]).render_derived(
                name="given", with_types=True)
            statement = postgresql.insert(table).from_select(
                list(columns), select(*[given.c[c] for c in columns]))
            processors = tuple(
                (c, processor) for c in columns
                if (processor := table.c[c].type.dialect_impl(db.dialect).bind_processor(
                    db.dialect)) is not None)
        else:
            statement = insert_for(db)(table)
        statement = statement.on_conflict_do_nothing(index_elements=keys)
        if returning is not None:
            statement = statement.returning(returning)
        found = _INSERT_MANY[cache_key] = (statement, processors)
    statement, processors = found
    if postgres:
        if processors:  # the columns' own conversions, e.g. aware datetimes to naive UTC
            rows = [{**row, **{c: process(row[c]) for c, process in processors}}
                    for row in rows]
        return statement, {"many_rows": json.dumps(rows, default=_isoformat)}
    return statement, rows


_INSERT_MANY: dict = {}


def _isoformat(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} in a batch row")


def _attempt(session, item: ScanItem, venues, result: ScanResult, actor, device, now) -> dict:
    venue = venues.get(row_id(item.venue_id))
    return dict(session_id=session.id, nonce=item.nonce, venue_id=venue.id if venue else None,
                person_id=result.person.id if result.person else None, outcome=result.outcome,
                code=result.code, method=item.method, actor_id=actor.id if actor else None,
                device=device[:100],
                scanned_at=item.scanned_at if item.scanned_at and item.scanned_at.tzinfo
                else None, received_at=now)

