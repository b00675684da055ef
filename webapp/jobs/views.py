"""The job pages: start an export from a form, watch its progress bar, get the file."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from attendance import jobs
from attendance.errors import DomainError
from attendance.models import DONE, StudySession
from attendance.reports.csv import DEFAULT_DIALECT

from ..errors import flash_error, message
from ..loading import session_or_404
from .api import load_job, start_export, start_import
from .serialize import job_json


def _session(session_id: int) -> StudySession:
    return session_or_404(current_user, session_id)


@login_required
def start(session_id: int):
    """POST what/format[/venue_id] (CSRF): a job, then its page."""
    session = _session(session_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    venue = request.form.get("venue_id", "")
    if venue and not venue.isdigit():
        abort(404)
    try:
        job = start_export(session, what=request.form.get("what", ""),
                           fmt=request.form.get("format", ""),
                           venue_id=int(venue) if venue else None,
                           signer=request.form.get("signer", ""),
                           dialect=request.form.get("dialect") or DEFAULT_DIALECT)
    except DomainError as error:
        if error.code == "forbidden":
            abort(403)
        flash_error(error)
        return redirect(url_for("sessions.show", session_id=session.id))
    return redirect(url_for("jobs.show", session_id=session.id, job_id=job.id), 303)


@login_required
def show(session_id: int, job_id: str):
    job = load_job(job_id)
    if job.session_id != session_id:
        abort(404)
    return render_template("jobs/show.html", session=job.session, job=job,
                           data=job_json(job), labels=LABELS, form=FlaskForm(),
                           result=jobs.result(job), message=message)


@login_required
def import_confirm(session_id: int, job_id: str):
    """The checked file of a finished "check" job, imported by a second job (all or none)."""
    job = load_job(job_id)
    if (job.session_id != session_id or job.what != jobs.ROSTER_IMPORT
            or job.format != "check" or job.state != DONE):
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    params = jobs.params(job)
    second = start_import(job.session, b"", params["filename"], mode=params.get("mode", "add"),
                          upload=params["upload"], confirm=True)
    return redirect(url_for("jobs.show", session_id=session_id, job_id=second.id), 303)


def offer(session: StudySession, what: str, fmt: str, venue_id: int | None = None,
          dialect: str | None = None, people: int | None = None):
    """The page a direct download link shows when the file is too big to make in a request.
    A whole session's cards or letters for more than JOBS_WHOLE_PRINT_PEOPLE ``people``:
    the ZIP of one PDF per venue (one PDF would be refused)."""
    if (what in jobs.PER_VENUE and venue_id is None and people is not None
            and people > current_app.config["JOBS_WHOLE_PRINT_PEOPLE"]):
        fmt = "zip"
    return render_template("jobs/offer.html", session=session, what=what, fmt=fmt,
                           venue_id=venue_id, labels=LABELS, dialect=dialect, people=people)


LABELS = {
    "cards": _l("Thẻ đại biểu"), "invitations": _l("Giấy mời"),
    "posters": _l("Áp phích điểm danh"),
    "summary": _l("Tổng hợp điểm danh"), "absentees": _l("Danh sách vắng mặt"),
    "late": _l("Danh sách đi muộn"), "outcomes": _l("Báo cáo kết quả học tập"),
    jobs.ROSTER_IMPORT: _l("Nhập danh sách đại biểu"),
    jobs.MEMBER_IMPORT: _l("Nhập danh sách đảng viên"),
}
