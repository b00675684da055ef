"""The check-in rule, without HTTP."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession

from attendance.checkin import tokens
from attendance.checkin.scan import record_scan
from attendance.models import Attendance, ScanAttempt

from .factories import NOW, SECRET_KEY

KEY = tokens.derive_key(SECRET_KEY, "card")


def scan(db, session, person=None, *, venue=None, nonce, token=None, at=NOW, actor=None, **kw):
    venue = venue or session.venues[0]
    if person is not None and token is None and "person_id" not in kw:
        token = tokens.card_token(KEY, session.id, person.id, person.card_version)
    return record_scan(db, key=KEY, session=session, venue=venue, nonce=nonce, method="card",
                       now=at, actor=actor, token=token, **kw)


def test_card_checks_in_once_then_answers_where_and_when(db, make_session, make_person):
    session = make_session()
    hall, point = session.venues[0], session.venues[1]
    person = make_person(session)
    first = scan(db, session, person, nonce="a")
    assert (first.outcome, first.code, first.status) == ("accepted", "ok", "present")
    assert first.person.full_name == person.full_name
    again = scan(db, session, person, venue=point, nonce="b", at=NOW + timedelta(minutes=5))
    assert (again.outcome, again.code) == ("duplicate", "already_checked_in")
    assert (again.venue_id, again.at) == (hall.id, NOW)
    assert db.scalar(select(func.count()).select_from(Attendance)) == 1
    assert db.scalar(select(func.count()).select_from(ScanAttempt)) == 2


def test_late_after_grace_minutes(db, make_session, make_person):
    session = make_session()  # starts NOW + 30 min, 15 minutes' grace
    person = make_person(session)
    result = scan(db, session, person, nonce="n", at=session.starts_at + timedelta(minutes=16))
    assert (result.outcome, result.status) == ("accepted", "late")


def test_replaying_a_nonce_changes_nothing_and_gives_the_first_answer(db, make_session,
                                                                       make_person):
    session = make_session()
    person = make_person(session)
    first = scan(db, session, person, nonce="same")
    replay = scan(db, session, person, nonce="same", at=NOW + timedelta(minutes=1))
    assert (replay.outcome, replay.code, replay.person.id) == ("accepted", "ok", person.id)
    assert replay.at == first.at
    assert db.scalar(select(func.count()).select_from(ScanAttempt)) == 1


@pytest.mark.parametrize("mangle, code", [
    (lambda t: "hello", "malformed"),
    (lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), "bad_signature"),
    (lambda t: t.replace(":1:", ":2:", 1) if ":1:" in t else t + "X", "bad_signature"),
])
def test_forged_and_altered_cards_are_refused(db, make_session, make_person, mangle, code):
    session = make_session()
    person = make_person(session)
    token = tokens.card_token(KEY, session.id, person.id, 1)
    result = scan(db, session, token=mangle(token), nonce="x")
    assert (result.outcome, result.code) == ("rejected", code)
    assert db.scalar(select(func.count()).select_from(Attendance)) == 0
    assert db.scalar(select(ScanAttempt.code)) == code


def test_card_signed_with_another_key_is_refused(db, make_session, make_person):
    session = make_session()
    person = make_person(session)
    token = tokens.card_token(tokens.derive_key("other", "card"), session.id, person.id, 1)
    assert scan(db, session, token=token, nonce="x").code == "bad_signature"


def test_reissued_card_revokes_the_old_one(db, make_session, make_person):
    session = make_session()
    person = make_person(session)
    old = tokens.card_token(KEY, session.id, person.id, 1)
    person.card_version = 2
    db.flush()
    assert scan(db, session, token=old, nonce="x").code == "revoked"
    assert scan(db, session, person, nonce="y").outcome == "accepted"


def test_card_of_another_session_is_refused(db, make_session, make_person):
    session, other = make_session(), make_session()
    person = make_person(other)
    token = tokens.card_token(KEY, other.id, person.id, 1)
    assert scan(db, session, token=token, nonce="x").code == "wrong_session"


def test_outside_the_window_is_refused_unless_opened_by_hand(db, make_session, make_person):
    session = make_session()
    person = make_person(session)
    early = session.starts_at - timedelta(hours=3)
    assert scan(db, session, person, nonce="1", at=early).code == "window_closed"
    session.checkin_window = "open"
    assert scan(db, session, person, nonce="2", at=early).outcome == "accepted"


def test_window_closed_by_hand(db, make_session, make_person):
    session = make_session(checkin_window="closed")
    person = make_person(session)
    assert scan(db, session, person, nonce="1").code == "window_closed"


def test_staff_may_check_in_only_at_their_venue(db, make_session, make_person, make_user):
    session = make_session()
    hall, point = session.venues[0], session.venues[1]
    staff = make_user(role="staff", venue=hall)
    person = make_person(session)
    assert scan(db, session, person, venue=point, nonce="1", actor=staff).code == \
        "not_allowed_here"
    assert scan(db, session, person, venue=hall, nonce="2", actor=staff).outcome == "accepted"


def test_manual_pick_by_person_id(db, make_session, make_person):
    session = make_session()
    person = make_person(session)
    result = scan(db, session, person_id=person.id, nonce="m")
    assert (result.outcome, result.person.id) == ("accepted", person.id)
    assert scan(db, session, person_id=987654, nonce="z").code == "unknown_person"


def test_the_database_keeps_an_attendance_on_its_own_sessions_roster(db, make_session,
                                                                      make_person):
    """Behind the rule, the schema: an attendance names (session, person) of the roster, so
    no code path can record someone in a session whose roster they are not on; removing the
    person or the session removes their attendance, and keeps the attempts (person unset)."""
    today, other = make_session(), make_session()
    person, stranger = make_person(today), make_person(other)
    row = dict(session_id=today.id, venue_id=today.venues[0].id, status="present",
               method="manual", at=NOW, device="", absence_reason="")
    with pytest.raises(IntegrityError):
        with db.begin_nested():
            db.execute(insert(Attendance).values(**row, person_id=stranger.id))
    assert scan(db, today, person, nonce="n1").outcome == "accepted"
    db.commit()
    db.execute(delete(type(person)).where(type(person).id == person.id))
    assert db.scalar(select(func.count()).select_from(Attendance)) == 0
    assert db.scalars(select(ScanAttempt.person_id)).all() == [None]
    assert scan(db, other, stranger, nonce="n2").outcome == "accepted"
    db.commit()
    db.execute(delete(type(other)).where(type(other).id == other.id))
    assert db.scalar(select(func.count()).select_from(Attendance)) == 0
    assert db.scalar(select(func.count()).select_from(ScanAttempt)) == 1  # today's, kept


def test_every_attempt_is_logged_with_its_own_outcome(db, make_session, make_person):
    session = make_session()
    hall, point = session.venues[0], session.venues[1]
    arrives, twice = make_person(session), make_person(session)
    db.add(Attendance(session_id=session.id, person_id=arrives.id, venue_id=point.id,
                      status="absent_excused", method="roll", at=NOW, absence_reason="ốm"))
    db.flush()
    came = scan(db, session, arrives, venue=hall, nonce="arrives")  # marked absent, came anyway
    assert (came.outcome, came.code, came.status, came.venue_id) == \
        ("accepted", "ok", "present", hall.id)
    scan(db, session, twice, nonce="first")
    scan(db, session, twice, nonce="second")
    scan(db, session, token="hello", nonce="forged")
    logged = dict(db.execute(select(ScanAttempt.nonce, ScanAttempt.outcome)).all())
    assert logged == {"arrives": "accepted", "first": "accepted", "second": "duplicate",
                      "forged": "rejected"}
    row = db.scalars(select(Attendance).where(Attendance.person_id == arrives.id)).one()
    assert (row.status, row.venue_id, row.absence_reason) == ("present", hall.id, "")


def test_a_forged_card_keeps_its_refusal_when_sent_again(db, make_session, make_person):
    session = make_session()
    assert scan(db, session, token="DC1:1:1:1:AAAAAAAAAAAAAAAA", nonce="1").code == \
        "bad_signature"
    again = scan(db, session, token="DC1:1:1:1:AAAAAAAAAAAAAAAA", nonce="1")
    assert (again.outcome, again.code) == ("rejected", "bad_signature")
    assert db.scalar(select(func.count()).select_from(ScanAttempt)) == 1


def test_a_refusal_that_can_pass_does_not_stick_to_its_nonce(db, make_session, make_person):
    """Closed by hand, then reopened: the queued retry of the same scan is judged again."""
    session = make_session(checkin_window="closed")
    person = make_person(session)
    assert scan(db, session, person, nonce="1").code == "window_closed"
    session.checkin_window = "open"
    again = scan(db, session, person, nonce="1")
    assert (again.outcome, again.code) == ("accepted", "ok")
    assert db.scalar(select(func.count()).select_from(Attendance)) == 1
    codes = sorted(db.scalars(select(ScanAttempt.code)))
    assert codes == ["ok", "window_closed"]  # the refusal is still logged


def test_concurrent_scans_never_double_count(app, db, make_session, make_person):
    """Eight threads, each with its own connection, scan the same 30 people."""
    from webapp.extensions import db as flask_db

    session = make_session(checkin_window="open")
    people = [make_person(session) for _ in range(30)]
    session_id, venue_id = session.id, session.venues[0].id
    person_tokens = [tokens.card_token(KEY, session_id, p.id, 1) for p in people]
    engine = flask_db.engine
    errors, outcomes = [], []

    def worker(n):
        try:
            with OrmSession(engine) as own:
                from attendance.models import StudySession, Venue
                s, v = own.get(StudySession, session_id), own.get(Venue, venue_id)
                for i, token in enumerate(person_tokens):
                    r = record_scan(own, key=KEY, session=s, venue=v, nonce=f"t{n}-{i}",
                                    method="card", now=NOW, actor=None, token=token)
                    own.commit()
                    outcomes.append(r.outcome)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert outcomes.count("accepted") == 30
    assert outcomes.count("duplicate") == 8 * 30 - 30
    assert db.scalar(select(func.count()).select_from(Attendance)) == 30
    assert db.scalar(select(func.count()).select_from(ScanAttempt)) == 8 * 30
