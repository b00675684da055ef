"""A roster built from the member registry: pick units and positions, a venue and category."""

from datetime import datetime, timezone

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from attendance.errors import ValidationError
from attendance.members.rosters import add_members
from attendance.permissions import can_manage

from .. import pickers
from ..auth import role_required
from ..errors import message
from ..extensions import db
from ..members.views import scope_units
from .forms import FromMembersForm
from .views import load_session


@role_required(can_manage)
def from_members(session_id: int):
    session = load_session(session_id)
    form = FromMembersForm()
    form.set_choices(session)
    pickers.offer_units(form.unit_ids, small=lambda: [(u.id, label)
                                                      for u, label in scope_units(current_user)])
    if form.unit_ids.picker_url:  # a nation's 58,763 units: one (and those under it), typed
        form.unit_ids.data = [form.unit_ids.data] if form.unit_ids.data else []
    if form.validate_on_submit():
        positions = [p for p in (form.positions.data or "").split(",") if p.strip()]
        try:
            added, already = add_members(
                db.session, session, unit_ids=form.unit_ids.data or [], positions=positions,
                venue_id=form.venue_id.data, category_id=form.category_id.data,
                now=datetime.now(timezone.utc), actor=current_user)
        except ValidationError as error:
            db.session.rollback()
            for name, code in error.errors.items():
                field = getattr(form, name, form.unit_ids)
                field.errors = [*field.errors, message(code)]
        else:
            db.session.commit()
            flash(_("Đã thêm %(added)s đảng viên vào danh sách (%(already)s người đã có).",
                    added=added, already=already), "success")
            return redirect(url_for("roster.index", session_id=session.id))
    return render_template("roster/from_members.html", session=session, form=form)
