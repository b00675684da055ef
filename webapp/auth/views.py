"""Sign in (password, then the second factor when enrolled), sign out, language."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from attendance.accounts import signin
from attendance.accounts import users as accounts
from attendance.models import User

from .. import throttle
from ..errors import message
from ..extensions import db

PENDING = "diemcau.second_factor"  # the session key of a sign-in waiting for its code


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Ghi nhớ trên máy này"))


class CodeForm(FlaskForm):
    code = StringField(_l("Mã xác thực (6 số) hoặc mã khôi phục"),
                       validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


def _now() -> datetime:
    return datetime.now(UTC)


def _name_key() -> bytes:
    """Keys the digests under which failures of unknown usernames are counted."""
    key = current_app.config["SECRET_KEY"]
    return key if isinstance(key, bytes) else key.encode()


def _refused(error: signin.SignInError, template: str, form):
    db.session.commit()  # the failure counts, in every process
    throttle.failed("THROTTLE_SIGN_IN_ADDRESS", get_remote_address(), code=error.code,
                    username=(request.form.get("username") or "")[:80])
    flash(message(error.code, **error.params), "error")
    # a wrong password is the form again (200); told to wait or locked out is 429
    status = 200 if error.code in ("bad_credentials", "bad_second_factor") else 429
    return render_template(template, form=form), status


def login():
    form = LoginForm()
    if form.validate_on_submit():
        if throttle.blocked("THROTTLE_SIGN_IN_ADDRESS", get_remote_address()):
            flash(message("sign_in_address_blocked"), "error")
            return render_template("auth/login.html", form=form), 429
        try:
            user = signin.check_password(db.session, form.username.data, form.password.data,
                                         now=_now(), key=_name_key())
        except signin.SignInError as error:
            return _refused(error, "auth/login.html", form)
        target = _safe_next(request.args.get("next"))
        if user.totp_secret:
            session[PENDING] = {"id": user.id, "v": user.auth_version,
                                "remember": bool(form.remember.data), "next": target}
            db.session.commit()
            return redirect(url_for("auth.second_factor"))
        return _complete(user, bool(form.remember.data), target)
    return render_template("auth/login.html", form=form)


def second_factor():
    pending = session.get(PENDING) or {}
    user = db.session.get(User, pending["id"]) if pending.get("id") else None
    if user is None or not user.active or user.auth_version != pending.get("v"):
        session.pop(PENDING, None)
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if throttle.blocked("THROTTLE_SIGN_IN_ADDRESS", get_remote_address()):
            flash(message("sign_in_address_blocked"), "error")
            return render_template("auth/second_factor.html", form=form), 429
        try:
            left = signin.wait_left(user, _now())
            if left:
                raise signin.SignInError("sign_in_wait", seconds=int(left.total_seconds()) + 1)
            signin.check_second_factor(db.session, user, form.code.data, now=_now())
        except signin.SignInError as error:
            return _refused(error, "auth/second_factor.html", form)
        session.pop(PENDING, None)
        return _complete(user, pending.get("remember", False), pending.get("next"))
    return render_template("auth/second_factor.html", form=form)


def _complete(user: User, remember: bool, target: str | None):
    signin.signed_in(db.session, user, now=_now())
    db.session.commit()
    login_user(user, remember=remember)
    return redirect(target or url_for("home"))


def logout():
    if current_user.is_authenticated and not g.get("bearer"):
        accounts.sign_out(db.session, current_user._get_current_object(), now=_now())
        db.session.commit()
    logout_user()
    return redirect(url_for("auth.login"))


def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")) or url_for("home"))


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
