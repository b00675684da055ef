"""Rate limits (webapp/limits.py): sign-in per IP and username, self check-in and the knowledge
check per IP; a clear 429 page or JSON error; off in the other tests."""

import pytest
from sqlalchemy import func, select

from attendance.accounts import users as accounts
from attendance.checkin import tokens
from attendance.models import ScanAttempt

from webapp import create_app
from webapp.database import dispose_engines

from .factories import NOW, PASSWORD

SMALL = {"RATELIMIT_SIGN_IN": "3/minute", "RATELIMIT_SELF_CHECKIN": "4/minute",
         "RATELIMIT_KNOWLEDGE_CHECK": "2/minute", "RATELIMIT_CHECKIN_REFUSALS": "3/minute"}
MESSAGE = "Bạn gửi quá nhiều yêu cầu trong thời gian ngắn"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, **SMALL}


@pytest.fixture
def second_app(monkeypatch, tmp_path):
    """``second_app(config)``: another app on the test database; its engines are disposed after
    the test (an engine left to the garbage collector leaves PostgreSQL connections open)."""
    monkeypatch.setenv("DIEMCAU_INSTANCE", str(tmp_path / "instance"))
    made = []

    def make(config):
        made.append(create_app(config))
        return made[-1]
    yield make
    for app in made:
        with app.app_context():
            dispose_engines()


def _sign_in(client, username, password="wrong-password", **kwargs):
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


def test_sign_in_is_refused_after_the_limit_with_a_vietnamese_page(app, client, make_user):
    make_user(username="vanphong")
    for _ in range(3):
        assert _sign_in(client, "vanphong").status_code == 200  # wrong password, form again
    refused = _sign_in(client, "vanphong", password="correct-horse-42")
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert MESSAGE in html and "Traceback" not in html
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/login").status_code == 200  # reading the form is not limited
    elsewhere = _sign_in(client, "vanphong", environ_base={"REMOTE_ADDR": "10.0.0.8"})
    # the same name from elsewhere has its own request counter, but the account's own delay
    # after three wrong passwords (tests/test_sign_in_defences.py) holds wherever one comes from
    assert elsewhere.status_code == 429 and MESSAGE not in elsewhere.get_data(as_text=True)


def test_sign_in_limit_is_per_username_and_per_address(app, client, make_user, login):
    user = make_user(username="tuyengiao")
    for _ in range(3):
        _sign_in(client, "Someone.Else")
    assert _sign_in(client, "someone.else").status_code == 429  # case folded: same counter
    login(user)  # another username from the same address still signs in
    other = app.test_client()
    answer = _sign_in(other, "someone.else", environ_base={"REMOTE_ADDR": "10.0.0.7"})
    # elsewhere the limiter's counter is another one; what still holds is the name's own wait
    # after three wrong passwords, an unknown name's as an account's (test_sign_in_unknown.py)
    assert answer.status_code == 429 and MESSAGE not in answer.get_data(as_text=True)


def test_json_clients_get_a_json_error(app, client):
    for _ in range(3):
        _sign_in(client, "robot", headers={"Accept": "application/json"})
    refused = _sign_in(client, "robot", headers={"Accept": "application/json"})
    assert refused.status_code == 429
    error = refused.get_json()["error"]
    assert error["code"] == "rate_limited" and MESSAGE in error["message"]


def test_api_routes_answer_429_as_json(app, app_config, second_app):
    app = second_app(app_config)
    limiter = app.extensions["diemcau.limiter"]
    app.add_url_rule("/api/v1/probe", "probe", limiter.limit("1/minute")(lambda: {"ok": True}))
    client = app.test_client()
    assert client.get("/api/v1/probe").status_code == 200
    refused = client.get("/api/v1/probe")
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"


def test_self_check_in_posts_share_one_counter_per_address(app, client, make_session):
    venue = make_session(checkin_window="open").venues[0]
    form = {"name": "Không Có Ai", "digits": "1234", "nonce": "n-rate-1"}
    answers = [client.post(f"/c/{venue.code}", data=form).status_code for _ in range(2)]
    answers += [client.post(f"/c/{venue.code}/walk-in", data={}).status_code for _ in range(2)]
    assert 429 not in answers
    refused = client.post(f"/c/{venue.code}", data=form)
    assert refused.status_code == 429 and MESSAGE in refused.get_data(as_text=True)
    assert client.get(f"/c/{venue.code}").status_code == 200  # the poster link still opens
    phone = app.test_client()  # another phone on mobile data
    answer = phone.post(f"/c/{venue.code}", data=form, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert answer.status_code == 422  # answered (no presence code), not refused


def test_knowledge_check_posts_are_limited_by_path(app, app_config, second_app):
    """Any POST under /q/ counts, whichever blueprint serves it."""
    app = second_app(app_config)
    app.add_url_rule("/q/probe-limits/answer", "quiz_probe", lambda: "ok", methods=["POST"])
    client = app.test_client()
    assert [client.post("/q/probe-limits/answer").status_code for _ in range(2)] == [200, 200]
    assert client.post("/q/probe-limits/answer").status_code == 429


def test_behind_a_proxy_the_forwarded_address_counts(app, app_config, second_app):
    app = second_app({**app_config, "PROXY_FIX": 1})
    client = app.test_client()
    first = {"X-Forwarded-For": "203.0.113.5"}
    for _ in range(3):
        _sign_in(client, "admin", headers=first)
    refused = _sign_in(client, "admin", headers=first)
    assert refused.status_code == 429 and MESSAGE in refused.get_data(as_text=True)
    # another forwarded address has a counter of its own: only the name's wait answers there
    other = _sign_in(client, "admin", headers={"X-Forwarded-For": "203.0.113.6"})
    assert other.status_code == 429 and MESSAGE not in other.get_data(as_text=True)


def test_limits_are_off_unless_enabled(app, app_config, second_app, make_user):
    make_user(username="admin")
    app = second_app({**app_config, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    answers = {_sign_in(client, "admin", password=PASSWORD).status_code for _ in range(10)}
    assert answers == {302}  # ten sign-ins a minute, each let in


def _bearer(app, db, user):
    token = accounts.issue_api_token(db, user, now=NOW)
    db.commit()
    client = app.test_client()
    return lambda url, json: client.post(url, json=json,
                                         headers={"Authorization": f"Bearer {token}"})


def card(app, session, person):
    key = tokens.derive_key(app.config["SECRET_KEY"], "card")
    return tokens.card_token(key, session.id, person.id, person.card_version)


def test_refused_check_ins_are_bounded_per_caller(app, db, make_session, make_person,
                                                   make_user):
    """Every refused scan is a row: past RATELIMIT_CHECKIN_REFUSALS a caller gets 429 for the
    whole batch, nothing written; another caller is not held back."""
    session = make_session(checkin_window="open")
    person = make_person(session)
    hall = session.venues[0]
    staff, other = make_user(role="staff", venue=hall), make_user(role="staff", venue=hall)
    post, other_post = _bearer(app, db, staff), _bearer(app, db, other)
    url = f"/api/v1/sessions/{session.id}/checkins"
    junk = [{"nonce": f"j{i}", "token": "junk", "venue_id": hall.id} for i in range(4)]
    assert post(url, {"items": junk}).status_code == 200  # answered, and over the bound
    good = {"nonce": "g", "token": card(app, session, person), "venue_id": hall.id}
    refused = post(url, {"items": [good]})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (429, "rate_limited")
    assert db.scalar(select(func.count()).select_from(ScanAttempt)) == 4
    assert other_post(url, {"items": [good]}).get_json()["results"][0]["outcome"] == "accepted"
