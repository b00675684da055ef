"""The auth generation (webapp/auth/generation.py): every process keeps copies of token users
and drops them when any process commits a change to an account's access; nothing else bumps
it; a copy is read again after MAX_AGE whatever the generation says."""

from sqlalchemy import select, update

from attendance.accounts import assignments
from attendance.accounts import users as accounts
from attendance.models import ApiToken, User
from tests.factories import NOW
from webapp.auth import generation


def test_a_revocation_committed_by_one_process_is_seen_by_another_at_once(
        app, another_app, client, db, make_user, bearer):
    user, boss = make_user(role="viewer"), make_user()
    headers = bearer(user)
    elsewhere = another_app().test_client()  # another worker: its copies, the same instance
    assert elsewhere.get("/api/v1/sessions", headers=headers).status_code == 200
    assert client.get("/api/v1/sessions", headers=headers).status_code == 200
    token = db.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    accounts.revoke_api_token(db, token, now=NOW, actor=boss)
    db.commit()
    assert elsewhere.get("/api/v1/sessions", headers=headers).status_code == 401
    assert client.get("/api/v1/sessions", headers=headers).status_code == 401


def test_access_changes_bump_the_generation_and_nothing_else_does(app, db, make_user,
                                                                   make_session):
    session = make_session()
    user = make_user(role="coordinator")
    before = generation.current()
    user.failed_logins = 3  # a failed sign-in changes no one's access
    user.full_name = "Nguyễn Văn Khác"
    db.commit()
    assert generation.current() == before
    assignments.assign(db, user, session.venues[1], now=NOW, actor=None)
    db.commit()
    assigned = generation.current()
    assert assigned != before
    db.rollback()
    user.role = "viewer"
    db.flush()
    db.rollback()  # not committed: nothing changed
    assert generation.current() == assigned
    accounts.set_active(db, db.get(User, user.id), False, now=NOW, actor=None)
    db.commit()
    assert generation.current() != assigned


def test_a_copy_is_read_again_after_max_age(app, client, db, make_user, bearer, monkeypatch):
    user = make_user(role="viewer")
    headers = bearer(user)
    assert client.get("/api/v1/sessions", headers=headers).status_code == 200
    # changed behind the ORM's back (an administrator's SQL): no bump
    db.execute(update(ApiToken).where(ApiToken.user_id == user.id).values(revoked_at=NOW))
    db.commit()
    assert client.get("/api/v1/sessions", headers=headers).status_code == 200  # the copy
    monkeypatch.setattr(generation, "MAX_AGE", -1)
    assert client.get("/api/v1/sessions", headers=headers).status_code == 401
