"""Routes that belong to no feature: health check and the home page."""

from datetime import datetime, timezone

from flask import redirect, url_for
from flask_login import current_user, login_required

from attendance.sessions.landing import landing

from .extensions import db


def healthz():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@login_required
def home():
    """Each user's task of the day (sign-in lands here): see attendance.sessions.landing."""
    to = landing(db.session, current_user._get_current_object(),
                 now=datetime.now(timezone.utc))
    targets = {
        "scan": lambda: url_for("checkin.scan", session_id=to.session_id),
        "roll": lambda: url_for("roll.page", session_id=to.session_id, venue_id=to.venue_id),
        "report": lambda: url_for("outcomes.report", session_id=to.session_id,
                                  unit_id=to.unit_id),
        "session": lambda: url_for("sessions.show", session_id=to.session_id),
        "classes": lambda: url_for("classes.index"),
    }
    return redirect(targets.get(to.task, lambda: url_for("sessions.index"))())


def init_app(app) -> None:
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/", "home", home)
