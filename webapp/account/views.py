"""Account page views. The secret offered at enrolment is derived on the server from a nonce
kept in the session (signin.pending_totp_secret), so the cookie never carries it; the
recovery codes are answered once, on a page no cache keeps, and only their hashes stored."""

import secrets
from datetime import datetime, timezone

import qrcode
import qrcode.image.svg
from flask import abort, current_app, flash, g, make_response, redirect, render_template, \
    session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from attendance.accounts import signin
from attendance.permissions import may_use_second_factor

from ..errors import message
from ..extensions import db
from ..users.forms import ROLE_LABELS
from .forms import DisableForm, EnableForm, StartForm

PENDING = "diemcau.totp_nonce"  # the session key of an enrolment waiting for its first code


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _user():
    user = current_user._get_current_object()
    if not may_use_second_factor(user, by_token=bool(g.get("bearer"))):
        abort(403)
    return user


def _key() -> bytes:
    key = current_app.config["SECRET_KEY"]
    return key if isinstance(key, bytes) else key.encode()


def _no_store(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
def show():
    user = current_user._get_current_object()
    may = may_use_second_factor(user, by_token=bool(g.get("bearer")))
    return render_template("account/show.html", user=user, may_second_factor=may,
                           roles=ROLE_LABELS, start_form=StartForm(),
                           disable_form=DisableForm())


@login_required
def totp_start():
    user = _user()
    if not StartForm().validate_on_submit():
        abort(400)
    if user.totp_secret:
        flash(message("second_factor_on"), "error")
        return redirect(url_for("account.show"))
    session[PENDING] = secrets.token_urlsafe(16)
    return redirect(url_for("account.totp_setup"))


@login_required
def totp_setup():
    user = _user()
    nonce = session.get(PENDING)
    if user.totp_secret or not nonce:
        return redirect(url_for("account.show"))
    secret = signin.pending_totp_secret(_key(), user, nonce)
    form = EnableForm()
    status = 200
    if form.validate_on_submit():
        try:
            codes = signin.enable_totp(db.session, user, secret, form.code.data, now=_now())
        except signin.SignInError as error:
            db.session.rollback()
            form.code.errors = [*form.code.errors, message(error.code)]
            status = 400
        else:
            db.session.commit()
            session.pop(PENDING, None)
            return _no_store(render_template("account/recovery_codes.html", codes=codes))
    uri = signin.totp_uri(user, secret)
    return _no_store((render_template("account/totp_setup.html", form=form, secret=secret,
                                      qr=_qr_svg(uri)), status))


@login_required
def totp_disable():
    user = _user()
    form = DisableForm()
    if not form.validate_on_submit():
        flash(_("Cần nhập mật khẩu và mã xác thực."), "error")
        return redirect(url_for("account.show"))
    try:
        signin.disable_own_totp(db.session, user, form.password.data, form.code.data,
                                now=_now())
    except signin.SignInError as error:
        db.session.commit()  # a wrong password or code counts, as at sign-in
        flash(message(error.code, **error.params), "error")
        return redirect(url_for("account.show"))
    db.session.commit()
    flash(_("Đã tắt xác thực hai bước."), "success")
    return redirect(url_for("account.show"))


def _qr_svg(uri: str) -> Markup:
    """The otpauth URI as an inline SVG (paths only, no script or style: the CSP holds)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return Markup(image.to_string(encoding="unicode"))
