"""The roll page, its batch API and the make-up page, through the test client."""

from sqlalchemy import select

from attendance.models import Attendance, ExpectedCount, MakeupAttendance, Venue


def _point(make_session, make_person, make_user):
    session = make_session(checkin_window="open")  # marks arrive with the real clock
    point = session.venues[1]
    coordinator = make_user(role="coordinator", venue=point)
    people = [make_person(session, venue=point, full_name=f"Trần Thị Điểm {i}")
              for i in range(3)]
    return session, point, coordinator, people


def _roll(client, session, items):
    return client.post(f"/api/v1/sessions/{session.id}/roll", json={"items": items})


def test_coordinator_sees_own_roster_grouped_with_buttons(make_session, make_person, make_user,
                                                          login):
    session, point, coordinator, people = _point(make_session, make_person, make_user)
    other = make_person(session, venue=session.venues[2], full_name="Người Điểm Khác")
    client = login(coordinator)
    page = client.get(f"/sessions/{session.id}/venues/{point.id}/roll").get_data(as_text=True)
    assert "Trần Thị Điểm 0" in page and "Người Điểm Khác" not in page
    assert "Đảng ủy viên" in page and "Các thành phần khác" in page
    assert page.count('value="present"') == 3 and "Ký xác nhận" in page
    assert "ốm" in page and "đi công tác" in page and 'name="count_' in page
    assert client.get(f"/sessions/{session.id}/roll").headers["Location"].endswith(
        f"/venues/{point.id}/roll")
    assert client.get(f"/sessions/{session.id}/venues/{session.venues[2].id}/roll"
                      ).status_code == 403
    assert other.id


def test_batch_marks_and_replays_change_nothing(db, make_session, make_person, make_user,
                                                login):
    session, point, coordinator, people = _point(make_session, make_person, make_user)
    client = login(coordinator)
    items = [
        {"nonce": "m1", "venue_id": point.id, "person_id": people[0].id, "status": "present",
         "recorded_at": "2026-11-27T00:10:00Z"},
        {"nonce": "m2", "venue_id": point.id, "person_id": people[1].id,
         "status": "absent_excused", "reason": "ốm"},
        {"nonce": "m3", "venue_id": point.id, "person_id": people[2].id,
         "status": "absent_excused"},
    ]
    body = _roll(client, session, items).get_json()
    assert [(r["outcome"], r["code"], r["status"]) for r in body["results"]] == [
        ("accepted", "ok", "present"), ("accepted", "ok", "absent_excused"),
        ("rejected", "required", None)]
    assert body["results"][0]["person"] == {"id": people[0].id,
                                            "full_name": "Trần Thị Điểm 0"}
    assert body["results"][2]["message"] == "Không được để trống."
    again = _roll(client, session, items).get_json()
    assert [r["outcome"] for r in again["results"]] == ["accepted", "accepted", "rejected"]
    rows = db.scalars(select(Attendance).order_by(Attendance.person_id)).all()
    assert [(r.person_id, r.status, r.absence_reason) for r in rows] == [
        (people[0].id, "present", ""), (people[1].id, "absent_excused", "ốm")]
    summary = client.get(f"/api/v1/sessions/{session.id}/summary").get_json()
    assert summary["totals"]["present"] == 1 and summary["totals"]["made_up"] == 0


def test_batch_refuses_bad_bodies_and_other_points(make_session, make_person, make_user, login,
                                                   client):
    session, point, coordinator, people = _point(make_session, make_person, make_user)
    theirs = make_person(session, venue=session.venues[2])
    assert _roll(client, session, [{"nonce": "x"}]).status_code == 401
    login(coordinator)
    assert _roll(client, session, []).status_code == 400
    assert client.post(f"/api/v1/sessions/{session.id}/roll", data="no").status_code == 400
    assert _roll(client.application.test_client(), session, [{}]).status_code == 401
    assert client.post("/api/v1/sessions/999/roll", json={"items": [{}]}).status_code == 404
    body = _roll(client, session, [
        {"nonce": "o1", "venue_id": session.venues[2].id, "person_id": theirs.id,
         "status": "absent_unexcused"},
        {"nonce": "o2", "venue_id": point.id, "person_id": theirs.id, "status": "present"},
    ]).get_json()
    assert [(r["code"], r["person"]) for r in body["results"]] == [
        ("forbidden", None), ("other_venue", None)]


def test_form_marks_headcount_readiness_sign_off_and_reopen(db, make_session, make_person,
                                                            make_user, login, client):
    session, point, coordinator, people = _point(make_session, make_person, make_user)
    base = f"/sessions/{session.id}/venues/{point.id}/roll"
    login(coordinator)
    response = client.post(f"{base}/mark", data={"person_id": people[0].id,
                                                  "status": "absent_excused",
                                                  "reason": ["việc gia đình", ""]})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"#p-{people[0].id}")
    assert db.scalar(select(Attendance.absence_reason)) == "việc gia đình"
    headcount_category = session.categories_for("bridge_point")[1]
    client.post(f"{base}/headcount", data={f"count_{headcount_category.id}": "-3"})
    page = client.get(base).get_data(as_text=True)
    assert "Phải là số nguyên không âm." in page
    client.post(f"{base}/headcount", data={f"count_{headcount_category.id}": "12"})
    db.expire_all()
    assert db.get(ExpectedCount, (point.id, headcount_category.id)).headcount == 12
    # Readiness follows from the link checklist; the manual form is gone.
    assert client.post(f"{base}/readiness", data={"readiness": "connected"}).status_code == 404
    client.post(f"{base}/link-check", data={"sound": "fail", "note": "mất tiếng"})
    db.expire_all()
    assert (db.get(Venue, point.id).readiness, db.get(Venue, point.id).readiness_note) == (
        "problem", "mất tiếng")
    client.post(f"{base}/sign-off")
    page = client.get(base).get_data(as_text=True)
    assert "danh sách đã khóa" in page and 'value="present"' not in page
    body = _roll(client, session, [{"nonce": "late-1", "venue_id": point.id,
                                    "person_id": people[1].id, "status": "present"}]).get_json()
    assert body["results"][0]["code"] == "signed_off"
    assert client.post(f"{base}/reopen", data={"reason": "bổ sung"}).status_code == 403
    client.post("/logout")
    login(make_user(role="organizer"))
    client.post(f"{base}/reopen", data={"reason": ""})
    db.expire_all()
    assert db.get(Venue, point.id).signed_off_at is not None
    client.post(f"{base}/reopen", data={"reason": "bổ sung người đến muộn"})
    db.expire_all()
    assert db.get(Venue, point.id).signed_off_at is None


def test_viewer_reads_the_roll_without_buttons(make_session, make_person, make_user, login):
    session, point, coordinator, people = _point(make_session, make_person, make_user)
    client = login(make_user(role="viewer"))
    page = client.get(f"/sessions/{session.id}/venues/{point.id}/roll").get_data(as_text=True)
    assert "Trần Thị Điểm 0" in page and 'value="present"' not in page
    assert "roll/sign-off" not in page  # no sign-off form for a viewer
    assert client.post(f"/sessions/{session.id}/venues/{point.id}/roll/mark", data={
        "person_id": people[0].id, "status": "present"}).status_code == 403


def test_organizer_marks_absences_of_the_hall(db, make_session, make_person, make_user, login):
    session = make_session()
    hall = session.venues[0]
    invitee = make_person(session, venue=hall)
    client = login(make_user(role="organizer"))
    page = client.get(f"/sessions/{session.id}/venues/{hall.id}/roll").get_data(as_text=True)
    assert "Thường trực Thị ủy" in page and "Tình trạng điểm cầu" not in page
    body = _roll(client, session, [{"nonce": "h1", "venue_id": hall.id,
                                    "person_id": invitee.id, "status": "absent_excused",
                                    "reason": "đi công tác"}]).get_json()
    assert body["results"][0]["outcome"] == "accepted"


def test_makeup_page_records_who_made_up(db, make_session, make_person, make_user, login):
    session, point, coordinator, people = _point(make_session, make_person, make_user)
    client = login(make_user(role="organizer"))
    _roll(client, session, [{"nonce": "a1", "venue_id": point.id, "person_id": people[0].id,
                             "status": "present"}])
    page = client.get(f"/sessions/{session.id}/makeup").get_data(as_text=True)
    assert "Trần Thị Điểm 1" in page and f'value="{people[0].id}"' not in page
    response = client.post(f"/sessions/{session.id}/makeup", data={
        "held_on": "31/02/2026", "unit_id": "0", "person_ids": [str(people[1].id)]})
    assert response.status_code == 200 and "Ngày không hợp lệ" in response.get_data(as_text=True)
    assert db.scalar(select(MakeupAttendance.id)) is None
    response = client.post(f"/sessions/{session.id}/makeup", data={
        "held_on": "05/12/2026", "unit_id": "0", "note": "Lớp học bù",
        "person_ids": [str(people[1].id), str(people[2].id)]}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Đã ghi buổi học bù." in page and "Đã học bù 05/12/2026" in page
    summary = client.get(f"/api/v1/sessions/{session.id}/summary").get_json()
    assert summary["totals"]["made_up"] == 2


def test_makeup_page_lists_a_page_of_the_absentees(make_session, make_person, make_user,
                                                  login, monkeypatch):
    from webapp.roll import makeup as makeup_view

    monkeypatch.setattr(makeup_view, "PER_PAGE", 2)
    session = make_session()
    hall, point = session.venues[0], session.venues[1]
    people = [make_person(session, venue=point) for _ in range(3)]
    elsewhere = make_person(session, venue=hall)
    client = login(make_user(role="organizer"))
    page = client.get(f"/sessions/{session.id}/makeup").get_data(as_text=True)
    assert "(4)" in page and "Trang 1 / 2" in page
    assert page.count("data-person-id=") == 2
    point_only = client.get(f"/sessions/{session.id}/makeup?venue_id={point.id}&page=2")
    page = point_only.get_data(as_text=True)
    assert "(3)" in page and page.count("data-person-id=") == 1
    assert f'data-person-id="{elsewhere.id}"' not in page
    # recorded from the second page: that page's absentee, checked against the roster
    response = client.post(f"/sessions/{session.id}/makeup?venue_id={point.id}&page=2", data={
        "held_on": "05/12/2026", "unit_id": "0", "person_ids": [str(people[2].id)]})
    assert response.status_code == 302


def test_makeup_page_is_the_organizers(make_session, make_user, login, client):
    session = make_session()
    login(make_user(role="viewer"))
    assert client.get(f"/sessions/{session.id}/makeup").status_code == 200
    assert client.post(f"/sessions/{session.id}/makeup", data={}).status_code == 403
    client.post("/logout")
    login(make_user(role="coordinator", venue=session.venues[1]))
    assert client.get(f"/sessions/{session.id}/makeup").status_code == 403


def test_roll_page_registers_the_service_worker_that_keeps_its_shell(make_session, make_person,
                                                                     make_user, login):
    session, point, coordinator, _ = _point(make_session, make_person, make_user)
    client = login(coordinator)
    page = client.get(f"/sessions/{session.id}/venues/{point.id}/roll").get_data(as_text=True)
    assert 'data-sw-url="/sw.js"' in page
    worker = client.get("/sw.js").get_data(as_text=True)
    for asset in ("/static/js/roll.js", "/static/js/offline-queue.js", "/static/css/app.css"):
        assert f'"{asset}"' in worker
    assert "ROLL_PAGE" in worker


def test_batch_carries_the_points_actions_in_order_and_the_typed_reason_wins(
        db, make_session, make_person, make_user, login):
    """A phone back online sends its marks, headcount and sign-off in one batch; without
    JavaScript, Enter in the reason box sends the typed reason (no common reason's "pick")."""
    session, point, coordinator, people = _point(make_session, make_person, make_user)
    client = login(coordinator)
    counted = next(c for c in session.categories_for(point.kind) if c.headcount_only)
    mark = f"/sessions/{session.id}/venues/{point.id}/roll/mark"
    client.post(mark, data={"person_id": people[1].id, "status": "absent_excused",
                            "reason": "đi họp ở tỉnh"})
    client.post(mark, data={"person_id": people[2].id, "status": "absent_excused",
                            "reason": "", "pick": "ốm"})
    reasons = dict(db.execute(select(Attendance.person_id, Attendance.absence_reason)).all())
    assert reasons == {people[1].id: "đi họp ở tỉnh", people[2].id: "ốm"}
    items = [{"nonce": "a1", "venue_id": point.id, "person_id": people[0].id,
              "status": "present"},
             {"nonce": "a2", "kind": "headcount", "venue_id": point.id,
              "fields": {f"count_{counted.id}": "9"}},
             {"nonce": "a3", "kind": "sign_off", "venue_id": point.id, "fields": {}}]
    body = _roll(client, session, items).get_json()
    assert [(r["kind"], r["outcome"]) for r in body["results"]] == [
        ("mark", "accepted"), ("headcount", "accepted"), ("sign_off", "accepted")]
    assert _roll(client, session, items).get_json() == body  # replayed: the same answers
    db.expire_all()
    assert db.get(ExpectedCount, (point.id, counted.id)).headcount == 9
    assert db.get(Venue, point.id).signed_off_at is not None
