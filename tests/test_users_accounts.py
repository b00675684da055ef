"""Account rules without HTTP: activation, password reset, API tokens."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from attendance.accounts import users as accounts
from attendance.errors import Forbidden, ValidationError
from attendance.models import ApiToken, AuditEntry
from tests.factories import NOW, PASSWORD, gen_user


def _audit(db, action):
    return db.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_deactivated_user_cannot_sign_in_or_use_tokens_until_reactivated(db):
    boss, clerk = gen_user(db), gen_user(db, role="viewer")
    token = accounts.issue_api_token(db, clerk, now=NOW, actor=boss)
    accounts.set_active(db, clerk, False, now=NOW, actor=boss)
    assert accounts.authenticate(db, clerk.username, PASSWORD) is None
    assert accounts.user_for_token(db, token, now=NOW) is None
    accounts.set_active(db, clerk, True, now=NOW, actor=boss)
    assert accounts.authenticate(db, clerk.username, PASSWORD) == clerk
    assert accounts.user_for_token(db, token, now=NOW) == clerk
    assert [e.actor_id for e in _audit(db, "user.deactivate")] == [boss.id]
    assert [e.target_id for e in _audit(db, "user.reactivate")] == [clerk.id]


def test_organizer_cannot_deactivate_themself(db):
    boss = gen_user(db)
    with pytest.raises(Forbidden) as caught:
        accounts.set_active(db, boss, False, now=NOW, actor=boss)
    assert caught.value.code == "cannot_deactivate_self"
    assert boss.active and not _audit(db, "user.deactivate")


def test_reset_password_checks_length_and_is_audited(db):
    boss, clerk = gen_user(db), gen_user(db, role="viewer")
    with pytest.raises(ValidationError) as caught:
        accounts.reset_password(db, clerk, "short", now=NOW, actor=boss)
    assert caught.value.errors == {"password": "password_too_short"}
    assert accounts.authenticate(db, clerk.username, PASSWORD) == clerk
    accounts.reset_password(db, clerk, "a-new-long-password", now=NOW, actor=boss)
    assert accounts.authenticate(db, clerk.username, PASSWORD) is None
    assert accounts.authenticate(db, clerk.username, "a-new-long-password") == clerk
    assert len(_audit(db, "user.reset_password")) == 1


def test_revoked_token_is_refused_and_revoking_twice_changes_nothing(db):
    boss, clerk = gen_user(db), gen_user(db, role="viewer")
    token = accounts.issue_api_token(db, clerk, now=NOW, name="Máy quét 1", actor=boss)
    row = db.scalar(select(ApiToken).where(ApiToken.user_id == clerk.id))
    assert row.name == "Máy quét 1" and row.token_hash != token
    accounts.revoke_api_token(db, row, now=NOW, actor=boss)
    accounts.revoke_api_token(db, row, now=NOW + timedelta(hours=1), actor=boss)
    assert row.revoked_at == NOW
    assert accounts.user_for_token(db, token, now=NOW) is None
    assert len(_audit(db, "token.revoke")) == 1
    assert _audit(db, "token.issue")[0].actor_id == boss.id


def test_token_use_is_stamped_at_most_once_per_five_minutes(db):
    clerk = gen_user(db, role="viewer")
    token = accounts.issue_api_token(db, clerk, now=NOW)
    row = db.scalar(select(ApiToken).where(ApiToken.user_id == clerk.id))
    assert row.last_used_at is None
    accounts.user_for_token(db, token, now=NOW)
    assert row.last_used_at is None  # noted, written when the request is done
    assert accounts.stamp_token_uses(db)
    assert row.last_used_at == NOW
    accounts.user_for_token(db, token, now=NOW + timedelta(minutes=4))
    assert not accounts.stamp_token_uses(db)
    assert row.last_used_at == NOW
    accounts.user_for_token(db, token, now=NOW + timedelta(minutes=5))
    assert accounts.stamp_token_uses(db)
    assert row.last_used_at == NOW + timedelta(minutes=5)
    assert accounts.user_for_token(db, "dc_not-a-token", now=NOW) is None
