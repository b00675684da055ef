"""The cascade a view shows: kept when computing it is slow (attendance.outcomes.kept), so the
consolidated page and GET /api/v1/sessions/{id}/outcomes give the same figures of the same
time; an old kept copy is recomputed in the background by the view that claimed it."""

from datetime import datetime, timezone

from flask import current_app

from attendance.models import StudySession
from attendance.outcomes import kept

from ..extensions import db
from ..jobs import queue


def shown_cascade(session: StudySession) -> kept.Page:
    shown = kept.page_cascade(db.session, session, now=datetime.now(timezone.utc),
                              keep_above=current_app.config["OUTCOMES_KEEP_ABOVE_SECONDS"])
    db.session.commit()  # the kept copy, or the claim to recompute it, for every process
    if shown.refresh:
        queue.refresh_cascade(current_app._get_current_object(), session.id)
    return shown
