"""The attendance summary page (organizer, viewer) and its downloads."""

import tempfile
from datetime import datetime, timezone
from itertools import islice

from flask import abort, current_app, render_template, send_file

from attendance import jobs, permissions
from attendance.figures.summary import summarize
from attendance.models import StudySession
from attendance.reports import lists
from attendance.reports.summary_export import FORMATS, WHATS, export

from ..auth import role_required
from ..extensions import db
from ..jobs import views as job_views

SHOWN = 500  # rows of each list on the page; the downloads hold them all
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
FILE_NAMES = {"summary": "tong-hop-diem-danh", "absentees": "danh-sach-vang-mat",
              "late": "danh-sach-di-muon"}


@role_required(permissions.can_read_all)
def summary(session_id: int):
    session = db.session.get(StudySession, session_id) or abort(404)
    absentees = list(islice(lists.absentees(db.session, session), SHOWN + 1))
    late = list(islice(lists.late_arrivals(db.session, session), SHOWN + 1))
    return render_template("reports/summary.html", session=session,
                           summary=summarize(db.session, session),
                           absentees=absentees[:SHOWN], more_absentees=len(absentees) > SHOWN,
                           late=late[:SHOWN], more_late=len(late) > SHOWN, shown=SHOWN,
                           whats=WHATS, formats=FORMATS)


@role_required(permissions.can_read_all)
def download(session_id: int, what: str, fmt: str):
    if what not in WHATS or fmt not in FORMATS:
        abort(404)
    session = db.session.get(StudySession, session_id) or abort(404)
    if jobs.size(db.session, session, what) > current_app.config["JOBS_DIRECT_PEOPLE"]:
        return job_views.offer(session, what, fmt)  # made in the background, with progress
    # On disk beyond a few MB: a national summary must not sit in the worker's memory.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    export(db.session, session, what, fmt, out, now=datetime.now(timezone.utc))
    out.seek(0)
    return send_file(out, mimetype=MIMETYPES[fmt], as_attachment=True,
                     download_name=f"{FILE_NAMES[what]}-{session.id}.{fmt}")
