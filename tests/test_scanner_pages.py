"""The scanner station page, the service worker route and walk-ins (service and API)."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from attendance.checkin import walkins
from attendance.checkin.tokens import derive_key
from attendance.errors import DomainError, ValidationError
from attendance.models import Attendance, AuditEntry, Person, ScanAttempt, Unit
from webapp.checkin.pages import SHELL_ASSETS

# ---- the page -------------------------------------------------------------------------------


def test_staff_gets_their_own_venue(client, login, make_session, make_user):
    session = make_session()
    hall = session.venues[0]
    login(make_user(role="staff", venue=hall))

    page = client.get(f"/sessions/{session.id}/scan")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-venue-id="{hall.id}"' in html
    assert "Hội trường UBND thị xã" in html
    assert "Quên thẻ" in html and "Người đến không có trong danh sách" in html
    assert "Đổi địa điểm" not in html  # only organizers pick the venue
    assert "<script>" not in html and "style=" not in html  # the CSP to come forbids them


def test_staff_at_another_venue_is_forbidden(client, login, make_session, make_user):
    session = make_session()
    hall, bridge_point = session.venues[0], session.venues[1]
    login(make_user(role="staff", venue=hall))

    assert client.get(f"/sessions/{session.id}/scan?venue_id={bridge_point.id}").status_code == 403


def test_staff_of_another_session_is_forbidden(client, login, make_session, make_user):
    session, other = make_session(), make_session()
    login(make_user(role="staff", venue=other.venues[0]))

    assert client.get(f"/sessions/{session.id}/scan").status_code == 403


def test_coordinator_gets_their_bridge_point_with_its_categories(client, login, make_session,
                                                                make_user):
    session = make_session()
    bridge_point = session.venues[2]
    login(make_user(role="coordinator", venue=bridge_point))

    html = client.get(f"/sessions/{session.id}/scan").get_data(as_text=True)

    assert f'data-venue-id="{bridge_point.id}"' in html
    assert "Đảng ủy viên" in html  # a bridge-point category in the walk-in form
    assert '<option value="' in html and "Thường trực Thị ủy</option>" not in html


@pytest.mark.parametrize("role", ["viewer", "reporter"])
def test_roles_that_do_not_check_in_are_forbidden(client, db, login, make_session, make_user,
                                                  role):
    session = make_session()
    unit = Unit(name="Đảng ủy phường 1", kind="committee")
    db.add(unit)
    db.flush()
    login(make_user(role=role, unit_id=unit.id if role == "reporter" else None))

    assert client.get(f"/sessions/{session.id}/scan").status_code == 403


def test_organizer_picks_a_venue_then_gets_it(client, login, make_session, make_user):
    session = make_session()
    login(make_user(role="organizer"))

    picker = client.get(f"/sessions/{session.id}/scan").get_data(as_text=True)
    assert all(f'value="{v.id}"' in picker for v in session.venues)

    html = client.get(f"/sessions/{session.id}/scan?venue_id={session.venues[1].id}").get_data(
        as_text=True)
    assert f'data-venue-id="{session.venues[1].id}"' in html and "Đổi địa điểm" in html
    other = make_session()
    assert client.get(f"/sessions/{session.id}/scan?venue_id={other.venues[0].id}"
                      ).status_code == 404
    assert client.get("/sessions/999999/scan").status_code == 404


def test_the_page_needs_a_sign_in(client, make_session):
    session = make_session()
    response = client.get(f"/sessions/{session.id}/scan")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_counter_shows_check_ins_at_this_venue(app, client, login, make_session, make_person,
                                               make_user):
    session = make_session(now=datetime.now(timezone.utc))
    hall = session.venues[0]
    user = make_user(role="staff", venue=hall)
    people = [make_person(session) for _ in range(2)]
    login(user)
    client.post(f"/api/v1/sessions/{session.id}/checkins", json={"items": [
        {"nonce": f"c{p.id}", "person_id": p.id, "method": "manual", "venue_id": hall.id}
        for p in people]})

    html = client.get(f"/sessions/{session.id}/scan").get_data(as_text=True)
    assert 'data-checked-in="2"' in html


def test_service_worker_is_served_from_the_root_with_its_shell(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    body = response.get_data(as_text=True)
    assert "__VERSION__" not in body and "__ASSETS__" not in body
    for asset in ("/static/js/scanner.js", "/static/js/offline-queue.js",
                  "/static/vendor/jsqr/jsQR.js", "/static/css/app.css"):
        assert f'"{asset}"' in body
    assert client.get("/sw.js").get_data(as_text=True) == body  # same files, same version


def test_service_worker_version_follows_the_static_files(app, client, tmp_path):
    static = tmp_path / "static"
    for name in ["sw.js", *SHELL_ASSETS]:
        (static / name).parent.mkdir(parents=True, exist_ok=True)
        (static / name).write_text("/* " + name + " */" if name != "sw.js" else
                                   'var VERSION = "__VERSION__"; var A = ["__ASSETS__"];')
    app.static_folder = str(static)
    before = client.get("/sw.js").get_data(as_text=True)
    (static / "js" / "other.js").write_text("/* a page's script changed */")

    after = client.get("/sw.js").get_data(as_text=True)

    assert before.startswith('var VERSION = "') and before != after


# ---- walk-ins: the service ------------------------------------------------------------------


def walk_in_fields(session, venue, **kwargs):
    fields = {"session": session, "venue": venue, "full_name": "  Lê   Thị Vãng Lai ",
              "position": "Bí thư chi bộ", "unit_name": "Tổ dân phố 3",
              "category_id": session.categories_for(venue.kind)[0].id, "phone": "0912 345 678"}
    fields.update(kwargs)
    return fields


def test_register_walk_in_adds_a_folded_walk_in_and_audits(db, make_session, make_user):
    session = make_session()
    hall = session.venues[0]
    staff = make_user(role="staff", venue=hall)
    now = session.starts_at - timedelta(minutes=10)

    person = walkins.register_walk_in(db, **walk_in_fields(session, hall), now=now, actor=staff)

    assert person.id and person.walk_in and person.venue_id == hall.id
    assert person.full_name == "Lê Thị Vãng Lai" and person.search_name == "le thi vang lai"
    assert person.phone == "0912345678" and person.unit_name == "Tổ dân phố 3"
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "walk_in.register")).one()
    assert entry.target_id == person.id and entry.actor_id == staff.id


@pytest.mark.parametrize("change, field, code", [
    ({"full_name": "   "}, "full_name", "required"),
    ({"full_name": "x" * 201}, "full_name", "too_long"),
    ({"phone": "12345"}, "phone", "bad_phone"),
    ({"category_id": None}, "category_id", "unknown_category"),
    ({"category_id": "1"}, "category_id", "unknown_category"),
])
def test_register_walk_in_refuses_bad_fields(db, make_session, change, field, code):
    session = make_session()
    now = session.starts_at

    with pytest.raises(ValidationError) as error:
        walkins.register_walk_in(db, **walk_in_fields(session, session.venues[0], **change),
                                 now=now, actor=None)

    assert error.value.errors[field] == code
    assert db.scalar(select(func.count()).select_from(Person)) == 0


def test_register_walk_in_needs_a_category_of_the_venues_kind(db, make_session):
    session = make_session()
    hall, bridge_point = session.venues[0], session.venues[1]
    bridge_category = session.categories_for(bridge_point.kind)[0]

    with pytest.raises(ValidationError) as error:
        walkins.register_walk_in(db, **walk_in_fields(session, hall,
                                                      category_id=bridge_category.id),
                                 now=session.starts_at, actor=None)
    assert error.value.errors == {"category_id": "category_not_for_venue"}


def test_register_walk_in_refuses_other_venues_and_closed_windows(db, make_session, make_user):
    session = make_session()
    hall, bridge_point = session.venues[0], session.venues[1]
    coordinator = make_user(role="coordinator", venue=bridge_point)

    with pytest.raises(DomainError) as error:
        walkins.register_walk_in(db, **walk_in_fields(session, hall), now=session.starts_at,
                                 actor=coordinator)
    assert error.value.code == "not_allowed_here"
    with pytest.raises(DomainError) as error:
        walkins.register_walk_in(db, **walk_in_fields(session, hall),
                                 now=session.starts_at + timedelta(days=1), actor=None)
    assert error.value.code == "window_closed"
    assert db.scalar(select(func.count()).select_from(Person)) == 0


def test_check_in_walk_in_twice_with_one_nonce_registers_once(app, db, make_session):
    session = make_session()
    hall = session.venues[0]
    key = derive_key(app.config["SECRET_KEY"], "card")
    now = session.starts_at - timedelta(minutes=5)
    fields = walk_in_fields(session, hall)

    first, result = walkins.check_in_walk_in(db, key=key, nonce="walk-1", now=now, actor=None,
                                             **fields)
    again, replay = walkins.check_in_walk_in(db, key=key, nonce="walk-1", now=now, actor=None,
                                             **fields)

    assert result.outcome == "accepted" and result.status == "present"
    assert again.id == first.id and replay.outcome == "accepted"
    assert db.scalar(select(func.count()).select_from(Person)) == 1
    attendance = db.scalars(select(Attendance)).one()
    assert attendance.method == "walk_in" and attendance.person_id == first.id


# ---- walk-ins: the API ----------------------------------------------------------------------


def test_walkin_api_registers_and_checks_in(client, db, login, make_session, make_user):
    session = make_session(now=datetime.now(timezone.utc))
    bridge_point = session.venues[1]
    category = session.categories_for(bridge_point.kind)[0]
    login(make_user(role="coordinator", venue=bridge_point))

    response = client.post(f"/api/v1/sessions/{session.id}/walkins", json={
        "nonce": "w-1", "venue_id": bridge_point.id, "full_name": "Phạm Văn Đến Muộn",
        "position": "Tuyên truyền viên", "unit": "Thôn 2", "category_id": category.id,
        "phone": "", "scanned_at": datetime.now(timezone.utc).isoformat()})

    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["person"]["full_name"] == "Phạm Văn Đến Muộn"
    assert body["person"]["venue_id"] == bridge_point.id and body["person"]["walk_in"] is True
    assert body["result"]["outcome"] == "accepted" and body["result"]["message"] == "Có mặt"
    assert body["result"]["person"]["id"] == body["person"]["id"]
    attempt = db.scalars(select(ScanAttempt).where(ScanAttempt.nonce == "w-1")).one()
    assert attempt.method == "walk_in"


def test_walkin_api_bad_input_says_why_and_changes_nothing(client, db, login, make_session,
                                                          make_user):
    session = make_session(now=datetime.now(timezone.utc))
    hall = session.venues[0]
    login(make_user(role="staff", venue=hall))
    url = f"/api/v1/sessions/{session.id}/walkins"

    missing_name = client.post(url, json={"nonce": "w-2", "venue_id": hall.id, "full_name": "",
                                          "category_id": session.categories_for("hall")[0].id})
    assert missing_name.status_code == 400
    error = missing_name.get_json()["error"]
    assert error["code"] == "validation" and error["fields"]["full_name"] == "Không được để trống."

    assert client.post(url, data="not json", content_type="application/json").status_code == 400
    assert client.post(url, json={"nonce": "w-3", "venue_id": 999999, "full_name": "A",
                                  "category_id": 1}).status_code == 400
    other_venue = client.post(url, json={
        "nonce": "w-4", "venue_id": session.venues[1].id, "full_name": "Người khác",
        "category_id": session.categories_for("bridge_point")[0].id})
    assert other_venue.status_code == 403
    assert db.scalar(select(func.count()).select_from(Person)) == 0


def test_walkin_api_needs_a_sign_in(client, make_session):
    session = make_session()
    response = client.post(f"/api/v1/sessions/{session.id}/walkins", json={})
    assert response.status_code == 401
    assert client.post("/api/v1/sessions/999999/walkins", json={}).status_code in (401, 404)
