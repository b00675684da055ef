"""What every file import (roster, members, units) shares on the web and the command line.

Each import is the same two steps, all rows or none: a preview of every row (bad rows named),
then, on confirmation, the very bytes previewed read again (kept on the server by
``roster.uploads``, never sent back by the browser) and applied. The domain's previews share
``rows``, ``bad_rows`` and ``ok``; what differs (how to read, what to apply, what to say) is
passed in by each import's views and commands.
"""

import sys
from collections.abc import Callable
from typing import Any

import click
from flask import current_app, flash, redirect
from flask_babel import gettext as _

from attendance.errors import DomainError

from .errors import message
from .extensions import db
from .roster import uploads


def large_file(data: bytes) -> bool:
    """Thousands of rows (a CSV's lines; an XLSX, compressed, by its size): a job's work. A
    CSV of few very long lines stays here, where its refusal is answered at once."""
    if data[:4] == b"PK\x03\x04":
        return len(data) > current_app.config["JOBS_DIRECT_IMPORT_BYTES"]
    return data.count(b"\n") > current_app.config["JOBS_DIRECT_IMPORT_ROWS"]


def file_problem(error: DomainError) -> str:
    """A file-level error; missing columns are named."""
    text = message(error.code, **error.params)
    if error.code == "missing_columns" and error.params.get("columns"):
        text = f"{text.rstrip('.')}: {error.params['columns']}."
    return text


def row_problems(row, *, sentences: bool = False) -> list[str]:
    """Each problem as text (``sentences``: with their full stops, as the API gives them); an
    ambiguous unit name lists the units it could be, by code."""
    problems = []
    for code in row.errors:
        text = message(code).rstrip(".")
        candidates = getattr(row, "unit_candidates", None)  # roster and member rows
        if code == "ambiguous_unit" and candidates:
            text = _("%(problem)s: %(units)s", problem=text, units="; ".join(candidates))
        problems.append(text + "." if sentences else text)
    return problems


def row_line(row) -> str:
    """ "Dòng 5: Thiếu họ và tên; Số điện thoại không hợp lệ" """
    return _("Dòng %(number)s: %(problems)s", number=row.number,
             problems="; ".join(row_problems(row)))


def run_command(build: Callable[[], Any], apply: Callable[[Any], Any]) -> tuple[Any, Any]:
    """A CLI import: a bad file or any bad row is printed on stderr with exit 1 and nothing
    changed; otherwise the rows are applied and committed once. Returns (preview, result)."""
    try:
        preview = build()
    except DomainError as error:
        click.echo(file_problem(error), err=True)
        sys.exit(1)
    if preview.bad_rows:
        for row in preview.bad_rows:
            click.echo(row_line(row), err=True)
        click.echo(f"Nothing imported: {len(preview.bad_rows)} of {len(preview.rows)} rows "
                   "have errors.", err=True)
        sys.exit(1)
    result = apply(preview)
    db.session.commit()
    return preview, result


def preview_upload(kept: int | str, form, data: bytes, filename: str, *, build, render,
                   fresh_form, confirm_form):
    """The preview page of a file uploaded with ``form``. ``build(data, filename)`` reads it
    (DomainError: the file is unusable, shown above the same form); a good file is kept under
    ``kept`` and ``confirm_form(upload_id, preview)`` carries its id; ``fresh_form(preview)``
    is the blank form to upload another. ``render(form, preview=, problem=, confirm=,
    status=)`` draws the page."""
    try:
        preview = build(data, filename)
    except DomainError as error:
        return render(form, problem=file_problem(error), status=400)
    confirm = None
    if preview.ok:
        confirm = confirm_form(uploads.save(kept, data, filename), preview)
    return render(fresh_form(preview), preview=preview, confirm=confirm)


def confirm_upload(kept: int | str, form, *, build, apply, render, fresh_form, retry_url: str,
                   done):
    """The confirmation of a previewed file: read again from the kept bytes (what is in the
    database may have changed since the preview), applied all or nothing, committed once;
    ``done(preview, result)`` answers (a flash and a redirect)."""
    upload_id = form.upload.data or ""
    data = uploads.load(kept, upload_id) if form.validate_on_submit() else None
    if data is None:
        flash(_("Tệp đã tải lên không còn trên máy chủ. Xin tải lên lại."), "error")
        return redirect(retry_url)
    preview = None
    try:
        preview = build(data, upload_id)
        result = apply(preview)
    except DomainError as error:
        db.session.rollback()
        uploads.discard(kept, upload_id)
        return render(fresh_form(None), preview=preview,
                      problem=file_problem(error), status=400)
    db.session.commit()
    uploads.discard(kept, upload_id)
    return done(preview, result)
