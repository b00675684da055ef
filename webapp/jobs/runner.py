"""Running one job in the worker: mark it running, write its file beside the others, record
done or failed (with the error's code, never a traceback for the user), count it for metrics."""

import logging
import os
from datetime import datetime, timezone
from pathlib import Path

from attendance import jobs
from attendance.errors import DomainError
from attendance.jobs import exports, imports
from attendance.models import Job
from attendance.outcomes import kept

from ..extensions import db
from . import files

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def run(app, job_id: str) -> None:
    # Its own app context: its own database session, even when run inside a request (tests).
    with app.app_context():
        job = jobs.start(db.session, job_id, now=_now())
        db.session.commit()
        if job is None:
            return
        try:
            file_name, result = _work(app, job)
        except DomainError as error:
            db.session.rollback()
            # The message's figures (a limit, a count) go with the code.
            _failed(job_id, error, dict(getattr(error, "result", None) or {},
                                        params=error.params))
        except Exception:
            log.exception("job %s failed", job_id)
            db.session.rollback()
            _failed(job_id, "server_error", None)
        else:
            jobs.finish(db.session, db.session.get(Job, job_id), file_name=file_name,
                        now=_now(), result=result)
            db.session.commit()


def refresh_cascade(app, session_id: int) -> None:
    """The consolidated page's kept cascade, recomputed (attendance.outcomes.kept). A failure
    is logged; the claim lapses and a later view asks again."""
    with app.app_context():
        try:
            kept.refresh(db.session, session_id, now=_now(),
                         keep_above=app.config["OUTCOMES_KEEP_ABOVE_SECONDS"],
                         large_above=app.config["JOBS_DIRECT_UNITS"])
            db.session.commit()
        except Exception:
            log.exception("recomputing the outcomes of session %s failed", session_id)
            db.session.rollback()


def _failed(job_id: str, error, result) -> None:
    job = db.session.get(Job, job_id)
    if job is not None:
        jobs.fail(db.session, job, error, now=_now(), result=result)
        db.session.commit()


def _progress(job_id: str):
    def report(percent: int) -> None:
        # A short transaction of its own: the export's long read is not disturbed, and
        # every app process sees the new figure at once.
        with db.engine.begin() as connection:
            jobs.progress(connection, job_id, percent)
    return report


def _work(app, job: Job) -> tuple[str, dict]:
    progress = _progress(job.id)
    if job.what in (jobs.ROSTER_IMPORT, jobs.MEMBER_IMPORT):
        from ..members.files import NO_SESSION  # member files are kept under "session 0"

        kept_under = job.session_id if job.what == jobs.ROSTER_IMPORT else NO_SESSION
        params = jobs.params(job)
        data = files.upload_bytes(app, kept_under, params["upload"])
        if data is None:
            raise DomainError("upload_gone")
        if job.what == jobs.ROSTER_IMPORT:
            result = imports.run(db.session, job, data, params["filename"], now=_now(),
                                 progress=progress, key=_card_key(app))
        else:
            result = imports.run_members(db.session, job, data, params["filename"], now=_now(),
                                         progress=progress)
        db.session.commit()
        if job.format == "import":
            files.discard_upload(app, kept_under, params["upload"])
        return "", result
    name = f"{job.id}.{job.format}"
    folder = files.folder(app)
    part = folder / f"{name}.part"
    try:
        with _request_context(app, job), open(part, "wb") as out:
            result = exports.write(db.session, job, out, key=_card_key(app), now=_now(),
                                   url_for_venue=_self_checkin_url, progress=progress,
                                   join=_join_links(job))
        os.replace(part, folder / name)  # never a half-written file under its name
    finally:
        if part.exists():
            part.unlink()
    return name, result


def _card_key(app) -> bytes:
    from ..checkin import card_key

    return card_key()


def _self_checkin_url(venue) -> str:
    from ..cards import self_checkin_url

    return self_checkin_url(venue)


def _join_links(job: Job):
    from ..cards import join_links

    return join_links(job.session)


def _request_context(app, job: Job):
    """Posters and the letters' join links point at the public address the organizer used when
    asking for them (unless the session has its own)."""
    base_url = jobs.params(job).get("base_url") or "http://127.0.0.1:5000"
    return app.test_request_context(base_url=base_url.rstrip("/"))


def expire(app) -> int:
    """Delete finished files past their keeping time, and their rows; fail cut-off jobs."""
    with app.app_context():
        jobs.abandon_stale(db.session, now=_now())
        gone = jobs.expired(db.session, now=_now())
        for job in gone:
            if job.file_name:
                Path(files.folder(app) / job.file_name).unlink(missing_ok=True)
            db.session.delete(job)
        db.session.commit()
        return len(gone)


