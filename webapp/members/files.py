"""Member files: upload -> preview of every row (added, updated, unchanged, bad) -> confirm
(all rows or none); export of the members in the organizer's scope; template files."""

from datetime import datetime, timezone

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from attendance.members import imports as member_import, registry
from attendance.permissions import can_manage

from .. import imports
from ..auth import role_required
from ..extensions import db
from ..imports import row_problems
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
