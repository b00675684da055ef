"""Member pages: list per unit and search, add, edit, move. Thin: parse, load or 404, call one
service. Members are personal data: only organizers whose unit covers theirs see them."""

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from attendance.errors import DomainError, ValidationError
from attendance.members import registry
from attendance.models import Member, Unit
from attendance.permissions import can_manage
from attendance.units.tree import unit_tree

from .. import pickers
from ..auth import role_required
from ..errors import message
from ..extensions import db
from ..saving import saved
from .forms import STATUS_LABELS, MemberForm, MoveForm

PER_PAGE = 50


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def scope_units(user) -> list[tuple[Unit, str]]:
    """The units in ``user``'s scope as the tree shows them: (unit, indented label)."""
    rows = unit_tree(db.session, root_id=user.unit_id)
    return [(row.unit, "\u00a0\u00a0" * row.depth + row.unit.name) for row in rows]


def _load(member_id: int) -> Member:
    try:
        return registry.load_member(db.session, member_id, current_user)
    except DomainError:
        abort(404)


@role_required(can_manage)
def index():
    scope = registry.scope_unit_ids(db.session, current_user)
    items = pickers.scope_unit_items(current_user)
    large = len(items) > pickers.SELECT_MAX  # a search box, not a drop-down of every unit
    units = None if large else scope_units(current_user)
    chosen = pickers.picked_label(items, request.args, "unit_id")
    if _int_arg("unit_id") is not None and chosen.id is None:
        abort(404)
    unit_id = chosen.id
    status = request.args.get("status") if request.args.get("status") in STATUS_LABELS else None
    q = request.args.get("q", "")[:200]
    unit_ids = registry.subtree(db.session, {unit_id}) if unit_id is not None else None
    page = db.paginate(registry.search_members(scope, unit_ids=unit_ids, status=status, q=q),
                       page=_int_arg("page") or 1, per_page=PER_PAGE, error_out=False)
    counts = {} if large else dict(db.session.execute(
        select(Member.unit_id, func.count(Member.id)).group_by(Member.unit_id)).all())
    return render_template("members/index.html", page=page, units=units, unit_id=unit_id,
                           status=status, q=q, counts=counts, statuses=STATUS_LABELS,
                           unit_text=dict(items).get(unit_id, chosen.unknown),
                           unit_unknown=chosen.unknown)


@role_required(can_manage)
def add():
    form = MemberForm()
    if request.method == "GET" and _int_arg("unit_id"):
        form.unit_id.data = _int_arg("unit_id")
    pickers.offer_units(form.unit_id, small=lambda: [(u.id, label) for u, label in scope_units(
        current_user)])
    if form.validate_on_submit() and (done := saved(
            form, lambda: registry.add_member(db.session, form.values(with_unit=True),
                                              now=_now(), actor=current_user),
            _put_errors, lambda member: _back(member, _("Đã thêm %(name)s.",
                                                         name=member.full_name)))):
        return done
    return render_template("members/form.html", form=form, member=None)


@role_required(can_manage)
def edit(member_id: int):
    member = _load(member_id)
    form = MemberForm(obj=member)
    if request.method == "GET" and member.birth_date:
        form.birth_date.data = member.birth_date.strftime("%d/%m/%Y")
    if form.validate_on_submit() and (done := saved(
            form, lambda: registry.update_member(db.session, member,
                                                 form.values(with_unit=False), now=_now(),
                                                 actor=current_user),
            _put_errors, lambda _result: _back(member, _("Đã lưu %(name)s.",
                                                          name=member.full_name)))):
        return done
    return render_template("members/form.html", form=form, member=member)


@role_required(can_manage)
def move(member_id: int):
    member = _load(member_id)
    form = MoveForm()
    pickers.offer_units(form.unit_id, exclude={member.unit_id}, small=lambda: [
        (u.id, label) for u, label in scope_units(current_user) if u.id != member.unit_id])
    if form.validate_on_submit() and (done := saved(
            form, lambda: registry.move_member(db.session, member, form.unit_id.data, now=_now(),
                                               actor=current_user, note=form.note.data or ""),
            _put_errors, lambda _result: _back(member, _(
                "Đã chuyển %(name)s sang %(unit)s.", name=member.full_name,
                unit=member.unit.name)))):
        return done
    moves = registry.moves_of(db.session, member)
    names = {u.id: u.name for u in db.session.scalars(select(Unit).where(Unit.id.in_(
        {m.from_unit_id for m in moves} | {m.to_unit_id for m in moves})))}
    return render_template("members/move.html", form=form, member=member, moves=moves,
                           names=names)


def _back(member: Member, text: str):
    flash(text, "success")
    return redirect(url_for("members.index", unit_id=member.unit_id))


def _put_errors(form, error: ValidationError) -> None:
    for name, code in error.errors.items():
        field = getattr(form, name, None) or getattr(form, "full_name", None) or form.unit_id
        field.errors = [*field.errors, message(code)]
    flash(message("validation"), "error")
