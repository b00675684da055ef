"""Undo and correct a check-in with a reason: the service and its page."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from attendance.checkin import corrections, tokens
from attendance.checkin.scan import record_scan
from attendance.errors import Forbidden, ValidationError
from attendance.models import Attendance, AuditEntry

from .factories import NOW


@pytest.fixture
def checked_in(db, make_session, make_person):
    session = make_session(checkin_window="open")
    person = make_person(session)
    record_scan(db, key=b"k", session=session, venue=session.venues[0], nonce="n",
                method="manual", now=NOW, actor=None, person_id=person.id)
    db.commit()
    return session, person, db.scalar(select(Attendance))


def test_correct_and_undo_need_a_reason_and_are_audited(db, checked_in, make_user):
    session, person, row = checked_in
    organizer = make_user(role="organizer")
    with pytest.raises(ValidationError):
        corrections.correct_attendance(db, row, now=NOW, actor=organizer, reason=" ",
                                       status="late")
    with pytest.raises(Forbidden):
        corrections.undo_checkin(db, row, now=NOW, actor=make_user(role="viewer"), reason="x")
    corrections.correct_attendance(db, row, now=NOW, actor=organizer, reason="đến muộn",
                                   status="late", venue=session.venues[1])
    assert (row.status, row.venue_id) == ("late", session.venues[1].id)
    corrections.undo_checkin(db, row, now=NOW, actor=organizer, reason="quét nhầm")
    assert db.scalar(select(func.count()).select_from(Attendance)) == 0
    entries = db.execute(select(AuditEntry.action, AuditEntry.reason)
                         .where(AuditEntry.action.startswith("attendance."))).all()
    assert [tuple(e) for e in entries] == [("attendance.correct", "đến muộn"),
                                           ("attendance.undo", "quét nhầm")]


def test_pages_list_show_history_and_correct(client, db, checked_in, make_user, login):
    session, person, row = checked_in
    login(make_user(role="organizer"))
    listing = client.get(f"/sessions/{session.id}/attendance").get_data(as_text=True)
    assert person.full_name in listing
    detail = client.get(f"/sessions/{session.id}/attendance/{row.id}").get_data(as_text=True)
    assert "Đã điểm danh" in detail  # the accepted scan attempt is in the history
    url = f"/sessions/{session.id}/attendance/{row.id}/correct"
    refused = client.post(url, data={"action": "correct", "status": "late", "reason": ""},
                          follow_redirects=True)
    assert "Không được để trống" in refused.get_data(as_text=True)
    assert db.get(Attendance, row.id).status == "present"
    client.post(url, data={"action": "correct", "status": "late", "reason": "muộn 20 phút",
                           "venue_id": str(row.venue_id)})
    db.expire_all()
    assert db.get(Attendance, row.id).status == "late"
    client.post(url, data={"action": "undo", "reason": "quét nhầm người"})
    assert db.scalar(select(func.count()).select_from(Attendance)) == 0


def test_only_organizers_correct_and_coordinators_see_nothing(client, db, checked_in,
                                                              make_user, login):
    session, _, row = checked_in
    login(make_user(role="viewer"))
    assert client.get(f"/sessions/{session.id}/attendance").status_code == 200
    assert client.post(f"/sessions/{session.id}/attendance/{row.id}/correct",
                       data={"action": "undo", "reason": "x"}).status_code == 403
    client.post("/logout")
    login(make_user(role="coordinator", venue=session.venues[1]))
    assert client.get(f"/sessions/{session.id}/attendance").status_code == 403


def test_the_organizer_sees_a_check_in_elsewhere_and_a_device_time_not_believed(
        db, make_session, make_person, make_user, login):
    session = make_session(checkin_window="open")
    hall, point = session.venues[0], session.venues[1]
    person = make_person(session, venue=point)
    token = tokens.card_token(b"k", session.id, person.id, 1)
    record_scan(db, key=b"k", session=session, venue=hall, nonce="n", method="card", now=NOW,
                actor=None, token=token, scanned_at=NOW - timedelta(minutes=70),
                last_contact=NOW - timedelta(seconds=5))  # a clock set back
    db.commit()
    row = db.scalar(select(Attendance))
    client = login(make_user(role="organizer"))
    page = client.get(f"/sessions/{session.id}/attendance/{row.id}").get_data(as_text=True)
    assert "Điểm danh nơi khác: được mời tại Điểm cầu phường 1" in page
    assert "không tin cậy" in page
    listing = client.get(f"/sessions/{session.id}/attendance").get_data(as_text=True)
    assert "nơi khác" in listing


def test_the_organizer_corrects_an_absence_reason_on_the_record_page(client, db, make_session,
                                                                     make_person, make_user,
                                                                     login):
    from attendance.roll import marks as roll

    session = make_session(checkin_window="open")
    point = session.venues[1]
    person = make_person(session, venue=point)
    roll.mark(db, venue=point, person=person, status="absent_excused", reason="ốm", now=NOW,
              actor=make_user(role="coordinator", venue=point))
    roll.sign_off(db, venue=point, now=NOW, actor=make_user(role="organizer"))
    db.commit()
    row = db.scalar(select(Attendance))
    login(make_user(role="organizer"))
    url = f"/sessions/{session.id}/attendance/{row.id}"
    assert 'value="reason"' in client.get(url).get_data(as_text=True)
    client.post(f"{url}/correct", data={"action": "reason",
                                        "absence_reason": "con ốm nằm viện"})
    db.expire_all()
    assert db.get(Attendance, row.id).absence_reason == "con ốm nằm viện"
    page = client.get(url).get_data(as_text=True)
    assert "Sửa lý do vắng" in page and "ốm → con ốm nằm viện" in page
    client.post(f"{url}/correct", data={"action": "reason", "absence_reason": " "})
    db.expire_all()
    assert db.get(Attendance, row.id).absence_reason == "con ốm nằm viện"


def test_undoing_a_walk_ins_check_in_takes_him_off_the_roster(db, make_session, make_user):
    """He was registered only to be checked in: undone, he must not stay behind as "not marked"
    in the absentee list."""
    from attendance.checkin import walkins
    from attendance.models import Person
    from attendance.reports.lists import absentees

    session = make_session(checkin_window="open")
    hall = session.venues[0]
    person, _ = walkins.check_in_walk_in(
        db, key=b"k", session=session, venue=hall, nonce="walk-1", now=NOW, actor=None,
        full_name="Người Quét Nhầm", category_id=session.categories_for(hall.kind)[0].id)
    row = db.scalar(select(Attendance))
    corrections.undo_checkin(db, row, now=NOW, actor=make_user(role="organizer"),
                             reason="đăng ký nhầm")
    assert db.get(Person, person.id) is None
    assert "Người Quét Nhầm" not in [r.full_name for r in absentees(db, session)]
    actions = db.scalars(select(AuditEntry.action)).all()
    assert actions[-2:] == ["attendance.undo", "person.remove"]
