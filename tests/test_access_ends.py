"""Access ends at once (issue 17, part 4): a copied session cookie dies at sign-out, password
reset and lock; revoked tokens and locked users are refused by every process without a
cache's delay (the commands run as another process would: nothing in this app's memory is
cleared for them)."""

import pytest
from sqlalchemy import select

from attendance.accounts import users as accounts
from attendance.models import ApiToken
from tests.factories import NOW, PASSWORD


@pytest.fixture
def second_client(app):
    """A second browser (or a thief's copy of a cookie)."""
    return app.test_client()


def _copy_cookie(source, target):
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def _signed_in(client, user, password=PASSWORD):
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_copied_cookie_dies_at_sign_out(client, second_client, make_user):
    user = make_user(role="viewer")
    _signed_in(client, user)
    _copy_cookie(client, second_client)
    assert second_client.get("/api/v1/sessions").status_code == 200
    client.post("/logout")
    assert second_client.get("/api/v1/sessions").status_code == 401


def test_a_copied_cookie_dies_at_password_reset_and_lock(client, second_client, db, make_user):
    user, boss = make_user(role="viewer"), make_user()
    _signed_in(client, user)
    _copy_cookie(client, second_client)
    accounts.reset_password(db, user, "another-long-secret-9", now=NOW, actor=boss)
    db.commit()
    assert second_client.get("/api/v1/sessions").status_code == 401
    _signed_in(client, user, "another-long-secret-9")
    accounts.set_active(db, user, False, now=NOW, actor=boss)
    db.commit()
    accounts.set_active(db, user, True, now=NOW, actor=boss)
    db.commit()
    # unlocked again, but the session from before the lock stays ended
    assert client.get("/api/v1/sessions").status_code == 401


def test_revoked_token_refused_by_a_process_that_just_used_it(app, client, db, make_user,
                                                              runner):
    user = make_user(role="viewer")
    token = accounts.issue_api_token(db, user, now=NOW)
    db.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/sessions", headers=headers).status_code == 200
    # The command runs as another process would: nothing of this app's memory is cleared.
    result = runner.invoke(args=["revoke-tokens", user.username])
    assert result.exit_code == 0 and "1" in result.output
    assert client.get("/api/v1/sessions", headers=headers).status_code == 401
    assert db.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == user.id))


def test_lock_user_refuses_tokens_and_sessions_at_once_unlock_lets_in(client, second_client, db,
                                                                      make_user, runner):
    user = make_user(role="viewer")
    token = accounts.issue_api_token(db, user, now=NOW)
    db.commit()
    headers = {"Authorization": f"Bearer {token}"}
    _signed_in(second_client, user)
    assert client.get("/api/v1/sessions", headers=headers).status_code == 200
    assert runner.invoke(args=["lock-user", user.username]).exit_code == 0
    assert client.get("/api/v1/sessions", headers=headers).status_code == 401
    assert second_client.get("/api/v1/sessions").status_code == 401
    assert second_client.post("/login", data={"username": user.username,
                                              "password": PASSWORD}).status_code == 200
    assert second_client.get("/api/v1/sessions").status_code == 401
    assert runner.invoke(args=["unlock-user", user.username]).exit_code == 0
    assert client.get("/api/v1/sessions", headers=headers).status_code == 200
    _signed_in(second_client, user)


def test_access_commands_name_an_unknown_user_clearly(runner):
    for command in ("revoke-tokens", "lock-user", "unlock-user"):
        result = runner.invoke(args=[command, "nobody"])
        assert result.exit_code == 1
        assert "No user named nobody" in result.output
        assert "Traceback" not in result.output
