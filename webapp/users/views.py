"""Users page (organizers only): accounts, their scope, passwords and device API tokens."""

from datetime import datetime, timezone

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from attendance.accounts import assignments
from attendance.accounts import scope as scopes
from attendance.accounts import users as accounts
from attendance.errors import Forbidden, ValidationError
from attendance.models import ApiToken, StudySession, User
from attendance.permissions import can_manage
from attendance.sessions.overview import scoped

from .. import pickers
from ..auth import forget_tokens, role_required
from ..errors import flash_error, put_form_errors
from ..extensions import db
from ..loading import user_or_404
from ..paging import Page, page_asked, page_count
from .forms import ROLE_LABELS, PasswordForm, TokenForm, UserForm


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _actor() -> User:
    return current_user._get_current_object()


def _user_or_404(user_id: int) -> User:
    return user_or_404(current_user, user_id)


def _venues() -> list[tuple[int, str]]:
    """(id, label) of the venues of the sessions the organizer manages."""
    return pickers.labelled_venues(scoped(select(StudySession), current_user))


def _user_form() -> UserForm:
    return UserForm().offer(_venues(),
                            formdata=request.form if request.method == "POST" else None)


@role_required(can_manage)
def venue_search():
    return jsonify({"venues": pickers.matching(_venues(), request.args.get("q", ""))})


PER_PAGE = 100  # a nation has a coordinator for each of its 7,400 points


def _index_page(form: UserForm, status: int = 200):
    q = request.args.get("q", "").strip()[:100]
    query = scopes.scoped_users(select(User), current_user)
    if q:
        query = query.where(or_(func.lower(User.username).contains(q.lower(), autoescape=True),
                                func.lower(User.full_name).contains(q.lower(), autoescape=True)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = page_count(total, PER_PAGE)
    number = page_asked(pages)
    users = db.session.scalars(query.options(selectinload(User.unit)).order_by(User.username)
                               .limit(PER_PAGE).offset((number - 1) * PER_PAGE)).all()
    return render_template("users/index.html", users=users, form=form, roles=ROLE_LABELS,
                           assignments=assignments.latest_assignments(db.session, users),
                           page=Page(number, pages, total=total), q=q), status


@role_required(can_manage)
def index():
    return _index_page(_user_form())


@role_required(can_manage)
def create():
    form = _user_form()
    if not form.validate_on_submit():
        return _index_page(form, 400)
    try:
        user = accounts.create_user(
            db.session, username=form.username.data, role=form.role.data,
            password=form.password.data, full_name=form.full_name.data or "",
            venue_id=form.venue_id.data, unit_id=form.unit_id.data, now=_now(), actor=_actor())
    except ValidationError as error:
        put_form_errors(form, error)
        return _index_page(form, 400)
    db.session.commit()
    flash(_("Đã tạo tài khoản %(username)s.", username=user.username), "success")
    return redirect(url_for("users.index"))


def _show_page(user: User, password_form: PasswordForm | None = None,
               token_form: TokenForm | None = None, new_token: str | None = None,
               status: int = 200):
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()
    return render_template("users/show.html", user=user, tokens=tokens, roles=ROLE_LABELS,
                           assignments=assignments.latest_assignments(db.session, [user]),
                           password_form=password_form or PasswordForm(formdata=None),
                           token_form=token_form or TokenForm(formdata=None),
                           new_token=new_token), status


@role_required(can_manage)
def show(user_id: int):
    return _show_page(_user_or_404(user_id))


def _set_active(user_id: int, active: bool):
    user = _user_or_404(user_id)
    try:
        accounts.set_active(db.session, user, active, now=_now(), actor=_actor())
    except Forbidden as error:
        flash_error(error)
        return redirect(url_for("users.show", user_id=user.id))
    db.session.commit()
    forget_tokens()
    flash(_("Đã mở lại tài khoản.") if active else _("Đã khóa tài khoản."), "success")
    return redirect(url_for("users.show", user_id=user.id))


@role_required(can_manage)
def deactivate(user_id: int):
    return _set_active(user_id, False)


@role_required(can_manage)
def reactivate(user_id: int):
    return _set_active(user_id, True)


@role_required(can_manage)
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    form = PasswordForm()
    if not form.validate_on_submit():
        return _show_page(user, password_form=form, status=400)
    try:
        accounts.reset_password(db.session, user, form.password.data, now=_now(),
                                actor=_actor())
    except ValidationError as error:
        put_form_errors(form, error)
        return _show_page(user, password_form=form, status=400)
    db.session.commit()
    flash(_("Đã đặt lại mật khẩu."), "success")
    return redirect(url_for("users.show", user_id=user.id))


@role_required(can_manage)
def issue_token(user_id: int):
    """The token is rendered once, in this response only: never stored, never flashed."""
    user = _user_or_404(user_id)
    form = TokenForm()
    if not form.validate_on_submit():
        return _show_page(user, token_form=form, status=400)
    token = accounts.issue_api_token(db.session, user, now=_now(), name=form.name.data or "",
                                     actor=_actor())
    db.session.commit()
    response = _show_page(user, new_token=token)
    return response[0], 200, {"Cache-Control": "no-store"}


@role_required(can_manage)
def revoke_token(user_id: int, token_id: int):
    user = _user_or_404(user_id)
    api_token = db.session.get(ApiToken, token_id)
    if api_token is None or api_token.user_id != user.id:
        abort(404)
    accounts.revoke_api_token(db.session, api_token, now=_now(), actor=_actor())
    db.session.commit()
    forget_tokens()
    flash(_("Đã thu hồi mã truy cập."), "success")
    return redirect(url_for("users.show", user_id=user.id))
