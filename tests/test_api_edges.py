"""API edges (issue 17, part 10 and the token limit of part 3): CSRF is skipped only for a
Bearer token that authenticated; an anonymous API POST is 401 before any CSRF check; API tokens
are rate-limited per token, check-ins included."""

import re

import pytest

from attendance.accounts import users as accounts
from tests.factories import NOW, PASSWORD


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True,
            "RATELIMIT_API_TOKEN": "3/minute"}


def test_junk_bearer_beside_a_cookie_does_not_skip_csrf(client, make_user, make_session):
    session = make_session(checkin_window="open")
    user = make_user(role="staff", venue=session.venues[0])
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))[1]
    client.post("/login", data={"username": user.username, "password": PASSWORD,
                                "csrf_token": csrf})
    body = {"items": [{"nonce": "n" * 20, "token": "x", "venue_id": session.venues[0].id}]}
    response = client.post(f"/api/v1/sessions/{session.id}/checkins", json=body,
                           headers={"Authorization": "Bearer junk"})
    assert response.status_code == 401  # a Bearer header that is no token is a refusal
    response = client.post(f"/api/v1/sessions/{session.id}/checkins", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"


def test_anonymous_api_posts_are_401_before_csrf(client, make_session):
    session = make_session()
    for path in (f"/api/v1/sessions/{session.id}/checkins", f"/api/v1/sessions/{session.id}/roll",
                 f"/api/v1/sessions/{session.id}/walkins"):
        response = client.post(path, json={"items": []})
        assert response.status_code == 401, path
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_real_token_needs_no_csrf(client, db, make_user, make_session):
    session = make_session(checkin_window="open")
    user = make_user(role="staff", venue=session.venues[0])
    token = accounts.issue_api_token(db, user, now=NOW)
    db.commit()
    body = {"items": [{"nonce": "n" * 20, "token": "x", "venue_id": session.venues[0].id}]}
    response = client.post(f"/api/v1/sessions/{session.id}/checkins", json=body,
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_api_tokens_are_rate_limited_per_token(client, db, make_user, make_session):
    session = make_session(checkin_window="open")
    one, two = make_user(role="staff", venue=session.venues[0]), make_user(role="viewer")
    tokens = [accounts.issue_api_token(db, u, now=NOW) for u in (one, two)]
    db.commit()
    first = {"Authorization": f"Bearer {tokens[0]}"}
    body = {"items": [{"nonce": "n" * 20, "token": "x", "venue_id": session.venues[0].id}]}
    answers = [client.get("/api/v1/sessions", headers=first).status_code for _ in range(2)]
    for _ in range(2):  # the check-in hot path is counted too
        answers.append(client.post(f"/api/v1/sessions/{session.id}/checkins", json=body,
                                   headers=first).status_code)
    assert answers == [200, 200, 200, 429]
    other = client.get("/api/v1/sessions", headers={"Authorization": f"Bearer {tokens[1]}"})
    assert other.status_code == 200  # per token, not per address
