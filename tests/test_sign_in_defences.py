"""Accounts (issue 17, part 6): organizer passwords of 12+ characters, common passwords
refused, growing delays and lockout per account and per address, the optional TOTP second
factor with recovery codes, and no start with a weak SECRET_KEY."""

from datetime import timedelta

import pyotp
import pytest

from attendance.accounts import signin
from attendance.accounts import users as accounts
from attendance.errors import ValidationError
from webapp import create_app
from webapp.config import WeakSecretKey
from tests.factories import NOW, PASSWORD


@pytest.mark.parametrize("role,password,code", [
    ("organizer", "12345678", "password_too_short_organizer"),
    ("organizer", "eleven-char", "password_too_short_organizer"),
    ("organizer", "password1234", "password_too_common"),
    ("viewer", "password", "password_too_common"),
    ("viewer", "12345678", "password_too_common"),
    ("viewer", "short", "password_too_short"),
])
def test_weak_passwords_are_refused(db, role, password, code):
    with pytest.raises(ValidationError) as error:
        accounts.create_user(db, username="x1", role=role, password=password, now=NOW)
    assert error.value.errors["password"] == code


def test_reset_follows_the_same_policy(db, make_user):
    boss = make_user()
    with pytest.raises(ValidationError):
        accounts.reset_password(db, boss, "qwertyuiop123", now=NOW, actor=boss)
    accounts.reset_password(db, boss, "ngoi-nha-xanh-2026", now=NOW, actor=boss)


def test_delays_grow_then_the_account_locks_and_the_right_password_waits(db, make_user):
    user = make_user(username="vanphong")
    at = NOW
    waits = []
    for attempt in range(signin.LOCK_AFTER):
        with pytest.raises(signin.SignInError):
            signin.check_password(db, "vanphong", "wrong-password", now=at, key=b"k")
        waits.append(signin.wait_left(user, at))
        at += waits[-1]  # the attacker waits exactly as long as told
    assert waits[:signin.FREE_FAILURES - 1] == [timedelta(0)] * (signin.FREE_FAILURES - 1)
    growing = waits[signin.FREE_FAILURES - 1:signin.LOCK_AFTER - 1]
    assert all(b > a for a, b in zip(growing, growing[1:]))
    assert waits[-1] == signin.LOCKOUT
    locked = at - timedelta(seconds=1)
    with pytest.raises(signin.SignInError) as error:  # even the right password, not checked
        signin.check_password(db, "vanphong", PASSWORD, now=locked, key=b"k")
    assert error.value.code == "account_locked_out"
    assert signin.check_password(db, "vanphong", PASSWORD, now=at, key=b"k") == user
    signin.signed_in(db, user, now=at)
    assert user.failed_logins == 0


def test_forty_wrong_passwords_then_the_right_one_is_refused_over_http(client, make_user):
    make_user(username="vanphong")
    for _ in range(40):
        client.post("/login", data={"username": "vanphong", "password": "wrong-password"})
    right = client.post("/login", data={"username": "vanphong", "password": PASSWORD})
    assert right.status_code == 429  # told to wait: attempts in the wait are not even checked
    assert "Đã nhập sai nhiều lần" in right.get_data(as_text=True)
    assert client.get("/api/v1/sessions").status_code == 401


@pytest.fixture
def limited(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_SIGN_IN": "1000/minute",
            "THROTTLE_SIGN_IN_ADDRESS": "5/minute"}


def test_spraying_usernames_from_one_address_is_stopped(limited, monkeypatch, tmp_path,
                                                        make_user):
    monkeypatch.setenv("DIEMCAU_INSTANCE", str(tmp_path / "other"))
    app = create_app(limited)
    client = app.test_client()
    answers = [client.post("/login", data={"username": f"user{i}", "password": "password1"})
               .status_code for i in range(7)]
    assert answers[:5] == [200] * 5 and answers[5:] == [429, 429]
    assert "quá nhiều lần đăng nhập sai" in client.post(
        "/login", data={"username": "u", "password": "p"}).get_data(as_text=True)
    from webapp.database import dispose_engines
    with app.app_context():
        dispose_engines()


def _enrol(db, user):
    secret = signin.new_totp_secret()
    codes = signin.enable_totp(db, user, secret, pyotp.TOTP(secret).now(), now=NOW)
    db.commit()
    return secret, codes


def test_second_factor_needs_a_current_code_or_one_recovery_code_once(client, db, make_user):
    user = make_user(username="vanphong")
    with pytest.raises(signin.SignInError):
        signin.enable_totp(db, user, signin.new_totp_secret(), "000000", now=NOW)
    secret, codes = _enrol(db, user)
    assert len(codes) == signin.RECOVERY_CODES and codes[0] not in (user.recovery_codes or "")
    first = client.post("/login", data={"username": "vanphong", "password": PASSWORD})
    assert first.status_code == 302 and first.location.endswith("/login/code")
    assert client.get("/api/v1/sessions").status_code == 401  # not signed in yet
    assert client.post("/login/code", data={"code": "123456"}).status_code == 200  # again
    assert client.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/api/v1/sessions").status_code == 200
    client.post("/logout")
    client.post("/login", data={"username": "vanphong", "password": PASSWORD})
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 302
    client.post("/logout")
    client.post("/login", data={"username": "vanphong", "password": PASSWORD})
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 200  # spent
    assert client.get("/api/v1/sessions").status_code == 401


def test_the_code_page_without_a_password_first_goes_back_to_sign_in(client):
    assert client.post("/login/code", data={"code": "123456"}).status_code == 302


@pytest.mark.parametrize("key", ["dev", "x" * 64, "test-secret", "a1" * 40,
                                 "0123456789abcdef" * 2])
def test_the_app_refuses_to_start_with_a_weak_secret_key(tmp_path, monkeypatch, key):
    monkeypatch.setenv("DIEMCAU_INSTANCE", str(tmp_path / "i"))
    with pytest.raises(WeakSecretKey):
        create_app({"TESTING": True, "SECRET_KEY": key,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(WeakSecretKey):
        create_app()


def test_the_generated_instance_key_is_accepted(tmp_path, monkeypatch):
    monkeypatch.setenv("DIEMCAU_INSTANCE", str(tmp_path / "i"))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x'}"})
    assert len(app.config["SECRET_KEY"]) == 64


def test_totp_commands_enable_with_a_current_code_and_disable(runner, db, make_user,
                                                               monkeypatch):
    user = make_user(username="vanphong")
    refused = runner.invoke(args=["totp-enable", "vanphong", "--code", "000000"])
    assert refused.exit_code == 1 and "nothing changed" in refused.output
    monkeypatch.setattr(signin, "new_totp_secret", lambda: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    code = pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").now()
    result = runner.invoke(args=["totp-enable", "vanphong", "--code", code])
    assert result.exit_code == 0 and len(result.output.strip().splitlines()) == 3 + 10
    db.refresh(user)
    assert user.totp_secret == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    assert runner.invoke(args=["totp-disable", "vanphong"]).exit_code == 0
    db.refresh(user)
    assert user.totp_secret is None
