"""Result report pages: tracking, choosing the reporting units, the unit's form, the organizer's
review, and the action plan download. Reporters see and edit only their own unit."""

from datetime import datetime, timezone
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from attendance import permissions
from attendance.accounts import scope as scopes
from attendance.errors import DomainError, ValidationError
from attendance.models import REPORT_COUNTS, StudySession, Unit
from attendance.outcomes import report_send, reports as rr

from .. import pickers
from ..auth import role_required
from ..errors import flash_error, message, put_form_errors
from ..extensions import db
from ..loading import session_or_404
from .forms import ReviewForm, UnitsForm, parse_date, report_form

_MIMETYPES = {"pdf": "application/pdf",
              "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _session(session_id: int, **wanted) -> StudySession:
    return session_or_404(current_user, session_id, **wanted)


def plans_folder() -> Path:
    return Path(current_app.instance_path) / "action_plans"


@login_required
def tracking(session_id: int):
    session = _session(session_id)
    if permissions.reports_for_own_unit(current_user):
        return redirect(url_for(".report", session_id=session.id, unit_id=current_user.unit_id))
    if not permissions.can_read_all(current_user, session):
        abort(403)
    rows = rr.tracking(db.session, session, now=_now())
    return render_template("outcomes/tracking.html", session=session, rows=rows,
                           overdue=[r for r in rows if r.overdue],
                           waiting=[r for r in rows if not r.report.reported],
                           can_manage=permissions.can_manage_session(current_user, session))


@role_required(permissions.can_manage)
def units(session_id: int):
    session = _session(session_id, manage=True)
    settings = rr.settings_for(db.session, session)
    chosen = [r.unit_id for r in rr.reports_of(db.session, session)]
    all_units = _offered_units(session, chosen)
    form = UnitsForm()
    form.units.choices = [(u.id, u.name) for u in all_units]
    if request.method == "GET":
        form.units.data = chosen
        form.grades.data = "\n".join(settings.essay_grades)
        form.threshold.data = f"{settings.threshold:g}"
    elif form.validate():
        try:
            rr.set_reporting_units(db.session, session, form.units.data or [], now=_now(),
                                   actor=current_user)
            rr.update_settings(db.session, session, grades=(form.grades.data or "").splitlines(),
                               threshold=(form.threshold.data or "").replace(",", "."),
                               now=_now(), actor=current_user)
        except ValidationError as error:
            db.session.rollback()
            _put_errors(form, error)
        except DomainError as error:
            db.session.rollback()
            flash_error(error)
        else:
            db.session.commit()
            flash(_("Đã lưu danh sách đơn vị báo cáo."), "success")
            return redirect(url_for(".tracking", session_id=session.id))
    status = 200 if request.method == "GET" else 422
    return render_template("outcomes/units.html", session=session, form=form,
                           units=all_units), status


REPORTING_LISTED = 300  # past this many units in scope: the organizer unit's own units


def _offered_units(session, chosen: list[int]) -> list:
    """The units that may be asked to report: every unit of the user's scope, or past
    REPORTING_LISTED (a province's 1,725, a nation's 58,763) the units directly under the
    session's organizer unit, who report to it, and those already asked."""
    if len(pickers.scope_unit_items(current_user)) <= REPORTING_LISTED:
        units = scopes.visible_units(db.session, current_user)
    else:
        units = db.session.scalars(select(Unit).where(
            (Unit.parent_id == session.organizer_unit_id) | Unit.id.in_(chosen),
            Unit.retired_at.is_(None))).all()
        units = [u for u in units if permissions.can_see_unit(current_user, u)]
    return sorted(units, key=lambda u: (u.kind, u.name))


@login_required
def report(session_id: int, unit_id: int):
    session = _session(session_id)
    may_edit = permissions.can_report_for(current_user, unit_id)
    if not may_edit and not permissions.can_read_all(current_user, session):
        abort(403)
    result_report = rr.report_for(db.session, session, unit_id)
    grades = rr.settings_for(db.session, session).essay_grades
    if request.method == "GET":
        facts = rr.unit_facts(db.session, session, unit_id)
        values = rr.prefill(db.session, result_report, facts)
        form = report_form(grades, **_form_data(values, grades))
        return _report_page(session, result_report, form, may_edit, facts)
    if not may_edit:
        abort(403)
    form = report_form(grades, formdata=request.form)
    form.validate()  # shape only (CSRF); the service judges every figure
    data = {name: getattr(form, name).data for name in REPORT_COUNTS}
    data["essays_by_grade"] = {grade: field.data for grade, field in form.grade_fields}
    data.update(strengths=form.strengths.data, limits=form.limits.data,
                proposals=form.proposals.data, plan_number=form.plan_number.data,
                plan_date=parse_date(form.plan_date.data))
    upload = request.files.get("plan_file")
    submit = request.form.get("action") == "submit"
    token = request.form.get("plan_token", "")
    if upload is not None and upload.filename:
        plan = (upload.read(), upload.filename)
    else:  # the file chosen before an error, kept on the server for this try
        plan = report_send.held(plans_folder(), result_report, token)
    try:
        replaced = report_send.save(db.session, result_report, data, submit=submit, now=_now(),
                                    actor=current_user, folder=plans_folder(), plan=plan)
    except ValidationError as error:
        db.session.rollback()
        _put_errors(form, error)
        flash(message("validation"), "error")
        kept = None
        if plan is not None and "plan_file" not in error.errors:
            kept = (token if upload is None or not upload.filename
                    else report_send.hold(plans_folder(), result_report, *plan), plan[1])
        return _report_page(session, result_report, form, may_edit, kept=kept), 422
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return _report_page(session, result_report, form, may_edit), 422
    db.session.commit()
    rr.discard_plan_file(plans_folder(), session.id, replaced)
    report_send.release(plans_folder(), result_report, token)
    flash(_("Đã gửi báo cáo.") if submit else _("Đã lưu báo cáo (chưa gửi)."), "success")
    return redirect(url_for(".report", session_id=session.id, unit_id=unit_id))


def _form_data(values: dict, grades: list[str]) -> dict:
    data = {name: "" if values.get(name) is None else str(values[name]) for name in REPORT_COUNTS}
    for index, grade in enumerate(grades):
        count = (values.get("essays_by_grade") or {}).get(grade)
        data[f"grade_{index}"] = "" if count is None else str(count)
    data.update(strengths=values.get("strengths") or "", limits=values.get("limits") or "",
                proposals=values.get("proposals") or "",
                plan_number=values.get("plan_number") or "",
                plan_date=values["plan_date"].strftime("%d/%m/%Y") if values.get("plan_date")
                else "")
    return data


def _report_page(session, result_report, form, may_edit, facts=None, kept=None):
    editable = may_edit and result_report.status in rr.EDITABLE
    facts = facts or rr.unit_facts(db.session, session, result_report.unit_id)
    return render_template("outcomes/report.html", session=session, report=result_report,
                           facts=facts, outcome=facts["outcome"],
                           form=form, editable=editable, review_form=ReviewForm(formdata=None),
                           can_review=permissions.can_manage_session(current_user, session),
                           can_download=may_edit, late=rr.is_late(session, _now()),
                           kept=kept)


def _put_errors(form, error: ValidationError) -> None:
    # "grade:<name>" is the field of that grade; the others by their own name.
    grade_index = {grade: field for grade, field in getattr(form, "grade_fields", [])}
    put_form_errors(form, error, lambda name: grade_index.get(name.removeprefix("grade:"))
                    if name.startswith("grade:") else name)


@role_required(permissions.can_manage)
def review(session_id: int, unit_id: int):
    session = _session(session_id, manage=True)
    result_report = rr.report_for(db.session, session, unit_id)
    form = ReviewForm()
    form.validate()
    accept = request.form.get("decision") == "accept"
    try:
        rr.review(db.session, result_report, accept=accept, comment=form.comment.data or "",
                  now=_now(), actor=current_user)
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, ValidationError):
            flash(message(next(iter(error.errors.values()))), "error")
        else:
            flash_error(error)
        return redirect(url_for(".report", session_id=session.id, unit_id=unit_id))
    db.session.commit()
    flash(_("Đã tiếp nhận báo cáo.") if accept else _("Đã trả lại báo cáo để đơn vị bổ sung."),
          "success")
    return redirect(url_for(".tracking", session_id=session.id))


@login_required
def plan(session_id: int, unit_id: int):
    session = _session(session_id)
    if not permissions.can_report_for(current_user, unit_id):
        abort(403)
    result_report = rr.report_for(db.session, session, unit_id)
    path = rr.plan_path(result_report, plans_folder())
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=_MIMETYPES[result_report.plan_kind], as_attachment=True,
                     download_name=rr.plan_download_name(result_report.plan_filename,
                                                         result_report.plan_kind))
