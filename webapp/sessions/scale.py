"""Set-up at province scale: bridge points from the unit tree, all coordinators at once with
their credentials sheet, a session copied to a new date."""

import io
from datetime import datetime, timezone

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from attendance.accounts.links import link_expires
from attendance.errors import DomainError, ValidationError
from attendance.printing.credentials import CredentialLine, build_credentials
from attendance.sessions import coordinators as coordinator_service
from attendance.sessions import point_files, scale

from ..auth.links import link_url
from ..errors import flash_error, message, put_form_errors
from ..extensions import db
from ..loading import session_or_404
from .forms import LocalDateField, LocalTimeField, Marked, PlainForm


class CopyForm(FlaskForm):
    day = LocalDateField(_l("Ngày họp mới"), validators=[Marked()], description=_l("dd/mm/yyyy"))
    start_time = LocalTimeField(_l("Giờ bắt đầu"), validators=[Marked()],
                                description=_l("HH:MM, ví dụ 07:30"))

    def starts_at(self, zone) -> datetime | None:
        day, start = self.day.value, self.start_time.value
        return datetime.combine(day, start, tzinfo=zone) if day and start else None


def _now() -> datetime:
    return datetime.now(timezone.utc)


@login_required
def points_from_units(session_id: int):
    session = session_or_404(current_user, session_id, manage=True)
    form = PlainForm()
    if form.validate_on_submit():
        wanted = [int(i) for i in request.form.getlist("unit_id") if i.isdigit()]
        try:
            made = scale.points_from_units(db.session, session, wanted, now=_now(),
                                           actor=current_user)
        except ValidationError as error:
            db.session.rollback()
            put_form_errors(form, error)
        else:
            db.session.commit()
            flash(_("Đã tạo %(count)s điểm cầu.", count=len(made)), "success")
            return redirect(url_for("sessions.show", session_id=session.id))
    return _points_page(session, form)


def _points_page(session, form, bad_rows=None, status=200):
    return render_template(
        "sessions/points_from_units.html", session=session, form=form, bad_rows=bad_rows,
        units=scale.committees_below(db.session, current_user, session),
        taken={v.unit_id for v in session.venues}), status


@login_required
def import_points(session_id: int):
    """POST a CSV/XLSX of bridge points (name, unit code, address, coordinator, phone)."""
    session = session_or_404(current_user, session_id, manage=True)
    form = PlainForm()
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash(message("required"), "error")
        return _points_page(session, form, status=400)
    try:
        made = point_files.import_points(db.session, session, upload.read(), upload.filename,
                                         now=_now(), actor=current_user)
    except point_files.PointImportError as error:
        db.session.rollback()
        flash_error(error)
        bad = [(row.number, row.values.get("name", ""), "; ".join(message(c) for c in row.errors))
               for row in error.rows]
        return _points_page(session, form, bad_rows=bad, status=422)
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return _points_page(session, form, status=422)
    db.session.commit()
    flash(_("Đã tạo %(count)s điểm cầu.", count=len(made)), "success")
    return redirect(url_for("sessions.show", session_id=session.id))


@login_required
def points_template(session_id: int):
    session_or_404(current_user, session_id, manage=True)
    return point_files.template_csv(), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": "attachment; filename=mau-diem-cau.csv"}


@login_required
def coordinators(session_id: int):
    """POST: every bridge point gets its coordinator; answers the credentials sheet (PDF)."""
    session = session_or_404(current_user, session_id, manage=True)
    if not PlainForm().validate_on_submit():
        abort(400)
    now = _now()
    found = coordinator_service.coordinators_for(db.session, session, now=now,
                                                 actor=current_user)
    db.session.commit()
    lines = [CredentialLine(point=c.venue.name, unit=c.venue.unit.name if c.venue.unit else "",
                            full_name=c.user.full_name, username=c.user.username,
                            url=link_url(c.user, session), new=c.created) for c in found]
    out = io.BytesIO()
    build_credentials(out, session, lines, expires=link_expires(now))
    return Response(out.getvalue(), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="tai-khoan-diem-cau-{session.id}.pdf"',
        "Cache-Control": "private, no-store"})


@login_required
def copy(session_id: int):
    session = session_or_404(current_user, session_id, manage=True)
    start = session.local_start
    form = CopyForm(data={"start_time": start.time()} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            made = scale.copy_session(db.session, session, starts_at=form.starts_at(session.zone),
                                      now=_now(), actor=current_user)
        except ValidationError as error:
            db.session.rollback()
            put_form_errors(form, error, {"starts_at": "day"})
        else:
            db.session.commit()
            flash(_("Đã sao chép hội nghị sang ngày mới."), "success")
            return redirect(url_for("sessions.show", session_id=made.id))
    status = 422 if request.method == "POST" else 200
    return render_template("sessions/copy.html", session=session, form=form), status
