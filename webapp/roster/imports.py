"""Roster import pages: upload -> preview of every row -> confirm (all rows or none), the steps
of every import (webapp/imports.py); a large file goes to the job worker instead."""

import functools
from datetime import datetime, timezone

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from attendance.permissions import can_manage
from attendance.roster import imports as roster_import

from .. import imports
from ..auth import role_required
from ..checkin import card_key
from ..extensions import db
from ..imports import row_problems
from ..jobs import api as job_api
from .forms import RosterConfirmForm as ConfirmForm, RosterUploadForm as UploadForm
from .texts import change_text
from .views import load_session


def _render(session, form, preview=None, problem=None, confirm=None, status=200):
    return render_template("roster/import.html", session=session, form=form, preview=preview,
                           problem=problem, confirm_form=confirm, row_problems=row_problems,
                           change_text=change_text,
                           max_rows=roster_import.MAX_ROWS), status


@role_required(can_manage)
def upload(session_id: int):
    session = load_session(session_id)
    form = UploadForm()
    if not form.validate_on_submit():
        return _render(session, form, status=400 if form.is_submitted() else 200)
    file = form.file.data
    data = file.read(roster_import.MAX_FILE_BYTES + 1)
    filename = file.filename or ""
    mode = form.mode.data or "add"
    if imports.large_file(data) and len(data) <= roster_import.MAX_FILE_BYTES:
        # Thousands of rows: checked (then imported) by the job worker, the page follows it.
        job = job_api.start_import(session, data, filename, mode=mode)
        return redirect(url_for("jobs.show", session_id=session.id, job_id=job.id), 303)
    return imports.preview_upload(
        session.id, form, data, filename, build=_builder(session, mode),
        render=functools.partial(_render, session),
        fresh_form=lambda preview: UploadForm(formdata=None, mode=preview.mode),
        confirm_form=lambda upload_id, preview: ConfirmForm(upload=upload_id, mode=preview.mode,
                                                            formdata=None))


@role_required(can_manage)
def confirm(session_id: int):
    session = load_session(session_id)
    form = ConfirmForm()
    return imports.confirm_upload(
        session.id, form, build=_builder(session, form.mode.data or "add"),
        render=functools.partial(_render, session),
        apply=lambda preview: roster_import.import_roster(
            db.session, session, preview, now=datetime.now(timezone.utc), actor=current_user),
        fresh_form=lambda preview: UploadForm(formdata=None),
        retry_url=url_for("roster.import_file", session_id=session.id),
        done=lambda preview, count: _imported(session, count))


def _builder(session, mode: str):
    return lambda data, filename: roster_import.build_preview(db.session, session, data,
                                                              filename, mode=mode,
                                                              key=card_key())


def _imported(session, count: int):
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
        mimetype = "text/csv"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=danh-sach-mau.{fmt}"})
