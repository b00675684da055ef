"""Closing the roll, join links, the online import and exits through HTTP (the rules
themselves are tested in test_modes_rule and test_online_import)."""

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select

from attendance.models import Attendance, AuditEntry
from attendance.online import join
from webapp.checkin import join_key

DATA = Path(__file__).parent / "data" / "online"


def _ended(make_session, **kwargs):
    """A session that ended an hour ago (the real clock: the views use it)."""
    now = datetime.now(timezone.utc)
    return make_session(now=now - timedelta(hours=5, minutes=30), **kwargs)


def test_close_asks_in_the_page_with_the_number_then_closes(db, make_session, make_person,
                                                            make_user, login):
    session = _ended(make_session)
    hall = session.venues[0]
    for _ in range(3):
        make_person(session)
    client = login(make_user(role="organizer"))
    page = client.get(f"/sessions/{session.id}/close?ask=1&venue_id={hall.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="close-confirm"' in text
    assert "3 người chưa điểm danh tại Hội trường UBND thị xã" in text
    assert "confirm(" not in text  # never the browser's dialog
    assert db.scalar(select(func.count(Attendance.id))) == 0  # asking changes nothing
    stale = client.post(f"/sessions/{session.id}/close", data={"venue_id": hall.id, "count": 2})
    assert stale.status_code == 409 and db.scalar(select(func.count(Attendance.id))) == 0
    done = client.post(f"/sessions/{session.id}/close", data={"venue_id": hall.id, "count": 3})
    assert done.status_code == 303
    assert db.scalar(select(func.count(Attendance.id)).where(
        Attendance.status == "absent_unexcused", Attendance.method == "closed")) == 3
    no_reason = client.post(f"/sessions/{session.id}/reopen", data={"venue_id": hall.id})
    assert no_reason.status_code == 400
    reopened = client.post(f"/sessions/{session.id}/reopen",
                           data={"venue_id": hall.id, "reason": "Đóng nhầm"})
    assert reopened.status_code == 303 and db.scalar(select(func.count(Attendance.id))) == 0
    assert db.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action.in_(["roll.close", "roll.reopen"]))) == 2


def test_close_api_and_who_may_call_it(db, client, make_session, make_person, make_user,
                                      bearer):
    _CLIENT["client"] = client
    session = _ended(make_session)
    for venue in session.venues:
        make_person(session, venue=venue)
    url = f"/api/v1/sessions/{session.id}/close"
    coordinator = make_user(role="coordinator", venue=session.venues[1])
    assert _client_post(bearer, coordinator, url, {}).status_code == 403
    organizer = make_user(role="organizer")
    wrong = _client_post(bearer, organizer, url, {"venue_id": 999999})
    assert wrong.status_code == 400
    one = _client_post(bearer, organizer, url, {"venue_id": session.venues[1].id})
    assert one.status_code == 200 and one.get_json() == {"closed": 1}
    rest = _client_post(bearer, organizer, url, {})
    assert rest.get_json() == {"closed": 2}
    summary = _get(bearer, organizer, f"/api/v1/sessions/{session.id}/summary").get_json()
    assert summary["totals"]["not_marked"] == 0
    assert summary["totals"]["absent_unexcused"] == 3
    assert {"present_online", "left_early", "not_marked"} <= set(
        summary["venues"][0]["categories"][0])


def test_close_api_refuses_before_the_end(client, make_session, make_user, bearer):
    _CLIENT["client"] = client
    session = make_session(now=datetime.now(timezone.utc))
    response = _client_post(bearer, make_user(role="organizer"),
                            f"/api/v1/sessions/{session.id}/close", {})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "session_not_ended"


_CLIENT = {}


def _client_post(bearer, user, url, body):
    return _CLIENT["client"].post(url, json=body, headers=bearer(user))


def _get(bearer, user, url):
    return _CLIENT["client"].get(url, headers=bearer(user))


def test_join_link_checks_in_online_then_redirects(app, db, client, make_session, make_person):
    session = make_session(now=datetime.now(timezone.utc), checkin_window="open",
                           video_url="https://meet.example.vn/abc-defg-hij")
    person = make_person(session, venue=session.venues[1])
    with app.test_request_context():
        token = join.join_token(join_key(), person)
    response = client.get(f"/j/{token}")
    assert response.status_code == 303
    assert response.headers["Location"] == "https://meet.example.vn/abc-defg-hij"
    row = db.scalar(select(Attendance))
    assert (row.mode, row.method) == ("online", "join")
    forged = client.get(f"/j/{token[:-2]}AA")
    assert forged.status_code == 404 and "giả" in forged.get_data(as_text=True)


def test_join_links_csv_is_for_organizers(app, make_session, make_person, make_user, login):
    session = make_session()
    make_person(session, full_name="Trần Thị Bình")
    staff = make_user(role="staff", venue=session.venues[0])
    client = login(staff)
    assert client.get(f"/sessions/{session.id}/join-links.csv").status_code == 403
    client.get("/logout")
    client = login(make_user(role="organizer"))
    body = client.get(f"/sessions/{session.id}/join-links.csv").get_data(as_text=True)
    assert "Trần Thị Bình" in body and "/j/DJ1:" in body


def test_online_import_preview_resolve_confirm(db, make_session, make_person, make_user,
                                               login):
    session = make_session()  # 27/11/2026 07:30-11:00, the sample report's morning
    make_person(session, full_name="Trần Thị Bình")
    make_person(session, full_name="Lê Văn Cường")
    client = login(make_user(role="organizer"))
    url = f"/sessions/{session.id}/online"
    bad = client.post(url, data={"file": (io.BytesIO(b"a,b\n1,2\n"), "x.csv"),
                                 "min_share": "80"}, content_type="multipart/form-data")
    assert bad.status_code == 400 and "Zoom" in bad.get_data(as_text=True)
    preview = client.post(url, data={"file": ((DATA / "zoom_participants.csv").open("rb"),
                                              "participants.csv"), "min_share": "80"},
                          content_type="multipart/form-data")
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'id="online-preview"' in text
    upload = text.split('name="upload" value="')[1].split('"')[0]
    unresolved = client.post(f"{url}/confirm", data={"upload": upload, "min_share": "0.8"})
    assert unresolved.status_code == 400 and db.scalar(select(func.count(Attendance.id))) == 0
    guest = text.split('name="choice_')[1].split('"')[0]
    done = client.post(f"{url}/confirm", data={"upload": upload, "min_share": "0.8",
                                               f"choice_{guest}": "skip"})
    assert done.status_code == 303
    assert db.scalar(select(func.count(Attendance.id)).where(Attendance.mode == "online")) == 2


def test_exit_api_and_page_mark(db, make_session, make_person, make_user, login, bearer):
    session = make_session(now=datetime.now(timezone.utc) - timedelta(minutes=40),
                           checkin_window="open")
    hall = session.venues[0]
    staff = make_user(role="staff", venue=hall)
    person = make_person(session)
    client = login(staff)
    client.post(f"/api/v1/sessions/{session.id}/checkins", json={"items": [
        {"nonce": "in-1", "venue_id": hall.id, "person_id": person.id}]})
    response = client.post(f"/api/v1/sessions/{session.id}/exits",
                           json={"person_id": person.id, "venue_id": hall.id})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["left_early"] is True
    missing = client.post(f"/api/v1/sessions/{session.id}/exits",
                          json={"person_id": 987654, "venue_id": hall.id})
    assert missing.status_code == 400
    row = db.scalar(select(Attendance))
    client.get("/logout")
    for outsider in (make_user(role="coordinator", venue=session.venues[1]),
                     make_user(role="viewer")):
        other = login(outsider)
        refused = other.post(f"/api/v1/sessions/{session.id}/exits",
                             json={"person_id": person.id, "venue_id": hall.id})
        assert refused.status_code == 403, outsider.role
        other.get("/logout")
    organizer = login(make_user(role="organizer"))
    undone = organizer.post(f"/sessions/{session.id}/attendance/{row.id}/exit",
                            data={"undo": "1"})
    assert undone.status_code == 303
    db.refresh(row)
    assert row.left_at is None


def test_a_scanners_exit_counts_at_its_scan_time_and_says_what_it_replaced(
        db, make_session, make_person, make_user, login):
    """The scanner's exit mode posts the card with the device's scan time (queued offline, it
    arrives later); a clock ahead counts the exit when it arrives, as an arrival scan's does."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    session = make_session(now=now - timedelta(hours=1), checkin_window="open")  # began 30' ago
    hall, point = session.venues[0], session.venues[1]
    person, elsewhere, never = (make_person(session) for _ in range(3))
    client = login(make_user(role="staff", venue=hall))
    client.post(f"/api/v1/sessions/{session.id}/checkins", json={"items": [
        {"nonce": "in-a", "venue_id": hall.id, "person_id": person.id,
         "scanned_at": (now - timedelta(minutes=25)).isoformat()}]})
    db.add(Attendance(session_id=session.id, person_id=elsewhere.id, venue_id=point.id,
                      status="present", method="card", at=now - timedelta(minutes=20)))
    db.commit()
    url = f"/api/v1/sessions/{session.id}/exits"
    scanned = now - timedelta(minutes=10)
    exit_scan = {"person_id": person.id, "venue_id": hall.id, "scanned_at": scanned.isoformat(),
                 "last_contact": (now - timedelta(minutes=15)).isoformat()}
    first = client.post(url, json=exit_scan).get_json()
    assert datetime.fromisoformat(first["left_at"]) == scanned
    assert first["left_early"] is True and first["replaced"] is None
    assert first["venue"] == {"id": hall.id, "name": hall.name}
    assert first["minutes_present"] == 15
    again = client.post(url, json=exit_scan).get_json()  # its answer was lost: sent again
    assert again["replaced"] is None and again["left_at"] == first["left_at"]
    ahead = client.post(url, json={**exit_scan, "scanned_at": (
        now + timedelta(hours=2)).isoformat()}).get_json()
    assert datetime.fromisoformat(ahead["left_at"]) >= now  # the device's clock: not believed
    assert datetime.fromisoformat(ahead["replaced"]) == scanned
    for who, code, text in ((elsewhere, "exit_other_venue", "điểm danh vào ở địa điểm khác"),
                            (never, "not_attended", "chưa điểm danh có mặt")):
        refused = client.post(url, json={"person_id": who.id, "venue_id": hall.id})
        assert refused.status_code == 400 and refused.get_json()["error"]["code"] == code
        assert text in refused.get_json()["error"]["message"]
    # The first and the one from the clock ahead; the resent one changed nothing.
    assert db.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "attendance.exit")) == 2


def test_a_coordinator_marks_exits_on_the_venue_page(db, make_session, make_person, make_user,
                                                      login):
    session = make_session(now=datetime.now(timezone.utc) - timedelta(minutes=40),
                           checkin_window="open")
    point, other = session.venues[1], session.venues[2]
    coordinator = make_user(role="coordinator", venue=point)
    person = make_person(session, venue=point, full_name="Người Về Sớm")
    client = login(coordinator)
    client.post(f"/api/v1/sessions/{session.id}/roll", json={"items": [
        {"nonce": "r1", "venue_id": point.id, "person_id": person.id, "status": "present"}]})
    url = f"/sessions/{session.id}/venues/{point.id}/exits"
    assert "Người Về Sớm" in client.get(url).get_data(as_text=True)
    done = client.post(url, data={"person_id": person.id})
    assert done.status_code == 303
    assert db.scalar(select(Attendance.left_at)) is not None
    assert "Ra về lúc" in client.get(url).get_data(as_text=True)
    assert client.get(f"/sessions/{session.id}/venues/{other.id}/exits").status_code == 403
    assert db.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "attendance.exit")) == 1
