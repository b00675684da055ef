"""The read API over HTTP: authentication, venue scope, shapes of sessions and rosters."""

import hashlib
from datetime import date

import pytest
from sqlalchemy import select

from attendance.accounts import users as accounts
from attendance.checkin import tokens
from attendance.models import ApiToken, Document
from tests.factories import NOW
from webapp.checkin import card_key


@pytest.fixture
def seeded(db, make_session, make_person):
    """Two sessions; the first with a document, an open window and people at two venues."""
    document = Document(number="57-KL/TW", issuer="Bộ Chính trị", issued_on=date(2023, 6, 15),
                        title="Kết luận về tiếp tục nâng cao chất lượng thông tin đối ngoại")
    db.add(document)
    first = make_session(document=document, checkin_window="open")
    second = make_session(title="Hội nghị học tập chuyên đề", bridge_points=1)
    hall, bp1 = first.venues[0], first.venues[1]
    people = [make_person(first, venue=hall, full_name="Trần Thị Hội Trường", phone="0912345678"),
              make_person(first, venue=bp1, full_name="Lê Văn Điểm Cầu", phone=""),
              make_person(second)]
    return first, second, people


def test_every_route_needs_a_token_or_login(client, seeded):
    first = seeded[0]
    for path in ["/api/v1/sessions", f"/api/v1/sessions/{first.id}",
                 f"/api/v1/sessions/{first.id}/roster"]:
        for headers in [{}, {"Authorization": "Bearer dc_made-up"}, {"Authorization": "Basic x"}]:
            response = client.get(path, headers=headers)
            assert response.status_code == 401, path
            assert response.get_json()["error"]["code"] == "unauthorized"
            assert response.get_json()["error"]["message"]


def test_revoked_token_and_locked_user_are_refused(client, db, make_user, bearer):
    user, boss = make_user(role="viewer"), make_user()
    headers = bearer(user)
    assert client.get("/api/v1/sessions", headers=headers).status_code == 200
    accounts.set_active(db, user, False, now=NOW, actor=boss)
    db.commit()
    # The commit bumps the auth generation: no cache to clear (tests/test_auth_generation.py)
    assert client.get("/api/v1/sessions", headers=headers).status_code == 401
    accounts.set_active(db, user, True, now=NOW, actor=boss)
    row = db.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    accounts.revoke_api_token(db, row, now=NOW, actor=boss)
    db.commit()
    response = client.get("/api/v1/sessions", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_token_use_is_stamped(client, db, make_user, bearer):
    user = make_user(role="viewer")
    headers = bearer(user)
    client.get("/api/v1/sessions", headers=headers)
    db.expire_all()
    row = db.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert row.last_used_at is not None and row.last_used_at > NOW


def test_sessions_list_for_an_organizer(client, make_user, bearer, seeded):
    first, second, _ = seeded
    body = client.get("/api/v1/sessions", headers=bearer(make_user())).get_json()
    by_id = {s["id"]: s for s in body["sessions"]}
    assert set(by_id) == {first.id, second.id}
    item = by_id[first.id]
    assert item["title"] == first.title and item["plan_number"] == "145-KH/TU"
    assert item["starts_at"] == "2026-11-27T07:30:00+07:00"
    assert item["ends_at"] == "2026-11-27T11:00:00+07:00"
    assert item["venue_count"] == 3 and by_id[second.id]["venue_count"] == 2
    assert item["document"]["number"] == "57-KL/TW"
    assert item["document"]["issued_on"] == "2023-06-15"
    assert by_id[second.id]["document"] is None


def test_staff_see_only_the_session_of_their_venue(client, make_user, bearer, seeded):
    second = seeded[1]
    staff = make_user(role="coordinator", venue=second.venues[1])
    body = client.get("/api/v1/sessions", headers=bearer(staff)).get_json()
    assert [s["id"] for s in body["sessions"]] == [second.id]


def test_session_detail_for_an_organizer(client, make_user, bearer, seeded):
    first = seeded[0]
    body = client.get(f"/api/v1/sessions/{first.id}", headers=bearer(make_user())).get_json()
    assert body["id"] == first.id and body["timezone"] == "Asia/Ho_Chi_Minh"
    assert body["starts_at"] == "2026-11-27T07:30:00+07:00"
    assert body["late_grace_minutes"] == 15 and body["checkin_open"] is True
    assert [v["kind"] for v in body["venues"]] == ["hall", "bridge_point", "bridge_point"]
    assert body["venues"][0] == {"id": first.venues[0].id, "name": "Hội trường UBND thị xã",
                                 "kind": "hall", "address": ""}
    assert len(body["categories"]) == 4
    assert {"id", "name", "venue_kind", "headcount_only"} == set(body["categories"][0])
    assert len(body["expected"]) == 6
    assert body["expected"][0]["expected"] == 5


def test_session_detail_for_a_coordinator_shows_only_their_venue(
        client, make_user, bearer, seeded):
    first, second, _ = seeded
    venue = first.venues[2]
    headers = bearer(make_user(role="coordinator", venue=venue))
    body = client.get(f"/api/v1/sessions/{first.id}", headers=headers).get_json()
    assert [v["id"] for v in body["venues"]] == [venue.id]
    assert {c["venue_kind"] for c in body["categories"]} == {"bridge_point"}
    assert {e["venue_id"] for e in body["expected"]} == {venue.id}
    # A session they are not assigned to is outside their scope: not found, like no session.
    response = client.get(f"/api/v1/sessions/{second.id}", headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_missing_session_is_a_json_404(client, make_user, bearer):
    headers = bearer(make_user())
    for path in ["/api/v1/sessions/999", "/api/v1/sessions/999/roster"]:
        response = client.get(path, headers=headers)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_roster_for_an_organizer_all_or_one_venue(client, make_user, bearer, seeded):
    first, _, people = seeded
    headers = bearer(make_user(role="viewer"))
    body = client.get(f"/api/v1/sessions/{first.id}/roster", headers=headers).get_json()
    assert body["session_id"] == first.id and body["venue_id"] is None
    assert body["generated_at"].endswith("+07:00")
    assert {p["id"] for p in body["people"]} == {people[0].id, people[1].id}
    hall_person = next(p for p in body["people"] if p["id"] == people[0].id)
    live_card = tokens.card_token(card_key(), first.id, people[0].id, 1)
    assert hall_person == {
        "id": people[0].id, "full_name": "Trần Thị Hội Trường", "position": "Chuyên viên",
        "unit": "Văn phòng", "category_id": people[0].category_id,
        "venue_id": first.venues[0].id, "phone_last4": "5678", "card_version": 1,
        "card_digest": hashlib.sha256(live_card.encode()).hexdigest()[:32],
        "checked_in": None}
    assert body["card_check"] == "sha256-128"
    assert next(p for p in body["people"] if p["id"] == people[1].id)["phone_last4"] is None
    one = client.get(f"/api/v1/sessions/{first.id}/roster?venue_id={first.venues[1].id}",
                     headers=headers).get_json()
    assert one["venue_id"] == first.venues[1].id
    assert [p["id"] for p in one["people"]] == [people[1].id]


def test_roster_never_exposes_the_full_phone(client, make_user, bearer, seeded):
    first = seeded[0]
    response = client.get(f"/api/v1/sessions/{first.id}/roster", headers=bearer(make_user()))
    assert "0912345678" not in response.get_data(as_text=True)


def test_roster_for_staff_defaults_to_their_venue_and_refuses_others(
        client, make_user, bearer, seeded):
    first, second, people = seeded
    staff = make_user(role="staff", venue=first.venues[0])
    headers = bearer(staff)
    body = client.get(f"/api/v1/sessions/{first.id}/roster", headers=headers).get_json()
    assert body["venue_id"] == first.venues[0].id
    assert [p["id"] for p in body["people"]] == [people[0].id]
    other = client.get(f"/api/v1/sessions/{first.id}/roster?venue_id={first.venues[1].id}",
                       headers=headers)
    assert other.status_code == 403
    assert other.get_json()["error"]["code"] == "forbidden"
    assert client.get(f"/api/v1/sessions/{second.id}/roster",
                      headers=headers).status_code == 404


def test_roster_venue_must_belong_to_the_session(client, make_user, bearer, seeded):
    first, second, _ = seeded
    headers = bearer(make_user())
    response = client.get(f"/api/v1/sessions/{first.id}/roster?venue_id={second.venues[0].id}",
                          headers=headers)
    assert response.status_code == 404
    response = client.get(f"/api/v1/sessions/{first.id}/roster?venue_id=abc", headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_reporters_read_no_roster(client, db, make_user, bearer, seeded):
    from attendance.models import Unit
    unit = Unit(name="Chi bộ Cơ quan Thị ủy", kind="cell")
    db.add(unit)
    db.commit()
    headers = bearer(make_user(role="reporter", unit_id=unit.id))
    assert client.get(f"/api/v1/sessions/{seeded[0].id}/roster",
                      headers=headers).status_code == 403


def test_browser_login_reads_the_api(make_user, login, seeded):
    client = login(make_user(role="viewer"))
    response = client.get("/api/v1/sessions")
    assert response.status_code == 200 and len(response.get_json()["sessions"]) == 2


def test_token_from_the_cli_works(client, runner, make_user, seeded):
    user = make_user(role="staff", venue=seeded[1].venues[0])
    result = runner.invoke(args=["create-token", user.username, "--name", "may-quet"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    response = client.get("/api/v1/sessions", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [s["id"] for s in response.get_json()["sessions"]] == [seeded[1].id]
