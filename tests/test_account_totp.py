"""The account page's second factor (issue 17, part 6): an organizer turns TOTP on from the web
(QR of the otpauth URI as inline SVG, a first code, recovery codes shown once) and off with
password and code. The enrolment secret never rides in the session cookie."""

import re

import pyotp
import pytest
from sqlalchemy import select

from attendance.models import AuditEntry
from tests.factories import PASSWORD


def _start(client) -> tuple[str, str]:
    started = client.post("/account/totp/start")
    assert started.status_code == 302 and started.location.endswith("/account/totp")
    page = client.get("/account/totp")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    secret = re.search(r'class="totp-secret">([A-Z2-7]+)<', html).group(1)
    return secret, html


def _session_cookie(app, client) -> dict:
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def test_an_organizer_turns_the_second_factor_on_with_a_first_code(app, db, client, login,
                                                                     make_user):
    user = make_user(username="vanphong")
    login(user)
    assert "Bật xác thực hai bước" in client.get("/account/").get_data(as_text=True)
    secret, html = _start(client)
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert "<path" in svg and "<script" not in svg  # drawn by the server, nothing to run
    assert secret not in str(_session_cookie(app, client))  # only a nonce rides there
    assert client.get("/account/totp").get_data(as_text=True).count(secret) == 1  # same offer
    wrong = client.post("/account/totp", data={"code": "000000"})
    assert wrong.status_code == 400 and "không đúng" in wrong.get_data(as_text=True)
    db.refresh(user)
    assert user.totp_secret is None
    done = client.post("/account/totp", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10
    db.refresh(user)
    assert user.totp_secret == secret and codes[0] not in user.recovery_codes
    assert client.get("/account/totp").status_code == 302  # the offer is spent
    assert "Đang bật" in client.get("/account/").get_data(as_text=True)
    client.post("/logout")
    first = client.post("/login", data={"username": "vanphong", "password": PASSWORD})
    assert first.location.endswith("/login/code")  # sign-in now asks for the code
    assert client.post("/login/code", data={"code": codes[3]}).status_code == 302
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "user.totp_enable"))


def test_turning_it_off_needs_the_password_and_a_code(db, client, login, make_user):
    user = make_user(username="vanphong")
    login(user)
    secret, _ = _start(client)
    client.post("/account/totp", data={"code": pyotp.TOTP(secret).now()})
    code = pyotp.TOTP(secret).now()
    for password, given in (("wrong-password", code), (PASSWORD, "123456"), (PASSWORD, "")):
        client.post("/account/totp/disable", data={"password": password, "code": given})
        db.refresh(user)
        assert user.totp_secret == secret
    assert user.failed_logins == 2  # wrong password and wrong code count as at sign-in
    off = client.post("/account/totp/disable", data={"password": PASSWORD, "code": code},
                      follow_redirects=True)
    assert "Đã tắt xác thực hai bước" in off.get_data(as_text=True)
    db.refresh(user)
    assert user.totp_secret is None and user.recovery_codes is None
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "user.totp_disable"))


@pytest.mark.parametrize("role", ["viewer", "staff", "coordinator"])
def test_other_roles_see_their_account_but_no_second_factor_form(client, login, make_user,
                                                                 role, make_session):
    session = make_session()
    extra = {} if role == "viewer" else {"venue": session.venues[-1]}
    login(make_user(role=role, username=f"u-{role}", **extra))
    page = client.get("/account/").get_data(as_text=True)
    assert f"u-{role}" in page and "second-factor" not in page
    assert client.post("/account/totp/start").status_code == 403
    assert client.get("/account/totp").status_code == 403


def test_an_api_token_cannot_manage_the_second_factor(app, make_user, bearer):
    headers = bearer(make_user(username="vanphong"))
    # A client of its own per request: a device sends no cookie (with one, Flask-Login's
    # strong session protection would treat the request as signed out: 302, not 403).
    assert app.test_client().post("/account/totp/start", headers=headers).status_code == 403
    assert app.test_client().post("/account/totp/disable", headers=headers, data={
        "password": PASSWORD, "code": "123456"}).status_code == 403


def test_signed_out_the_page_asks_to_sign_in(client):
    assert client.get("/account/").status_code == 302
    assert client.post("/account/totp/start").status_code == 302


@pytest.fixture
def csrf_on(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def test_the_forms_need_the_csrf_token(csrf_on, another_app, make_user):
    make_user(username="vanphong")
    app = another_app(csrf_on, instance="csrf")
    with app.app_context():
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"username": "vanphong", "password": PASSWORD,
                                    "csrf_token": token})
        assert client.post("/account/totp/start").status_code == 400
