"""Uploaded roster files kept between the preview and the confirmation.

The bytes stay on the server (in the instance folder) under a random id, so the confirmation
re-reads the very file that was previewed and never trusts values sent back by the browser.
"""

import re
import secrets
import time
from pathlib import Path

from flask import current_app

UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{22,64}\.(csv|xlsx)$")
MAX_AGE_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads" / "roster"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(session_id: int, upload_id: str) -> Path | None:
    if not UPLOAD_ID.match(upload_id or ""):
        return None
    return _folder() / f"{session_id}-{upload_id}"


def save(session_id: int, data: bytes, filename: str) -> str:
    _forget_old()
    kind = "xlsx" if filename.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK" else "csv"
    upload_id = f"{secrets.token_urlsafe(24)}.{kind}"
    _path(session_id, upload_id).write_bytes(data)
    return upload_id


def load(session_id: int, upload_id: str) -> bytes | None:
    path = _path(session_id, upload_id)
    return path.read_bytes() if path is not None and path.is_file() else None


def discard(session_id: int, upload_id: str) -> None:
    path = _path(session_id, upload_id)
    if path is not None:
        path.unlink(missing_ok=True)


def _forget_old() -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for path in _folder().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:  # another worker removed it first
            pass
