"""The attendance summary page (organizer, viewer) and its downloads."""

import tempfile
from datetime import datetime, timezone
from itertools import islice

from flask import abort, current_app, render_template, request, send_file
from flask_login import current_user, login_required

from attendance import jobs
from attendance.figures import live
from attendance.figures.summary import summarize
from attendance.reports import lists
from attendance.reports.csv import DEFAULT_DIALECT, DIALECTS
from attendance.reports.summary_cells import final
from attendance.reports.summary_export import FORMATS, WHATS, export

from ..extensions import db
from ..jobs import views as job_views
from ..loading import session_or_404
from ..summary.dashboard import cached_totals

SHOWN = 500  # rows of each list on the page; the downloads hold them all
VENUES_SHOWN = 50  # venues per page of the table: a national session has 7,400 (an 11 MB page)
MIMETYPES = {
    "csv": "text/csv",  # Werkzeug adds "; charset=utf-8"
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
FILE_NAMES = {"summary": "tong-hop-diem-danh", "absentees": "danh-sach-vang-mat",
              "late": "danh-sach-di-muon"}


@login_required
def summary(session_id: int):
    session = session_or_404(current_user, session_id, read_all=True)
    # One grouped aggregate for the page's venues, and the session's totals alone (no pass
    # per venue), kept a few seconds (one aggregate per process, not one per view).
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    venues, count = live.venue_page(db.session, session.id, limit=VENUES_SHOWN,
                                    offset=(page - 1) * VENUES_SHOWN)
    pages = max(1, -(-count // VENUES_SHOWN))
    if page > pages:  # past the end: the last page
        page = pages
        venues, _ = live.venue_page(db.session, session.id, limit=VENUES_SHOWN,
                                    offset=(page - 1) * VENUES_SHOWN)
    rows = summarize(db.session, session, venues).venues if venues else []
    # The lists of the page's venues when there are several pages (of the whole session
    # they would walk all its people on every view); the downloads hold them all.
    ids = [v.id for v in venues] if pages > 1 else None
    absentees = list(islice(lists.absentees(db.session, session, ids), SHOWN + 1))
    late = list(islice(lists.late_arrivals(db.session, session, ids), SHOWN + 1))
    left = list(islice(lists.early_leavers(db.session, session, ids), SHOWN + 1))
    totals = cached_totals(session.id)
    return render_template("reports/summary.html", session=session,
                           totals=totals, venues=rows, final=final(totals),
                           left=left[:SHOWN], more_left=len(left) > SHOWN,
                           mode_labels=lists.MODE_LABELS,
                           page=_Page(page, pages), lists_of_page=ids is not None,
                           absentees=absentees[:SHOWN], more_absentees=len(absentees) > SHOWN,
                           late=late[:SHOWN], more_late=len(late) > SHOWN, shown=SHOWN,
                           whats=WHATS, formats=FORMATS)


class _Page:
    def __init__(self, page: int, pages: int):
        self.page, self.pages = page, pages
        self.has_prev, self.has_next = page > 1, page < pages


@login_required
def download(session_id: int, what: str, fmt: str):
    session = session_or_404(current_user, session_id, read_all=True)
    if what not in WHATS or fmt not in FORMATS:
        abort(404)
    dialect = request.args.get("dialect", DEFAULT_DIALECT)  # of a CSV; "excel": ","
    if dialect not in DIALECTS:
        abort(404)
    if jobs.size(db.session, session, what) > current_app.config["JOBS_DIRECT_PEOPLE"]:
        # made in the background, with progress
        return job_views.offer(session, what, fmt, dialect=dialect)
    # On disk beyond a few MB: a national summary must not sit in the worker's memory.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    try:
        export(db.session, session, what, fmt, out, now=datetime.now(timezone.utc),
               dialect=dialect)
    except BaseException:  # refused (a document nobody can sign) or failed: no file left open
        out.close()
        raise
    out.seek(0)
    return send_file(out, mimetype=MIMETYPES[fmt], as_attachment=True,
                     download_name=f"{FILE_NAMES[what]}-{session.id}.{fmt}")
