"""Importing a video platform's participant report: upload -> preview (each line matched,
ambiguous or unmatched, resolved by hand) -> confirm, all lines or none."""

from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from attendance.errors import DomainError, ValidationError
from attendance.online import imports
from attendance.online.reports import MAX_BYTES

from ..errors import field_messages, message
from ..extensions import db
from ..loading import session_or_404
from ..roster import uploads

SKIP = "skip"


def problem_text(error: DomainError) -> str:
    """A refused file in words: the file's problem, then each bad line."""
    if isinstance(error, ValidationError):
        return " ".join(field_messages(error).values())
    text = message(error.code, **error.params)
    rows = error.params.get("rows") or []
    if rows:
        text += " " + "; ".join(_("dòng %(line)s: %(problem)s", line=line,
                                  problem=message(code)) for line, code in rows[:20])
    return text


def _render(session, preview=None, problem=None, upload_id="", min_share=None, status=200):
    return render_template("presence/online.html", session=session, preview=preview,
                           problem=problem, upload_id=upload_id,
                           min_share=min_share or imports.DEFAULT_MIN_SHARE), status


def _choices(form) -> dict[int, int | None]:
    """choice_<line> = a person's id, or "skip" to leave the line out; empty: not chosen."""
    picked = {}
    for key, value in form.items():
        if not key.startswith("choice_") or not key[7:].isdigit() or not value:
            continue
        if value == SKIP:
            picked[int(key[7:])] = None
        elif value.isdigit():
            picked[int(key[7:])] = int(value)
    return picked


@login_required
def upload(session_id: int):
    session = session_or_404(current_user, session_id, manage=True)
    if request.method == "GET":
        return _render(session)
    file = request.files.get("file")
    share = request.form.get("min_share") or imports.DEFAULT_MIN_SHARE
    if file is None or not file.filename:
        return _render(session, problem=message("required"), status=400)
    data = file.read(MAX_BYTES + 1)
    try:
        preview = imports.build_preview(db.session, session, data, min_share=share)
    except DomainError as error:
        return _render(session, problem=problem_text(error), status=400)
    upload_id = uploads.save(session.id, data, "online.csv")
    return _render(session, preview, upload_id=upload_id, min_share=preview.min_share)


@login_required
def confirm(session_id: int):
    session = session_or_404(current_user, session_id, manage=True)
    upload_id = request.form.get("upload", "")
    data = uploads.load(session.id, upload_id)
    if data is None:
        flash(message("upload_gone"), "error")
        return redirect(url_for("presence.online_import", session_id=session.id), 303)
    try:
        preview = imports.build_preview(db.session, session, data,
                                        min_share=request.form.get("min_share") or 0.8,
                                        choices=_choices(request.form))
    except DomainError as error:
        return _render(session, problem=problem_text(error), status=400)
    if not preview.ok:  # the page shows which lines still wait for a choice
        return _render(session, preview, problem=message(
            "online_unresolved", count=len(preview.unresolved)), upload_id=upload_id,
            min_share=preview.min_share, status=400)
    try:
        counts = imports.import_online(db.session, session=session, preview=preview,
                                       now=datetime.now(timezone.utc), actor=current_user)
    except DomainError as error:
        db.session.rollback()
        return _render(session, preview, problem=problem_text(error), upload_id=upload_id,
                       min_share=preview.min_share, status=400)
    db.session.commit()
    uploads.discard(session.id, upload_id)
    flash(_("Đã ghi %(recorded)s người có mặt trực tuyến (%(already)s người đã điểm danh "
            "trước đó, %(not_counted)s người không đủ điều kiện, %(skipped)s dòng bỏ qua).",
            **counts), "success")
    return redirect(url_for("reports.summary", session_id=session.id), 303)
