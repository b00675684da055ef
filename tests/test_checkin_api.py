"""POST /api/v1/sessions/{id}/checkins over HTTP: parsing, auth, codes; the rule is tested
in test_checkin_rule.py."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from attendance.accounts import users as accounts
from attendance.checkin import tokens
from attendance.models import Attendance, ScanAttempt, Unit

from .factories import NOW


@pytest.fixture
def api(app, db):
    """A client whose requests carry a Bearer token of the given user."""
    def make(user):
        token = accounts.issue_api_token(db, user, now=NOW)
        db.commit()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}

        def post(url, json):
            return client.post(url, json=json, headers=headers)
        return post
    return make


def card(app, session, person):
    key = tokens.derive_key(app.config["SECRET_KEY"], "card")
    return tokens.card_token(key, session.id, person.id, person.card_version)


def test_batch_checks_in_and_replay_changes_nothing(app, db, api, make_session, make_person,
                                                    make_user):
    now = datetime.now(timezone.utc)
    session = make_session(now=now)  # starts in 30 minutes: the window is open
    people = [make_person(session) for _ in range(3)]
    post = api(make_user(role="organizer"))
    items = [{"nonce": f"n{i}", "token": card(app, session, p), "venue_id": session.venues[0].id,
              "scanned_at": (now - timedelta(minutes=1)).isoformat()} for i, p in enumerate(people)]
    url = f"/api/v1/sessions/{session.id}/checkins"
    first = post(url, {"items": items})
    assert first.status_code == 200
    results = first.get_json()["results"]
    assert [r["outcome"] for r in results] == ["accepted"] * 3
    assert results[0]["person"] == {"id": people[0].id, "full_name": people[0].full_name,
                                    "position": people[0].position,
                                    "category": "Thường trực Thị ủy",
                                    "venue_id": people[0].venue_id}
    assert results[0]["venue"]["id"] == session.venues[0].id
    assert results[0]["status"] == "present"
    replay = post(url, {"items": items}).get_json()["results"]
    assert [r["outcome"] for r in replay] == ["accepted"] * 3
    assert db.scalar(select(func.count()).select_from(Attendance)) == 3


def test_duplicate_answers_venue_and_time(app, api, make_session, make_person, make_user):
    session = make_session(checkin_window="open")
    person = make_person(session)
    post = api(make_user(role="organizer"))
    url = f"/api/v1/sessions/{session.id}/checkins"
    token = card(app, session, person)
    post(url, {"items": [{"nonce": "a", "token": token, "venue_id": session.venues[0].id}]})
    result = post(url, {"items": [{"nonce": "b", "token": token,
                                   "venue_id": session.venues[1].id}]}).get_json()["results"][0]
    assert result["outcome"] == "duplicate"
    assert result["code"] == "already_checked_in"
    assert result["venue"]["name"] == session.venues[0].name
    assert "Đã điểm danh tại Hội trường UBND thị xã lúc" in result["message"]


@pytest.mark.parametrize("mangle, code", [
    (lambda t: "not a code", "malformed"),
    (lambda t: t[:-2] + "AA", "bad_signature"),
])
def test_refusals_carry_code_and_message(app, api, make_session, make_person, make_user, mangle,
                                         code):
    session = make_session(checkin_window="open")
    person = make_person(session)
    post = api(make_user(role="organizer"))
    token = mangle(card(app, session, person))
    result = post(f"/api/v1/sessions/{session.id}/checkins", {"items": [
        {"nonce": "a", "token": token, "venue_id": session.venues[0].id}]}).get_json()
    assert result["results"][0]["outcome"] == "rejected"
    assert result["results"][0]["code"] == code
    assert result["results"][0]["message"]


def test_each_answer_of_a_batch_has_its_own_message(app, api, make_session, make_person,
                                                    make_user):
    """Messages are made once per kind in a batch: each answer still gets its own kind's, and
    each duplicate its own venue and time."""
    now = datetime.now(timezone.utc)
    session = make_session(now=now - timedelta(minutes=60))  # started 30 minutes ago: late
    hall, bridge = session.venues[0], session.venues[1]
    people = [make_person(session) for _ in range(4)]
    post = api(make_user(role="organizer"))
    url = f"/api/v1/sessions/{session.id}/checkins"
    post(url, {"items": [{"nonce": "early", "token": card(app, session, people[2]),
                          "venue_id": bridge.id,
                          "scanned_at": (now - timedelta(minutes=35)).isoformat()}]})
    results = post(url, {"items": [
        {"nonce": "a", "token": card(app, session, people[0]), "venue_id": hall.id,
         "scanned_at": (now - timedelta(minutes=32)).isoformat()},
        {"nonce": "b", "token": card(app, session, people[1]), "venue_id": hall.id},
        {"nonce": "c", "token": card(app, session, people[2]), "venue_id": hall.id},
        {"nonce": "d", "token": "not a code", "venue_id": hall.id},
        {"nonce": "e", "token": card(app, session, people[3]), "venue_id": hall.id},
    ]}).get_json()["results"]
    assert [(r["outcome"], r["status"]) for r in results] == [
        ("accepted", "present"), ("accepted", "late"), ("duplicate", "present"),
        ("rejected", None), ("accepted", "late")]
    assert [r["message"] for r in results[:2]] == ["Có mặt", "Đi muộn"]
    assert results[2]["message"].startswith(f"Đã điểm danh tại {bridge.name} lúc ")
    assert results[3]["message"] and results[3]["message"] not in ("Có mặt", "Đi muộn")
    assert results[4]["message"] == "Đi muộn"


def test_staff_refused_at_another_venue(app, api, make_session, make_person, make_user):
    session = make_session(checkin_window="open")
    person = make_person(session)
    post = api(make_user(role="staff", venue=session.venues[0]))
    result = post(f"/api/v1/sessions/{session.id}/checkins", {"items": [
        {"nonce": "a", "token": card(app, session, person),
         "venue_id": session.venues[1].id}]}).get_json()["results"][0]
    assert result["code"] == "not_allowed_here"


def test_needs_a_token(client, make_session):
    session = make_session()
    response = client.post(f"/api/v1/sessions/{session.id}/checkins", json={"items": []},
                           headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("body", [None, {}, {"items": []}, {"items": "x"}, {"items": [1]},
                                  {"items": [{}] * 501}])
def test_bad_batches_are_400(api, make_session, make_user, body):
    session = make_session()
    post = api(make_user(role="organizer"))
    response = post(f"/api/v1/sessions/{session.id}/checkins", body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_batch"


def test_unknown_session_is_404(api, make_user):
    post = api(make_user(role="organizer"))
    response = post("/api/v1/sessions/999/checkins", {"items": [{"nonce": "a"}]})
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["viewer", "reporter"])
def test_a_role_that_never_checks_in_is_refused_the_whole_batch(app, db, api, make_session,
                                                                make_person, make_user, role):
    session = make_session(checkin_window="open")
    person = make_person(session)
    unit = Unit(name="Đảng ủy phường Phổ Hòa", kind="committee")
    db.add(unit)
    db.commit()
    post = api(make_user(role=role, unit_id=unit.id if role == "reporter" else None))
    item = {"nonce": "v1", "token": card(app, session, person),
            "venue_id": session.venues[0].id}
    answer = post(f"/api/v1/sessions/{session.id}/checkins", {"items": [item] * 3})
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "may_not_check_in"
    roll = post(f"/api/v1/sessions/{session.id}/roll", {"items": [
        {"nonce": "r1", "venue_id": session.venues[0].id, "person_id": person.id,
         "status": "present"}]})
    assert roll.status_code == 403
    assert db.scalar(select(func.count()).select_from(ScanAttempt)) == 0
    assert db.scalar(select(func.count()).select_from(Attendance)) == 0


def test_the_answer_gives_the_server_time_the_device_sends_back_as_last_contact(
        app, db, api, make_session, make_person, make_user):
    now = datetime.now(timezone.utc)
    session = make_session(now=now - timedelta(minutes=10), checkin_window="open")
    person = make_person(session)
    post = api(make_user(role="organizer"))
    url = f"/api/v1/sessions/{session.id}/checkins"
    first = post(url, {"items": [{"nonce": "a", "token": "junk", "venue_id": session.venues[0].id}]})
    contact = first.get_json()["server_time"]
    assert abs(datetime.fromisoformat(contact) - now) < timedelta(minutes=1)
    set_back = (now - timedelta(minutes=70)).isoformat()  # a clock set back 70 minutes
    answer = post(url, {"items": [{"nonce": "b", "token": card(app, session, person),
                                   "venue_id": session.venues[0].id, "scanned_at": set_back,
                                   "last_contact": contact}]}).get_json()["results"][0]
    assert answer["outcome"] == "accepted"
    assert datetime.fromisoformat(answer["at"]) >= datetime.fromisoformat(contact)
    assert db.scalar(select(ScanAttempt.device_time_trusted).where(
        ScanAttempt.nonce == "b")) is False
