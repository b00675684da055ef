"""POST /api/v1/sessions/{id}/exports, GET /api/v1/jobs/{id} and its file."""

from datetime import datetime, timezone

from flask import abort, current_app, request, send_file
from flask_login import current_user, login_required

from attendance import jobs, permissions
from attendance.errors import ValidationError
from attendance.ids import row_id
from attendance.models import DONE, Job, StudySession
from attendance.reports.csv import DEFAULT_DIALECT, DIALECTS

from ..extensions import db
from ..loading import session_or_404
from . import files, queue
from .serialize import job_json


def start_export(session: StudySession, *, what: str, fmt: str, venue_id: int | None,
                 signer: str = "", dialect: str = DEFAULT_DIALECT) -> Job:
    """Create the job (the caller's rights checked by the service), commit, enqueue.
    ``dialect``: of a CSV (attendance.reports.csv)."""
    if dialect not in DIALECTS:
        raise ValidationError({"dialect": "bad_choice"})
    job = jobs.create_export(db.session, session, what=what, fmt=fmt, venue_id=venue_id,
                             actor=current_user, now=datetime.now(timezone.utc),
                             params={"base_url": request.host_url, "signer": signer[:200],
                                     "dialect": dialect},
                             whole_limit=current_app.config["JOBS_WHOLE_PRINT_PEOPLE"])
    db.session.commit()
    queue.enqueue(current_app, job.id)
    db.session.expire_all()  # in immediate mode (tests) the job has run by now
    return db.session.get(Job, job.id)


def start_import(session: StudySession, data: bytes, filename: str, *, mode: str,
                 upload: str | None = None, confirm: bool = False) -> Job:
    """A roster file kept on the server (instance/uploads), checked or imported by a job."""
    from ..roster import uploads

    upload = upload or uploads.save(session.id, data, filename)
    job = jobs.create_import(db.session, session, upload=upload, filename=filename,
                             actor=current_user, now=datetime.now(timezone.utc),
                             confirm=confirm, mode=mode)
    db.session.commit()
    queue.enqueue(current_app, job.id)
    db.session.expire_all()
    return db.session.get(Job, job.id)


@login_required
def post_export(session_id: int):
    session = session_or_404(current_user, session_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError({"what": "required"})
    raw_venue = body.get("venue_id")
    venue_id = row_id(raw_venue)
    if raw_venue is not None and venue_id is None:
        raise ValidationError({"venue_id": "bad_choice"})
    dialect = body.get("dialect", DEFAULT_DIALECT)
    job = start_export(session, what=str(body.get("what") or ""),
                       fmt=str(body.get("format") or ""), venue_id=venue_id,
                       dialect=dialect if isinstance(dialect, str) else "")  # {} is no name
    answer = job_json(job)
    return {"job": {k: answer[k] for k in ("id", "state", "progress")}}, 202, {
        "Location": f"/api/v1/jobs/{job.id}"}


def load_job(job_id: str) -> Job:
    job = db.session.get(Job, job_id) if len(job_id) <= 32 else None
    if job is None:
        abort(404)
    if job.session is not None and not permissions.can_see_session(current_user, job.session):
        abort(404)  # another committee's job is not there
    if job.session is None and job.user_id != current_user.id:
        abort(404)  # a member import is its organizer's alone
    if not jobs.may_see(current_user, job):
        abort(403)
    return job


@login_required
def get_job(job_id: str):
    return job_json(load_job(job_id))


@login_required
def download(job_id: str):
    job = load_job(job_id)
    path = files.folder(current_app) / job.file_name if job.file_name else None
    if job.state != DONE or path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=files.MIMETYPES[job.format], as_attachment=True,
                         download_name=files.download_name(job), max_age=0)
    response.headers["Cache-Control"] = "private, no-store"  # rosters, phone numbers, QR codes
    return response
