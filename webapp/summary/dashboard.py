"""The organizer's live dashboard: every venue at a glance, refreshed every few seconds."""

from flask import abort, render_template, request
from flask_login import current_user, login_required

from attendance import permissions
from attendance.models import StudySession
from attendance.summary import summarize
from attendance.text import fold

from ..extensions import db

PER_PAGE = 50
THRESHOLD = 95.0  # percent; below it a venue is highlighted


@login_required
def dashboard(session_id: int):
    session = db.session.get(StudySession, session_id) or abort(404)
    venues = [v for v in session.venues if permissions.can_read_venue(current_user, v)]
    if not venues:
        abort(403)
    summary = summarize(db.session, session, venues)
    rows = summary.venues
    query, kind = request.args.get("q", "").strip(), request.args.get("kind", "")
    lagging = request.args.get("lagging") == "1"
    if query:
        rows = [r for r in rows if fold(query) in fold(r.venue.name)]
    if kind in ("hall", "bridge_point"):
        rows = [r for r in rows if r.venue.kind == kind]
    if lagging:
        rows = [r for r in rows if _lags(r)]
    page = max(request.args.get("page", 1, type=int), 1)
    pages = max((len(rows) + PER_PAGE - 1) // PER_PAGE, 1)
    shown = rows[(page - 1) * PER_PAGE: page * PER_PAGE]
    context = dict(session=session, summary=summary, rows=shown, threshold=THRESHOLD,
                   lagging_count=sum(1 for r in summary.venues if _lags(r)),
                   not_ready=[r.venue for r in summary.venues
                              if r.venue.kind == "bridge_point" and r.venue.readiness != "connected"],
                   not_signed=[r.venue for r in summary.venues
                               if r.venue.kind == "bridge_point" and r.venue.signed_off_at is None],
                   page=_Page(page, pages), q=query, kind=kind, lagging=lagging)
    template = "summary/_live.html" if request.args.get("partial") else "summary/dashboard.html"
    return render_template(template, **context)


def _lags(row) -> bool:
    rate = row.totals.rate
    return rate is not None and rate < THRESHOLD


class _Page:
    def __init__(self, page: int, pages: int):
        self.page, self.pages = page, pages
        self.has_prev, self.has_next = page > 1, page < pages
