"""The cascade a view shows: kept when computing it is slow (attendance.outcomes.kept), so the
consolidated page and GET /api/v1/sessions/{id}/outcomes give the same figures of the same
time; an old kept copy is recomputed in the background by the view that claimed it."""

from datetime import datetime, timezone

from flask import current_app

from attendance.models import StudySession
from attendance.outcomes import kept

from ..extensions import db
from ..jobs import queue


def shown_cascade(session: StudySession, *, wait: bool = False) -> kept.Page:
    """The page's cascade; a large tree's first computation is pending (made in the
    background) unless ``wait`` (the API, which answers the figures)."""
    shown = _page(session, wait)
    if shown.refresh:
        queue.refresh_cascade(current_app._get_current_object(), session.id)
        if shown.pending:  # done already when the queue runs tasks at once (tests, no worker)
            db.session.expire_all()
            shown = _page(session, wait)
    return shown


def _page(session: StudySession, wait: bool) -> kept.Page:
    config = current_app.config
    shown = kept.page_cascade(db.session, session, now=datetime.now(timezone.utc),
                              keep_above=config["OUTCOMES_KEEP_ABOVE_SECONDS"],
                              large_above=config["JOBS_DIRECT_UNITS"], wait=wait)
    db.session.commit()  # the kept copy, or the claim to recompute it, for every process
    return shown
