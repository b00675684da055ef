"""Units import (upload -> preview of every row -> confirm, all rows or none), the template
and the export. The steps are every import's (webapp/imports.py)."""

from datetime import datetime, timezone

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from attendance import units
from attendance.models import Unit
from attendance.permissions import can_manage, reads_scope

from .. import imports
from ..auth import role_required
from ..extensions import db
from ..imports import row_problems
from ..roster.forms import ConfirmForm
from .forms import UnitsUploadForm as UploadForm

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
    return imports.preview_upload(
        UPLOADS, form, data, form.file.data.filename or "", build=_build, render=_render,
        fresh_form=lambda preview: UploadForm(formdata=None),
        confirm_form=lambda upload_id, preview: ConfirmForm(upload=upload_id, formdata=None))


@role_required(can_manage)
def confirm():
    return imports.confirm_upload(
        UPLOADS, ConfirmForm(), build=_build, render=_render,
        apply=lambda preview: units.import_units(db.session, preview,
                                                 now=datetime.now(timezone.utc),
                                                 actor=current_user),
        fresh_form=lambda preview: UploadForm(formdata=None),
        retry_url=url_for("units.import_file"), done=_imported)


def _build(data: bytes, filename: str):
    return units.build_preview(db.session, data, filename, scope=_scope())


def _imported(preview, result):
    flash(_("Đã nhập tệp đơn vị: %(added)s đơn vị mới, %(updated)s đơn vị được cập nhật.",
            added=preview.added, updated=preview.updated), "success")
    return redirect(url_for("units.index"))


def _download(body: bytes, name: str, fmt: str) -> Response:
    mimetype = XLSX if fmt == "xlsx" else "text/csv"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={name}.{fmt}"})


@role_required(can_manage)
def template(fmt: str):
    body = units.template_xlsx() if fmt == "xlsx" else units.template_csv()
    return _download(body, "don-vi-mau", fmt)


@role_required(reads_scope)
def export(fmt: str):
    root = current_user.unit_id
    body = (units.export_xlsx(db.session, root_id=root) if fmt == "xlsx"
            else units.export_csv(db.session, root_id=root))
    return _download(body, "don-vi", fmt)
