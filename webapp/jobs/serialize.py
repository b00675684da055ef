"""A job as the API and the job page show it."""

from flask import url_for

from attendance import jobs
from attendance.models import DONE, Job

from ..errors import message


def job_json(job: Job) -> dict:
    error = None
    if job.error:
        params = jobs.result(job).get("params") or {}
        error = {"code": job.error, "message": message(job.error, **params)}
    download = None
    if job.state == DONE and job.file_name:
        download = url_for("jobs_api.download", job_id=job.id, _external=False)
    return {"id": job.id, "state": job.state, "progress": job.progress, "error": error,
            "download": download, "what": job.what, "format": job.format,
            "session_id": job.session_id, "venue_id": job.venue_id,
            "result": jobs.result(job)}
