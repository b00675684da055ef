"""Follow-on class pages: the sessions a unit may hold a class of, a new class (date, time,
place; members pre-filled), and its one-screen roll. Thin: parse, load or 404, call one
service. Held by an organizer whose unit covers the class's unit (the cell secretary)."""

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from attendance.classes import follow_on
from attendance.classes import roll as class_roll
from attendance.errors import DomainError, ValidationError
from attendance.permissions import can_manage
from attendance.roster.people import count_people

from ..auth import role_required
from ..errors import flash_error, message
from ..extensions import db
from ..loading import class_or_404, parent_or_404
from ..paging import Page, page_count
from .forms import ClassForm, RollForm

CLASSES_SHOWN = 20  # per main session on the overview (a nation's plan has 50,000)
CLASSES_PER_PAGE = 100


def _now() -> datetime:
    return datetime.now(UTC)


@role_required(can_manage)
def index():
    """Each main session with the first CLASSES_SHOWN of the user's classes under it; with
    ?parent= one session's classes, CLASSES_PER_PAGE a page."""
    parents = follow_on.open_parents(db.session, current_user)
    one = request.args.get("parent", type=int)
    if one is not None:
        parents = [p for p in parents if p.id == one]
        if not parents:
            abort(404)
    per_page = CLASSES_PER_PAGE if one is not None else CLASSES_SHOWN
    number = max(request.args.get("page", 1, type=int) or 1, 1) if one is not None else 1
    classes, counts = {}, {}
    for parent in parents:
        classes[parent.id], counts[parent.id] = follow_on.classes_of(
            db.session, parent, current_user, limit=per_page, offset=(number - 1) * per_page)
    page = Page(number, page_count(counts[one], per_page)) if one is not None else None
    return render_template("classes/index.html", parents=parents, classes=classes,
                           counts=counts, one=one, page=page)


@role_required(can_manage)
def add(parent_id: int):
    parent = parent_or_404(current_user, parent_id)
    units = follow_on.class_units(db.session, parent, current_user)
    form = ClassForm()
    form.unit_id.choices = [(u.id, u.name) for u in units]
    if request.method == "GET" and len(units) == 1:
        form.unit_id.data = units[0].id
    if form.validate_on_submit():
        try:
            cls = follow_on.create_class(db.session, parent, unit_id=form.unit_id.data,
                                         held_on=form.held_on.data, starts=form.starts.data,
                                         place=form.place.data, now=_now(), actor=current_user)
        except ValidationError as error:
            db.session.rollback()
            for name, code in error.errors.items():
                field = getattr(form, name, form.place)
                field.errors = [*field.errors, message(code)]
        else:
            db.session.commit()
            flash(_("Đã tạo lớp với %(count)s đảng viên.",
                    count=count_people(db.session, cls.id)), "success")
            return redirect(url_for("classes.roll", class_id=cls.id))
    return render_template("classes/form.html", parent=parent, form=form, units=units)


@role_required(can_manage)
def roll(class_id: int):
    cls = class_or_404(current_user, class_id)
    form = RollForm()
    if form.validate_on_submit():
        choices = {}
        for key, value in request.form.items():
            if key.startswith("mark-") and key[5:].isdigit():
                choices[int(key[5:])] = (value, request.form.get(f"reason-{key[5:]}", "")[:400])
        try:
            changed = class_roll.mark_class(db.session, cls, choices, now=_now(),
                                            actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash_error(error)
        else:
            db.session.commit()
            flash(_("Đã lưu điểm danh (%(count)s thay đổi).", count=changed), "success")
            return redirect(url_for("classes.roll", class_id=cls.id))
    lines = class_roll.roll_lines(db.session, cls)
    return render_template("classes/roll.html", cls=cls, lines=lines, form=form,
                           present=sum(1 for line in lines if line.status in ("present", "late")))
