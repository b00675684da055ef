"""Venues, categories and expected counts of a session: organizer pages."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from attendance import sessions
from attendance.errors import ValidationError
from attendance.models import Category, Venue
from attendance.permissions import can_manage

from .. import pickers
from ..auth import role_required
from ..errors import message, put_form_errors
from ..extensions import db
from .forms import CategoryForm, PlainForm, VenueForm
from ..paging import page_of
from .views import VENUES_PER_PAGE, load, now


def _part(model, session_id: int, part_id: int):
    """A venue or category of this session, or 404."""
    session = load(session_id, manage=True)
    part = db.session.get(model, part_id)
    if part is None or part.session_id != session.id:
        abort(404)
    return session, part


def _save(form, call, ok_text, session, rename=None):
    """Run one service for a valid form; commit and go back to the overview, else None."""
    if not form.validate_on_submit():
        return None
    try:
        call()
    except ValidationError as error:
        db.session.rollback()
        put_form_errors(form, error, rename)
        return None
    db.session.commit()
    flash(ok_text, "success")
    return redirect(url_for("sessions.show", session_id=session.id))


@role_required(can_manage)
def venue_new(session_id: int):
    session = load(session_id, manage=True)
    form = VenueForm()
    pickers.offer_units(form.unit_id, blank="—")
    if request.method == "GET" and not any(v.is_hall for v in session.venues):
        form.kind.data = "hall"
    done = _save(form, lambda: sessions.add_venue(
        db.session, session, now=now(), actor=current_user, **form.venue_fields()),
        _("Đã thêm địa điểm."), session)
    return done or render_template("sessions/venue_form.html", form=form, session=session,
                                   venue=None, delete_form=None)


@role_required(can_manage)
def venue_edit(session_id: int, venue_id: int):
    session, venue = _part(Venue, session_id, venue_id)
    form = VenueForm(obj=venue if request.method == "GET" else None)
    if request.method == "GET":
        form.unit_id.data = str(venue.unit_id or "")
    pickers.offer_units(form.unit_id, blank="—")
    done = _save(form, lambda: sessions.update_venue(
        db.session, venue, now=now(), actor=current_user, **form.venue_fields()),
        _("Đã lưu địa điểm."), session)
    return done or render_template("sessions/venue_form.html", form=form, session=session,
                                   venue=venue, delete_form=PlainForm())


@role_required(can_manage)
def venue_delete(session_id: int, venue_id: int):
    session, venue = _part(Venue, session_id, venue_id)
    return _delete(lambda: sessions.remove_venue(db.session, venue, now=now(),
                                                 actor=current_user),
                   _("Đã xóa địa điểm %(name)s.", name=venue.name), session,
                   url_for("sessions.venue_edit", session_id=session.id, venue_id=venue.id))


@role_required(can_manage)
def category_new(session_id: int):
    session = load(session_id, manage=True)
    form = CategoryForm()
    if request.method == "GET" and request.args.get("kind") in ("hall", "bridge_point"):
        form.venue_kind.data = request.args["kind"]
    done = _save(form, lambda: sessions.add_category(
        db.session, session, now=now(), actor=current_user, **form.category_fields()),
        _("Đã thêm thành phần."), session)
    return done or render_template("sessions/category_form.html", form=form, session=session,
                                   category=None, delete_form=None)


@role_required(can_manage)
def category_edit(session_id: int, category_id: int):
    session, category = _part(Category, session_id, category_id)
    form = CategoryForm(obj=category if request.method == "GET" else None)
    done = _save(form, lambda: sessions.update_category(
        db.session, category, now=now(), actor=current_user, **form.category_fields()),
        _("Đã lưu thành phần."), session)
    return done or render_template("sessions/category_form.html", form=form, session=session,
                                   category=category, delete_form=PlainForm())


@role_required(can_manage)
def category_delete(session_id: int, category_id: int):
    session, category = _part(Category, session_id, category_id)
    return _delete(lambda: sessions.remove_category(db.session, category, now=now(),
                                                    actor=current_user),
                   _("Đã xóa thành phần %(name)s.", name=category.name), session,
                   url_for("sessions.category_edit", session_id=session.id,
                           category_id=category.id))


def _delete(call, ok_text, session, back):
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        call()
    except ValidationError as error:
        db.session.rollback()
        for code in error.errors.values():
            flash(message(code), "error")
        return redirect(back)
    db.session.commit()
    flash(ok_text, "success")
    return redirect(url_for("sessions.show", session_id=session.id))


@role_required(can_manage)
def expected(session_id: int):
    """The grid of expected counts, venue by category; saved all or nothing."""
    session = load(session_id, manage=True)
    form = PlainForm()
    # A page of venues at a time (7,400 venues by 5 categories would be 37,000 inputs);
    # only the fields sent are saved, so each page saves its own.
    shown, page = page_of(list(session.venues), VENUES_PER_PAGE)
    grids = sessions.expected_grids(db.session, session, session.venues, shown)
    values, errors = {}, {}
    if form.validate_on_submit():
        counts = {}
        for grid in grids:
            for row in grid.rows:
                for category in grid.categories:
                    name = "n-" + sessions.count_field(row.venue.id, category.id)
                    if name in request.form:
                        values[name] = request.form[name]
                        counts[row.venue.id, category.id] = request.form[name]
        try:
            sessions.set_expected_counts(db.session, session, counts, now=now(),
                                         actor=current_user)
        except ValidationError as error:
            db.session.rollback()
            errors = {"n-" + key: message(code) for key, code in error.errors.items()}
            flash(message("validation"), "error")
        else:
            db.session.commit()
            flash(_("Đã lưu số lượng dự kiến."), "success")
            return redirect(url_for("sessions.show", session_id=session.id) + "#expected")
    return render_template("sessions/expected.html", session=session, grids=grids, form=form,
                           values=values, errors=errors, page=page)
