"""Where jobs keep their files: JOBS_FOLDER (default instance/jobs). With several app nodes it
must be a folder every node and the worker share (README, Operations)."""

from pathlib import Path

from ..roster import uploads

# The download name of each export, as the direct downloads name them.
PREFIXES = {
    "cards": "the-dai-bieu", "invitations": "giay-moi", "posters": "ap-phich-diem-danh",
    "summary": "tong-hop-diem-danh", "absentees": "danh-sach-vang-mat",
    "late": "danh-sach-di-muon", "outcomes": "ket-qua-hoc-tap",
}
MIMETYPES = {
    "csv": "text/csv",  # Werkzeug adds "; charset=utf-8"
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "zip": "application/zip",  # the whole session's cards or letters, a PDF per venue
}


def folder(app) -> Path:
    path = Path(app.config.get("JOBS_FOLDER") or Path(app.instance_path) / "jobs")
    path.mkdir(parents=True, exist_ok=True)
    return path


def download_name(job) -> str:
    venue = f"-dia-diem-{job.venue_id}" if job.venue_id else ""
    return f"{PREFIXES.get(job.what, job.what)}-hoi-nghi-{job.session_id}{venue}.{job.format}"


def upload_bytes(app, session_id: int, upload_id: str) -> bytes | None:
    with app.test_request_context():
        return uploads.load(session_id, upload_id)


def discard_upload(app, session_id: int, upload_id: str) -> None:
    with app.test_request_context():
        uploads.discard(session_id, upload_id)
