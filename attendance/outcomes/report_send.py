"""A unit's report sent from its form in one go: figures and action plan judged together, so
every error is said at once, and a chosen plan file is kept on the server while the reporter
puts the figures right (a browser cannot refill a file field).

A kept file lives under ``folder/held/`` as ``<report id>-<token>`` beside its name, the token
being 128 random bits known only to the page that chose the file; it is dropped once the report
is saved with it (or replaced by another file), or by the periodic sweep once HOLD_FOR old
(a reporter who never came back).
"""

import re
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from attendance.errors import ValidationError
from attendance.models import ResultReport, User
from attendance.outcomes import reports as rr

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
HOLD_FOR = timedelta(days=1)


def save(db: Session, report: ResultReport, data: dict, *, submit: bool, now: datetime,
         actor: User | None, folder: Path, plan: tuple[bytes, str] | None = None) -> str:
    """Check the figures, what sending needs and the plan file together (ValidationError with
    every wrong field, nothing written), then save and attach. Returns the replaced plan's
    stored name (see ``rr.attach_plan``)."""
    errors = {}
    try:
        rr.check_figures(data, rr.settings_for(db, report.session).essay_grades)
    except ValidationError as error:
        errors.update(error.errors)
    if submit:
        for name in ("members_total", "attended"):
            if data.get(name) in (None, "") or (isinstance(data.get(name), str)
                                                and not data[name].strip()):
                errors.setdefault(name, "required")
    if plan is not None:
        try:
            rr.checked_plan(plan[0])
        except ValidationError as error:
            errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    rr.save_report(db, report, data, submit=submit, now=now, actor=actor)
    if plan is None:
        return ""
    return rr.attach_plan(db, report, plan[0], plan[1], folder=folder, now=now, actor=actor)


def _path(folder: Path, report: ResultReport, token: str) -> Path | None:
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    return folder / "held" / f"{report.id}-{token}"


def hold(folder: Path, report: ResultReport, data: bytes, filename: str) -> str:
    """Keep a chosen (and valid) plan file for the next try; returns its token."""
    rr.checked_plan(data)
    token = secrets.token_hex(16)
    path = _path(folder, report, token)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.with_suffix(".name").write_text((filename or "")[:200], encoding="utf-8")
    return token


def held(folder: Path, report: ResultReport, token: str) -> tuple[bytes, str] | None:
    """The file kept under ``token`` for this report, with its name; None if there is none."""
    path = _path(folder, report, token)
    if path is None or not path.is_file():
        return None
    name = path.with_suffix(".name")
    return path.read_bytes(), name.read_text(encoding="utf-8") if name.is_file() else ""


def release(folder: Path, report: ResultReport, token: str) -> None:
    path = _path(folder, report, token)
    if path is not None:
        path.unlink(missing_ok=True)
        path.with_suffix(".name").unlink(missing_ok=True)


def sweep(folder: Path, *, now: datetime) -> int:
    """Delete kept files (and their names) last written HOLD_FOR or more before ``now``;
    returns how many files."""
    held_dir = folder / "held"
    if not held_dir.is_dir():
        return 0
    limit, gone = (now - HOLD_FOR).timestamp(), 0
    for path in held_dir.iterdir():
        try:
            if path.stat().st_mtime <= limit:
                path.unlink()
                gone += path.suffix != ".name"
        except FileNotFoundError:  # another process swept it first
            pass
    return gone
