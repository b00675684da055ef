"""Units import (upload -> preview of every row -> confirm, all rows or none), the template
and the export. The uploaded bytes wait on the server between preview and confirmation, as
the roster import's do (webapp/roster/uploads.py)."""

from datetime import datetime, timezone

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from attendance import units
from attendance.errors import DomainError
from attendance.models import Unit
from attendance.permissions import can_manage, can_read_all

from ..auth import role_required
from ..extensions import db
from ..roster import uploads
from ..roster.forms import ConfirmForm
from ..roster.texts import file_problem
from .forms import UnitsUploadForm as UploadForm
from .texts import row_problems

UPLOADS = "units"  # the key of unit files among the kept uploads
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope() -> Unit | None:
    return db.session.get(Unit, current_user.unit_id) if current_user.unit_id else None


def _render(form, preview=None, problem=None, confirm=None, status=200):
    return render_template("units/import.html", form=form, preview=preview, problem=problem,
                           confirm_form=confirm, row_problems=row_problems,
                           max_rows=units.files.MAX_UNITS), status


@role_required(can_manage)
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _render(form, status=400 if form.is_submitted() else 200)
    data = form.file.data.read(units.files.MAX_FILE_BYTES + 1)
    filename = form.file.data.filename or ""
    try:
        preview = units.build_preview(db.session, data, filename, scope=_scope())
    except DomainError as error:
        return _render(form, problem=file_problem(error), status=400)
    confirm = None
    if preview.ok:
        confirm = ConfirmForm(upload=uploads.save(UPLOADS, data, filename), formdata=None)
    return _render(UploadForm(formdata=None), preview=preview, confirm=confirm)


@role_required(can_manage)
def confirm():
    form = ConfirmForm()
    data = uploads.load(UPLOADS, form.upload.data or "") if form.validate_on_submit() else None
    if data is None:
        flash(_("Tệp đã tải lên không còn trên máy chủ. Xin tải lên lại."), "error")
        return redirect(url_for("units.import_file"))
    upload_id, preview = form.upload.data, None
    try:
        # Read again from the kept bytes: the tree may have changed since the preview.
        preview = units.build_preview(db.session, data, upload_id, scope=_scope())
        units.import_units(db.session, preview, now=datetime.now(timezone.utc),
                           actor=current_user)
    except DomainError as error:
        db.session.rollback()
        uploads.discard(UPLOADS, upload_id)
        return _render(UploadForm(formdata=None), preview=preview, problem=file_problem(error),
                       status=400)
    db.session.commit()
    uploads.discard(UPLOADS, upload_id)
    flash(_("Đã nhập tệp đơn vị: %(added)s đơn vị mới, %(updated)s đơn vị được cập nhật.",
            added=preview.added, updated=preview.updated), "success")
    return redirect(url_for("units.index"))


def _download(body: bytes, name: str, fmt: str) -> Response:
    mimetype = XLSX if fmt == "xlsx" else "text/csv; charset=utf-8"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={name}.{fmt}"})


@role_required(can_manage)
def template(fmt: str):
    body = units.template_xlsx() if fmt == "xlsx" else units.template_csv()
    return _download(body, "don-vi-mau", fmt)


@role_required(can_read_all)
def export(fmt: str):
    root = current_user.unit_id
    body = (units.export_xlsx(db.session, root_id=root) if fmt == "xlsx"
            else units.export_csv(db.session, root_id=root))
    return _download(body, "don-vi", fmt)
