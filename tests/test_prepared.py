"""Statements run on the DBAPI cursor store exactly what SQLAlchemy itself would store."""

from datetime import timedelta, timezone

import pytest
from sqlalchemy import insert, select, text

from attendance.checkin.prepared import Prepared
from attendance.models import ScanAttempt

from .factories import NOW


def test_values_are_converted_like_sqlalchemy_and_defaults_filled(db, make_session):
    session = make_session()
    conn = db.connection()
    row = dict(session_id=session.id, nonce="raw", outcome="rejected", code="malformed",
               method="card", received_at=NOW.astimezone(timezone(timedelta(hours=7))))
    prepared = Prepared(insert(ScanAttempt.__table__).returning(ScanAttempt.id),
                        column_keys=tuple(row))
    assert prepared.scalar(conn, row) is not None
    conn.execute(insert(ScanAttempt.__table__), dict(row, nonce="core"))
    stored = dict(conn.execute(text(
        "SELECT nonce, CAST(received_at AS TEXT) FROM scan_attempts")).all())
    assert stored["raw"] == stored["core"]  # same text on SQLite, same timestamp on PostgreSQL
    attempt = db.scalars(select(ScanAttempt).where(ScanAttempt.nonce == "raw")).one()
    assert attempt.received_at == NOW and attempt.device == ""  # the column's default


def test_first_gives_a_dict_by_column_name_or_none(db, make_session):
    session = make_session()
    query = Prepared(select(ScanAttempt.id, ScanAttempt.code.label("why"))
                     .where(ScanAttempt.session_id == session.id))
    assert query.first(db.connection(), {}) is None
    db.add(ScanAttempt(session_id=session.id, nonce="n", outcome="rejected", code="revoked",
                       method="card", received_at=NOW))
    db.flush()
    assert query.first(db.connection(), {})["why"] == "revoked"


def test_a_computed_default_must_be_given():
    from sqlalchemy import Column, Integer, MetaData, Table
    from sqlalchemy.dialects import sqlite
    table = Table("t", MetaData(), Column("id", Integer, primary_key=True),
                  Column("n", Integer, default=lambda: 1))
    with pytest.raises(ValueError, match="explicitly"):
        Prepared(insert(table), column_keys=("id",))._compiled(sqlite.dialect())
