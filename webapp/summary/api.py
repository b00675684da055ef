"""GET /api/v1/sessions/{id}/summary: expected and actual attendance per venue and category."""

from flask import request
from flask_login import current_user

from attendance import permissions
from attendance.models import StudySession
from attendance.summary import Summary, summarize

from ..errors import json_error
from ..extensions import db


def get_summary(session_id: int):
    if not current_user.is_authenticated:
        return json_error("unauthorized", 401)
    session = db.session.get(StudySession, session_id)
    if session is None:
        return json_error("not_found", 404)
    venues = [v for v in session.venues if permissions.can_read_venue(current_user, v)]
    if not venues:
        return json_error("forbidden", 403)
    raw = request.args.get("venue_id", "").strip()
    if raw:
        if not raw.isdigit():
            return json_error("bad_request", 400)
        venues = [v for v in venues if v.id == int(raw)]
        if not venues:
            return json_error("forbidden", 403)
    return summary_json(summarize(db.session, session, venues))


def summary_json(summary: Summary) -> dict:
    return {
        "session_id": summary.session.id,
        "venues": [{
            "id": row.venue.id, "name": row.venue.name, "kind": row.venue.kind,
            "readiness": row.venue.readiness,
            "signed_off": row.venue.signed_off_at is not None,
            "categories": [{"id": c.category.id, "name": c.category.name,
                            "headcount_only": c.category.headcount_only, **c.figures.as_dict()}
                           for c in row.categories],
            "totals": row.totals.as_dict(),
        } for row in summary.venues],
        "totals": summary.totals.as_dict(),
    }
