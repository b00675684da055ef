"""The organizer's live dashboard: every venue at a glance, refreshed every few seconds.

At national size (7,400 points, 960,000 people) the venues are filtered and paged in SQL
(attendance.live) and only the page's venues are summarized per category.
"""

import time
from datetime import datetime, timezone

from flask import abort, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from attendance import permissions
from attendance.figures import live
from attendance.figures.summary import summarize
from attendance.roll import link
from attendance.models import StudySession, Venue

from ..extensions import db
from ..loading import session_or_404
from ..roll.forms import LINK_ITEM_LABELS, READINESS_LABELS

READINESS_SHOWN = 30  # points named per list; the rest are counted
PER_PAGE = 50
# The session's totals are one aggregate over every person (about 1 s on SQLite at national
# size). Each open dashboard asks every 5 s, so each process keeps the last answer for 3 s:
# figures may be up to 3 s old (shorter than the refresh, and the page says when it was
# updated), in exchange for one aggregate per process per 3 s instead of one per viewer per
# refresh. It is a time-boxed copy of a fresh aggregate, never a counter that could drift.
# DASHBOARD_CACHE_SECONDS = 0 turns it off. The venue rows of the page are always fresh.
CACHE_SECONDS = 3.0


@login_required
def dashboard(session_id: int):
    session = session_or_404(current_user, session_id)
    scope = _scope(session)
    query, kind = request.args.get("q", "").strip(), request.args.get("kind", "")
    kind = kind if kind in ("hall", "bridge_point") else ""
    lagging = request.args.get("lagging") == "1"
    threshold = live.warning_threshold(db.session, session.id)  # percent; below it: marked
    venue_ids = scope
    if query:
        venue_ids = live.matching_venue_ids(db.session, session.id, query, scope)
    page = max(request.args.get("page", 1, type=int), 1)
    overview = cached_overview(session.id, scope, threshold)
    if lagging:  # the cached overview names them: no second pass over every person
        venues, count = _lagging_page(overview, venue_ids, kind, page)
    else:
        venues, count = live.venue_page(
            db.session, session.id, limit=PER_PAGE, offset=(page - 1) * PER_PAGE,
            venue_ids=venue_ids, kind=kind or None)
    has_points = kind != "hall" and overview.points > 0
    readiness = _cached(("rehearsal", session.id, tuple(scope) if scope else None),
                        lambda: link.rehearsal(db.session, session, datetime.now(timezone.utc),
                                               scope)) if has_points else None
    context = dict(session=session, totals=overview.totals,
                   rows=summarize(db.session, session, venues).venues if venues else [],
                   threshold=threshold, lagging_count=overview.lagging,
                   may_manage=permissions.can_manage_session(current_user, session),
                   not_ready_count=overview.not_ready, not_signed_count=overview.not_signed,
                   page=_Page(page, max((count + PER_PAGE - 1) // PER_PAGE, 1)),
                   q=query, kind=kind, lagging=lagging, readiness=readiness,
                   link_labels=LINK_ITEM_LABELS, readiness_labels=READINESS_LABELS,
                   readiness_shown=READINESS_SHOWN)
    template = "summary/_live.html" if request.args.get("partial") else "summary/dashboard.html"
    return render_template(template, **context)


def _lagging_page(overview: live.Overview, venue_ids: list[int] | None, kind: str,
                  page: int) -> tuple[list[Venue], int]:
    """(venues of one page, how many in all) among the overview's lagging venues, in session
    order: as old as the overview (CACHE_SECONDS at most); the page's own figures are fresh."""
    wanted = None if venue_ids is None else set(venue_ids)
    ids = [venue_id for venue_id, venue_kind in overview.lagging_venues
           if (wanted is None or venue_id in wanted) and (not kind or venue_kind == kind)]
    chosen = ids[(page - 1) * PER_PAGE:page * PER_PAGE]
    venues = {v.id: v for v in db.session.scalars(select(Venue).where(Venue.id.in_(chosen)))}
    return [venues[i] for i in chosen if i in venues], len(ids)


def _scope(session: StudySession) -> list[int] | None:
    """None for those who read every venue, else the one venue the user may read (or 403)."""
    if permissions.can_read_all(current_user, session):
        return None
    own = permissions.assigned_venue_id(current_user, session)
    if own is None:
        abort(403)
    return [own]


def cached_overview(session_id: int, scope: list[int] | None = None,
                    threshold: float | None = None) -> live.Overview:
    """The session's (or a point's) overview, kept CACHE_SECONDS by this process.
    ``threshold``: the session's own (``live.warning_threshold``) when None."""
    if threshold is None:
        threshold = live.warning_threshold(db.session, session_id)
    return _cached((session_id, tuple(scope) if scope else None, threshold),
                   lambda: live.overview(db.session, session_id, threshold, scope))


def cached_totals(session_id: int):
    """The session's totals alone (the summary page's: live.totals, a fifth of the
    overview's work at national size), kept CACHE_SECONDS by this process as the overview."""
    return _cached(("totals", session_id), lambda: live.totals(db.session, session_id))


def _cached(key, compute):
    """``compute()``, kept CACHE_SECONDS per process under ``key`` (see CACHE_SECONDS)."""
    seconds = current_app.config.get("DASHBOARD_CACHE_SECONDS", CACHE_SECONDS)
    cache = current_app.extensions.setdefault("dashboard_overview", {})
    now = time.monotonic()
    hit = cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = compute()
    if seconds > 0:
        if len(cache) > 1000:  # one entry per session and coordinator: drop the stale ones
            for stale in [k for k, (until, _) in cache.items() if until <= now]:
                cache.pop(stale, None)
        cache[key] = (now + seconds, value)
    return value


class _Page:
    def __init__(self, page: int, pages: int):
        self.page, self.pages = page, pages
        self.has_prev, self.has_next = page > 1, page < pages
