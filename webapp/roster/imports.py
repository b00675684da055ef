"""Roster import pages: upload -> preview of every row -> confirm (all rows or none)."""

from datetime import datetime, timezone

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from attendance.errors import DomainError
from attendance.permissions import can_manage
from attendance.roster import imports as roster_import

from ..auth import role_required
from ..checkin import card_key
from ..extensions import db
from ..jobs import api as job_api
from . import uploads
from .forms import RosterConfirmForm as ConfirmForm, RosterUploadForm as UploadForm
from .texts import change_text, file_problem, row_problems
from .views import load_session


def _render(session, form, preview=None, problem=None, confirm=None, status=200):
    return render_template("roster/import.html", session=session, form=form, preview=preview,
                           problem=problem, confirm_form=confirm, row_problems=row_problems,
                           change_text=change_text,
                           max_rows=roster_import.MAX_ROWS), status


def _large(data: bytes) -> bool:
    """Thousands of rows (a CSV's lines; an XLSX, compressed, by its size): a job's work. A
    CSV of few very long lines stays here, where its refusal is answered at once."""
    if data[:4] == b"PK\x03\x04":
        return len(data) > current_app.config["JOBS_DIRECT_IMPORT_BYTES"]
    return data.count(b"\n") > current_app.config["JOBS_DIRECT_IMPORT_ROWS"]


@role_required(can_manage)
def upload(session_id: int):
    session = load_session(session_id)
    form = UploadForm()
    if not form.validate_on_submit():
        return _render(session, form, status=400 if form.is_submitted() else 200)
    file = form.file.data
    data = file.read(roster_import.MAX_FILE_BYTES + 1)
    filename = file.filename or ""
    if _large(data) and len(data) <= roster_import.MAX_FILE_BYTES:
        # Thousands of rows: checked (then imported) by the job worker, the page follows it.
        job = job_api.start_import(session, data, filename, mode=form.mode.data or "add")
        return redirect(url_for("jobs.show", session_id=session.id, job_id=job.id), 303)
    try:
        preview = roster_import.build_preview(db.session, session, data, filename,
                                              mode=form.mode.data or "add", key=card_key())
    except DomainError as error:
        return _render(session, form, problem=file_problem(error), status=400)
    confirm = None
    if preview.ok:
        confirm = ConfirmForm(upload=uploads.save(session.id, data, filename),
                              mode=preview.mode, formdata=None)
    return _render(session, UploadForm(formdata=None, mode=preview.mode), preview=preview,
                   confirm=confirm)


@role_required(can_manage)
def confirm(session_id: int):
    session = load_session(session_id)
    form = ConfirmForm()
    data = uploads.load(session.id, form.upload.data or "") if form.validate_on_submit() else None
    if data is None:
        flash(_("Tệp đã tải lên không còn trên máy chủ. Xin tải lên lại."), "error")
        return redirect(url_for("roster.import_file", session_id=session.id))
    upload_id = form.upload.data
    preview = None
    try:
        # Read again from the stored bytes: the roster may have changed since the preview.
        preview = roster_import.build_preview(db.session, session, data, upload_id,
                                              mode=form.mode.data or "add", key=card_key())
        count = roster_import.import_roster(db.session, session, preview, now=datetime.now(
            timezone.utc), actor=current_user)
    except DomainError as error:
        db.session.rollback()
        uploads.discard(session.id, upload_id)
        return _render(session, UploadForm(formdata=None), preview=preview,
                       problem=file_problem(error), status=400)
    db.session.commit()
    uploads.discard(session.id, upload_id)
    flash(_("Đã nhập %(count)s người vào danh sách.", count=count), "success")
    return redirect(url_for("roster.index", session_id=session.id))


@role_required(can_manage)
def template(session_id: int, fmt: str):
    session = load_session(session_id)
    if fmt == "xlsx":
        body = roster_import.template_xlsx(session)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = roster_import.template_csv(session)
        mimetype = "text/csv; charset=utf-8"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=danh-sach-mau.{fmt}"})
