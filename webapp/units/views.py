"""The units tree page and the create/edit/move/retire forms.

An organizer with a unit sees and changes that unit and everything below it (a unit outside
is a 404); viewers read; an organizer without a unit administers the whole tree."""

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from attendance import units
from attendance.errors import DomainError, ValidationError
from attendance.models import Unit
from attendance.permissions import can_manage, can_manage_unit, can_see_unit, reads_scope

from .. import pickers
from ..auth import role_required
from ..errors import field_messages, flash_error
from ..extensions import db
from .forms import KIND_LABELS, UnitForm


UNITS_LISTED = 300  # past this the page shows one level of the tree at a time
FOUND_LISTED = 100


def _now() -> datetime:
    return datetime.now(timezone.utc)


def load_unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None or not can_see_unit(current_user, unit):
        abort(404)
    return unit


def _scope_tree(include_retired: bool = False) -> list[units.TreeRow]:
    return units.unit_tree(db.session, root_id=current_user.unit_id,
                           include_retired=include_retired)


@role_required(reads_scope)
def index():
    """The whole tree of the user's scope; past UNITS_LISTED units (a nation's 58,763) one
    level at a time: the unit looked at (?unit=, with the way up) and the units directly
    under it, each with how many it holds, and a search by name (?q=)."""
    items = pickers.scope_unit_items(current_user)
    can_edit = can_manage(current_user)
    if len(items) <= UNITS_LISTED:
        return render_template("units/index.html", rows=_scope_tree(), kinds=KIND_LABELS,
                               can_edit=can_edit, level=None)
    in_scope = {unit_id for unit_id, _ in items}
    focus_id = request.args.get("unit", type=int) or current_user.unit_id
    if focus_id is not None and focus_id not in in_scope:
        abort(404)
    focus = db.session.get(Unit, focus_id) if focus_id else None
    children = db.session.scalars(select(Unit).where(
        Unit.parent_id == focus_id if focus_id else Unit.parent_id.is_(None),
        Unit.retired_at.is_(None)).order_by(Unit.name, Unit.id)).all()
    below = dict(db.session.execute(
        select(Unit.parent_id, func.count(Unit.id)).where(
            Unit.parent_id.in_([u.id for u in children]), Unit.retired_at.is_(None))
        .group_by(Unit.parent_id)).all())
    trail = [u for u in reversed(units.ancestors(focus)) if u.id in in_scope] if focus else []
    q = request.args.get("q", "").strip()[:100]
    found = pickers.matching(items, q, limit=FOUND_LISTED) if q else []
    parents = dict(db.session.execute(select(Unit.id, Unit.parent_id).where(
        Unit.id.in_([f["id"] for f in found]))).all()) if found else {}
    rows = ([units.TreeRow(focus, 0)] if focus else []) + [
        units.TreeRow(child, 1 if focus else 0) for child in children]
    return render_template("units/index.html", rows=rows, kinds=KIND_LABELS, can_edit=can_edit,
                           level=dict(focus=focus, trail=trail, below=below, q=q, found=found,
                                      parents=parents, count=len(items)))


def _parent_choices(form: UnitForm, unit: Unit | None) -> None:
    """Units the user may put a unit under; never the unit itself or one of its own (past
    pickers.SELECT_MAX a search box, a unit of its own refused when it arrives)."""
    own = units.descendant_ids(db.session, unit.id) if unit is not None else set()
    pickers.offer_units(
        form.parent_id, exclude=own,
        blank=None if current_user.unit_id else _("— Không có (đơn vị gốc) —"),
        small=lambda: [SelectChoice(value=str(row.unit.id),
                                    label="\u00a0\u00a0" * row.depth + row.unit.name)
                       for row in _scope_tree() if row.unit.id not in own])


def _render_form(form, unit, status=200):
    return render_template("units/form.html", form=form, unit=unit), status


def _save(form: UnitForm, unit: Unit | None):
    parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
    if not can_manage_unit(current_user, parent):
        form.parent_id.errors = [_("Đơn vị nằm ngoài phạm vi bạn quản lý.")]
        return _render_form(form, unit, 400)
    try:
        if unit is None:
            unit = units.create_unit(db.session, now=_now(), actor=current_user, **form.values())
        else:
            units.update_unit(db.session, unit, now=_now(), actor=current_user, **form.values())
    except ValidationError as error:
        db.session.rollback()
        for name, text in field_messages(error).items():
            getattr(form, name).errors = [text]
        return _render_form(form, unit, 400)
    db.session.commit()
    flash(_("Đã lưu đơn vị %(name)s.", name=unit.name), "success")
    return redirect(url_for("units.index", unit=unit.parent_id, _anchor=f"unit-{unit.id}"))


@role_required(can_manage)
def add():
    form = UnitForm()
    _parent_choices(form, None)
    if form.is_submitted():
        if not form.validate():
            return _render_form(form, None, 400)
        return _save(form, None)
    return _render_form(form, None)


@role_required(can_manage)
def edit(unit_id: int):
    unit = load_unit(unit_id)
    if current_user.unit_id == unit.id:
        abort(403)  # a scoped organizer does not move or rename the unit that scopes them
    form = UnitForm(obj=unit)
    _parent_choices(form, unit)
    if form.is_submitted():
        if not form.validate():
            return _render_form(form, unit, 400)
        return _save(form, unit)
    form.member_count.data = "" if unit.member_count is None else str(unit.member_count)
    return _render_form(form, unit)


@role_required(can_manage)
def retire(unit_id: int):
    unit = load_unit(unit_id)
    if current_user.unit_id == unit.id:
        abort(403)
    try:
        units.retire_unit(db.session, unit, now=_now(), actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return redirect(url_for("units.index", unit=unit.parent_id, _anchor=f"unit-{unit.id}"))
    db.session.commit()
    flash(_("Đã giải thể đơn vị %(name)s.", name=unit.name), "success")
    return redirect(url_for("units.index"))
