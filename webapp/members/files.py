"""Member files: upload -> preview of every row (added, updated, unchanged, bad) -> confirm
(all rows or none); export of the members in the organizer's scope; template files."""

from datetime import datetime, timezone

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from flask_wtf import FlaskForm

from attendance import jobs
from attendance.members import imports as member_import, registry
from attendance.models import DONE, Job
from attendance.permissions import can_manage

from .. import imports
from ..auth import role_required
from ..extensions import db
from ..errors import message
from ..imports import row_problems
from ..jobs import queue
from ..jobs.api import load_job
from ..jobs.serialize import job_json
from ..roster import uploads
from ..roster.forms import ConfirmForm, UploadForm
from ..roster.texts import change_text
from .forms import STATUS_LABELS

# Uploaded member files are kept beside roster files, under session id 0 (no session).
NO_SESSION = 0
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv"}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _render(form, preview=None, problem=None, confirm=None, status=200):
    return render_template("members/import.html", form=form, preview=preview, problem=problem,
                           confirm_form=confirm, row_problems=row_problems, change_text=change_text,
                           statuses=STATUS_LABELS, max_rows=member_import.MAX_ROWS), status


@role_required(can_manage)
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _render(form, status=400 if form.is_submitted() else 200)
    data = form.file.data.read(member_import.MAX_FILE_BYTES + 1)
    filename = form.file.data.filename or ""
    if imports.large_file(data) and len(data) <= member_import.MAX_FILE_BYTES:
        # Thousands of members: checked (then imported) by the job worker, the page follows it.
        return redirect(url_for("members.import_job", job_id=_start(data, filename).id), 303)
    return imports.preview_upload(
        NO_SESSION, form, data, form.file.data.filename or "", build=_build, render=_render,
        fresh_form=lambda preview: UploadForm(formdata=None),
        confirm_form=lambda upload_id, preview: ConfirmForm(upload=upload_id, formdata=None))


@role_required(can_manage)
def confirm():
    return imports.confirm_upload(
        NO_SESSION, ConfirmForm(), build=_build, render=_render,
        apply=lambda preview: member_import.import_members(db.session, preview, now=_now(),
                                                           actor=current_user),
        fresh_form=lambda preview: UploadForm(formdata=None),
        retry_url=url_for("members.import_file"), done=_imported)


def _start(data: bytes, filename: str, upload: str | None = None, confirm: bool = False) -> Job:
    job = jobs.create_member_import(
        db.session, upload=upload or uploads.save(NO_SESSION, data, filename),
        filename=filename, actor=current_user, now=_now(), confirm=confirm)
    db.session.commit()
    queue.enqueue(current_app, job.id)
    db.session.expire_all()
    return db.session.get(Job, job.id)


@role_required(can_manage)
def import_job(job_id: str):
    """A member file's job: its progress, then what the check found (and the button that
    imports it) or what was imported."""
    job = load_job(job_id)
    if job.what != jobs.MEMBER_IMPORT:
        abort(404)
    if request.method == "POST":  # import the checked file (a second job, all rows or none)
        if not (FlaskForm().validate_on_submit() and job.format == "check"
                and job.state == DONE and not jobs.result(job).get("bad")):
            abort(400)
        params = jobs.params(job)
        second = _start(b"", params["filename"], upload=params["upload"], confirm=True)
        return redirect(url_for("members.import_job", job_id=second.id), 303)
    return render_template("members/import_job.html", job=job, data=job_json(job),
                           result=jobs.result(job), message=message, form=FlaskForm())


def _build(data: bytes, filename: str):
    return member_import.build_preview(db.session, data, filename, now=_now(),
                                       actor=current_user)


def _imported(preview, counts):
    flash(_("Đã nhập danh sách đảng viên: thêm %(add)s, cập nhật %(update)s, không đổi "
            "%(unchanged)s.", **counts), "success")
    return redirect(url_for("members.index"))


@role_required(can_manage)
def export(fmt: str):
    scope = registry.scope_unit_ids(db.session, current_user)
    value = request.args.get("unit_id", "")
    unit_ids = None
    if value.isdigit():
        unit_ids = registry.subtree(db.session, {int(value)})
    members = list(db.session.scalars(registry.search_members(scope, unit_ids=unit_ids)))
    rows = member_import.member_rows(members)
    return _file(rows, fmt, "dang-vien")


@role_required(can_manage)
def template(fmt: str):
    return _file(member_import.template_rows(), fmt, "dang-vien-mau")


def _file(rows, fmt: str, name: str) -> Response:
    body = member_import.to_xlsx(rows) if fmt == "xlsx" else member_import.to_csv(rows)
    return Response(body, mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition": f"attachment; filename={name}.{fmt}"})
