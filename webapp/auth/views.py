"""Sign in, sign out, language."""

from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from attendance import audit
from attendance.accounts import users as accounts

from ..extensions import db


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Ghi nhớ trên máy này"))


def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.username.data, form.password.data)
        if user is None:
            flash(_("Sai tên đăng nhập hoặc mật khẩu."), "error")
        else:
            login_user(user, remember=form.remember.data)
            audit.record(db.session, now=datetime.now(timezone.utc), actor=user,
                         action="user.login", target=user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or url_for("home"))
    return render_template("auth/login.html", form=form)


def logout():
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
