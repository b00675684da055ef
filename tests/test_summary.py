"""Summary figures: SQL aggregation checked against what was recorded."""

from datetime import timedelta

from attendance.checkin import tokens
from attendance.checkin.scan import record_scan
from attendance.figures.summary import summarize
from attendance.models import ABSENT_EXCUSED, Attendance, ExpectedCount

from .factories import NOW, SECRET_KEY

KEY = tokens.derive_key(SECRET_KEY, "card")


def test_figures_per_venue_and_category(db, make_session, make_person):
    session = make_session(checkin_window="open")
    hall, point = session.venues[0], session.venues[1]
    on_time = [make_person(session) for _ in range(3)]
    late = make_person(session)
    excused = make_person(session)
    make_person(session)  # never comes
    at_point = make_person(session, venue=point)
    for i, person in enumerate(on_time + [at_point]):
        record_scan(db, key=KEY, session=session, venue=person.venue, nonce=f"n{i}",
                    method="manual", now=NOW, actor=None, person_id=person.id)
    record_scan(db, key=KEY, session=session, venue=hall, nonce="late", method="manual",
                now=session.starts_at + timedelta(minutes=20), actor=None, person_id=late.id)
    db.add(Attendance(session_id=session.id, person_id=excused.id, venue_id=hall.id,
                      status=ABSENT_EXCUSED, method="roll", at=NOW, absence_reason="ốm"))
    headcount = db.get(ExpectedCount, (point.id, session.categories_for(point.kind)[1].id))
    headcount.headcount = 17
    db.flush()

    summary = summarize(db, session)
    hall_row = summary.venues[0]
    first = hall_row.categories[0].figures
    assert (first.expected, first.invited, first.present, first.late) == (5, 6, 4, 1)
    assert (first.absent_excused, first.not_checked_in) == (1, 1)
    assert first.rate == 80.0
    point_row = summary.venues[1]
    assert [c.figures.present for c in point_row.categories] == [1, 17]
    assert summary.totals.present == 4 + 1 + 17
    assert summary.totals.expected == 5 * 2 * 3


def test_summary_api_scoped_for_coordinator(client, db, make_session, make_user, login):
    session = make_session()
    coordinator = make_user(role="coordinator", venue=session.venues[1])
    login(coordinator)
    body = client.get(f"/api/v1/sessions/{session.id}/summary").get_json()
    assert [v["id"] for v in body["venues"]] == [session.venues[1].id]
    assert body["venues"][0]["categories"][0]["expected"] == 5
    other = client.get(f"/api/v1/sessions/{session.id}/summary?venue_id={session.venues[0].id}")
    assert other.status_code == 403


def test_dashboard_shows_every_venue_and_highlights_lagging(client, db, make_session,
                                                             make_person, make_user, login):
    session = make_session(checkin_window="open")
    person = make_person(session)
    record_scan(db, key=KEY, session=session, venue=session.venues[0], nonce="d",
                method="manual", now=NOW, actor=None, person_id=person.id)
    db.commit()
    login(make_user(role="viewer"))
    page = client.get(f"/sessions/{session.id}/dashboard").get_data(as_text=True)
    for venue in session.venues:
        assert venue.name in page
    assert "row-lagging" in page  # 1 of 10 expected at the hall: 10%
    assert 'data-live-url="' in page
    partial = client.get(f"/sessions/{session.id}/dashboard?partial=1&kind=hall")
    assert partial.status_code == 200
    assert "Điểm cầu phường 1" not in partial.get_data(as_text=True)


def test_dashboard_of_a_coordinator_shows_only_their_point(client, make_session, make_user,
                                                           login):
    session = make_session()
    login(make_user(role="coordinator", venue=session.venues[2]))
    page = client.get(f"/sessions/{session.id}/dashboard").get_data(as_text=True)
    assert session.venues[2].name in page
    assert session.venues[1].name not in page
