"""Roster pages: list and search, add, edit, remove. Thin: load or 404, call one service."""

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from attendance.errors import DomainError, ValidationError
from attendance.models import StudySession, Venue
from attendance.permissions import can_manage, can_manage_session, can_read_all, session_actions
from attendance.roster import people as roster
from attendance.sessions import visible_venues

from ..auth import role_required
from ..errors import flash_error, message, put_form_errors
from ..extensions import db
from ..loading import person_or_404, session_or_404
from ..paging import Page, page_count
from ..saving import saved
from .. import pickers
from .forms import PersonForm, RemoveForm

PER_PAGE = 50


def _now() -> datetime:
    return datetime.now(timezone.utc)


def load_session(session_id: int, *, manage: bool = True) -> StudySession:
    return session_or_404(current_user, session_id, manage=manage)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@login_required
def index(session_id: int):
    session = load_session(session_id, manage=False)
    chosen = pickers.picked(session, request.args)
    venue_id = roster.visible_venue_id(current_user, session, chosen.id)
    category_id = _int_arg("category_id")
    q = request.args.get("q", "")[:200]
    number = _int_arg("page") or 1
    people, found = roster.people_page(db.session, session.id, page=number, per_page=PER_PAGE,
                                       venue_id=venue_id, category_id=category_id, q=q)
    page = Page(number, page_count(found, PER_PAGE), people, found)
    own_venue_only = not can_read_all(current_user, session)  # staff and coordinators
    unfiltered = category_id is None and not q.strip() and (own_venue_only or venue_id is None)
    return render_template(
        "roster/index.html", session=session, page=page, q=q, venue_id=venue_id,
        category_id=category_id, own_venue_only=own_venue_only,
        total=found if unfiltered else roster.count_people(
            db.session, session.id, venue_id if own_venue_only else None),
        venues=[db.session.get(Venue, venue_id)] if own_venue_only
        else None if pickers.is_large(session) else session.venues,
        venue_unknown=chosen.unknown,
        can_manage=can_manage_session(current_user, session),
        may=session_actions(current_user, session, visible_venues(current_user, session)))


@role_required(can_manage)
def add(session_id: int):
    session = load_session(session_id)
    form = PersonForm()
    form.set_choices(session)
    if form.validate_on_submit() and (done := saved(
            form, lambda: roster.add_person(db.session, session, form.values(), now=_now(),
                                            actor=current_user),
            _put_errors, lambda person: _back(session, _("Đã thêm %(name)s.",
                                                          name=person.full_name)))):
        return done
    return render_template("roster/form.html", session=session, form=form, person=None)


@role_required(can_manage)
def edit(session_id: int, person_id: int):
    session = load_session(session_id)
    person = person_or_404(session, person_id)
    form = PersonForm(obj=person)
    form.set_choices(session)
    if form.validate_on_submit() and (done := saved(
            form, lambda: roster.update_person(db.session, person, form.values(), now=_now(),
                                               actor=current_user),
            _put_errors, lambda _result: _back(session, _("Đã lưu %(name)s.",
                                                           name=person.full_name)))):
        return done
    return render_template("roster/form.html", session=session, form=form, person=person,
                           remove_form=RemoveForm())


@role_required(can_manage)
def remove(session_id: int, person_id: int):
    person = person_or_404(load_session(session_id), person_id)
    if not RemoveForm().validate_on_submit():
        abort(400)
    name = person.full_name
    try:
        roster.remove_person(db.session, person, now=_now(), actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return redirect(url_for("roster.edit", session_id=session_id, person_id=person_id))
    db.session.commit()
    flash(_("Đã xóa %(name)s khỏi danh sách.", name=name), "success")
    return redirect(url_for("roster.index", session_id=session_id))


def _back(session: StudySession, text: str):
    flash(text, "success")
    return redirect(url_for("roster.index", session_id=session.id))


def _put_errors(form: PersonForm, error: ValidationError) -> None:
    # Fields the form lacks show on the name, the row's first field.
    put_form_errors(form, error, lambda name: getattr(form, name, None) or form.full_name)
    flash(message("validation"), "error")
