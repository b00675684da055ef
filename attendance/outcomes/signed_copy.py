"""The signed, stamped copy of a unit's result report (bản báo cáo đã ký, đóng dấu): the
reporter scans the printed report and attaches it; the organizer downloads it beside the
report itself. Accepted as a PDF or an image, judged by the content, never by the name."""

import io
import uuid
from datetime import datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import DomainError, NotFound, ValidationError
from attendance.models import ACCEPTED, ResultReport, User
from attendance.text import clean

MAX_SCAN_BYTES = 10 * 1024 * 1024
KINDS = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


def scan_kind(data: bytes) -> str | None:
    """"pdf", "png" or "jpeg" when the bytes are one (an image must decode); else None."""
    if data.startswith(b"%PDF-"):
        return "pdf" if b"%%EOF" in data[-2048:] else None  # a truncated upload is refused
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # reads the whole file: a picture cut short or forged fails
            kind = (image.format or "").lower()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    return kind if kind in ("png", "jpeg") else None


def attach_scan(db: Session, report: ResultReport, data: bytes, filename: str, *,
                folder: Path, now: datetime, actor: User | None) -> str:
    """Store the scan under ``folder``; returns the replaced file's stored name ("" if none),
    for the caller to discard once the change is committed. Refused once the report is
    accepted: the organizer has judged the copy it has."""
    if report.status == ACCEPTED:
        raise DomainError("report_accepted")
    if not data:
        raise ValidationError({"scan_file": "required"})
    if len(data) > MAX_SCAN_BYTES:
        raise ValidationError({"scan_file": "file_too_large"})
    kind = scan_kind(data)
    if kind is None:
        raise ValidationError({"scan_file": "bad_scan_type"})
    target_dir = folder / str(report.session_id)
    target_dir.mkdir(parents=True, exist_ok=True)
    stored = f"signed-{uuid.uuid4().hex}.{'jpg' if kind == 'jpeg' else kind}"
    (target_dir / stored).write_bytes(data)
    old = report.scan_stored
    report.scan_stored, report.scan_kind, report.scan_size = stored, kind, len(data)
    report.scan_filename = (clean(Path(filename or "").name) or stored)[:200]
    report.scan_at = report.updated_at = now
    audit.record(db, now=now, actor=actor, action="report.signed_copy",
                 session_id=report.session_id, target=report, filename=report.scan_filename,
                 size=len(data), kind=kind)
    db.flush()
    return old


def scan_path(report: ResultReport, folder: Path) -> Path:
    if not report.scan_stored:
        raise NotFound()
    return folder / str(report.session_id) / report.scan_stored
