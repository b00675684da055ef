"""Learning essay pages: grades entered per person, or imported from a file (all or nothing).
The organizer sees everyone (optionally one unit); a unit's reporter only the unit's people."""

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from attendance import permissions
from attendance.accounts import scope as scopes
from attendance.errors import DomainError, ValidationError
from attendance.models import Person, StudySession
from attendance.outcomes import essays

from .. import pickers
from ..errors import flash_error, message
from ..extensions import db
from ..loading import session_or_404
from .forms import FileForm

PER_PAGE = 100
NO_ESSAY, UNGRADED = "", "*"  # select values besides the grades themselves


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _scope(session_id: int) -> tuple[StudySession, int | None]:
    """The session and the unit the user is limited to (None: everyone)."""
    session = session_or_404(current_user, session_id)
    if permissions.can_manage_session(current_user, session):
        if request.args.get("unit") or not request.args.get("unit_name"):
            return session, request.args.get("unit", type=int)
        # the unit typed in the search box of a large tree (no script to put its id)
        return session, pickers.picked_label(pickers.scope_unit_items(current_user),
                                             request.args, "unit").id
    if permissions.reports_for_own_unit(current_user):
        return session, current_user.unit_id
    abort(403)


@login_required
def page(session_id: int):
    session, unit_id = _scope(session_id)
    limit_to = None if permissions.can_manage_session(current_user, session) else unit_id
    if request.method == "POST":
        entries = {}
        for key, value in request.form.items():
            if key.startswith("grade-") and key[6:].isdigit():
                entries[int(key[6:])] = None if value == NO_ESSAY else \
                    "" if value == UNGRADED else value
        try:
            changed = essays.set_essays(db.session, session, entries, now=_now(),
                                        actor=current_user, unit_id=limit_to)
        except ValidationError as error:
            db.session.rollback()
            for code in dict.fromkeys(error.errors.values()):
                flash(message(code), "error")
            return _render(session, unit_id), 422
        db.session.commit()
        flash(_("Đã lưu %(count)s bài thu hoạch.", count=changed), "success")
        return redirect(request.full_path if request.query_string else request.path)
    return _render(session, unit_id)


def _render(session: StudySession, unit_id: int | None, **context):
    query = select(Person).where(Person.session_id == session.id, Person.walk_in.is_(False))
    if unit_id is not None:
        query = query.where(Person.unit_id == unit_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page_number = max(request.args.get("page", 1, type=int), 1)
    people = list(db.session.scalars(query.order_by(Person.unit_name, Person.search_name,
                                                     Person.id)
                                     .limit(PER_PAGE).offset((page_number - 1) * PER_PAGE)))
    written = essays.essays_by_person(db.session, session, [p.id for p in people])
    counts = essays.counts_by_unit(db.session, session)
    units, unit_text = [], ""
    if permissions.can_manage_session(current_user, session):
        items = pickers.scope_unit_items(current_user)
        if len(items) > pickers.SELECT_MAX:  # a search box, not a drop-down of every unit
            units, unit_text = None, dict(items).get(unit_id, "")
        else:
            units = scopes.visible_units(db.session, current_user)
    return render_template(
        "outcomes/essays.html", session=session, people=people, written=written,
        grades=essays.grades(db.session, session), unit_id=unit_id, units=units,
        unit_text=unit_text,
        counts=counts.get(unit_id, {}) if unit_id else _sum(counts), total=total,
        page=page_number, pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        NO_ESSAY=NO_ESSAY, UNGRADED=UNGRADED, import_form=FileForm(formdata=None), **context)


def _sum(counts: dict) -> dict:
    total: dict[str, int] = {}
    for by_grade in counts.values():
        for grade, count in by_grade.items():
            total[grade] = total.get(grade, 0) + count
    return total


@login_required
def import_file(session_id: int):
    session, unit_id = _scope(session_id)
    limit_to = None if permissions.can_manage_session(current_user, session) else unit_id
    form = FileForm()
    form.validate()
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        flash(message("required"), "error")
        return _render(session, unit_id), 422
    try:
        count = essays.import_essays(db.session, session, upload.read(), upload.filename,
                                     now=_now(), actor=current_user, unit_id=limit_to)
    except essays.EssayImportError as error:
        db.session.rollback()
        flash_error(error)
        bad = [(row.number, row.name, message(row.code)) for row in error.rows]
        return _render(session, unit_id, bad_rows=bad), 422
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return _render(session, unit_id), 422
    db.session.commit()
    flash(_("Đã nhập %(count)s bài thu hoạch.", count=count), "success")
    return redirect(url_for(".essays", session_id=session.id, unit=unit_id))


@login_required
def template(session_id: int):
    session, _unit = _scope(session_id)
    return essays.template_csv(session), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": "attachment; filename=mau-bai-thu-hoach.csv"}
