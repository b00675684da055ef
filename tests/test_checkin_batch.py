"""Batches of scans through the bulk path give exactly the answers single scans would."""

import threading
from datetime import timedelta, timezone

import pytest
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.orm import Session as OrmSession

from attendance.checkin import tokens
from attendance.checkin.batch import ScanItem, _people, _seen_nonces, record_scans
from attendance.checkin.scan import record_scan
from attendance.models import ABSENT_EXCUSED, Attendance, Person, ScanAttempt, StudySession, Venue

from .factories import NOW, SECRET_KEY

KEY = tokens.derive_key(SECRET_KEY, "card")


def card(session, person, version=1):
    return tokens.card_token(KEY, session.id, person.id, version)


def test_a_mixed_batch_answers_like_single_scans(db, make_session, make_person, make_user):
    session = make_session(checkin_window="open")
    hall, point = session.venues[0], session.venues[1]
    people = [make_person(session) for _ in range(6)]
    before = people[0]
    record_scan(db, key=KEY, session=session, venue=hall, nonce="earlier", method="card",
                now=NOW, actor=None, token=card(session, before))
    absent = people[5]
    db.add(Attendance(session_id=session.id, person_id=absent.id, venue_id=point.id,
                      status=ABSENT_EXCUSED, method="roll", at=NOW, absence_reason="ốm"))
    db.flush()
    staff = make_user(role="staff", venue=hall)
    items = [
        ScanItem("n1", "card", hall.id, token=card(session, people[1])),          # new
        ScanItem("n2", "card", hall.id, token=card(session, before)),             # recorded before
        ScanItem("n3", "card", hall.id, token=card(session, people[2])),          # new
        ScanItem("n4", "card", hall.id, token=card(session, people[2])),          # same person again
        ScanItem("n1", "card", hall.id, token=card(session, people[1])),          # same nonce again
        ScanItem("earlier", "card", hall.id, token=card(session, people[3])),     # replayed nonce
        ScanItem("", "card", hall.id, token=card(session, people[3])),            # no nonce
        ScanItem("n5", "card", hall.id, token=card(session, people[3])[:-1] + "A"),  # altered
        ScanItem("n6", "card", point.id, token=card(session, people[4])),         # not staff's venue
        ScanItem("n7", "manual", hall.id, person_id=absent.id),                   # absent arrives
        ScanItem("n8", "manual", hall.id, person_id=99999),                       # unknown
        ScanItem("n9", "card", hall.id, token=card(session, people[4], version=7)),  # revoked
    ]
    now = NOW + timedelta(minutes=1)
    venues = {hall.id: hall, point.id: point}
    singles = _as_single_scans(db, session, venues, [ScanItem(**vars(i)) for i in items],
                               staff, now)
    results = record_scans(db, key=KEY, session=session, venues=venues, items=items, now=now,
                           actor=staff)
    assert [whole(r) for r in results] == [whole(r) for r in singles]
    H, P = (hall.id, hall.name), (point.id, point.name)
    assert [whole(r) for r in results] == [
        ("n1", "accepted", "ok", people[1].id, *H, "present", now),
        ("n2", "duplicate", "already_checked_in", before.id, *H, "present", NOW),
        ("n3", "accepted", "ok", people[2].id, *H, "present", now),
        ("n4", "duplicate", "already_checked_in", people[2].id, *H, "present", now),
        ("n1", "accepted", "ok", people[1].id, *H, "present", now),
        ("earlier", "accepted", "ok", before.id, *H, "present", NOW),  # the first answer
        ("", "rejected", "bad_nonce", None, None, "", None, None),
        ("n5", "rejected", "bad_signature", None, None, "", None, None),
        ("n6", "rejected", "not_allowed_here", None, None, "", None, None),
        ("n7", "accepted", "ok", absent.id, *H, "present", now),
        ("n8", "rejected", "unknown_person", None, None, "", None, None),
        ("n9", "rejected", "revoked", people[4].id, None, "", None, None),  # named: a card
    ]
    assert P != H
    rows = dict(db.execute(select(Attendance.person_id, Attendance.status)).all())
    assert set(rows) == {before.id, people[1].id, people[2].id, absent.id}
    assert rows[absent.id] == "present"
    nonces = db.scalars(select(ScanAttempt.nonce)).all()
    kept = sorted(n for n in nonces if "~" not in n)
    assert kept == sorted(["earlier"] + [f"n{i}" for i in (1, 2, 3, 4, 5, 7, 9)])
    # not_allowed_here and unknown_person may pass: logged, but under nonces of their own
    assert sorted(n.split("~")[0] for n in nonces if "~" in n) == ["n6", "n8"]


def whole(result) -> tuple:
    """Everything an answer says."""
    return (result.nonce, result.outcome, result.code,
            result.person.id if result.person else None, result.venue_id, result.venue_name,
            result.status, result.at)


def _as_single_scans(db, session, venues, items, staff, now):
    """The same items, each scanned alone, in the world as it is: undone afterwards."""
    savepoint = db.begin_nested()
    try:
        return [record_scan(db, key=KEY, session=session, venue=venues.get(item.venue_id),
                            nonce=item.nonce, method=item.method, now=now, actor=staff,
                            token=item.token, person_id=item.person_id) for item in items]
    finally:
        savepoint.rollback()


def test_a_batch_stores_every_column_as_given(db, make_session, make_person, make_user):
    """Times (an offline scan's own, in the device's zone), the device's text with quotes,
    backslashes and Vietnamese, the method and the actor reach both tables unchanged."""
    session = make_session(checkin_window="open")
    hall = session.venues[0]
    people = [make_person(session) for _ in range(2)]
    staff = make_user(role="staff", venue=hall)
    now = NOW + timedelta(minutes=20)
    offline_at = (NOW + timedelta(minutes=5)).astimezone(timezone(timedelta(hours=7)))
    device = 'Điện thoại "tổ 3" \\ cửa Đông'
    results = record_scans(
        db, key=KEY, session=session, venues={hall.id: hall}, now=now, actor=staff,
        device=device,
        items=[ScanItem("d1", "card", hall.id, token=card(session, people[0]),
                        scanned_at=offline_at),
               ScanItem("d2", "manual", hall.id, person_id=people[1].id)])
    assert [r.outcome for r in results] == ["accepted", "accepted"]
    rows = {a.person_id: a for a in db.scalars(select(Attendance))}
    assert rows[people[0].id].at == offline_at and rows[people[1].id].at == now
    assert [(a.method, a.device, a.recorded_by_id, a.venue_id, a.nonce)
            for a in (rows[people[0].id], rows[people[1].id])] == [
        ("card", device, staff.id, hall.id, "d1"), ("manual", device, staff.id, hall.id, "d2")]
    attempts = {a.nonce: a for a in db.scalars(select(ScanAttempt))}
    assert attempts["d1"].scanned_at == offline_at and attempts["d2"].scanned_at is None
    assert {a.received_at for a in attempts.values()} == {now}
    assert {(a.person_id, a.device, a.actor_id, a.outcome) for a in attempts.values()} == {
        (people[0].id, device, staff.id, "accepted"), (people[1].id, device, staff.id, "accepted")}


def _plan_of(connection, look_up, *args) -> tuple[object, str]:
    """What ``look_up(connection, *args)`` returns, and the PostgreSQL plan of the one statement
    it ran (captured as sent, so a change of the code is what gets checked)."""
    ran = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        ran.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", remember)
    try:
        found = look_up(connection, *args)
    finally:
        event.remove(connection, "before_cursor_execute", remember)
    [(statement, parameters)] = ran
    return found, "\n".join(row[0] for row in connection.exec_driver_sql(
        "EXPLAIN " + statement, parameters))


@pytest.mark.postgres
def test_batch_look_ups_probe_indexes_for_a_session_newer_than_the_statistics(
        db, make_session):
    """On its morning a session is newer than the last ANALYZE (or too small a part of the
    tables to trigger one), so the planner takes its id for rare. The batch's look-ups of seen
    nonces and of people must still probe by nonce and by id, not read the whole session
    through its session_id and filter it (which grew with the session)."""
    def fill(session, count):
        db.execute(insert(ScanAttempt), [
            dict(session_id=session.id, nonce=f"s{session.id}-{i}", outcome="accepted", code="ok",
                 method="card", device="", received_at=NOW) for i in range(count)])
        db.execute(insert(Person), [
            dict(session_id=session.id, full_name=f"P {i}", search_name=f"p {i}", position="",
                 unit_name="", phone="", party_member=True, category_id=session.categories[0].id,
                 venue_id=session.venues[0].id, card_version=1, walk_in=False, created_at=NOW)
            for i in range(count)])
    earlier = make_session()
    fill(earlier, 3000)
    db.execute(text("ANALYZE scan_attempts"))
    db.execute(text("ANALYZE people"))
    today = make_session()
    fill(today, 3000)
    connection = db.connection()

    nonces = [f"s{today.id}-{i}" for i in range(0, 3000, 30)] + ["never-seen"]
    seen, plan = _plan_of(connection, _seen_nonces, today.id, nonces)
    assert sorted(seen) == sorted(nonces[:-1])
    assert "Index Cond: ((session_id = " in plan and "AND (nonce = " in plan, plan
    assert "Filter" not in plan, plan

    ids = db.scalars(select(Person.id).where(Person.session_id == today.id).limit(100)).all()
    other = db.scalars(select(Person.id).where(Person.session_id == earlier.id).limit(1)).one()
    people, plan = _plan_of(connection, _people, today.id, {*ids, other})
    assert set(people) == set(ids)  # the other session's person is not on this roster
    assert "session_id" not in plan, plan  # by id (or, this table being small, read once)


def test_replaying_a_whole_batch_changes_nothing(db, make_session, make_person):
    session = make_session(checkin_window="open")
    hall = session.venues[0]
    people = [make_person(session) for _ in range(20)]
    items = [ScanItem(f"r{i}", "card", hall.id, token=card(session, p))
             for i, p in enumerate(people)]
    first = record_scans(db, key=KEY, session=session, venues={hall.id: hall}, items=items,
                         now=NOW, actor=None)
    again = record_scans(db, key=KEY, session=session, venues={hall.id: hall},
                         items=[ScanItem(i.nonce, i.method, i.venue_id, token=i.token)
                                for i in items], now=NOW + timedelta(minutes=3), actor=None)
    assert [r.outcome for r in first] == ["accepted"] * 20
    assert [(r.outcome, r.at) for r in again] == [(r.outcome, r.at) for r in first]
    assert db.scalar(select(func.count()).select_from(Attendance)) == 20
    assert db.scalar(select(func.count()).select_from(ScanAttempt)) == 20


def test_concurrent_batches_never_double_count(app, db, make_session, make_person):
    from webapp.extensions import db as flask_db

    session = make_session(checkin_window="open")
    people = [make_person(session) for _ in range(60)]
    session_id, venue_id = session.id, session.venues[0].id
    cards = [card(session, p) for p in people]
    engine = flask_db.engine
    outcomes, errors = [], []

    def worker(n):
        try:
            with OrmSession(engine) as own:
                s, v = own.get(StudySession, session_id), own.get(Venue, venue_id)
                for start in range(0, 60, 20):  # each thread sends all 60 people, 20 at a time
                    items = [ScanItem(f"t{n}-{k}", "card", venue_id, token=cards[k])
                             for k in range(start, start + 20)]
                    results = record_scans(own, key=KEY, session=s, venues={venue_id: v},
                                           items=items, now=NOW, actor=None)
                    own.commit()
                    outcomes.extend(r.outcome for r in results)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert outcomes.count("accepted") == 60
    assert outcomes.count("duplicate") == 5 * 60
    assert db.scalar(select(func.count()).select_from(Attendance)) == 60
