"""A roster file, or a member registry file, checked, then imported, in the background: the
same preview and the same all-rows-or-none import as the page and the CLI, only outside the
web request's 30 s."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from ..errors import DomainError
from ..members import imports as member_import
from ..models import Job
from ..roster import imports as roster_import
from . import params

SHOWN_BAD_ROWS = 200  # a file with more bad rows says how many, and shows the first ones


def run(db: Session, job: Job, data: bytes, filename: str, *, now: datetime,
        progress: Callable[[int], None], key: bytes | None = None) -> dict:
    """``check``: the preview's figures and bad rows. ``import``: every row or, with any bad
    row, none (DomainError "bad_rows" carrying the same figures)."""
    progress(5)
    mode = params(job).get("mode") or "add"
    preview = roster_import.build_preview(db, job.session, data, filename, mode=mode, key=key)
    progress(60)
    summary = _summary(preview)
    if job.format == "check":
        return summary
    if preview.bad_rows:
        error = DomainError("bad_rows", count=len(preview.bad_rows))
        error.result = summary
        raise error
    count = roster_import.import_roster(db, job.session, preview, now=now, actor=job.user)
    return dict(summary, imported=count)


def _summary(preview: roster_import.Preview) -> dict:
    bad = preview.bad_rows
    return {"rows": len(preview.rows), "bad": len(bad), "columns": preview.columns,
            "mode": preview.mode,
            "bad_rows": [{"row": row.number, "errors": row.errors}
                         for row in bad[:SHOWN_BAD_ROWS]]}


def run_members(db: Session, job: Job, data: bytes, filename: str, *, now: datetime,
                progress: Callable[[int], None]) -> dict:
    """The member registry's file, as ``run``: ``check`` says what each row would do (added,
    updated, unchanged) and names the bad rows; ``import`` applies every row or none."""
    progress(5)
    preview = member_import.build_preview(db, data, filename, now=now, actor=job.user)
    progress(60)
    bad = preview.bad_rows
    summary = {"rows": len(preview.rows), "bad": len(bad),
               "counts": {action: preview.count(action)
                          for action in ("add", "update", "unchanged")},
               "bad_rows": [{"row": row.number, "errors": row.errors}
                            for row in bad[:SHOWN_BAD_ROWS]]}
    if job.format == "check":
        return summary
    if bad:
        error = DomainError("bad_rows", count=len(bad))
        error.result = summary
        raise error
    counts = member_import.import_members(db, preview, now=now, actor=job.user)
    return dict(summary, imported=counts)
