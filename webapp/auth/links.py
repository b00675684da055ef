"""/sign-in/<token>: a one-time sign-in link from a credentials sheet. Its holder chooses
their password (the link is then used up) and is signed in."""

from datetime import UTC, datetime

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_user

from attendance.accounts import links
from attendance.checkin.tokens import derive_key
from attendance.errors import DomainError, ValidationError

from ..errors import message, put_form_errors
from ..extensions import db
from ..public_links import public_url
from ..users.forms import PasswordForm


def link_key() -> bytes:
    return derive_key(current_app.config["SECRET_KEY"], "sign-in-link")


def link_url(user, session=None) -> str:
    """A fresh one-time sign-in link, on ``session``'s public address (webapp.public_links)."""
    token = links.issue_link(link_key(), user, now=datetime.now(UTC))
    return public_url(session, "auth.sign_in_link", token=token)


def sign_in_link(token: str):
    now = datetime.now(UTC)
    try:
        user = links.user_for_link(db.session, link_key(), token, now=now)
    except DomainError as error:
        return render_template("auth/link.html", error=message(error.code), form=None), 400
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            links.set_password_by_link(db.session, link_key(), token, form.password.data,
                                       now=now)
        except ValidationError as error:
            db.session.rollback()
            put_form_errors(form, error)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Đã đặt mật khẩu. Từ nay đăng nhập bằng tên %(username)s và mật khẩu này.",
                    username=user.username), "success")
            return redirect(url_for("sessions.index"))
    return render_template("auth/link.html", user=user, form=form, error=None)
