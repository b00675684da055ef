"""A PostgreSQL server that restarts or drops connections: pooled connections idle for a while
are tested before use; one that dies under load answers 503 once, never a 500, and the next
request connects afresh."""

import pytest
from sqlalchemy import text

from attendance.accounts import users as accounts
from attendance.checkin import tokens
from webapp.database import autocommit_engine, dispose_engines
from webapp.extensions import db as _db

from .conftest import ON_POSTGRES
from .factories import NOW

pytestmark = pytest.mark.postgres


def _kill_pooled_connection(app, engine=None) -> None:
    """Leave one connection in the pool (of ``engine``, default the main one) whose server
    process has been terminated."""
    with app.app_context():
        with (engine or _db.engine).connect() as pooled:
            pid = pooled.scalar(text("SELECT pg_backend_pid()"))
        # pg_terminate_backend works on the role's own backends: no superuser needed.
        from sqlalchemy import create_engine
        other = create_engine(_db.engine.url)
        with other.connect() as conn:
            assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.dispose()


def _api_client(app, db, make_user):
    token = accounts.issue_api_token(db, make_user(role="organizer"), now=NOW)
    db.commit()
    db.remove()
    dispose_engines()  # start from empty pools
    return app.test_client(), {"Authorization": f"Bearer {token}"}


@pytest.fixture
def app_config(app_config, request):
    """Pooled connections idle this many seconds are tested first (0: always)."""
    return {**app_config, "DB_PING_AFTER_IDLE": getattr(request, "param", 0)}


def test_an_idle_dead_connection_is_replaced_before_use(app, db, make_user):
    assert ON_POSTGRES
    client, headers = _api_client(app, db, make_user)
    _kill_pooled_connection(app)
    answer = client.get("/api/v1/sessions", headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [3600], indirect=True)
def test_a_connection_lost_under_load_answers_503_once(app, db, make_user, make_session):
    session_id = make_session().id
    client, headers = _api_client(app, db, make_user)
    _kill_pooled_connection(app)
    lost = client.get("/api/v1/sessions", headers=headers)
    assert lost.status_code == 503
    assert lost.headers["Retry-After"] == "1"
    assert lost.get_json()["error"]["code"] == "database_unavailable"
    again = client.get("/api/v1/sessions", headers=headers)
    assert again.status_code == 200
    assert [s["id"] for s in again.get_json()["sessions"]] == [session_id]


@pytest.mark.parametrize("app_config", [0, 3600], indirect=True)
@pytest.mark.parametrize("scans", [1, 2])
def test_scans_survive_a_dead_pooled_connection(app, db, make_user, make_session, make_person,
                                                scans):
    """A single scan runs on the autocommit engine's pool, a batch on the main one; both run
    their statements on the driver's cursor. An idle dead connection is replaced before use
    (checked every time here); unchecked, the request answers 503 once and its retry is
    accepted (the scanner keeps the scans queued until then)."""
    session = make_session(checkin_window="open")
    key = tokens.derive_key(app.config["SECRET_KEY"], "card")
    items = [{"nonce": f"n{i}", "venue_id": session.venues[0].id,
              "token": tokens.card_token(key, session.id, person.id, person.card_version)}
             for i, person in enumerate(make_person(session) for _ in range(scans))]
    url = f"/api/v1/sessions/{session.id}/checkins"
    client, headers = _api_client(app, db, make_user)
    with app.app_context():
        _kill_pooled_connection(app, autocommit_engine() if scans == 1 else None)
    answer = client.post(url, json={"items": items}, headers=headers)
    if app.config["DB_PING_AFTER_IDLE"] > 0:
        assert answer.status_code == 503
        assert answer.get_json()["error"]["code"] == "database_unavailable"
        answer = client.post(url, json={"items": items}, headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert [r["outcome"] for r in answer.get_json()["results"]] == ["accepted"] * scans
